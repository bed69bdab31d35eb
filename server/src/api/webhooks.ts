// /v1/webhooks: subscriptions (CRUD), their signing secret and its rotation. Delivery comes from the worker.
import { Type } from '@sinclair/typebox';
import {
  ALL_EVENTS,
  EVENT_TYPE_NAMES,
  type EventType,
  OPT_IN_EVENT_TYPES,
  type PeopleEvent,
  SUBSCRIBABLE_EVENTS,
} from '../core/events';
import { deliveryHeaders, renderPayload } from '../core/payload';
import { newId } from '../core/ids';
import { problems } from '../core/problem';
import type { Principal } from '../domain/principal';
import {
  checkWebhookUrl,
  createWebhook,
  deleteWebhook,
  optInRefusal,
  rotateWebhookSecret,
  updateWebhook,
} from '../domain/webhooks';
import { type RouteContext, defineRoute, reply } from '../http/route';
import {
  WEBHOOK_SORTS,
  type Webhook,
  type WebhookFormat,
  type WebhookSecrets,
  type WebhookStatus,
  findWebhook,
  listWebhooks,
  webhookSecrets,
} from '../store/webhooks';
import { SERVER_VERSION } from '../version';
import { vetDestination } from '../net/outbound';
import { eventExample } from './events';
import {
  HttpUrl,
  IdParams,
  NullableTimestamp,
  Problem,
  Text,
  Timestamp,
  dataOf,
  listQuery,
  listResponses,
  paging,
} from './common';

const EventTypeSchema = Type.Union(EVENT_TYPE_NAMES.map((t) => Type.Literal(t)));
/** What a webhook lists: event types, and `*` for every type, now and future, but the opt-in ones. */
const SubscribedEventSchema = Type.Union(
  SUBSCRIBABLE_EVENTS.map((t) => Type.Literal(t)),
  {
    description: `An event type, or ${ALL_EVENTS} for every type (also those added later) except the opt-in ones (${OPT_IN_EVENT_TYPES.join(', ')}), which a webhook receives only when it lists them by name, and only in the json format.`,
  },
);
const FormatSchema = Type.Union([
  Type.Literal('json'),
  Type.Literal('chat'),
  Type.Literal('slack'),
  Type.Literal('teams'),
]);
/** Checked fully by checkWebhookUrl; the schema says what it can. */
const Url = HttpUrl(2048);
const Emails = Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 20, uniqueItems: true });

const WebhookSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  events: Type.Array(SubscribedEventSchema),
  status: Type.Union([Type.Literal('active'), Type.Literal('inactive'), Type.Literal('disabled')]),
  format: FormatSchema,
  signing: Type.Boolean(),
  verifySsl: Type.Boolean(),
  maxEventsPerRequest: Type.Integer(),
  maxConcurrency: Type.Integer({
    description:
      'Messages sent at once (per server process). 1 delivers strictly in order: a message waiting for a retry holds back the ones behind it. Above 1, delivery is unordered and at-least-once.',
  }),
  errorRecipientEmails: Type.Array(Type.String()),
  disabledReason: Type.Union([Type.String(), Type.Null()]),
  lastTriggeredAt: NullableTimestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const settings = {
  events: Type.Array(SubscribedEventSchema, { minItems: 1, maxItems: SUBSCRIBABLE_EVENTS.length, uniqueItems: true }),
  format: FormatSchema,
  signing: Type.Boolean(),
  verifySsl: Type.Boolean(),
  maxEventsPerRequest: Type.Integer({ minimum: 1, maximum: 100 }),
  maxConcurrency: Type.Integer({ minimum: 1, maximum: 50 }),
  errorRecipientEmails: Emails,
};

/** What a client sets: required on create; on update every field is optional (at least one). */
const CreateWebhookBody = Type.Object(
  {
    name: Text(200),
    url: Url,
    events: settings.events,
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('inactive')])),
    format: Type.Optional(settings.format),
    signing: Type.Optional(settings.signing),
    verifySsl: Type.Optional(settings.verifySsl),
    maxEventsPerRequest: Type.Optional(settings.maxEventsPerRequest),
    maxConcurrency: Type.Optional(settings.maxConcurrency),
    errorRecipientEmails: Type.Optional(settings.errorRecipientEmails),
  },
  { additionalProperties: false },
);

const present = ({ organizationId: _org, ...w }: Webhook) => w;

/**
 * A destination URL people can use (see checkWebhookUrl), at an address the SSRF guard lets through:
 * refused when it is saved rather than at the first send, in the words the send would use.
 */
async function vetWebhookUrl(ctx: RouteContext, text: string): Promise<string> {
  const url = checkWebhookUrl(ctx.config, text);
  const refusal = await vetDestination(new URL(url), ctx.config.webhookAllowCidrs);
  if (refusal !== null) throw problems.validation([{ location: 'body', path: '/url', message: refusal }]);
  return url;
}

async function loadWebhook(ctx: RouteContext, principal: Principal, id: string): Promise<Webhook> {
  const webhook = await findWebhook(ctx.store.db, principal.organizationId, id);
  if (!webhook) throw problems.notFound(`There is no webhook ${id}.`);
  return webhook;
}

const SORTS = Object.keys(WEBHOOK_SORTS) as (keyof typeof WEBHOOK_SORTS)[];

const list = defineRoute({
  method: 'GET',
  url: '/v1/webhooks',
  operationId: 'listWebhooks',
  summary: 'List webhooks',
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  query: listQuery(SORTS, {
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('inactive'), Type.Literal('disabled')])),
  }),
  responses: listResponses(WebhookSchema),
  async handler({ query, ctx, principal }) {
    const page = paging(query, WEBHOOK_SORTS, 'webhooks.id', 'createdAt');
    const result = await listWebhooks(
      ctx.store.db,
      principal().organizationId,
      { q: query.q, status: query.status as WebhookStatus | undefined },
      page.keyset,
    );
    return reply.list(
      result.items.map(present),
      page.next(result, (w, field) => WEBHOOK_SORTS[field].value(w)),
    );
  },
});

const create = defineRoute({
  method: 'POST',
  url: '/v1/webhooks',
  operationId: 'createWebhook',
  summary: 'Create a webhook',
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  body: CreateWebhookBody,
  responses: {
    201: {
      description: 'The webhook, with its signing secret.',
      schema: dataOf(Type.Composite([WebhookSchema, Type.Object({ secret: Type.String() })])),
    },
    400: {
      description: 'Invalid fields (URL scheme, events, limits, e-mails), or an opt-in event type with a chat format.',
      schema: Problem,
    },
  },
  async handler({ body, ctx, principal }) {
    await vetWebhookUrl(ctx, body.url);
    const { webhook, secret } = await createWebhook(ctx, principal(), body);
    return reply.created({ ...present(webhook), secret });
  },
});

const get = defineRoute({
  method: 'GET',
  url: '/v1/webhooks/:id',
  operationId: 'getWebhook',
  summary: 'Get a webhook',
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  params: IdParams,
  responses: {
    200: { description: 'The webhook.', schema: dataOf(WebhookSchema) },
    404: { description: 'No such webhook.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    return reply.ok(present(await loadWebhook(ctx, principal(), params.id)));
  },
});

const update = defineRoute({
  method: 'PATCH',
  url: '/v1/webhooks/:id',
  operationId: 'updateWebhook',
  summary: 'Update a webhook (set status active to re-enable a disabled one)',
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  params: IdParams,
  body: Type.Partial(CreateWebhookBody, { additionalProperties: false, minProperties: 1 }),
  responses: {
    200: { description: 'The webhook after the change.', schema: dataOf(WebhookSchema) },
    400: {
      description:
        'Invalid fields, or a change that would leave an opt-in event type with a chat format; nothing was changed.',
      schema: Problem,
    },
    404: { description: 'No such webhook.', schema: Problem },
  },
  async handler({ params, body, ctx, principal }) {
    if (body.url !== undefined) await vetWebhookUrl(ctx, body.url);
    return reply.ok(present(await updateWebhook(ctx, principal(), params.id, body)));
  },
});

const remove = defineRoute({
  method: 'DELETE',
  url: '/v1/webhooks/:id',
  operationId: 'deleteWebhook',
  summary: 'Delete a webhook',
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  params: IdParams,
  responses: { 204: { description: 'Deleted.' }, 404: { description: 'No such webhook.', schema: Problem } },
  async handler({ params, ctx, principal }) {
    await deleteWebhook(ctx, principal(), params.id);
    return reply.noContent();
  },
});

const SecretSchema = Type.Object({
  secret: Type.String(),
  previousSecret: Type.Union([Type.String(), Type.Null()]),
  previousSecretExpiresAt: NullableTimestamp,
});

const presentSecrets = (secrets: WebhookSecrets) => ({
  secret: secrets.current,
  previousSecret: secrets.previous,
  previousSecretExpiresAt: secrets.previousExpiresAt,
});

const secret = defineRoute({
  method: 'GET',
  url: '/v1/webhooks/:id/secret',
  operationId: 'getWebhookSecret',
  summary: "Show a webhook's signing secret",
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  params: IdParams,
  responses: {
    200: { description: 'The secret, and the previous one while a rotation overlaps.', schema: dataOf(SecretSchema) },
    404: { description: 'No such webhook.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    const webhook = await loadWebhook(ctx, principal(), params.id);
    return reply.ok(presentSecrets(await webhookSecrets(ctx.store.db, ctx.masterKey, webhook, ctx.clock.now())));
  },
});

const rotate = defineRoute({
  method: 'POST',
  url: '/v1/webhooks/:id/rotate-secret',
  operationId: 'rotateWebhookSecret',
  summary: 'Issue a new signing secret; the old one keeps signing for 24 hours',
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  params: IdParams,
  responses: {
    200: { description: 'The new secret, and the old one with its end.', schema: dataOf(SecretSchema) },
    404: { description: 'No such webhook.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    return reply.ok(presentSecrets(await rotateWebhookSecret(ctx, principal(), params.id)));
  },
});

const AttemptSchema = Type.Object({
  ok: Type.Boolean(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  durationMs: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  responseHeaders: Type.Record(Type.String(), Type.String()),
  responseBody: Type.String({ description: 'The first 20 KB of the answer.' }),
  request: Type.Object({ url: Type.String(), headers: Type.Record(Type.String(), Type.String()), body: Type.String() }),
});

/** The sample a test sends when none is named (and the first type a webhook lists, when that is `*`). */
const SAMPLE_EVENT_TYPE: EventType = 'role.updated';

/** Sends sample events now and answers with the attempt; nothing is queued or retried. */
async function sendSample(
  ctx: RouteContext,
  target: { url: string; format: WebhookFormat; verifySsl: boolean; secrets: string[] },
  type: EventType,
  organizationId: string,
) {
  // What a chat webhook can never receive is not sent to it as a sample either.
  const refusal = optInRefusal(type, target.format);
  if (refusal !== null) throw problems.validation([{ location: 'body', path: '/eventType', message: refusal }]);
  const now = ctx.clock.now();
  const event = { ...(eventExample(type) as PeopleEvent), organizationId, timestamp: now.toISOString() };
  const body = renderPayload(target.format, [event], ctx.publicUrl, now);
  const headers = deliveryHeaders(newId('msg', now), body, now, target.secrets, SERVER_VERSION);
  const result = await ctx.webhookClient.send({
    url: target.url,
    render: () => ({ headers, body }),
    timeoutMs: ctx.config.webhookTimeoutMs,
    verifySsl: target.verifySsl,
  });
  return {
    ok: result.ok,
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    error: result.error,
    responseHeaders: result.headers,
    responseBody: result.body,
    request: { url: target.url, headers, body },
  };
}

const test = defineRoute({
  method: 'POST',
  url: '/v1/webhooks/:id/test',
  operationId: 'testWebhook',
  summary: 'Send a sample event to a webhook now, and see what its endpoint answered',
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  params: IdParams,
  body: Type.Object({ eventType: Type.Optional(EventTypeSchema) }, { additionalProperties: false }),
  responses: {
    200: { description: 'The attempt: status code, duration, response excerpt.', schema: dataOf(AttemptSchema) },
    404: { description: 'No such webhook.', schema: Problem },
  },
  async handler({ params, body, ctx, principal }) {
    const who = principal();
    const webhook = await loadWebhook(ctx, who, params.id);
    const secrets = webhook.signing
      ? await webhookSecrets(ctx.store.db, ctx.masterKey, webhook, ctx.clock.now())
      : null;
    const named = webhook.events.filter((t): t is EventType => t !== ALL_EVENTS);
    const type = (body.eventType as EventType | undefined) ?? named[0] ?? SAMPLE_EVENT_TYPE;
    const attempt = await sendSample(
      ctx,
      {
        url: webhook.url,
        format: webhook.format,
        verifySsl: webhook.verifySsl,
        secrets: secrets ? [secrets.current, ...(secrets.previous ? [secrets.previous] : [])] : [],
      },
      type,
      who.organizationId,
    );
    return reply.ok(attempt);
  },
});

const testUrl = defineRoute({
  method: 'POST',
  url: '/v1/webhooks/test-url',
  operationId: 'testWebhookUrl',
  summary: 'Send a sample event to a URL before saving a webhook',
  tags: ['Webhooks'],
  auth: { kind: 'scope', scope: 'webhooks:manage' },
  body: Type.Object(
    {
      url: Url,
      format: Type.Optional(FormatSchema),
      eventType: Type.Optional(EventTypeSchema),
      verifySsl: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  responses: {
    200: { description: 'The attempt (unsigned: there is no secret yet).', schema: dataOf(AttemptSchema) },
    400: { description: 'Invalid URL or fields.', schema: Problem },
  },
  async handler({ body, ctx, principal }) {
    const who = principal();
    const url = await vetWebhookUrl(ctx, body.url);
    const attempt = await sendSample(
      ctx,
      { url, format: (body.format ?? 'json') as WebhookFormat, verifySsl: body.verifySsl ?? true, secrets: [] },
      (body.eventType as EventType | undefined) ?? SAMPLE_EVENT_TYPE,
      who.organizationId,
    );
    return reply.ok(attempt);
  },
});

export const webhookRoutes = [list, create, testUrl, get, update, remove, secret, rotate, test];
