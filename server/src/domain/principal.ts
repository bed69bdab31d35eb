// Who is calling: a user with their personal key, or an app. The HTTP guard establishes it; the
// domain acts for it (its organization, the actor its changes are recorded under) and decides by it.
import type { Actor } from '../core/actor';
import type { Scope } from '../core/permissions';
import { problems } from '../core/problem';
import type { App } from '../store/apps';
import type { User } from '../store/users';

export type Principal =
  /** A user's personal key; `keyId` is the key this request used. */
  | { kind: 'user'; organizationId: string; user: User; keyId: string; scopes: ReadonlySet<Scope> }
  | { kind: 'app'; organizationId: string; app: App; sessionId: string | null; scopes: ReadonlySet<Scope> };

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

export function isOwner(principal: Principal): principal is UserPrincipal {
  return principal.kind === 'user' && principal.user.accessRight === 'owner';
}

/** The caller as a user, on routes that require a user key (the guard has already refused apps). */
export function asUser(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user')
    throw problems.forbidden('This endpoint is about the user whose personal key (phu_…) is used; an app has none.');
  return principal;
}

export function principalActor(principal: Principal): Actor {
  if (principal.kind === 'user') {
    return { type: 'user', id: principal.user.id, name: principal.user.name, email: principal.user.email };
  }
  return { type: 'app', id: principal.app.id, name: principal.app.name, sessionId: principal.sessionId };
}
