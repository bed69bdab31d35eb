// /v1/users: the people who administer PeopleHub, with their access rights.
import { Type } from '@sinclair/typebox';
import { ACCESS_RIGHTS } from '../core/permissions';
import { problems } from '../core/problem';
import { createUser, deleteUser, presentUser, updateUser } from '../domain/users';
import { defineRoute, reply } from '../http/route';
import { USER_SORT_COLUMNS, findUser, listUsers, userSortValue } from '../store/users';
import { IdParams, Problem, Text, Timestamp, dataOf, listQuery, listResponses, paging } from './common';

const AccessRightSchema = Type.Union(ACCESS_RIGHTS.map((a) => Type.Literal(a)));
const Email = Type.String({ format: 'email', maxLength: 254 });
const Phone = Type.String({ pattern: '^\\+?[0-9 ().-]{3,32}$' });

export const UserSchema = Type.Object({
  id: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  email: Email,
  phone: Type.Union([Type.String(), Type.Null()]),
  accessRight: AccessRightSchema,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const CreateUserBody = Type.Object(
  {
    email: Email,
    name: Type.Optional(Type.Union([Text(200), Type.Null()])),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
    accessRight: AccessRightSchema,
  },
  { additionalProperties: false },
);

const UpdateUserBody = Type.Object(
  {
    email: Type.Optional(Email),
    name: Type.Optional(Type.Union([Text(200), Type.Null()])),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
    accessRight: Type.Optional(AccessRightSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);

const list = defineRoute({
  method: 'GET',
  url: '/v1/users',
  operationId: 'listUsers',
  summary: 'List users',
  tags: ['Users'],
  auth: { kind: 'scope', scope: 'users:read' },
  query: listQuery(['createdAt', 'email'] as const, { accessRight: Type.Optional(AccessRightSchema) }),
  responses: listResponses(UserSchema),
  async handler({ query, ctx, principal }) {
    const page = paging(query, USER_SORT_COLUMNS, 'users.id', 'createdAt');
    const result = await listUsers(
      ctx.store.db,
      principal().organizationId,
      { q: query.q, accessRight: query.accessRight },
      page.keyset,
    );
    return reply.list(result.items.map(presentUser), page.next(result, userSortValue));
  },
});

const create = defineRoute({
  method: 'POST',
  url: '/v1/users',
  operationId: 'createUser',
  summary: 'Add a user',
  tags: ['Users'],
  auth: { kind: 'scope', scope: 'users:write' },
  body: CreateUserBody,
  responses: {
    201: { description: 'The user was added.', schema: dataOf(UserSchema) },
    400: { description: 'Invalid fields.', schema: Problem },
    409: { description: 'The email is taken.', schema: Problem },
  },
  async handler({ body, ctx, principal }) {
    const user = await createUser(ctx, principal(), body);
    return reply.created(presentUser(user));
  },
});

const get = defineRoute({
  method: 'GET',
  url: '/v1/users/:id',
  operationId: 'getUser',
  summary: 'Get a user',
  tags: ['Users'],
  auth: { kind: 'scope', scope: 'users:read' },
  params: IdParams,
  responses: {
    200: { description: 'The user.', schema: dataOf(UserSchema) },
    404: { description: 'No such user.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    const user = await findUser(ctx.store.db, principal().organizationId, params.id);
    if (!user) throw problems.notFound(`There is no user ${params.id}.`);
    return reply.ok(presentUser(user));
  },
});

const update = defineRoute({
  method: 'PATCH',
  url: '/v1/users/:id',
  operationId: 'updateUser',
  summary: 'Update a user',
  tags: ['Users'],
  auth: { kind: 'scope', scope: 'users:write' },
  params: IdParams,
  body: UpdateUserBody,
  responses: {
    200: { description: 'The user after the change.', schema: dataOf(UserSchema) },
    400: { description: 'Invalid fields.', schema: Problem },
    404: { description: 'No such user.', schema: Problem },
    409: { description: 'The email is taken, or this would leave no owner.', schema: Problem },
  },
  async handler({ params, body, ctx, principal }) {
    return reply.ok(presentUser(await updateUser(ctx, principal(), params.id, body)));
  },
});

const remove = defineRoute({
  method: 'DELETE',
  url: '/v1/users/:id',
  operationId: 'deleteUser',
  summary: 'Remove a user',
  tags: ['Users'],
  auth: { kind: 'scope', scope: 'users:write' },
  params: IdParams,
  responses: {
    204: { description: 'The user was removed, with their keys.' },
    404: { description: 'No such user.', schema: Problem },
    409: { description: 'This is the last owner.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    await deleteUser(ctx, principal(), params.id);
    return reply.noContent();
  },
});

export const userRoutes = [list, create, get, update, remove];
