// Groups and roles, recognitions and programs, and engagement: overview, drivers, heatmap and answers.
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { splitList, toBody, toQuery, toTimestamp } from '../params';
import { apiRequest } from '../transport';
import {
  type OperationTable,
  employeeIdByEmail,
  id,
  idValue,
  many,
  nodeVersion,
  one,
  remove,
  updateBody,
} from './shared';

/** A timestamp filter as the API takes it (RFC 3339 with a zone); n8n's date picker gives local time without one. */
function timestamp(value: unknown): unknown {
  if (typeof value !== 'string' || value === '' || /(?:Z|[+-]\d\d:\d\d)$/.test(value)) return value;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? value : parsed.toISOString();
}

/**
 * An engagement read: interval, window and any extra parameters in the query; segments (one per
 * line, all must match) as repeated `segment` parameters written into the URL itself, since how a
 * query array is serialized differs between n8n versions.
 */
function engagementRequest(
  context: IExecuteFunctions,
  i: number,
  path: string,
  optionsName: string,
  extra: IDataObject,
) {
  const { segment, ...options } = toBody(
    context,
    context.getNodeParameter(optionsName, i, {}) as IDataObject,
    i,
    'create',
  );
  const segments = String(segment ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const url =
    segments.length === 0 ? path : `${path}?${segments.map((line) => `segment=${encodeURIComponent(line)}`).join('&')}`;
  return apiRequest.call(
    context,
    'GET',
    url,
    { qs: { interval: context.getNodeParameter('interval', i) as string, ...options, ...extra } },
    i,
  );
}

export const structureOperations: OperationTable = {
  group: {
    async create(i) {
      return one(this, i, 'POST', '/v1/groups', {
        name: this.getNodeParameter('name', i) as string,
        ...toBody(this, this.getNodeParameter('additionalFields', i, {}) as IDataObject, i, 'create'),
      });
    },
    async get(i) {
      return one(this, i, 'GET', `/v1/groups/${id(this, 'groupId', i)}`);
    },
    async getAll(i) {
      return many(this, i, '/v1/groups', toQuery(this.getNodeParameter('filters', i, {}) as IDataObject));
    },
    async update(i) {
      return one(this, i, 'PATCH', `/v1/groups/${id(this, 'groupId', i)}`, updateBody(this, i));
    },
    async delete(i) {
      return remove(this, i, `/v1/groups/${id(this, 'groupId', i)}`);
    },
  },
  role: {
    async create(i) {
      const body = {
        name: this.getNodeParameter('name', i) as string,
        groupId: await idValue(this, 'groupId', i),
        ...toBody(this, this.getNodeParameter('additionalFields', i, {}) as IDataObject, i, 'create'),
      };
      return one(this, i, 'POST', '/v1/roles', body);
    },
    async get(i) {
      return one(this, i, 'GET', `/v1/roles/${id(this, 'roleId', i)}`);
    },
    async getAll(i) {
      return many(this, i, '/v1/roles', toQuery(this.getNodeParameter('filters', i, {}) as IDataObject));
    },
    async update(i) {
      return one(this, i, 'PATCH', `/v1/roles/${id(this, 'roleId', i)}`, updateBody(this, i));
    },
    async delete(i) {
      return remove(this, i, `/v1/roles/${id(this, 'roleId', i)}`);
    },
    async assign(i) {
      const body = {
        employeeId: await idValue(this, 'employeeId', i),
        ...toBody(this, this.getNodeParameter('assignmentFields', i, {}) as IDataObject, i, 'create'),
      };
      return one(this, i, 'POST', `/v1/roles/${id(this, 'roleId', i)}/assignments`, body);
    },
    async unassign(i) {
      const employeeId = await idValue(this, 'employeeId', i);
      const answer = (await apiRequest.call(
        this,
        'DELETE',
        `/v1/roles/${id(this, 'roleId', i)}/assignments`,
        { qs: { employeeId } },
        i,
      )) as { data?: IDataObject } | undefined;
      return answer?.data ?? { unassigned: true };
    },
  },
  recognition: {
    async create(i) {
      const recipients = splitList(this.getNodeParameter('recipientIds', i));
      const body = {
        giverId: await idValue(this, 'giverId', i),
        // Version 2 takes people by email too; version 1 sent what it was given.
        recipientIds:
          nodeVersion(this) >= 2
            ? await Promise.all(
                recipients.map((recipient) =>
                  recipient.includes('@') ? employeeIdByEmail(this, recipient, i) : recipient,
                ),
              )
            : recipients,
        ...toBody(this, this.getNodeParameter('additionalFields', i, {}) as IDataObject, i, 'create'),
      };
      return one(this, i, 'POST', '/v1/recognitions', body);
    },
    async get(i) {
      return one(this, i, 'GET', `/v1/recognitions/${id(this, 'recognitionId', i)}`);
    },
    async getAll(i) {
      const qs = toQuery(this.getNodeParameter('filters', i, {}) as IDataObject);
      if (qs.since !== undefined) qs.since = timestamp(qs.since) as string;
      return many(this, i, '/v1/recognitions', qs);
    },
  },
  program: {
    async create(i) {
      return one(this, i, 'POST', '/v1/programs', {
        name: this.getNodeParameter('name', i) as string,
        ...toBody(this, this.getNodeParameter('additionalFields', i, {}) as IDataObject, i, 'create'),
      });
    },
    async getAll(i) {
      return many(this, i, '/v1/programs', toQuery(this.getNodeParameter('filters', i, {}) as IDataObject));
    },
  },
  engagement: {
    async getOverview(i) {
      const answer = (await engagementRequest(this, i, '/v1/engagement/overview', 'overviewOptions', {})) as {
        data: IDataObject;
      };
      return answer.data;
    },
    async getDrivers(i) {
      const answer = (await engagementRequest(this, i, '/v1/engagement/drivers', 'analyticsOptions', {})) as {
        data: IDataObject & { drivers: IDataObject[] };
      };
      const { drivers, ...window } = answer.data;
      return drivers.map((driver) => ({ ...driver, window }));
    },
    async getHeatmap(i) {
      const by = this.getNodeParameter('by', i) as string;
      const dimension =
        by === 'attribute' ? `attribute:${(this.getNodeParameter('attributeName', i) as string).trim()}` : by;
      const answer = (await engagementRequest(this, i, '/v1/engagement/heatmap', 'analyticsOptions', {
        by: dimension,
      })) as { data: IDataObject & { rows: IDataObject[] } };
      // Version 1 gives the heatmap as one item; version 2 one item per row, with the window beside it.
      if (nodeVersion(this) < 2) return answer.data;
      const { rows, ...window } = answer.data;
      return rows.map((row) => ({ ...row, window }));
    },
    async submitAnswers(i) {
      const answeredAt = this.getNodeParameter('answeredAt', i, '') as string;
      const answer = {
        employeeId: await idValue(this, 'employeeId', i),
        question: String(this.getNodeParameter('question', i)).trim(),
        score: this.getNodeParameter('score', i) as number,
        answeredAt: answeredAt === '' ? new Date().toISOString() : toTimestamp(this, 'Answered At', answeredAt, i),
      };
      const recorded = await one(this, i, 'POST', '/v1/engagement/answers', { answers: [answer] });
      return { ...answer, ...recorded };
    },
  },
};
