// /v1/apps: custom apps, their tokens (shown once) and their sessions. Owner keys only.
import { Type } from '@sinclair/typebox';
import { SCOPES } from '../core/permissions';
import { problems } from '../core/problem';
import { createApp, revokeApp, revokeSession, updateApp } from '../domain/apps';
import type { Principal } from '../domain/principal';
import { type RouteContext, defineRoute, reply } from '../http/route';
import {
  APP_SORT_COLUMNS,
  type App,
  type AppSession,
  appSortValue,
  findApp,
  listApps,
  listSessions,
} from '../store/apps';
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

async function loadApp(ctx: RouteContext, principal: Principal, id: string): Promise<App> {
  const app = await findApp(ctx.store.db, principal.organizationId, id);
  if (!app) throw problems.notFound(`There is no app ${id}.`);
  return app;
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
  async handler({ query, ctx, principal }) {
    const page = paging(query, APP_SORT_COLUMNS, 'apps.id', 'createdAt');
    const result = await listApps(
      ctx.store.db,
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
  async handler({ body, ctx, principal }) {
    const { app, token } = await createApp(ctx, principal(), body);
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
  async handler({ params, ctx, principal }) {
    return reply.ok(presentApp(await loadApp(ctx, principal(), params.id)));
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
  async handler({ params, body, ctx, principal }) {
    return reply.ok(presentApp(await updateApp(ctx, principal(), params.id, body)));
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
  async handler({ params, ctx, principal }) {
    await revokeApp(ctx, principal(), params.id);
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
  async handler({ params, query, ctx, principal }) {
    const app = await loadApp(ctx, principal(), params.id);
    const page = paging(query, { createdAt: 'app_sessions.created_at' }, 'app_sessions.id', '-createdAt');
    const result = await listSessions(ctx.store.db, app.id, page.keyset);
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
  async handler({ params, ctx, principal }) {
    await revokeSession(ctx, principal(), params.id, params.sid);
    return reply.noContent();
  },
});

export const appRoutes = [list, create, get, update, revoke, sessions, revokeOneSession];
