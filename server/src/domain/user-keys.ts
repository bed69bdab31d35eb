// Personal user keys (`phu_…`): an owner issues them, anyone may list and revoke their own, and a
// user rotates the key they are using. A key is shown once; the store keeps its hash.
import type { Kysely } from 'kysely';
import { problems } from '../core/problem';
import { recordAudit } from '../store/audit';
import type { Database } from '../store/schema';
import { type User, type UserKey, findUser, findUserKey, listUserKeys, revokeUserKey } from '../store/users';
import type { DomainContext } from './context';
import { changeCredentials } from './credentials';
import { type IssuedKey, guardOwnerAccess, issueUserKey } from './owner-access';
import { type Principal, type UserPrincipal, asUser, isOwner, principalActor } from './principal';

/** `me` stands for the caller; any other id must be a user of the caller's organization. */
async function targetUser(db: Kysely<Database>, principal: Principal, id: string): Promise<User> {
  const userId = id === 'me' && principal.kind === 'user' ? principal.user.id : id;
  const user = await findUser(db, principal.organizationId, userId);
  if (!user) throw problems.notFound(`There is no user ${id}.`);
  return user;
}

/** Owners see and revoke everyone's keys; other users only their own. */
function guardOwnKeys(principal: Principal, user: User): void {
  if (!isOwner(principal) && asUser(principal).user.id !== user.id) {
    throw problems.forbidden("Only an owner, or the user themself, can see or revoke a user's keys.");
  }
}

/** Issues a key for a user (`me` or an id), up to the limit of live keys a user may hold. */
export async function issueKey(ctx: DomainContext, who: Principal, userId: string): Promise<IssuedKey> {
  const now = ctx.clock.now();
  return ctx.store.db
    .transaction()
    .execute(async (trx) =>
      issueUserKey(trx, await targetUser(trx, who, userId), principalActor(who), now, { enforceLimit: true }),
    );
}

/** A user's keys, live and revoked (never the keys themselves); an owner's to see, or the user's own. */
export async function keysOf(ctx: DomainContext, who: Principal, userId: string): Promise<UserKey[]> {
  const user = await targetUser(ctx.store.db, who, userId);
  guardOwnKeys(who, user);
  return listUserKeys(ctx.store.db, who.organizationId, user.id);
}

/** Revokes a key (again is fine); 409 when it is the last key any owner holds. */
export async function revokeKey(ctx: DomainContext, who: Principal, userId: string, keyId: string): Promise<void> {
  const now = ctx.clock.now();
  await changeCredentials(ctx, async (trx) => {
    const user = await targetUser(trx, who, userId);
    guardOwnKeys(who, user);
    const key = await findUserKey(trx, who.organizationId, user.id, keyId);
    if (!key) throw problems.notFound(`There is no key ${keyId} for user ${userId}.`);
    if (key.revokedAt !== null) return;
    if (user.accessRight === 'owner')
      await guardOwnerAccess(trx, ctx.store.dialect, who.organizationId, { keyId: key.id });
    await revokeUserKey(trx, key.id, now.toISOString());
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'user.key_revoked',
      targetType: 'user',
      targetId: user.id,
      details: { keyId: key.id },
      at: now,
    });
  });
}

/** Replaces the key the caller is using with a new one; the old one stops working at once. */
export async function rotateOwnKey(ctx: DomainContext, who: UserPrincipal): Promise<IssuedKey> {
  const now = ctx.clock.now();
  return changeCredentials(ctx, async (trx) => {
    // Only the request that actually revokes the key gets a new one: a key used for two rotations
    // at once (or revoked meanwhile) yields one key, not several.
    if (!(await revokeUserKey(trx, who.keyId, now.toISOString())))
      throw problems.invalidToken('This key has been revoked (rotated by another request?).');
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'user.key_revoked',
      targetType: 'user',
      targetId: who.user.id,
      details: { keyId: who.keyId, rotated: true },
      at: now,
    });
    return issueUserKey(trx, who.user, principalActor(who), now, { enforceLimit: false });
  });
}
