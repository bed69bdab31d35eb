// /v1/integrations/hibob: connect (credentials checked against HiBob first), status, settings,
// disconnect, "Synchronize now", and the runs with their progress and results.
import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { newId } from '../core/ids';
import { type Principal, principalActor } from '../http/auth';
import { problems } from '../core/problem';
import { defineRoute, reply } from '../http/route';
import { HibobClient, HibobError } from '../integrations/hibob/client';
import { presentRun } from '../integrations/hibob/run';
import { createRun } from '../integrations/hibob/sync';
import type { Services } from '../services';
import { recordAudit } from '../store/audit';
import {
  type Integration,
  deleteIntegration,
  findIntegration,
  findRun,
  integrationSecrets,
  lastRun,
  listRuns,
  runningRun,
  saveIntegration,
} from '../store/integrations';
import {
  HttpUrl,
  IdParams,
  NullableTimestamp,
  Problem,
  Timestamp,
  checkHttpUrl,
  dataOf,
  listQuery,
  listResponses,
  paging,
} from './common';

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

const SkippedField = Type.Object({ field: Type.String(), hibobType: Type.String(), reason: Type.String() });

export const SyncRunSchema = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')]),
  trigger: Type.Union([Type.Literal('manual'), Type.Literal('automatic')]),
  phase: Type.Union([
    Type.Literal('starting'),
    Type.Literal('downloading'),
    Type.Literal('applying'),
    Type.Literal('done'),
  ]),
  processed: Type.Integer({ description: 'People downloaded (downloading) or written (applying) so far.' }),
  total: Type.Union([Type.Integer(), Type.Null()], { description: 'People to write, once the download is complete.' }),
  created: Type.Integer(),
  updated: Type.Integer(),
  deleted: Type.Integer(),
  unchanged: Type.Integer(),
  skippedFields: Type.Array(SkippedField, { description: 'HiBob custom fields not synced, and why.' }),
  skippedPeople: Type.Array(
    Type.Object({ externalId: Type.Union([Type.String(), Type.Null()]), reason: Type.String() }),
  ),
  addedOptions: Type.Array(Type.Object({ attribute: Type.String(), option: Type.String() }), {
    description: 'List values HiBob uses that became options here.',
  }),
  warnings: Type.Array(Type.Object({ externalId: Type.String(), warning: Type.String() })),
  error: Type.Union([Type.String(), Type.Null()]),
  startedAt: Timestamp,
  finishedAt: NullableTimestamp,
});

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

function receiverUrl(services: Services, integration: Integration): string {
  return `${services.publicUrl}/v1/integrations/hibob/webhook/${integration.receiverId}`;
}

async function presentStatus(services: Services, integration: Integration) {
  const last = await lastRun(services.store.db, integration.organizationId);
  return {
    connected: true,
    baseUrl: integration.baseUrl,
    serviceUserId: integration.serviceUserId,
    receiverUrl: receiverUrl(services, integration),
    hookSecretSet: integration.hookSecretSet,
    autoSyncMinutes: integration.autoSyncMinutes,
    nextAutoSyncAt: integration.nextAutoSyncAt,
    connectedAt: integration.createdAt,
    updatedAt: integration.updatedAt,
    lastRun: last === null ? null : presentRun(last),
  };
}

async function connected(services: Services, principal: Principal): Promise<Integration> {
  const integration = await findIntegration(services.store.db, principal.organizationId);
  if (!integration) throw problems.notFound('HiBob is not connected; connect it with PUT /v1/integrations/hibob.');
  return integration;
}

/** Asks HiBob whether these credentials work (reads the field list); a refusal is a 422 and nothing is saved. */
async function checkCredentials(
  services: Services,
  baseUrl: string,
  serviceUserId: string,
  token: string,
): Promise<void> {
  try {
    await new HibobClient({ baseUrl, serviceUserId, token }, services.outbound, {
      timeoutMs: services.config.hibobTimeoutMs,
      maxRetries: 1,
    }).fields();
  } catch (error) {
    if (error instanceof HibobError)
      throw problems.unprocessable(`HiBob did not accept the connection: ${error.message}. Nothing was saved.`, {
        hibobError: error.kind,
      });
    throw error;
  }
}

/** A base URL as the HiBob client joins paths to it: parsed at the boundary, without trailing slashes. */
function checkBaseUrl(services: Services, baseUrl: string): string {
  return checkHttpUrl(baseUrl, { path: '/baseUrl', allowHttp: services.config.allowHttpWebhooks, base: true }).replace(
    /\/+$/,
    '',
  );
}

function nextAutoSync(services: Services, minutes: number | null): string | null {
  return minutes === null ? null : new Date(services.clock.now().getTime() + minutes * 60_000).toISOString();
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
  async handler({ services, principal }) {
    return reply.ok(await presentStatus(services, await connected(services, principal())));
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
  async handler({ body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const baseUrl = body.baseUrl === undefined ? services.config.hibobBaseUrl : checkBaseUrl(services, body.baseUrl);
    await checkCredentials(services, baseUrl, body.serviceUserId, body.token);
    const before = await findIntegration(services.store.db, who.organizationId);
    const previousHook = before
      ? (await integrationSecrets(services.store.db, services.masterKey, before)).hookSecret
      : null;
    const autoSyncMinutes =
      body.autoSyncMinutes === undefined ? (before?.autoSyncMinutes ?? null) : body.autoSyncMinutes;
    const hookSecret = body.hookSecret === undefined ? previousHook : body.hookSecret;
    const integration: Integration = {
      id: before?.id ?? newId('int', now),
      organizationId: who.organizationId,
      kind: 'hibob',
      baseUrl,
      serviceUserId: body.serviceUserId,
      receiverId: before?.receiverId ?? randomBytes(16).toString('base64url'),
      hookSecretSet: hookSecret !== null,
      autoSyncMinutes,
      nextAutoSyncAt:
        autoSyncMinutes === before?.autoSyncMinutes
          ? (before?.nextAutoSyncAt ?? null)
          : nextAutoSync(services, autoSyncMinutes),
      createdAt: before?.createdAt ?? now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await services.store.db.transaction().execute(async (trx) => {
      await saveIntegration(trx, services.masterKey, integration, { token: body.token, hookSecret });
      await recordAudit(trx, {
        organizationId: who.organizationId,
        actor: principalActor(who),
        action: before ? 'integration.updated' : 'integration.connected',
        targetType: 'integration',
        targetId: integration.id,
        details: { kind: 'hibob', baseUrl },
        at: now,
      });
    });
    return reply.ok(await presentStatus(services, integration));
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
  async handler({ body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const before = await connected(services, who);
    const secrets = await integrationSecrets(services.store.db, services.masterKey, before);
    const baseUrl = body.baseUrl === undefined ? before.baseUrl : checkBaseUrl(services, body.baseUrl);
    const serviceUserId = body.serviceUserId ?? before.serviceUserId;
    const token = body.token ?? secrets.token;
    if (body.baseUrl !== undefined || body.serviceUserId !== undefined || body.token !== undefined)
      await checkCredentials(services, baseUrl, serviceUserId, token);
    const hookSecret = body.hookSecret === undefined ? secrets.hookSecret : body.hookSecret;
    const autoSyncMinutes = body.autoSyncMinutes === undefined ? before.autoSyncMinutes : body.autoSyncMinutes;
    const integration: Integration = {
      ...before,
      baseUrl,
      serviceUserId,
      hookSecretSet: hookSecret !== null,
      autoSyncMinutes,
      nextAutoSyncAt:
        body.autoSyncMinutes === undefined ? before.nextAutoSyncAt : nextAutoSync(services, autoSyncMinutes),
      updatedAt: now.toISOString(),
    };
    await services.store.db.transaction().execute(async (trx) => {
      await saveIntegration(trx, services.masterKey, integration, { token, hookSecret });
      await recordAudit(trx, {
        organizationId: who.organizationId,
        actor: principalActor(who),
        action: 'integration.updated',
        targetType: 'integration',
        targetId: integration.id,
        details: { changed: Object.keys(body) },
        at: now,
      });
    });
    return reply.ok(await presentStatus(services, integration));
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
  async handler({ services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const integration = await connected(services, who);
    const running = await runningRun(services.store.db, who.organizationId);
    if (running)
      throw problems.conflict(`A HiBob sync is running (${running.id}); wait for it to finish before disconnecting.`, {
        runId: running.id,
      });
    await services.store.db.transaction().execute(async (trx) => {
      await deleteIntegration(trx, who.organizationId);
      await recordAudit(trx, {
        organizationId: who.organizationId,
        actor: principalActor(who),
        action: 'integration.disconnected',
        targetType: 'integration',
        targetId: integration.id,
        details: { kind: 'hibob' },
        at: now,
      });
    });
    return reply.noContent();
  },
});

const syncNow = defineRoute({
  method: 'POST',
  url: '/v1/integrations/hibob/sync',
  operationId: 'syncHibob',
  summary: 'Synchronize now: start a run (follow it at /v1/integrations/hibob/runs/{id})',
  tags: ['Integrations'],
  auth: SCOPE,
  responses: {
    202: { description: 'The run, started.', schema: dataOf(SyncRunSchema) },
    404: { description: 'HiBob is not connected.', schema: Problem },
    409: { description: 'A run is already going (its id is in runId).', schema: Problem },
  },
  async handler({ services, principal }) {
    const who = principal();
    await connected(services, who);
    const run = await createRun(services, who.organizationId, 'manual');
    await recordAudit(services.store.db, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'hibob.sync_started',
      targetType: 'sync_run',
      targetId: run.id,
      at: services.clock.now(),
    });
    void services.hibob.launch(run);
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
  async handler({ query, services, principal }) {
    const page = paging(query, { startedAt: 'sync_runs.started_at' }, 'sync_runs.id', '-startedAt');
    const result = await listRuns(services.store.db, principal().organizationId, page.keyset);
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
  async handler({ params, services, principal }) {
    const found = await findRun(services.store.db, principal().organizationId, params.id);
    if (!found) throw problems.notFound(`There is no sync run ${params.id}.`);
    return reply.ok(presentRun(found));
  },
});

export const integrationRoutes = [get, connect, update, syncNow, runs, run, disconnect];
