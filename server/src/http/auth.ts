// The auth guard: turns X-Api-Key / Bearer credentials into a principal, and checks what it may do.
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../clock';
import { scopesForAccessRight } from '../core/permissions';
import { problems } from '../core/problem';
import { hashToken, sameDigest, tokenKind } from '../core/tokens';
import { type Principal, asUser, isOwner } from '../domain/principal';
import { findAppByTokenHash, findLiveSession, touchApp, touchSession } from '../store/apps';
import type { Store } from '../store/database';
import type { Keyring } from '../store/signing-keys';
import { findUserByKeyHash, touchUserKey } from '../store/users';
import type { Credential, CredentialCache } from './credential-cache';
import type { AuthRequirement } from './route';

/** What the guard reads credentials with: the store, the clock, the token keys and the cache of recent credentials. */
export interface GuardContext {
  store: Store;
  clock: Clock;
  keyring: Keyring;
  credentials: CredentialCache;
}

/** `lastUsedAt` is written at most this often per credential, so reads stay reads. */
const TOUCH_INTERVAL_MS = 60_000;

function readCredential(req: IncomingMessage): string | null {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (!match) throw problems.invalidToken('The Authorization header must be "Bearer <token>".');
    return match[1];
  }
  const apiKey = req.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  return null;
}

function isStale(lastUsedAt: string | null, now: Date): boolean {
  return lastUsedAt === null || now.getTime() - Date.parse(lastUsedAt) >= TOUCH_INTERVAL_MS;
}

/**
 * The credential under `key`: from the cache, else from the store (then cached). Only live
 * credentials are cached; a miss always reads the store.
 */
async function lookUp<T extends Credential>(
  guard: GuardContext,
  key: string,
  kind: T['kind'],
  load: () => Promise<T | null>,
): Promise<T | null> {
  const hit = await guard.credentials.get(key);
  if (hit !== undefined && hit.kind === kind) return hit as T;
  const ticket = guard.credentials.ticket();
  const found = await load();
  if (found !== null) guard.credentials.remember(key, found, ticket);
  return found;
}

async function authenticateAppToken(token: string, guard: GuardContext): Promise<Principal> {
  const hash = hashToken(token);
  const found = await lookUp(guard, hash, 'app', async () => {
    const match = await findAppByTokenHash(guard.store.db, hash);
    return match && { kind: 'app' as const, match };
  });
  // The index lookup finds the row; the constant-time compare is the check that decides.
  if (!found || !sameDigest(found.match.tokenHash, hash))
    throw problems.invalidToken('The app token is not valid or has been revoked.');
  const { app } = found.match;
  const now = guard.clock.now();
  if (isStale(app.lastUsedAt, now)) {
    await touchApp(guard.store.db, app.id, now.toISOString());
    app.lastUsedAt = now.toISOString();
  }
  return { kind: 'app', organizationId: app.organizationId, app, sessionId: null, scopes: new Set(app.permissions) };
}

async function authenticateUserKey(key: string, guard: GuardContext): Promise<Principal> {
  const hash = hashToken(key);
  const found = await lookUp(guard, hash, 'user', async () => {
    const match = await findUserByKeyHash(guard.store.db, hash);
    return match && { kind: 'user' as const, match };
  });
  if (!found || !sameDigest(found.match.keyHash, hash))
    throw problems.invalidToken('The user key is not valid or has been revoked.');
  const { match } = found;
  const now = guard.clock.now();
  if (isStale(match.lastUsedAt, now)) {
    await touchUserKey(guard.store.db, match.keyId, now.toISOString());
    match.lastUsedAt = now.toISOString();
  }
  return {
    kind: 'user',
    organizationId: match.user.organizationId,
    user: match.user,
    keyId: match.keyId,
    scopes: scopesForAccessRight(match.user.accessRight),
  };
}

async function authenticateJwt(token: string, guard: GuardContext): Promise<Principal> {
  const now = guard.clock.now();
  const outcome = await guard.keyring.verify(token, now);
  if (!outcome.ok) {
    throw problems.invalidToken(
      outcome.reason === 'expired'
        ? 'The access token has expired; exchange the app token again.'
        : 'The access token is not valid.',
    );
  }
  const { claims } = outcome;
  const found = await lookUp(guard, `session:${claims.sessionId}`, 'session', async () => {
    const live = await findLiveSession(guard.store.db, claims.sessionId);
    return live && { kind: 'session' as const, live };
  });
  const live = found?.live;
  if (!live || live.app.id !== claims.appId || live.app.organizationId !== claims.organizationId) {
    throw problems.invalidToken('The session behind this access token has been revoked.');
  }
  const at = now.toISOString();
  if (isStale(live.session.lastUsedAt, now)) {
    await touchSession(guard.store.db, live.session.id, at);
    live.session.lastUsedAt = at;
    if (isStale(live.app.lastUsedAt, now)) {
      await touchApp(guard.store.db, live.app.id, at);
      live.app.lastUsedAt = at;
    }
  }
  // Scopes are the app's current permissions, narrowed by what the token was issued with.
  const granted = new Set(live.app.permissions);
  const scopes = new Set(claims.scopes.filter((scope) => granted.has(scope)));
  return { kind: 'app', organizationId: live.app.organizationId, app: live.app, sessionId: live.session.id, scopes };
}

/** Resolves the caller or throws 401. A revocation counts from the next request on, in every process (see credential-cache). */
export async function authenticate(req: IncomingMessage, guard: GuardContext): Promise<Principal> {
  const credential = readCredential(req);
  if (credential === null) {
    throw problems.unauthorized(
      'Send a credential in X-Api-Key or Authorization: Bearer: an app token (pha_…), a personal user key (phu_…), ' +
        'or an access token (a JWT from POST /v1/auth/application or POST /oauth/token).',
    );
  }
  const kind = tokenKind(credential);
  if (kind === 'app') return authenticateAppToken(credential, guard);
  if (kind === 'user') return authenticateUserKey(credential, guard);
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(credential) && credential.length < 8192) {
    return authenticateJwt(credential, guard);
  }
  throw problems.invalidToken('The credential is neither an app token, a user key nor an access token.');
}

/** Throws 403 when the principal may not do what the route needs. */
export function authorize(principal: Principal, requirement: AuthRequirement): void {
  if (requirement.kind === 'scope' && !principal.scopes.has(requirement.scope)) {
    throw problems.insufficientScope(requirement.scope);
  }
  if (requirement.kind === 'owner' && !isOwner(principal)) {
    throw problems.forbidden("Only an owner's personal key can do this; an app cannot.");
  }
  if (requirement.kind === 'user') asUser(principal);
}
