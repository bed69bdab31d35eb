// Custom apps: creating them with their token (shown once), changing and revoking them, and the
// sessions their tokens open (one per exchange, listed under the app and revocable alone).
import { newId } from '../core/ids';
import { signAccessToken } from '../core/jwt';
import type { Scope } from '../core/permissions';
import { problems } from '../core/problem';
import { generateToken, hashToken, sameDigest, tokenKind } from '../core/tokens';
import {
  type App,
  type SessionGrant,
  findApp,
  findAppByTokenHash,
  findLiveAppIdByName,
  findSession,
  insertApp,
  insertSession,
  revokeApp as revokeAppRow,
  revokeSession as revokeSessionRow,
  updateApp as updateAppRow,
} from '../store/apps';
import { recordAudit } from '../store/audit';
import { isUniqueViolation } from '../store/errors';
import type { Keyring } from '../store/signing-keys';
import type { DomainContext } from './context';
import { changeCredentials } from './credentials';
import { type Principal, principalActor } from './principal';

function nameTaken(name: string) {
  return problems.conflict(`An app named "${name}" already exists; app names are unique in an organization.`, {
    field: 'name',
  });
}

/** Creates an app; returns it with its token, which is never shown again. 409 for a taken name. */
export async function createApp(
  ctx: DomainContext,
  who: Principal,
  input: { name: string; permissions: Scope[] },
): Promise<{ app: App; token: string }> {
  const now = ctx.clock.now();
  const token = generateToken('app');
  const app: App = {
    id: newId('app', now),
    organizationId: who.organizationId,
    name: input.name,
    permissions: input.permissions,
    createdBy: who.kind === 'user' ? who.user.id : null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    lastUsedAt: null,
    revokedAt: null,
  };
  try {
    await ctx.store.db.transaction().execute(async (trx) => {
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
  return { app, token };
}

/** Renames an app or changes its permissions (counting from the next request on); 409 when revoked or the name is taken. */
export async function updateApp(
  ctx: DomainContext,
  who: Principal,
  id: string,
  input: { name?: string; permissions?: Scope[] },
): Promise<App> {
  const now = ctx.clock.now();
  try {
    return await changeCredentials(ctx, async (trx) => {
      const before = await findApp(trx, who.organizationId, id);
      if (!before) throw problems.notFound(`There is no app ${id}.`);
      if (before.revokedAt !== null) throw problems.conflict('This app is revoked; create a new one instead.');
      const after: App = {
        ...before,
        name: input.name ?? before.name,
        permissions: input.permissions ?? before.permissions,
      };
      const changed: string[] = [];
      if (after.name !== before.name) changed.push('name');
      if ([...after.permissions].sort().join() !== [...before.permissions].sort().join()) changed.push('permissions');
      if (changed.length === 0) return before;
      if (changed.includes('name')) {
        const holder = await findLiveAppIdByName(trx, who.organizationId, after.name);
        if (holder !== null && holder !== before.id) throw nameTaken(after.name);
      }
      const app = { ...after, updatedAt: now.toISOString() };
      await updateAppRow(trx, app);
      await recordAudit(trx, {
        organizationId: who.organizationId,
        actor: principalActor(who),
        action: 'app.updated',
        targetType: 'app',
        targetId: app.id,
        details: { changed },
        at: now,
      });
      return app;
    });
  } catch (error) {
    throw isUniqueViolation(error) ? nameTaken(input.name ?? '') : error;
  }
}

/** Revokes an app, its token and every session (again is fine). */
export async function revokeApp(ctx: DomainContext, who: Principal, id: string): Promise<void> {
  const now = ctx.clock.now();
  await changeCredentials(ctx, async (trx) => {
    const app = await findApp(trx, who.organizationId, id);
    if (!app) throw problems.notFound(`There is no app ${id}.`);
    if (app.revokedAt !== null) return;
    await revokeAppRow(trx, app, now.toISOString());
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'app.revoked',
      targetType: 'app',
      targetId: app.id,
      at: now,
    });
  });
}

/** Revokes one session of an app (again is fine). */
export async function revokeSession(
  ctx: DomainContext,
  who: Principal,
  appId: string,
  sessionId: string,
): Promise<void> {
  const now = ctx.clock.now();
  await changeCredentials(ctx, async (trx) => {
    const app = await findApp(trx, who.organizationId, appId);
    const session = app ? await findSession(trx, app.id, sessionId) : null;
    if (!session) throw problems.notFound(`There is no session ${sessionId} for app ${appId}.`);
    if (session.revokedAt !== null) return;
    await revokeSessionRow(trx, session.id, now.toISOString());
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'app.session_revoked',
      targetType: 'app_session',
      targetId: session.id,
      details: { appId },
      at: now,
    });
  });
}

/** The live app an app token belongs to, or null (a user key, a revoked or unknown token). */
export async function appForToken(ctx: Pick<DomainContext, 'store'>, token: string): Promise<App | null> {
  if (tokenKind(token) !== 'app') return null;
  const hash = hashToken(token);
  const match = await findAppByTokenHash(ctx.store.db, hash);
  return match && sameDigest(match.tokenHash, hash) ? match.app : null;
}

export interface OpenedSession {
  token: string;
  sessionId: string;
  expiresAt: string;
  scopes: Scope[];
}

/** Each exchange opens its own session ("installation"), and an access token for it signed with the current key. */
export async function openSession(
  ctx: Pick<DomainContext, 'store' | 'clock' | 'config'> & { keyring: Keyring },
  app: App,
  grant: SessionGrant,
  scopes: Scope[],
  userAgent: string | undefined,
): Promise<OpenedSession> {
  const now = ctx.clock.now();
  const ttl = ctx.config.jwtTtlSeconds;
  const sessionId = newId('ses', now);
  const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + ttl * 1000).toISOString();
  await insertSession(ctx.store.db, {
    id: sessionId,
    organizationId: app.organizationId,
    appId: app.id,
    grant,
    userAgent: userAgent?.slice(0, 512) ?? null,
    createdAt: now.toISOString(),
    expiresAt,
    lastUsedAt: null,
    revokedAt: null,
  });
  const token = await signAccessToken(
    ctx.keyring.current,
    { organizationId: app.organizationId, appId: app.id, sessionId, scopes },
    now,
    ttl,
  );
  return { token, sessionId, expiresAt, scopes };
}
