import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { EVENT_TYPE_OPTIONS } from '../PeopleHub/catalog';
import { apiRequest, apiRequestAll } from '../PeopleHub/transport';

/**
 * How far back each poll looks again. An event's timestamp is taken when its change begins and it
 * becomes visible when that change commits, so an event can appear a moment after later ones did;
 * polls overlap by this much and remember the events they have seen, so none is skipped or repeated.
 */
export const OVERLAP_MS = 2 * 60 * 1000;

interface Cursor {
  /** The newest event timestamp seen so far. */
  since: string;
  /** Ids of the events seen within OVERLAP_MS of `since`. */
  seen: string[];
}

interface PeopleEvent extends IDataObject {
  id: string;
  type: string;
  timestamp: string;
}

/** Polls move forward from here; it is also where a new trigger starts. */
function shift(timestamp: string, ms: number): string {
  return new Date(Date.parse(timestamp) + ms).toISOString();
}

export class PeopleHubEventsTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'PeopleHub Events Trigger',
    name: 'peopleHubEventsTrigger',
    icon: { light: 'file:peoplehub.svg', dark: 'file:peoplehub.dark.svg' },
    group: ['trigger'],
    version: 1,
    subtitle: '={{$parameter["events"].length ? $parameter["events"].join(", ") : "All events"}}',
    description: 'Starts the workflow for new PeopleHub events by polling, for n8n instances PeopleHub cannot reach',
    defaults: { name: 'PeopleHub Events Trigger' },
    polling: true,
    inputs: [],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'peopleHubApi', required: true }],
    properties: [
      {
        displayName:
          "This trigger reads PeopleHub's event log: the credential's app needs the <b>audit:read</b> permission (set it on the app in the PeopleHub console, under Apps)",
        name: 'notice',
        type: 'notice',
        default: '',
      },
      {
        displayName: 'Events',
        name: 'events',
        type: 'multiOptions',
        options: EVENT_TYPE_OPTIONS,
        default: [],
        description: 'The changes that start the workflow; none selected means all',
      },
    ],
  };

  async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
    const types = new Set(this.getNodeParameter('events', []) as string[]);
    const wanted = (event: PeopleEvent) => types.size === 0 || types.has(event.type);

    if (this.getMode() === 'manual') {
      // The newest matching event, so a builder sees the shape to map; nothing is remembered.
      const qs: IDataObject = {
        sort: '-timestamp',
        limit: types.size === 1 ? 1 : 200,
        ...(types.size === 1 ? { type: [...types][0] } : {}),
      };
      const page = (await apiRequest.call(this, 'GET', '/v1/events', { qs })) as { data: PeopleEvent[] };
      const latest = page.data.find(wanted);
      return latest === undefined ? null : [[{ json: latest }]];
    }

    const data = this.getWorkflowStaticData('node');
    let cursor = data.cursor as Cursor | undefined;
    const starting = cursor === undefined;
    if (cursor === undefined) {
      // A new trigger starts at the newest event: everything up to it counts as seen, and nothing is emitted.
      const page = (await apiRequest.call(this, 'GET', '/v1/events', { qs: { sort: '-timestamp', limit: 1 } })) as {
        data: PeopleEvent[];
      };
      cursor = { since: page.data[0]?.timestamp ?? new Date().toISOString(), seen: [] };
    }

    const seen = new Set(cursor.seen);
    const events = (await apiRequestAll.call(
      this,
      '/v1/events',
      { since: shift(cursor.since, -OVERLAP_MS), sort: 'timestamp' },
      0,
    )) as PeopleEvent[];
    // A starting poll stops at the newest event it first saw: one written while it read the rest is
    // left for the next poll to emit, not taken as seen.
    const start = cursor.since;
    const read = starting ? events.filter((event) => event.timestamp <= start) : events;
    const fresh = read.filter((event) => !seen.has(event.id));
    const since = read.reduce((newest, event) => (event.timestamp > newest ? event.timestamp : newest), start);
    const horizon = shift(since, -OVERLAP_MS);
    data.cursor = {
      since,
      seen: read.filter((event) => event.timestamp >= horizon).map((event) => event.id),
    } satisfies Cursor;

    const emitted = starting ? [] : fresh.filter(wanted);
    return emitted.length === 0 ? null : [emitted.map((event) => ({ json: event }))];
  }
}
