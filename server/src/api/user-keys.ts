// Personal user keys (`phu_…`): an owner issues them, anyone may list and revoke their own, and a
// user rotates the key they are using. A key is shown once; the store keeps its hash.
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { type Principal, asUser, changeCredentials, isOwner, principalActor } from '../http/auth';
import { problems } from '../core/problem';
import { defineRoute, reply } from '../http/route';
import { guardOwnerAccess, issueUserKey } from '../owner-access';
import { recordAudit } from '../store/audit';
import type { Database } from '../store/schema';
import { type User, findUser, findUserKey, listUserKeys, revokeUserKey } from '../store/users';
import { NullableTimestamp, Problem, Timestamp, dataOf } from './common';
import { UserSchema, presentUser } from './users';

const UserKeySchema = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  createdAt: Timestamp,
  lastUsedAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
});

const IssuedKeySchema = Type.Composite([
  UserKeySchema,
  Type.Object({ key: Type.String({ description: 'Shown once; store it now.' }) }),
]);

const UserIdParams = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, description: 'A user id, or `me` for the user whose key is used.' }),
  },
  { additionalProperties: false },
);
const KeyParams = Type.Object(
  { id: UserIdParams.properties.id, keyId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

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

const whoAmI = defineRoute({
  method: 'GET',
  url: '/v1/users/me',
  operationId: 'getCurrentUser',
  summary: 'The user whose personal key is used, with their access right',
  tags: ['Users'],
  auth: { kind: 'user' },
  responses: { 200: { description: 'The user.', schema: dataOf(UserSchema) } },
  handler({ principal }) {
    return reply.ok(presentUser(asUser(principal()).user));
  },
});

const issue = defineRoute({
  method: 'POST',
  url: '/v1/users/:id/keys',
  operationId: 'issueUserKey',
  summary: 'Issue a personal key for a user (shown once)',
  tags: ['Users'],
  auth: { kind: 'owner' },
  params: UserIdParams,
  responses: {
    201: { description: 'The key. It is never shown again.', schema: dataOf(IssuedKeySchema) },
    404: { description: 'No such user.', schema: Problem },
    409: { description: 'The user already holds the most live keys allowed.', schema: Problem },
  },
  async handler({ params, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const issued = await services.store.db
      .transaction()
      .execute(async (trx) =>
        issueUserKey(trx, await targetUser(trx, who, params.id), principalActor(who), now, { enforceLimit: true }),
      );
    return reply.created(issued);
  },
});

const list = defineRoute({
  method: 'GET',
  url: '/v1/users/:id/keys',
  operationId: 'listUserKeys',
  summary: "A user's personal keys, newest first (never the keys themselves)",
  tags: ['Users'],
  auth: { kind: 'user' },
  params: UserIdParams,
  responses: {
    200: {
      description: 'Live and revoked keys.',
      schema: Type.Object({ data: Type.Array(UserKeySchema), nextCursor: Type.Null() }),
    },
    404: { description: 'No such user.', schema: Problem },
  },
  async handler({ params, services, principal }) {
    const who = principal();
    const user = await targetUser(services.store.db, who, params.id);
    guardOwnKeys(who, user);
    return reply.list(await listUserKeys(services.store.db, who.organizationId, user.id), null);
  },
});

const revoke = defineRoute({
  method: 'DELETE',
  url: '/v1/users/:id/keys/:keyId',
  operationId: 'revokeUserKey',
  summary: 'Revoke a personal key; it stops working at once',
  tags: ['Users'],
  auth: { kind: 'user' },
  params: KeyParams,
  responses: {
    204: { description: 'Revoked (also when it already was).' },
    404: { description: 'No such user or key.', schema: Problem },
    409: {
      description: 'It is the last key any owner holds: nobody could sign in as an owner without it.',
      schema: Problem,
    },
  },
  async handler({ params, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const { store } = services;
    await changeCredentials(services, async (trx) => {
      const user = await targetUser(trx, who, params.id);
      guardOwnKeys(who, user);
      const key = await findUserKey(trx, who.organizationId, user.id, params.keyId);
      if (!key) throw problems.notFound(`There is no key ${params.keyId} for user ${params.id}.`);
      if (key.revokedAt !== null) return;
      if (user.accessRight === 'owner')
        await guardOwnerAccess(trx, store.dialect, who.organizationId, { keyId: key.id });
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
    return reply.noContent();
  },
});

const rotate = defineRoute({
  method: 'POST',
  url: '/v1/users/me/keys/rotate',
  operationId: 'rotateOwnUserKey',
  summary: 'Replace the key used for this request with a new one (the old one stops working at once)',
  tags: ['Users'],
  auth: { kind: 'user' },
  responses: {
    201: {
      description: 'The new key, shown once. If the answer is lost, an owner can issue another key.',
      schema: dataOf(IssuedKeySchema),
    },
  },
  async handler({ services, principal }) {
    const who = asUser(principal());
    const now = services.clock.now();
    const issued = await changeCredentials(services, async (trx) => {
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
    return reply.created(issued);
  },
});

export const userKeyRoutes = [whoAmI, issue, list, revoke, rotate];
