// /v1/roles: roles in groups, with accountabilities and assigned employees.
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { newId } from '../core/ids';
import { principalActor } from '../http/auth';
import { problems } from '../core/problem';
import { defineRoute, reply } from '../http/route';
import { findEmployee } from '../store/employees';
import { recordChange } from '../store/events';
import { findGroup } from '../store/groups';
import {
  ROLE_SORTS,
  type Role,
  deleteAssignment,
  deleteRole,
  findRole,
  insertRole,
  listRoles,
  presentRole,
  saveRoleChange,
  upsertAssignment,
} from '../store/roles';
import type { Database } from '../store/schema';
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

async function checkGroup(db: Kysely<Database>, organizationId: string, groupId: string): Promise<void> {
  if (!(await findGroup(db, organizationId, groupId)))
    throw problems.validation([{ location: 'body', path: '/groupId', message: `${groupId} is not a group` }]);
}

async function loadRole(db: Kysely<Database>, organizationId: string, id: string): Promise<Role> {
  const role = await findRole(db, organizationId, id);
  if (!role) throw problems.notFound(`There is no role ${id}.`);
  return role;
}

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
  async handler({ query, services, principal }) {
    const page = paging(
      query,
      { createdAt: ROLE_SORTS.createdAt.column, name: ROLE_SORTS.name.column },
      'roles.id',
      'name',
    );
    const result = await listRoles(
      services.store.db,
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
  async handler({ body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const role: Role = {
      id: newId('rol', now),
      organizationId: who.organizationId,
      name: body.name,
      purpose: body.purpose ?? null,
      accountabilities: body.accountabilities ?? [],
      groupId: body.groupId,
      assignments: [],
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await services.store.db.transaction().execute(async (trx) => {
      await checkGroup(trx, who.organizationId, role.groupId);
      await insertRole(trx, role);
      await recordChange(trx, {
        organizationId: who.organizationId,
        type: 'role.created',
        actor: principalActor(who),
        object: presentRole(role),
        targetType: 'role',
        targetId: role.id,
        at: now,
      });
    });
    return reply.created(presentRole(role));
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
  async handler({ params, services, principal }) {
    return reply.ok(presentRole(await loadRole(services.store.db, principal().organizationId, params.id)));
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
  async handler({ params, body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const role = await services.store.db.transaction().execute(async (trx) => {
      const before = await loadRole(trx, who.organizationId, params.id);
      const after: Role = {
        ...before,
        name: body.name ?? before.name,
        groupId: body.groupId ?? before.groupId,
        purpose: body.purpose === undefined ? before.purpose : body.purpose,
        accountabilities: body.accountabilities ?? before.accountabilities,
      };
      if (after.groupId !== before.groupId) await checkGroup(trx, who.organizationId, after.groupId);
      return (await saveRoleChange(trx, principalActor(who), before, after, now)) ? after : before;
    });
    return reply.ok(presentRole(role));
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
  async handler({ params, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    await services.store.db.transaction().execute(async (trx) => {
      const role = await loadRole(trx, who.organizationId, params.id);
      await deleteRole(trx, role.id);
      await recordChange(trx, {
        organizationId: who.organizationId,
        type: 'role.deleted',
        actor: principalActor(who),
        object: presentRole(role),
        targetType: 'role',
        targetId: role.id,
        at: now,
      });
    });
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
  async handler({ params, body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const role = await services.store.db.transaction().execute(async (trx) => {
      const before = await loadRole(trx, who.organizationId, params.id);
      const employee = await findEmployee(trx, who.organizationId, body.employeeId);
      if (!employee)
        throw problems.validation([
          { location: 'body', path: '/employeeId', message: `${body.employeeId} is not an employee` },
        ]);
      const assignment = {
        employeeId: employee.id,
        employeeName: employee.displayName,
        focus: body.focus ?? null,
        percentage: body.percentage ?? null,
      };
      const others = before.assignments.filter((a) => a.employeeId !== employee.id);
      const existing = before.assignments.find((a) => a.employeeId === employee.id);
      const after: Role = {
        ...before,
        assignments: existing
          ? before.assignments.map((a) => (a === existing ? assignment : a))
          : [...others, assignment],
      };
      if (!(await saveRoleChange(trx, principalActor(who), before, after, now))) return before;
      await upsertAssignment(trx, after, assignment, now.toISOString());
      return after;
    });
    return reply.ok(presentRole(role));
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
  async handler({ params, query, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const role = await services.store.db.transaction().execute(async (trx) => {
      const before = await loadRole(trx, who.organizationId, params.id);
      if (!before.assignments.some((a) => a.employeeId === query.employeeId))
        throw problems.notFound(`${query.employeeId} is not assigned to role ${params.id}.`);
      const after: Role = {
        ...before,
        assignments: before.assignments.filter((a) => a.employeeId !== query.employeeId),
      };
      await deleteAssignment(trx, before.id, query.employeeId);
      await saveRoleChange(trx, principalActor(who), before, after, now);
      return after;
    });
    return reply.ok(presentRole(role));
  },
});

export const roleRoutes = [list, create, get, update, remove, assign, unassign];
