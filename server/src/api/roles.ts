// /v1/roles: roles in groups, with accountabilities and assigned employees.
import { Type } from '@sinclair/typebox';
import { problems } from '../core/problem';
import { assignRole, createRole, deleteRole, presentRole, unassignRole, updateRole } from '../domain/roles';
import { defineRoute, reply } from '../http/route';
import { ROLE_SORTS, findRole, listRoles } from '../store/roles';
import { IdParams, Problem, Text, Timestamp, dataOf, listQuery, listResponses, paging } from './common';

const Accountabilities = Type.Array(Text(500), { maxItems: 100 });

const AssignmentSchema = Type.Object({
  employeeId: Type.String(),
  employeeName: Type.String(),
  focus: Type.Union([Type.String(), Type.Null()]),
  percentage: Type.Union([Type.Integer(), Type.Null()]),
});

export const RoleSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  purpose: Type.Union([Type.String(), Type.Null()]),
  accountabilities: Type.Array(Type.String()),
  groupId: Type.String(),
  assignments: Type.Array(AssignmentSchema),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const list = defineRoute({
  method: 'GET',
  url: '/v1/roles',
  operationId: 'listRoles',
  summary: 'List roles',
  tags: ['Roles'],
  auth: { kind: 'scope', scope: 'org:read' },
  query: listQuery(['createdAt', 'name'] as const, {
    groupId: Type.Optional(Type.String({ maxLength: 64 })),
    employeeId: Type.Optional(Type.String({ maxLength: 64 })),
  }),
  responses: listResponses(RoleSchema),
  async handler({ query, ctx, principal }) {
    const page = paging(
      query,
      { createdAt: ROLE_SORTS.createdAt.column, name: ROLE_SORTS.name.column },
      'roles.id',
      'name',
    );
    const result = await listRoles(
      ctx.store.db,
      principal().organizationId,
      { q: query.q, groupId: query.groupId, employeeId: query.employeeId },
      page.keyset,
    );
    return reply.list(
      result.items.map(presentRole),
      page.next(result, (r, field) => ROLE_SORTS[field].value(r)),
    );
  },
});

const create = defineRoute({
  method: 'POST',
  url: '/v1/roles',
  operationId: 'createRole',
  summary: 'Create a role',
  tags: ['Roles'],
  auth: { kind: 'scope', scope: 'org:write' },
  body: Type.Object(
    {
      name: Text(200),
      groupId: Type.String({ minLength: 1, maxLength: 64 }),
      purpose: Type.Optional(Type.Union([Text(2000), Type.Null()])),
      accountabilities: Type.Optional(Accountabilities),
    },
    { additionalProperties: false },
  ),
  responses: {
    201: { description: 'The role.', schema: dataOf(RoleSchema) },
    400: { description: 'Invalid fields.', schema: Problem },
  },
  async handler({ body, ctx, principal }) {
    return reply.created(presentRole(await createRole(ctx, principal(), body)));
  },
});

const get = defineRoute({
  method: 'GET',
  url: '/v1/roles/:id',
  operationId: 'getRole',
  summary: 'Get a role',
  tags: ['Roles'],
  auth: { kind: 'scope', scope: 'org:read' },
  params: IdParams,
  responses: {
    200: { description: 'The role.', schema: dataOf(RoleSchema) },
    404: { description: 'No such role.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    const role = await findRole(ctx.store.db, principal().organizationId, params.id);
    if (!role) throw problems.notFound(`There is no role ${params.id}.`);
    return reply.ok(presentRole(role));
  },
});

const update = defineRoute({
  method: 'PATCH',
  url: '/v1/roles/:id',
  operationId: 'updateRole',
  summary: 'Update a role',
  tags: ['Roles'],
  auth: { kind: 'scope', scope: 'org:write' },
  params: IdParams,
  body: Type.Object(
    {
      name: Type.Optional(Text(200)),
      groupId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      purpose: Type.Optional(Type.Union([Text(2000), Type.Null()])),
      accountabilities: Type.Optional(Accountabilities),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
  responses: {
    200: { description: 'The role after the change.', schema: dataOf(RoleSchema) },
    404: { description: 'No such role.', schema: Problem },
  },
  async handler({ params, body, ctx, principal }) {
    return reply.ok(presentRole(await updateRole(ctx, principal(), params.id, body)));
  },
});

const remove = defineRoute({
  method: 'DELETE',
  url: '/v1/roles/:id',
  operationId: 'deleteRole',
  summary: 'Delete a role',
  tags: ['Roles'],
  auth: { kind: 'scope', scope: 'org:write' },
  params: IdParams,
  responses: { 204: { description: 'Deleted.' }, 404: { description: 'No such role.', schema: Problem } },
  async handler({ params, ctx, principal }) {
    await deleteRole(ctx, principal(), params.id);
    return reply.noContent();
  },
});

const assign = defineRoute({
  method: 'POST',
  url: '/v1/roles/:id/assignments',
  operationId: 'assignRole',
  summary: 'Assign an employee to a role (or change their focus and percentage)',
  tags: ['Roles'],
  auth: { kind: 'scope', scope: 'org:write' },
  params: IdParams,
  body: Type.Object(
    {
      employeeId: Type.String({ minLength: 1, maxLength: 64 }),
      focus: Type.Optional(Type.Union([Text(500), Type.Null()])),
      percentage: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), Type.Null()])),
    },
    { additionalProperties: false },
  ),
  responses: {
    200: { description: 'The role after the change.', schema: dataOf(RoleSchema) },
    400: { description: 'Not an employee.', schema: Problem },
    404: { description: 'No such role.', schema: Problem },
  },
  async handler({ params, body, ctx, principal }) {
    return reply.ok(presentRole(await assignRole(ctx, principal(), params.id, body)));
  },
});

const unassign = defineRoute({
  method: 'DELETE',
  url: '/v1/roles/:id/assignments',
  operationId: 'unassignRole',
  summary: 'Take an employee off a role',
  tags: ['Roles'],
  auth: { kind: 'scope', scope: 'org:write' },
  params: IdParams,
  query: Type.Object({ employeeId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  responses: {
    200: { description: 'The role after the change.', schema: dataOf(RoleSchema) },
    404: { description: 'No such role or assignment.', schema: Problem },
  },
  async handler({ params, query, ctx, principal }) {
    return reply.ok(presentRole(await unassignRole(ctx, principal(), params.id, query.employeeId)));
  },
});

export const roleRoutes = [list, create, get, update, remove, assign, unassign];
