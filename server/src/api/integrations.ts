// /v1/integrations/hibob: connect (credentials checked against HiBob first), status, settings,
// disconnect, "Synchronize now", and the runs with their progress and results.
import { Type } from '@sinclair/typebox';
import { problems } from '../core/problem';
import { connectHibob, connectedIntegration, disconnectHibob, updateHibob } from '../domain/hibob-connection';
import { startSync } from '../domain/hibob-runs';
import { presentRun } from '../domain/imports/runs';
import { type RouteContext, defineRoute, reply } from '../http/route';
import { hibobCredentialCheck } from '../integrations/hibob/credentials';
import type { Integration } from '../store/integrations';
import { findRun, lastRun, listRuns } from '../store/sync-runs';
import {
  HttpUrl,
  IdParams,
  NullableTimestamp,
  Problem,
  Timestamp,
  dataOf,
  listQuery,
  listResponses,
  paging,
} from './common';
import { RunSchema } from './imports';

const SCOPE = { kind: 'scope', scope: 'integrations:manage' } as const;

const Secret = (max: number) =>
  Type.String({ minLength: 1, maxLength: max, pattern: '^\\S+$', 'x-message': 'must not be empty or contain spaces' });
const AutoSync = Type.Union([
  Type.Integer({ minimum: 5, maximum: 10080, description: 'Minutes between automatic syncs (5 to 10080, a week).' }),
  Type.Null(),
]);

const settings = {
  serviceUserId: Type.String({
    minLength: 1,
    maxLength: 200,
    pattern: '\\S',
    description: "The HiBob service user's id.",
  }),
  token: Secret(500),
  baseUrl: HttpUrl(500, "HiBob's API address; https://api.hibob.com unless HiBob gave you another."),
  hookSecret: Type.Union([Secret(500), Type.Null()], {
    description: 'The signing secret HiBob shows for the webhook subscription; null removes it.',
  }),
  autoSyncMinutes: AutoSync,
};

const ConnectBody = Type.Object(
  {
    serviceUserId: settings.serviceUserId,
    token: settings.token,
    baseUrl: Type.Optional(settings.baseUrl),
    hookSecret: Type.Optional(settings.hookSecret),
    autoSyncMinutes: Type.Optional(settings.autoSyncMinutes),
  },
  { additionalProperties: false },
);

/** HiBob's runs are runs of the import engine, shown as /v1/imports shows them. */
export const SyncRunSchema = RunSchema;

const StatusSchema = Type.Object({
  connected: Type.Literal(true),
  baseUrl: Type.String(),
  serviceUserId: Type.String(),
  receiverUrl: Type.String({
    description: 'Where HiBob sends its webhooks (paste it into HiBob); unique to your organization.',
  }),
  hookSecretSet: Type.Boolean(),
  autoSyncMinutes: Type.Union([Type.Integer(), Type.Null()]),
  nextAutoSyncAt: NullableTimestamp,
  connectedAt: Timestamp,
  updatedAt: Timestamp,
  lastRun: Type.Union([SyncRunSchema, Type.Null()]),
});

function receiverUrl(ctx: RouteContext, integration: Integration): string {
  return `${ctx.publicUrl}/v1/integrations/hibob/webhook/${integration.receiverId}`;
}

async function presentStatus(ctx: RouteContext, integration: Integration) {
  const last = await lastRun(ctx.store.db, integration.organizationId, 'hibob');
  return {
    connected: true,
    baseUrl: integration.baseUrl,
    serviceUserId: integration.serviceUserId,
    receiverUrl: receiverUrl(ctx, integration),
    hookSecretSet: integration.hookSecretSet,
    autoSyncMinutes: integration.autoSyncMinutes,
    nextAutoSyncAt: integration.nextAutoSyncAt,
    connectedAt: integration.createdAt,
    updatedAt: integration.updatedAt,
    lastRun: last === null ? null : presentRun(last),
  };
}

const get = defineRoute({
  method: 'GET',
  url: '/v1/integrations/hibob',
  operationId: 'getHibobIntegration',
  summary: 'HiBob connection status, receiver URL and last run (never the token or hook secret)',
  tags: ['Integrations'],
  auth: SCOPE,
  responses: {
    200: { description: 'The connection.', schema: dataOf(StatusSchema) },
    404: { description: 'HiBob is not connected.', schema: Problem },
  },
  async handler({ ctx, principal }) {
    return reply.ok(await presentStatus(ctx, await connectedIntegration(ctx, principal())));
  },
});

const connect = defineRoute({
  method: 'PUT',
  url: '/v1/integrations/hibob',
  operationId: 'connectHibob',
  summary: 'Connect HiBob, or replace its credentials (checked against HiBob first)',
  tags: ['Integrations'],
  auth: SCOPE,
  body: ConnectBody,
  responses: {
    200: {
      description:
        'Connected. The receiver URL stays the same when the credentials are replaced; an omitted hookSecret or autoSyncMinutes keeps its value.',
      schema: dataOf(StatusSchema),
    },
    422: { description: 'HiBob refused the credentials, or could not be reached; nothing was saved.', schema: Problem },
  },
  async handler({ body, ctx, principal }) {
    const integration = await connectHibob(ctx, principal(), body, hibobCredentialCheck(ctx.outbound, ctx.config));
    return reply.ok(await presentStatus(ctx, integration));
  },
});

/** Any of the connection's settings; a schema of its own, so the route's types stay shallow. */
const UpdateBody = Type.Partial(Type.Object(settings), { additionalProperties: false, minProperties: 1 });

const update = defineRoute({
  method: 'PATCH',
  url: '/v1/integrations/hibob',
  operationId: 'updateHibobIntegration',
  summary: 'Change the hook secret, the automatic sync interval or the credentials (new credentials are checked first)',
  tags: ['Integrations'],
  auth: SCOPE,
  body: UpdateBody,
  responses: {
    200: { description: 'The connection after the change.', schema: dataOf(StatusSchema) },
    404: { description: 'HiBob is not connected.', schema: Problem },
    422: { description: 'HiBob refused the new credentials; nothing was saved.', schema: Problem },
  },
  async handler({ body, ctx, principal }) {
    const integration = await updateHibob(ctx, principal(), body, hibobCredentialCheck(ctx.outbound, ctx.config));
    return reply.ok(await presentStatus(ctx, integration));
  },
});

const disconnect = defineRoute({
  method: 'DELETE',
  url: '/v1/integrations/hibob',
  operationId: 'disconnectHibob',
  summary: 'Disconnect HiBob (employees stay; past runs stay listed)',
  tags: ['Integrations'],
  auth: SCOPE,
  responses: {
    204: { description: 'Disconnected.' },
    404: { description: 'HiBob is not connected.', schema: Problem },
    409: { description: 'A sync is running; wait for it to finish.', schema: Problem },
  },
  async handler({ ctx, principal }) {
    await disconnectHibob(ctx, principal());
    return reply.noContent();
  },
});

const syncNow = defineRoute({
  method: 'POST',
  url: '/v1/integrations/hibob/sync',
  operationId: 'syncHibob',
  summary: 'Synchronize now, or preview the sync: start a run (follow it at /v1/integrations/hibob/runs/{id})',
  tags: ['Integrations'],
  auth: SCOPE,
  body: Type.Object(
    {
      dryRun: Type.Optional(
        Type.Boolean({
          description:
            'Preview: plan the changes without writing them; apply the plan with POST /v1/imports/{id}/apply.',
        }),
      ),
      maxDeletePercent: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: 100,
          description:
            'Stop for confirmation when the run would delete more than this share of HiBob people (default 10).',
        }),
      ),
    },
    { additionalProperties: false, examples: [{}, { dryRun: true }] },
  ),
  responses: {
    202: { description: 'The run, started.', schema: dataOf(SyncRunSchema) },
    404: { description: 'HiBob is not connected.', schema: Problem },
    409: { description: 'A run is already going (its id is in runId).', schema: Problem },
  },
  async handler({ body, ctx, principal }) {
    const run = await startSync(ctx, principal(), {
      dryRun: body.dryRun === true,
      maxDeletePercent: body.maxDeletePercent ?? 10,
    });
    return { status: 202, body: { data: presentRun(run) } };
  },
});

const runs = defineRoute({
  method: 'GET',
  url: '/v1/integrations/hibob/runs',
  operationId: 'listHibobRuns',
  summary: 'Sync runs, newest first',
  tags: ['Integrations'],
  auth: SCOPE,
  query: listQuery(['startedAt'] as const, {}, { search: false }),
  responses: listResponses(SyncRunSchema),
  async handler({ query, ctx, principal }) {
    const page = paging(query, { startedAt: 'sync_runs.started_at' }, 'sync_runs.id', '-startedAt');
    const result = await listRuns(ctx.store.db, principal().organizationId, { source: 'hibob' }, page.keyset);
    return reply.list(
      result.items.map(presentRun),
      page.next(result, (run) => run.startedAt),
    );
  },
});

const run = defineRoute({
  method: 'GET',
  url: '/v1/integrations/hibob/runs/:id',
  operationId: 'getHibobRun',
  summary: 'One sync run: progress while it runs, then its result',
  tags: ['Integrations'],
  auth: SCOPE,
  params: IdParams,
  responses: {
    200: { description: 'The run.', schema: dataOf(SyncRunSchema) },
    404: { description: 'No such run.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    const found = await findRun(ctx.store.db, principal().organizationId, params.id);
    if (!found) throw problems.notFound(`There is no sync run ${params.id}.`);
    return reply.ok(presentRun(found));
  },
});

export const integrationRoutes = [get, connect, update, syncNow, runs, run, disconnect];
