// Personal user keys (`phu_…`): an owner issues them, anyone may list and revoke their own, and a
// user rotates the key they are using. A key is shown once; the store keeps its hash.
import { Type } from '@sinclair/typebox';
import { asUser } from '../domain/principal';
import { issueKey, keysOf, revokeKey, rotateOwnKey } from '../domain/user-keys';
import { presentUser } from '../domain/users';
import { defineRoute, reply } from '../http/route';
import { NullableTimestamp, Problem, Timestamp, dataOf } from './common';
import { UserSchema } from './users';

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
  async handler({ params, ctx, principal }) {
    return reply.created(await issueKey(ctx, principal(), params.id));
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
  async handler({ params, ctx, principal }) {
    return reply.list(await keysOf(ctx, principal(), params.id), null);
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
  async handler({ params, ctx, principal }) {
    await revokeKey(ctx, principal(), params.id, params.keyId);
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
  async handler({ ctx, principal }) {
    return reply.created(await rotateOwnKey(ctx, asUser(principal())));
  },
});

export const userKeyRoutes = [whoAmI, issue, list, revoke, rotate];
