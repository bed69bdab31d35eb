// What happened: the event log (what webhooks are sent) and the audit trail (who changed what).
import type { IDataObject } from 'n8n-workflow';
import { toTimedQuery } from '../params';
import { type OperationTable, id, many, one } from './shared';

export const activityOperations: OperationTable = {
  event: {
    async get(i) {
      return one(this, i, 'GET', `/v1/events/${id(this, 'eventId', i)}`);
    },
    async getAll(i) {
      const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
      return many(this, i, '/v1/events', toTimedQuery(this, filters, ['since'], i));
    },
  },
  audit: {
    async getAll(i) {
      const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
      return many(this, i, '/v1/audit', toTimedQuery(this, filters, ['since', 'until'], i));
    },
  },
};
