import type {
  IDataObject,
  IHookFunctions,
  INodeType,
  INodeTypeDescription,
  IWebhookFunctions,
  IWebhookResponseData,
  JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes } from 'n8n-workflow';
import { ALL_EVENTS_OPTION, EVENT_TYPE_OPTIONS } from '../PeopleHub/catalog';
import { apiRequest, apiRequestAll } from '../PeopleHub/transport';
import { verifySignature } from './signature';

/** What the node keeps per webhook URL (production and test URLs each get their own webhook). */
interface Subscription {
  id: string;
  secret: string;
}

type Subscriptions = Record<string, Subscription>;

interface RemoteWebhook {
  id: string;
  url: string;
  events: string[];
  status: string;
  format: string;
  signing: boolean;
}

function subscriptions(context: IHookFunctions | IWebhookFunctions): Subscriptions {
  const data = context.getWorkflowStaticData('node');
  if (typeof data.subscriptions !== 'object' || data.subscriptions === null) data.subscriptions = {};
  return data.subscriptions as Subscriptions;
}

function isNotFound(error: unknown): boolean {
  return error instanceof NodeApiError && error.httpCode === '404';
}

/** Anything but "not found" goes on up (the transport's errors are NodeApiError already). */
function unlessNotFound(context: IHookFunctions, error: unknown): void {
  if (!isNotFound(error)) throw new NodeApiError(context.getNode(), error as JsonObject);
}

/** The server's webhooks pointing at `url` (normally one; more only if something went wrong before). */
async function webhooksAt(context: IHookFunctions, url: string): Promise<RemoteWebhook[]> {
  // The search matches URLs by substring, and takes at most 200 characters: the URL's end is the distinctive part.
  const found = (await apiRequestAll.call(
    context,
    '/v1/webhooks',
    { q: url.slice(-200) },
    0,
  )) as unknown as RemoteWebhook[];
  return found.filter((hook) => hook.url === url);
}

/** Brings a webhook in line with the node: its events, JSON payloads, signing on, active. */
async function align(context: IHookFunctions, hook: RemoteWebhook, events: string[]): Promise<void> {
  const changes: IDataObject = {};
  const wanted = [...events].sort();
  if (JSON.stringify([...hook.events].sort()) !== JSON.stringify(wanted)) changes.events = wanted;
  if (hook.status !== 'active') changes.status = 'active';
  if (hook.format !== 'json') changes.format = 'json';
  if (!hook.signing) changes.signing = true;
  if (Object.keys(changes).length > 0)
    await apiRequest.call(context, 'PATCH', `/v1/webhooks/${encodeURIComponent(hook.id)}`, { body: changes });
}

/** The changed object, with the event type and the changes (empty when there are none) beside it. */
export function simplify(event: IDataObject): IDataObject {
  const data = (event.data ?? {}) as IDataObject;
  return { ...((data.object ?? {}) as IDataObject), event: event.type, changes: data.changes ?? [] };
}

export class PeopleHubTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'PeopleHub Trigger',
    name: 'peopleHubTrigger',
    icon: { light: 'file:peoplehub.svg', dark: 'file:peoplehub.dark.svg' },
    group: ['trigger'],
    version: 1,
    subtitle: '={{$parameter["events"].map(e => e === "*" ? "all events" : e).join(", ")}}',
    description: 'Starts the workflow when something changes in PeopleHub (signed webhooks)',
    defaults: { name: 'PeopleHub Trigger' },
    inputs: [],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'peopleHubApi', required: true }],
    webhooks: [
      {
        name: 'default',
        httpMethod: 'POST',
        responseMode: 'onReceived',
        path: 'webhook',
      },
    ],
    properties: [
      {
        displayName: 'Events',
        name: 'events',
        type: 'multiOptions',
        options: [ALL_EVENTS_OPTION, ...EVENT_TYPE_OPTIONS],
        required: true,
        default: [],
        description: 'The changes that start the workflow',
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        options: [
          {
            // In a collection, so workflows made before it keep the full event as their output.
            displayName: 'Simplify',
            name: 'simple',
            type: 'boolean',
            default: true,
            description: 'Whether to return a simplified version of the response instead of the raw data',
          },
        ],
      },
    ],
  };

  webhookMethods = {
    default: {
      /**
       * True when a webhook for this URL exists on the server; it is then brought in line with the
       * node (events, format, signing, active). A webhook the node lost track of (its static data
       * gone) is adopted rather than duplicated; one deleted on the server is forgotten.
       */
      async checkExists(this: IHookFunctions): Promise<boolean> {
        const url = this.getNodeWebhookUrl('default') as string;
        const events = this.getNodeParameter('events') as string[];
        const known = subscriptions(this);
        const entry = known[url];
        if (entry !== undefined) {
          try {
            const hook = (
              (await apiRequest.call(this, 'GET', `/v1/webhooks/${encodeURIComponent(entry.id)}`)) as {
                data: RemoteWebhook;
              }
            ).data;
            if (hook.url === url) {
              await align(this, hook, events);
              return true;
            }
          } catch (error) {
            unlessNotFound(this, error);
          }
          delete known[url];
        }
        const [adopted, ...duplicates] = await webhooksAt(this, url);
        if (adopted === undefined) return false;
        for (const duplicate of duplicates)
          await apiRequest.call(this, 'DELETE', `/v1/webhooks/${encodeURIComponent(duplicate.id)}`);
        const secret = (
          (await apiRequest.call(this, 'GET', `/v1/webhooks/${encodeURIComponent(adopted.id)}/secret`)) as {
            data: { secret: string };
          }
        ).data.secret;
        known[url] = { id: adopted.id, secret };
        await align(this, adopted, events);
        return true;
      },

      async create(this: IHookFunctions): Promise<boolean> {
        const url = this.getNodeWebhookUrl('default') as string;
        const events = this.getNodeParameter('events') as string[];
        const body = {
          name: `n8n: ${this.getWorkflow().name ?? 'workflow'}`.slice(0, 200),
          url,
          events,
          format: 'json',
          signing: true,
        };
        const hook = (
          (await apiRequest.call(this, 'POST', '/v1/webhooks', { body })) as { data: { id: string; secret: string } }
        ).data;
        subscriptions(this)[url] = { id: hook.id, secret: hook.secret };
        return true;
      },

      /** Deletes this URL's webhook; one already gone (404) counts as deleted. */
      async delete(this: IHookFunctions): Promise<boolean> {
        const url = this.getNodeWebhookUrl('default') as string;
        const known = subscriptions(this);
        const ids = new Set<string>();
        if (known[url] !== undefined) ids.add(known[url].id);
        else for (const hook of await webhooksAt(this, url)) ids.add(hook.id);
        for (const id of ids) {
          try {
            await apiRequest.call(this, 'DELETE', `/v1/webhooks/${encodeURIComponent(id)}`);
          } catch (error) {
            unlessNotFound(this, error);
          }
        }
        delete known[url];
        return true;
      },
    },
  };

  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    const request = this.getRequestObject();
    const secrets = Object.values(subscriptions(this)).map((s) => s.secret);
    const raw = (request as unknown as { rawBody?: Buffer }).rawBody;
    const verdict = Buffer.isBuffer(raw)
      ? verifySignature(secrets, request.headers, raw, Math.floor(Date.now() / 1000))
      : { ok: false as const, reason: 'no raw body to verify' };
    if (!verdict.ok) {
      // A plain 401: the reason would only help someone forging requests, so it goes to n8n's log.
      this.logger.debug('PeopleHub Trigger refused a delivery', { reason: verdict.reason });
      this.getResponseObject().status(401).end();
      return { noWebhookResponse: true };
    }
    const body = this.getBodyData() as IDataObject;
    // A batch ({"type": "batch", "data": [...]}) becomes one item per event.
    const events = body.type === 'batch' && Array.isArray(body.data) ? (body.data as IDataObject[]) : [body];
    const simple = (this.getNodeParameter('options', {}) as IDataObject).simple === true;
    return { workflowData: [events.map((event) => ({ json: simple ? simplify(event) : event }))] };
  }
}
