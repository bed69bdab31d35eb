// Delivery history: attempts per webhook, one attempt in full, re-send, and recovery of failures.
import { Type } from '@sinclair/typebox';
import { problems } from '../core/problem';
import { recoverWebhook, resendDelivery } from '../domain/deliveries';
import { defineRoute, reply } from '../http/route';
import { ATTEMPT_SORTS, findAttempt, listAttempts } from '../store/delivery-attempts';
import { findWebhook } from '../store/webhooks';
import { listNotifications } from '../store/notifications';
import { IdParams, Problem, Timestamp, dataOf, listQuery, listResponses, paging } from './common';

const AttemptSchema = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  messageId: Type.String({ description: 'The webhook-id header: the same on every retry and re-send.' }),
  messageStatus: Type.Union(
    [Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')],
    { description: "The message's state now; pending means more attempts are coming." },
  ),
  nextAttemptAt: Type.Union([Timestamp, Type.Null()], {
    description: 'When the message will be tried next; null unless it is pending.',
  }),
  attemptsLeft: Type.Integer({ description: 'Attempts the message still has before it counts as failed (8 in all).' }),
  url: Type.String(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Integer(),
  trigger: Type.String(),
  sentAt: Timestamp,
  request: Type.Object({ headers: Type.Record(Type.String(), Type.String()), body: Type.String() }),
  response: Type.Object({
    headers: Type.Record(Type.String(), Type.String()),
    body: Type.String({ description: 'Up to 20 KB.' }),
  }),
});

const list = defineRoute({
  method: 'GET',
  url: '/v1/webhooks/:id/deliveries',
  operationId: 'listWebhookDeliveries',
  summary: "A webhook's delivery history, newest first",
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  params: IdParams,
  query: listQuery(['sentAt', 'statusCode'] as const, { succeeded: Type.Optional(Type.Boolean()) }),
  responses: { ...listResponses(AttemptSchema), 404: { description: 'No such webhook.', schema: Problem } },
  async handler({ params, query, ctx, principal }) {
    const webhook = await findWebhook(ctx.store.db, principal().organizationId, params.id);
    if (!webhook) throw problems.notFound(`There is no webhook ${params.id}.`);
    const page = paging(query, ATTEMPT_SORTS, 'delivery_attempts.id', '-sentAt');
    const result = await listAttempts(
      ctx.store.db,
      webhook.id,
      { q: query.q, succeeded: query.succeeded },
      page.keyset,
    );
    return reply.list(
      result.items,
      page.next(result, (a, field) => ATTEMPT_SORTS[field].value(a)),
    );
  },
});

const get = defineRoute({
  method: 'GET',
  url: '/v1/deliveries/:id',
  operationId: 'getDelivery',
  summary: 'One delivery attempt: request headers and payload, response status, headers and body',
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  params: IdParams,
  responses: {
    200: { description: 'The attempt.', schema: dataOf(AttemptSchema) },
    404: { description: 'No such delivery.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    const attempt = await findAttempt(ctx.store.db, principal().organizationId, params.id);
    if (!attempt) throw problems.notFound(`There is no delivery ${params.id}.`);
    return reply.ok(attempt);
  },
});

const resend = defineRoute({
  method: 'POST',
  url: '/v1/deliveries/:id/resend',
  operationId: 'resendDelivery',
  summary: 'Send the message of a delivery again, with the same webhook-id',
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  params: IdParams,
  responses: {
    202: { description: 'Queued; it goes out at once.', schema: dataOf(Type.Object({ messageId: Type.String() })) },
    404: { description: 'No such delivery.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    const messageId = await resendDelivery(ctx, principal(), params.id);
    return { status: 202, body: { data: { messageId } } };
  },
});

const recover = defineRoute({
  method: 'POST',
  url: '/v1/webhooks/:id/recover',
  operationId: 'recoverWebhook',
  summary: 'Re-queue every message that failed since a time',
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  params: IdParams,
  body: Type.Object({ since: Timestamp }, { additionalProperties: false }),
  responses: {
    202: {
      description: 'How many messages were re-queued.',
      schema: dataOf(Type.Object({ requeued: Type.Integer() })),
    },
    404: { description: 'No such webhook.', schema: Problem },
  },
  async handler({ params, body, ctx, principal }) {
    const requeued = await recoverWebhook(ctx, principal(), params.id, new Date(body.since));
    return { status: 202, body: { data: { requeued } } };
  },
});

const NotificationSchema = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  kind: Type.String({ description: 'disabled, or digest (messages that failed every retry)' }),
  recipients: Type.Array(Type.String()),
  subject: Type.String(),
  body: Type.String(),
  createdAt: Timestamp,
  sentAt: Type.Union([Timestamp, Type.Null()], {
    description: 'Null when no SMTP_URL is configured, or sending failed (see error).',
  }),
  error: Type.Union([Type.String(), Type.Null()]),
});

const notifications = defineRoute({
  method: 'GET',
  url: '/v1/webhooks/:id/notifications',
  operationId: 'listWebhookNotifications',
  summary: "A webhook's error notifications (also e-mailed when SMTP is configured), newest first",
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  params: IdParams,
  query: listQuery(['createdAt'] as const, {}, { search: false }),
  responses: { ...listResponses(NotificationSchema), 404: { description: 'No such webhook.', schema: Problem } },
  async handler({ params, query, ctx, principal }) {
    const webhook = await findWebhook(ctx.store.db, principal().organizationId, params.id);
    if (!webhook) throw problems.notFound(`There is no webhook ${params.id}.`);
    const page = paging(query, { createdAt: 'notifications.created_at' }, 'notifications.id', '-createdAt');
    const result = await listNotifications(ctx.store.db, webhook.id, page.keyset);
    return reply.list(
      result.items,
      page.next(result, (n) => n.createdAt),
    );
  },
});

export const deliveryRoutes = [list, get, resend, recover, notifications];
