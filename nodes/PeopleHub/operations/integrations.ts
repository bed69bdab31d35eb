// Webhooks and their deliveries, the HiBob sync, and parsing chat messages.
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';
import { parseChatMessages } from '../message';
import { toBody, toQuery, toTimestamp } from '../params';
import { type OperationTable, id, many, nodeVersion, one, plainId, remove } from './shared';

/** How often "Wait for Completion" asks for the run, and for how long at most in version 1. */
const RUN_POLL_MS = 1_000;
const RUN_WAIT_LIMIT_MS = 60 * 60 * 1_000;
/** Version 2's Timeout when the parameter is missing, in seconds. */
const DEFAULT_TIMEOUT_S = 600;

export const integrationOperations: OperationTable = {
  webhook: {
    async create(i) {
      const body = {
        name: this.getNodeParameter('name', i) as string,
        url: this.getNodeParameter('url', i) as string,
        events: this.getNodeParameter('events', i) as string[],
        ...toBody(this, this.getNodeParameter('additionalFields', i, {}) as IDataObject, i, 'create'),
      };
      return one(this, i, 'POST', '/v1/webhooks', body);
    },
    async get(i) {
      return one(this, i, 'GET', `/v1/webhooks/${id(this, 'webhookId', i)}`);
    },
    async getAll(i) {
      return many(this, i, '/v1/webhooks', toQuery(this.getNodeParameter('filters', i, {}) as IDataObject));
    },
    async update(i) {
      const fields = this.getNodeParameter('updateFields', i, {}) as IDataObject;
      // Cleared emails mean "nobody"; the other settings have no empty value to send. Version 2
      // leaves out what an expression gives as null as well.
      const body = toBody(this, fields, i, nodeVersion(this) >= 2 ? 'changes' : 'create');
      if (fields.errorRecipientEmails === '') body.errorRecipientEmails = [];
      return one(this, i, 'PATCH', `/v1/webhooks/${id(this, 'webhookId', i)}`, body);
    },
    async delete(i) {
      return remove(this, i, `/v1/webhooks/${id(this, 'webhookId', i)}`);
    },
    async rotateSecret(i) {
      return one(this, i, 'POST', `/v1/webhooks/${id(this, 'webhookId', i)}/rotate-secret`);
    },
    async recover(i) {
      const since = toTimestamp(this, 'Since', this.getNodeParameter('since', i), i);
      const webhookId = plainId(this, 'webhookId', i);
      const answer = await one(this, i, 'POST', `/v1/webhooks/${encodeURIComponent(webhookId)}/recover`, { since });
      return { webhookId, since, ...answer };
    },
    async test(i) {
      return one(this, i, 'POST', `/v1/webhooks/${id(this, 'webhookId', i)}/test`, {
        eventType: this.getNodeParameter('eventType', i) as string,
      });
    },
  },
  delivery: {
    async get(i) {
      return one(this, i, 'GET', `/v1/deliveries/${id(this, 'deliveryId', i)}`);
    },
    async getAll(i) {
      return many(
        this,
        i,
        `/v1/webhooks/${id(this, 'webhookId', i)}/deliveries`,
        toQuery(this.getNodeParameter('filters', i, {}) as IDataObject),
      );
    },
    async resend(i) {
      return one(this, i, 'POST', `/v1/deliveries/${id(this, 'deliveryId', i)}/resend`);
    },
  },
  hibob: {
    async syncNow(i) {
      const run = await one(this, i, 'POST', '/v1/integrations/hibob/sync');
      if (!(this.getNodeParameter('waitForCompletion', i, false) as boolean)) return run;
      // Version 1 waits up to an hour; version 2 as long as its Timeout says.
      const limitMs =
        nodeVersion(this) >= 2
          ? (this.getNodeParameter('timeout', i, DEFAULT_TIMEOUT_S) as number) * 1_000
          : RUN_WAIT_LIMIT_MS;
      for (let waited = 0; waited < limitMs; waited += RUN_POLL_MS) {
        await sleep(Math.min(RUN_POLL_MS, limitMs - waited));
        const current = await one(this, i, 'GET', `/v1/integrations/hibob/runs/${encodeURIComponent(String(run.id))}`);
        if (current.status !== 'running') return current;
      }
      const waited = limitMs >= 60_000 && limitMs % 60_000 === 0 ? `${limitMs / 60_000} min` : `${limitMs / 1_000} s`;
      throw new NodeOperationError(this.getNode(), `HiBob sync ${String(run.id)} was still running after ${waited}`, {
        itemIndex: i,
        description: 'The run goes on in PeopleHub: HiBob Sync → Get Run with its ID reads the result later.',
      });
    },
    async getAllRuns(i) {
      return many(this, i, '/v1/integrations/hibob/runs');
    },
    async getRun(i) {
      return one(this, i, 'GET', `/v1/integrations/hibob/runs/${id(this, 'runId', i)}`);
    },
    async getStatus(i) {
      return one(this, i, 'GET', '/v1/integrations/hibob');
    },
  },
  message: {
    async parse(i) {
      const text = this.getNodeParameter('text', i) as string;
      const messages = parseChatMessages(String(text ?? ''));
      if (messages.length === 0)
        throw new NodeOperationError(this.getNode(), 'The text holds no chat message', { itemIndex: i });
      return messages as unknown as IDataObject[];
    },
  },
};
