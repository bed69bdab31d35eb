// Apps (custom apps with their token) and the sessions opened with them.
import type { Kysely } from 'kysely';
import type { Scope } from '../core/permissions';
import { type Keyset, type Page, containsText, pageBy, takePage } from './query';
import type { AppSessionsTable, AppsTable, Database } from './schema';

export interface App {
  id: string;
  organizationId: string;
  name: string;
  permissions: Scope[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export type SessionGrant = 'exchange' | 'client_credentials';

export interface AppSession {
  id: string;
  organizationId: string;
  appId: string;
  grant: SessionGrant;
  userAgent: string | null;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function toApp(row: AppsTable): App {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    permissions: JSON.parse(row.permissions) as Scope[],
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

function toSession(row: AppSessionsTable): AppSession {
  return {
    id: row.id,
    organizationId: row.organization_id,
    appId: row.app_id,
    grant: row.grant_type as SessionGrant,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export const APP_SORT_COLUMNS = { createdAt: 'apps.created_at', name: 'apps.name_lower' } as const;

export function appSortValue(app: App, field: keyof typeof APP_SORT_COLUMNS): string {
  return field === 'name' ? app.name.toLowerCase() : app.createdAt;
}

export async function insertApp(db: Kysely<Database>, app: App, tokenHash: string): Promise<void> {
  await db
    .insertInto('apps')
    .values({
      id: app.id,
      organization_id: app.organizationId,
      name: app.name,
      name_lower: app.name.toLowerCase(),
      permissions: JSON.stringify(app.permissions),
      token_hash: tokenHash,
      created_by: app.createdBy,
      created_at: app.createdAt,
      updated_at: app.updatedAt,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
}

export async function findApp(db: Kysely<Database>, organizationId: string, id: string): Promise<App | null> {
  const row = await db
    .selectFrom('apps')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toApp(row) : null;
}

/** The id of the live app with this name (any case), if there is one. */
export async function findLiveAppIdByName(
  db: Kysely<Database>,
  organizationId: string,
  name: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('apps')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('name_lower', '=', name.toLowerCase())
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row?.id ?? null;
}

export interface AppFilter {
  q?: string;
  status: 'active' | 'revoked' | 'all';
}

export async function listApps(
  db: Kysely<Database>,
  organizationId: string,
  filter: AppFilter,
  keyset: Keyset,
): Promise<Page<App>> {
  let query = db.selectFrom('apps').selectAll().where('organization_id', '=', organizationId);
  if (filter.q) query = query.where(containsText(['apps.name'], filter.q));
  if (filter.status === 'active') query = query.where('revoked_at', 'is', null);
  if (filter.status === 'revoked') query = query.where('revoked_at', 'is not', null);
  const rows = await pageBy(query, keyset).execute();
  return takePage(rows.map(toApp), keyset.limit);
}

export async function updateApp(db: Kysely<Database>, app: App): Promise<void> {
  await db
    .updateTable('apps')
    .set({
      name: app.name,
      name_lower: app.name.toLowerCase(),
      permissions: JSON.stringify(app.permissions),
      updated_at: app.updatedAt,
    })
    .where('organization_id', '=', app.organizationId)
    .where('id', '=', app.id)
    .execute();
}

/** Revokes the app and every session opened with it. */
export async function revokeApp(db: Kysely<Database>, app: App, at: string): Promise<void> {
  await db.updateTable('apps').set({ revoked_at: at, updated_at: at }).where('id', '=', app.id).execute();
  await db
    .updateTable('app_sessions')
    .set({ revoked_at: at })
    .where('app_id', '=', app.id)
    .where('revoked_at', 'is', null)
    .execute();
}

export interface AppTokenMatch {
  app: App;
  tokenHash: string;
}

/** The live app whose token has this hash. */
export async function findAppByTokenHash(db: Kysely<Database>, tokenHash: string): Promise<AppTokenMatch | null> {
  const row = await db
    .selectFrom('apps')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? { app: toApp(row), tokenHash: row.token_hash } : null;
}

export async function touchApp(db: Kysely<Database>, appId: string, at: string): Promise<void> {
  await db.updateTable('apps').set({ last_used_at: at }).where('id', '=', appId).execute();
}

export async function insertSession(db: Kysely<Database>, session: AppSession): Promise<void> {
  await db
    .insertInto('app_sessions')
    .values({
      id: session.id,
      organization_id: session.organizationId,
      app_id: session.appId,
      grant_type: session.grant,
      user_agent: session.userAgent,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
      last_used_at: session.lastUsedAt,
      revoked_at: session.revokedAt,
    })
    .execute();
}

/** Deletes sessions expired before `now`: an expired session can never authenticate again. */
export async function pruneExpiredSessions(db: Kysely<Database>, now: string): Promise<void> {
  await db.deleteFrom('app_sessions').where('expires_at', '<', now).execute();
}

export interface LiveSession {
  session: AppSession;
  app: App;
}

/** A session that is not revoked, with its app, also not revoked. */
export async function findLiveSession(db: Kysely<Database>, sessionId: string): Promise<LiveSession | null> {
  const row = await db
    .selectFrom('app_sessions')
    .innerJoin('apps', 'apps.id', 'app_sessions.app_id')
    .selectAll('apps')
    .select([
      'app_sessions.id as s_id',
      'app_sessions.organization_id as s_organization_id',
      'app_sessions.app_id as s_app_id',
      'app_sessions.grant_type as s_grant_type',
      'app_sessions.user_agent as s_user_agent',
      'app_sessions.created_at as s_created_at',
      'app_sessions.expires_at as s_expires_at',
      'app_sessions.last_used_at as s_last_used_at',
      'app_sessions.revoked_at as s_revoked_at',
    ])
    .where('app_sessions.id', '=', sessionId)
    .where('app_sessions.revoked_at', 'is', null)
    .where('apps.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  return {
    app: toApp(row),
    session: toSession({
      id: row.s_id,
      organization_id: row.s_organization_id,
      app_id: row.s_app_id,
      grant_type: row.s_grant_type,
      user_agent: row.s_user_agent,
      created_at: row.s_created_at,
      expires_at: row.s_expires_at,
      last_used_at: row.s_last_used_at,
      revoked_at: row.s_revoked_at,
    }),
  };
}

export async function findSession(db: Kysely<Database>, appId: string, sessionId: string): Promise<AppSession | null> {
  const row = await db
    .selectFrom('app_sessions')
    .selectAll()
    .where('app_id', '=', appId)
    .where('id', '=', sessionId)
    .executeTakeFirst();
  return row ? toSession(row) : null;
}

export async function listSessions(db: Kysely<Database>, appId: string, keyset: Keyset): Promise<Page<AppSession>> {
  const query = db.selectFrom('app_sessions').selectAll().where('app_id', '=', appId);
  const rows = await pageBy(query, keyset).execute();
  return takePage(rows.map(toSession), keyset.limit);
}

export async function revokeSession(db: Kysely<Database>, sessionId: string, at: string): Promise<void> {
  await db
    .updateTable('app_sessions')
    .set({ revoked_at: at })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function touchSession(db: Kysely<Database>, sessionId: string, at: string): Promise<void> {
  await db.updateTable('app_sessions').set({ last_used_at: at }).where('id', '=', sessionId).execute();
}
