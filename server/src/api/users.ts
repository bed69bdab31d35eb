// /v1/users: the people who administer PeopleHub, with their access rights.
import { Type } from '@sinclair/typebox';
import { ACCESS_RIGHTS, type AccessRight } from '../core/permissions';
import { newId } from '../core/ids';
import { type Principal, changeCredentials, isOwner, principalActor } from '../http/auth';
import { guardOwnerAccess } from '../owner-access';
import { problems } from '../core/problem';
import { defineRoute, reply } from '../http/route';
import type { Services } from '../services';
import { diffFields } from '../core/diff';
import { recordChange } from '../store/events';
import { isUniqueViolation } from '../store/errors';
import {
  USER_SORT_COLUMNS,
  type User,
  deleteUser,
  findUser,
  findUserIdByEmail,
  insertUser,
  listUsers,
  updateUser,
  userSortValue,
} from '../store/users';
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

const USER_DIFF_FIELDS = [
  { field: 'name', label: 'Name' },
  { field: 'email', label: 'Email' },
  { field: 'phone', label: 'Phone' },
  { field: 'accessRight', label: 'Access right' },
];

export function presentUser(user: User) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    phone: user.phone,
    accessRight: user.accessRight,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

async function loadUser(services: Services, principal: Principal, id: string): Promise<User> {
  const user = await findUser(services.store.db, principal.organizationId, id);
  if (!user) throw problems.notFound(`There is no user ${id}.`);
  return user;
}

/** Owners are the only ones who may create, change or remove an owner. */
function guardOwnerChange(principal: Principal, touchesOwner: boolean): void {
  if (touchesOwner && !isOwner(principal))
    throw problems.forbidden('Only an owner can grant, change or remove the owner access right.');
}

function duplicateEmail(email: string) {
  return problems.conflict(`A user with the email ${email} already exists in this organization.`, { field: 'email' });
}

const list = defineRoute({
  method: 'GET',
  url: '/v1/users',
  operationId: 'listUsers',
  summary: 'List users',
  tags: ['Users'],
  auth: { kind: 'scope', scope: 'users:read' },
  query: listQuery(['createdAt', 'email'] as const, { accessRight: Type.Optional(AccessRightSchema) }),
  responses: listResponses(UserSchema),
  async handler({ query, services, principal }) {
    const page = paging(query, USER_SORT_COLUMNS, 'users.id', 'createdAt');
    const result = await listUsers(
      services.store.db,
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
  async handler({ body, services, principal }) {
    const who = principal();
    guardOwnerChange(who, body.accessRight === 'owner');
    const now = services.clock.now();
    const user: User = {
      id: newId('usr', now),
      organizationId: who.organizationId,
      name: body.name ?? null,
      email: body.email,
      phone: body.phone ?? null,
      accessRight: body.accessRight as AccessRight,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    try {
      await services.store.db.transaction().execute(async (trx) => {
        if ((await findUserIdByEmail(trx, who.organizationId, user.email)) !== null) throw duplicateEmail(user.email);
        await insertUser(trx, user);
        await recordChange(trx, {
          organizationId: who.organizationId,
          type: 'user.updated',
          actor: principalActor(who),
          object: presentUser(user),
          changes: diffFields({}, presentUser(user), USER_DIFF_FIELDS),
          action: 'user.created',
          targetType: 'user',
          targetId: user.id,
          at: now,
        });
      });
    } catch (error) {
      throw isUniqueViolation(error) ? duplicateEmail(user.email) : error;
    }
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
  async handler({ params, services, principal }) {
    return reply.ok(presentUser(await loadUser(services, principal(), params.id)));
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
  async handler({ params, body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    try {
      const result = await changeCredentials(services, async (trx) => {
        const before = await findUser(trx, who.organizationId, params.id);
        if (!before) throw problems.notFound(`There is no user ${params.id}.`);
        const after: User = {
          ...before,
          name: body.name === undefined ? before.name : body.name,
          email: body.email ?? before.email,
          phone: body.phone === undefined ? before.phone : body.phone,
          accessRight: (body.accessRight ?? before.accessRight) as AccessRight,
        };
        const changes = diffFields(presentUser(before), presentUser(after), USER_DIFF_FIELDS);
        if (changes.length === 0) return before;
        guardOwnerChange(who, before.accessRight === 'owner' || after.accessRight === 'owner');
        if (before.accessRight === 'owner' && after.accessRight !== 'owner')
          await guardOwnerAccess(trx, services.store.dialect, who.organizationId, { userId: before.id });
        if (after.email !== before.email) {
          const holder = await findUserIdByEmail(trx, who.organizationId, after.email);
          if (holder !== null && holder !== before.id) throw duplicateEmail(after.email);
        }
        after.updatedAt = now.toISOString();
        await updateUser(trx, after);
        await recordChange(trx, {
          organizationId: who.organizationId,
          type: 'user.updated',
          actor: principalActor(who),
          object: presentUser(after),
          changes,
          targetType: 'user',
          targetId: after.id,
          at: now,
        });
        return after;
      });
      return reply.ok(presentUser(result));
    } catch (error) {
      throw isUniqueViolation(error) ? duplicateEmail(body.email ?? '') : error;
    }
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
  async handler({ params, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    await changeCredentials(services, async (trx) => {
      const user = await findUser(trx, who.organizationId, params.id);
      if (!user) throw problems.notFound(`There is no user ${params.id}.`);
      guardOwnerChange(who, user.accessRight === 'owner');
      if (user.accessRight === 'owner')
        await guardOwnerAccess(trx, services.store.dialect, who.organizationId, { userId: user.id });
      await deleteUser(trx, who.organizationId, user.id);
      await recordChange(trx, {
        organizationId: who.organizationId,
        type: 'user.deleted',
        actor: principalActor(who),
        object: presentUser(user),
        targetType: 'user',
        targetId: user.id,
        at: now,
      });
    });
    return reply.noContent();
  },
});

export const userRoutes = [list, create, get, update, remove];
