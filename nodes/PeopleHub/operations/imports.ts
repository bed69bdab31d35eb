// Import runs from any HRIS: a snapshot of every input item sent as one run, and the runs themselves.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { SNAPSHOT_PERSON_FIELDS } from '../catalog';
import { toQuery } from '../params';
import { apiRequest } from '../transport';
import { type BatchOperationTable, type OperationTable, id, many, one } from './shared';

/** Snapshot members the API takes as calendar dates; n8n items often carry them as timestamps. */
const SNAPSHOT_DATES = new Set(['startDate', 'separationDate']);
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T/;
/** Other Fields when not set: leave them out, since the fields a read node adds would otherwise skip everyone. */
export const DEFAULT_OTHER_FIELDS = 'drop';

/** What a snapshot takes from an item: the person fields and `attributes`. */
function isPersonField(name: string): boolean {
  return name === 'attributes' || SNAPSHOT_PERSON_FIELDS.includes(name);
}

/**
 * One person of the snapshot from an input item. Fields that are not person fields are left out
 * (the default: read nodes add their own, like id or row_number), sent as they are (PeopleHub skips
 * that person and says why), or sent as custom attributes.
 */
export function personOf(json: IDataObject, otherFields: string): IDataObject {
  const person: IDataObject = {};
  const others: IDataObject = {};
  for (const [name, value] of Object.entries(json)) {
    if (isPersonField(name)) {
      person[name] =
        SNAPSHOT_DATES.has(name) && typeof value === 'string' && ISO_TIMESTAMP.test(value) ? value.slice(0, 10) : value;
    } else others[name] = value;
  }
  if (otherFields === 'skip') return { ...person, ...others };
  if (otherFields === 'attributes' && Object.keys(others).length > 0)
    person.attributes = { ...others, ...((person.attributes as IDataObject | undefined) ?? {}) };
  return person;
}

export const importBatchOperations: BatchOperationTable = {
  import: {
    async syncSnapshot(items: INodeExecutionData[]) {
      const options = this.getNodeParameter('snapshotOptions', 0, {}) as IDataObject;
      const otherFields = String(options.otherFields ?? DEFAULT_OTHER_FIELDS);
      const body: IDataObject = {
        source: (this.getNodeParameter('source', 0) as string).trim(),
        match: this.getNodeParameter('match', 0) as string,
        mode: this.getNodeParameter('mode', 0) as string,
        dryRun: this.getNodeParameter('dryRun', 0) as boolean,
        ...(options.adopt === undefined ? {} : { adopt: options.adopt }),
        ...(options.maxDeletePercent === undefined ? {} : { maxDeletePercent: options.maxDeletePercent }),
        people: items.map((item) => personOf(item.json, otherFields)),
      };
      const answer = (await apiRequest.call(this, 'POST', '/v1/imports', { body }, 0)) as { data: IDataObject };
      if (otherFields !== 'drop') return answer.data;
      // PeopleHub never sees the fields left out here, so the run cannot name them: the output does.
      const leftOut = new Set<string>();
      for (const item of items) for (const name of Object.keys(item.json)) if (!isPersonField(name)) leftOut.add(name);
      return { ...answer.data, leftOutFields: [...leftOut].sort() };
    },
  },
};

export const importOperations: OperationTable = {
  import: {
    async apply(i) {
      const confirmDeletions = this.getNodeParameter('confirmDeletions', i, false) as boolean;
      return one(
        this,
        i,
        'POST',
        `/v1/imports/${id(this, 'importId', i)}/apply`,
        confirmDeletions ? { confirmDeletions } : {},
      );
    },
    async get(i) {
      return one(this, i, 'GET', `/v1/imports/${id(this, 'importId', i)}`);
    },
    async getAll(i) {
      return many(this, i, '/v1/imports', toQuery(this.getNodeParameter('filters', i, {}) as IDataObject));
    },
  },
};
