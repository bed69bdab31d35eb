// /v1/apps: custom apps, their tokens (shown once) and their sessions. Owner keys only.
import { Type } from '@sinclair/typebox';
import { newId } from '../core/ids';
import { SCOPES, type Scope } from '../core/permissions';
import { generateToken, hashToken } from '../core/tokens';
import { type Principal, changeCredentials, principalActor } from '../http/auth';
import { problems } from '../core/problem';
import { defineRoute, reply } from '../http/route';
import type { Services } from '../services';
import {
  APP_SORT_COLUMNS,
  type App,
  type AppSession,
  appSortValue,
  findApp,
  findLiveAppIdByName,
  findSession,
  insertApp,
  listApps,
  listSessions,
  revokeApp,
  revokeSession,
  updateApp,
} from '../store/apps';
import { recordAudit } from '../store/audit';
import { isUniqueViolation } from '../store/errors';
import {
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

const ScopeSchema = Type.Union(SCOPES.map((s) => Type.Literal(s)));
const Permissions = Type.Array(ScopeSchema, { minItems: 1, maxItems: SCOPES.length, uniqueItems: true });

export const AppSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  permissions: Type.Array(ScopeSchema),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  lastUsedAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
});

const CreatedAppSchema = Type.Composite([
  AppSchema,
  Type.Object({ token: Type.String({ description: 'Shown once; store it now.' }) }),
]);

const SessionSchema = Type.Object({
  id: Type.String(),
  appId: Type.String(),
  grant: Type.Union([Type.Literal('exchange'), Type.Literal('client_credentials')]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  lastUsedAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
});

const presentApp = ({ organizationId: _org, ...app }: App) => app;
const presentSession = ({ organizationId: _org, ...session }: AppSession) => session;

async function loadApp(services: Services, principal: Principal, id: string): Promise<App> {
  const app = await findApp(services.store.db, principal.organizationId, id);
  if (!app) throw problems.notFound(`There is no app ${id}.`);
  return app;
}

function nameTaken(name: string) {
  return problems.conflict(`An app named "${name}" already exists; app names are unique in an organization.`, {
    field: 'name',
  });
}

const list = defineRoute({
  method: 'GET',
  url: '/v1/apps',
  operationId: 'listApps',
  summary: 'List apps',
  tags: ['Apps'],
  auth: { kind: 'owner' },
  query: listQuery(['createdAt', 'name'] as const, {
    status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('all')], { default: 'active' }),
  }),
  responses: listResponses(AppSchema),
  async handler({ query, services, principal }) {
    const page = paging(query, APP_SORT_COLUMNS, 'apps.id', 'createdAt');
    const result = await listApps(
      services.store.db,
      principal().organizationId,
      { q: query.q, status: query.status },
      page.keyset,
    );
    return reply.list(result.items.map(presentApp), page.next(result, appSortValue));
  },
});

const create = defineRoute({
  method: 'POST',
  url: '/v1/apps',
  operationId: 'createApp',
  summary: 'Create an app and its token',
  tags: ['Apps'],
  auth: { kind: 'owner' },
  body: Type.Object({ name: Text(100), permissions: Permissions }, { additionalProperties: false }),
  responses: {
    201: { description: 'The app, with its token. The token is never shown again.', schema: dataOf(CreatedAppSchema) },
    400: { description: 'Invalid fields.', schema: Problem },
    409: { description: 'The name is taken.', schema: Problem },
  },
  async handler({ body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const token = generateToken('app');
    const app: App = {
      id: newId('app', now),
      organizationId: who.organizationId,
      name: body.name,
      permissions: body.permissions as Scope[],
      createdBy: who.kind === 'user' ? who.user.id : null,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    };
    try {
      await services.store.db.transaction().execute(async (trx) => {
        if ((await findLiveAppIdByName(trx, who.organizationId, app.name)) !== null) throw nameTaken(app.name);
        await insertApp(trx, app, hashToken(token));
        await recordAudit(trx, {
          organizationId: who.organizationId,
          actor: principalActor(who),
          action: 'app.created',
          targetType: 'app',
          targetId: app.id,
          details: { name: app.name, permissions: app.permissions },
          at: now,
        });
      });
    } catch (error) {
      throw isUniqueViolation(error) ? nameTaken(app.name) : error;
    }
    return reply.created({ ...presentApp(app), token });
  },
});

const get = defineRoute({
  method: 'GET',
  url: '/v1/apps/:id',
  operationId: 'getApp',
  summary: 'Get an app',
  tags: ['Apps'],
  auth: { kind: 'owner' },
  params: IdParams,
  responses: {
    200: { description: 'The app.', schema: dataOf(AppSchema) },
    404: { description: 'No such app.', schema: Problem },
  },
  async handler({ params, services, principal }) {
    return reply.ok(presentApp(await loadApp(services, principal(), params.id)));
  },
});

const update = defineRoute({
  method: 'PATCH',
  url: '/v1/apps/:id',
  operationId: 'updateApp',
  summary: 'Rename an app or change its permissions',
  tags: ['Apps'],
  auth: { kind: 'owner' },
  params: IdParams,
  body: Type.Object(
    { name: Type.Optional(Text(100)), permissions: Type.Optional(Permissions) },
    { additionalProperties: false, minProperties: 1 },
  ),
  responses: {
    200: { description: 'The app after the change.', schema: dataOf(AppSchema) },
    404: { description: 'No such app.', schema: Problem },
    409: { description: 'The name is taken, or the app is revoked.', schema: Problem },
  },
  async handler({ params, body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    try {
      const app = await changeCredentials(services, async (trx) => {
        const before = await findApp(trx, who.organizationId, params.id);
        if (!before) throw problems.notFound(`There is no app ${params.id}.`);
        if (before.revokedAt !== null) throw problems.conflict('This app is revoked; create a new one instead.');
        const after: App = {
          ...before,
          name: body.name ?? before.name,
          permissions: (body.permissions as Scope[] | undefined) ?? before.permissions,
        };
        const changed: string[] = [];
        if (after.name !== before.name) changed.push('name');
        if ([...after.permissions].sort().join() !== [...before.permissions].sort().join()) changed.push('permissions');
        if (changed.length === 0) return before;
        if (changed.includes('name')) {
          const holder = await findLiveAppIdByName(trx, who.organizationId, after.name);
          if (holder !== null && holder !== before.id) throw nameTaken(after.name);
        }
        after.updatedAt = now.toISOString();
        await updateApp(trx, after);
        await recordAudit(trx, {
          organizationId: who.organizationId,
          actor: principalActor(who),
          action: 'app.updated',
          targetType: 'app',
          targetId: after.id,
          details: { changed },
          at: now,
        });
        return after;
      });
      return reply.ok(presentApp(app));
    } catch (error) {
      throw isUniqueViolation(error) ? nameTaken(body.name ?? '') : error;
    }
  },
});

const revoke = defineRoute({
  method: 'DELETE',
  url: '/v1/apps/:id',
  operationId: 'revokeApp',
  summary: 'Revoke an app, its token and every session',
  tags: ['Apps'],
  auth: { kind: 'owner' },
  params: IdParams,
  responses: {
    204: { description: 'Revoked (also when it already was).' },
    404: { description: 'No such app.', schema: Problem },
  },
  async handler({ params, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    await changeCredentials(services, async (trx) => {
      const app = await findApp(trx, who.organizationId, params.id);
      if (!app) throw problems.notFound(`There is no app ${params.id}.`);
      if (app.revokedAt !== null) return;
      await revokeApp(trx, app, now.toISOString());
      await recordAudit(trx, {
        organizationId: who.organizationId,
        actor: principalActor(who),
        action: 'app.revoked',
        targetType: 'app',
        targetId: app.id,
        at: now,
      });
    });
    return reply.noContent();
  },
});

const SessionParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }), sid: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

const sessions = defineRoute({
  method: 'GET',
  url: '/v1/apps/:id/sessions',
  operationId: 'listAppSessions',
  summary: "List an app's sessions (installations)",
  tags: ['Apps'],
  auth: { kind: 'owner' },
  params: IdParams,
  query: listQuery(['createdAt'] as const, {}, { search: false }),
  responses: listResponses(SessionSchema),
  async handler({ params, query, services, principal }) {
    const app = await loadApp(services, principal(), params.id);
    const page = paging(query, { createdAt: 'app_sessions.created_at' }, 'app_sessions.id', '-createdAt');
    const result = await listSessions(services.store.db, app.id, page.keyset);
    return reply.list(
      result.items.map(presentSession),
      page.next(result, (s) => s.createdAt),
    );
  },
});

const revokeOneSession = defineRoute({
  method: 'DELETE',
  url: '/v1/apps/:id/sessions/:sid',
  operationId: 'revokeAppSession',
  summary: 'Revoke one session',
  tags: ['Apps'],
  auth: { kind: 'owner' },
  params: SessionParams,
  responses: {
    204: { description: 'Revoked (also when it already was).' },
    404: { description: 'No such app or session.', schema: Problem },
  },
  async handler({ params, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    await changeCredentials(services, async (trx) => {
      const app = await findApp(trx, who.organizationId, params.id);
      const session = app ? await findSession(trx, app.id, params.sid) : null;
      if (!session) throw problems.notFound(`There is no session ${params.sid} for app ${params.id}.`);
      if (session.revokedAt !== null) return;
      await revokeSession(trx, session.id, now.toISOString());
      await recordAudit(trx, {
        organizationId: who.organizationId,
        actor: principalActor(who),
        action: 'app.session_revoked',
        targetType: 'app_session',
        targetId: session.id,
        details: { appId: params.id },
        at: now,
      });
    });
    return reply.noContent();
  },
});

export const appRoutes = [list, create, get, update, revoke, sessions, revokeOneSession];
