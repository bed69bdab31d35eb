// /v1/groups: groups (circles) in a tree; deleting one moves its roles and child groups to its parent.
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { type Actor, SYSTEM_ACTOR } from '../core/actor';
import { ownMap, reservedNameProblem } from '../core/map-keys';
import { type DiffField, diffFields, mapFields } from '../core/diff';
import { newId } from '../core/ids';
import { principalActor } from '../http/auth';
import { problems } from '../core/problem';
import { defineRoute, reply } from '../http/route';
import { recordChange } from '../store/events';
import {
  GROUP_SORTS,
  type Group,
  childGroups,
  deleteGroup,
  findGroup,
  groupAncestors,
  insertGroup,
  listGroups,
  updateGroup,
} from '../store/groups';
import { deleteRole, presentRole, rolesInGroup, saveRoleChange } from '../store/roles';
import type { Database } from '../store/schema';
import { IdParams, Problem, Text, Timestamp, dataOf, listQuery, listResponses, paging } from './common';

const FieldValue = Type.Union([
  Type.String({ maxLength: 1000 }),
  Type.Number(),
  Type.Boolean(),
  Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 }),
]);
const Fields = Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.Union([FieldValue, Type.Null()]), {
  maxProperties: 50,
});

export const GroupSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  purpose: Type.Union([Type.String(), Type.Null()]),
  parentId: Type.Union([Type.String(), Type.Null()]),
  fields: Type.Record(Type.String(), FieldValue),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const writable = {
  purpose: Type.Optional(Type.Union([Text(2000), Type.Null()])),
  parentId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
  fields: Type.Optional(Fields),
};

export const presentGroup = ({ organizationId: _org, ...g }: Group) => g;

function groupDiffFields(before: Group, after: Group): DiffField[] {
  return [
    { field: 'name', label: 'Name' },
    { field: 'purpose', label: 'Purpose' },
    { field: 'parentId', label: 'Parent' },
    ...mapFields('fields', before.fields, after.fields, (name) =>
      Array.isArray(after.fields[name] ?? before.fields[name]),
    ),
  ];
}

function mergeFields(current: Group['fields'], input: Record<string, unknown> | undefined): Group['fields'] {
  const merged = ownMap(current);
  const reserved = Object.keys(input ?? {}).flatMap((name) => {
    const problem = reservedNameProblem(name);
    return problem ? [{ location: 'body' as const, path: `/fields/${name}`, message: problem }] : [];
  });
  if (reserved.length > 0) throw problems.validation(reserved);
  for (const [name, value] of Object.entries(input ?? {})) {
    if (value === null) delete merged[name];
    else merged[name] = value as Group['fields'][string];
  }
  return merged;
}

async function checkParent(
  db: Kysely<Database>,
  organizationId: string,
  groupId: string,
  parentId: string | null,
): Promise<void> {
  if (parentId === null) return;
  if (!(await findGroup(db, organizationId, parentId)))
    throw problems.validation([{ location: 'body', path: '/parentId', message: `${parentId} is not a group` }]);
  if ((await groupAncestors(db, organizationId, parentId)).includes(groupId)) {
    throw problems.unprocessable(`Making ${parentId} the parent would create a cycle of groups.`, {
      field: 'parentId',
    });
  }
}

async function saveGroupChange(
  db: Kysely<Database>,
  actor: Actor,
  before: Group,
  after: Group,
  at: Date,
): Promise<Group> {
  const changes = diffFields(presentGroup(before), presentGroup(after), groupDiffFields(before, after));
  if (changes.length === 0) return before;
  after.updatedAt = at.toISOString();
  await updateGroup(db, after);
  await recordChange(db, {
    organizationId: after.organizationId,
    type: 'group.updated',
    actor,
    object: presentGroup(after),
    changes,
    targetType: 'group',
    targetId: after.id,
    at,
  });
  return after;
}

const list = defineRoute({
  method: 'GET',
  url: '/v1/groups',
  operationId: 'listGroups',
  summary: 'List groups (circles)',
  tags: ['Groups'],
  auth: { kind: 'scope', scope: 'org:read' },
  query: listQuery(['createdAt', 'name'] as const, { parentId: Type.Optional(Type.String({ maxLength: 64 })) }),
  responses: listResponses(GroupSchema),
  async handler({ query, services, principal }) {
    const page = paging(
      query,
      { createdAt: GROUP_SORTS.createdAt.column, name: GROUP_SORTS.name.column },
      'groups.id',
      'name',
    );
    const result = await listGroups(
      services.store.db,
      principal().organizationId,
      { q: query.q, parentId: query.parentId },
      page.keyset,
    );
    return reply.list(
      result.items.map(presentGroup),
      page.next(result, (g, field) => GROUP_SORTS[field].value(g)),
    );
  },
});

const create = defineRoute({
  method: 'POST',
  url: '/v1/groups',
  operationId: 'createGroup',
  summary: 'Create a group',
  tags: ['Groups'],
  auth: { kind: 'scope', scope: 'org:write' },
  body: Type.Object({ name: Text(200), ...writable }, { additionalProperties: false }),
  responses: {
    201: { description: 'The group.', schema: dataOf(GroupSchema) },
    400: { description: 'Invalid fields.', schema: Problem },
  },
  async handler({ body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const group: Group = {
      id: newId('grp', now),
      organizationId: who.organizationId,
      name: body.name,
      purpose: body.purpose ?? null,
      parentId: body.parentId ?? null,
      fields: mergeFields({}, body.fields),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await services.store.db.transaction().execute(async (trx) => {
      await checkParent(trx, who.organizationId, group.id, group.parentId);
      await insertGroup(trx, group);
      await recordChange(trx, {
        organizationId: who.organizationId,
        type: 'group.created',
        actor: principalActor(who),
        object: presentGroup(group),
        targetType: 'group',
        targetId: group.id,
        at: now,
      });
    });
    return reply.created(presentGroup(group));
  },
});

const get = defineRoute({
  method: 'GET',
  url: '/v1/groups/:id',
  operationId: 'getGroup',
  summary: 'Get a group',
  tags: ['Groups'],
  auth: { kind: 'scope', scope: 'org:read' },
  params: IdParams,
  responses: {
    200: { description: 'The group.', schema: dataOf(GroupSchema) },
    404: { description: 'No such group.', schema: Problem },
  },
  async handler({ params, services, principal }) {
    const group = await findGroup(services.store.db, principal().organizationId, params.id);
    if (!group) throw problems.notFound(`There is no group ${params.id}.`);
    return reply.ok(presentGroup(group));
  },
});

const update = defineRoute({
  method: 'PATCH',
  url: '/v1/groups/:id',
  operationId: 'updateGroup',
  summary: 'Update a group',
  tags: ['Groups'],
  auth: { kind: 'scope', scope: 'org:write' },
  params: IdParams,
  body: Type.Object({ name: Type.Optional(Text(200)), ...writable }, { additionalProperties: false, minProperties: 1 }),
  responses: {
    200: { description: 'The group after the change.', schema: dataOf(GroupSchema) },
    404: { description: 'No such group.', schema: Problem },
    422: { description: 'The parent would create a cycle.', schema: Problem },
  },
  async handler({ params, body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const group = await services.store.db.transaction().execute(async (trx) => {
      const before = await findGroup(trx, who.organizationId, params.id);
      if (!before) throw problems.notFound(`There is no group ${params.id}.`);
      const after: Group = {
        ...before,
        name: body.name ?? before.name,
        purpose: body.purpose === undefined ? before.purpose : body.purpose,
        parentId: body.parentId === undefined ? before.parentId : body.parentId,
        fields: mergeFields(before.fields, body.fields),
      };
      if (after.parentId !== before.parentId) await checkParent(trx, who.organizationId, after.id, after.parentId);
      return saveGroupChange(trx, principalActor(who), before, after, now);
    });
    return reply.ok(presentGroup(group));
  },
});

const remove = defineRoute({
  method: 'DELETE',
  url: '/v1/groups/:id',
  operationId: 'deleteGroup',
  summary: 'Delete a group',
  tags: ['Groups'],
  auth: { kind: 'scope', scope: 'org:write' },
  params: IdParams,
  responses: {
    204: {
      description:
        'Deleted. Its roles and child groups move to its parent (roles are deleted when there is none); those changes are events with a null actor.',
    },
    404: { description: 'No such group.', schema: Problem },
  },
  async handler({ params, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    await services.store.db.transaction().execute(async (trx) => {
      const group = await findGroup(trx, who.organizationId, params.id);
      if (!group) throw problems.notFound(`There is no group ${params.id}.`);
      for (const role of await rolesInGroup(trx, who.organizationId, group.id)) {
        if (group.parentId !== null) {
          await saveRoleChange(trx, SYSTEM_ACTOR, role, { ...role, groupId: group.parentId }, now);
        } else {
          await deleteRole(trx, role.id);
          await recordChange(trx, {
            organizationId: who.organizationId,
            type: 'role.deleted',
            actor: SYSTEM_ACTOR,
            object: presentRole(role),
            targetType: 'role',
            targetId: role.id,
            at: now,
          });
        }
      }
      for (const child of await childGroups(trx, who.organizationId, group.id)) {
        await saveGroupChange(trx, SYSTEM_ACTOR, child, { ...child, parentId: group.parentId }, now);
      }
      await deleteGroup(trx, group.id);
      await recordChange(trx, {
        organizationId: who.organizationId,
        type: 'group.deleted',
        actor: principalActor(who),
        object: presentGroup(group),
        targetType: 'group',
        targetId: group.id,
        at: now,
      });
    });
    return reply.noContent();
  },
});

export const groupRoutes = [list, create, get, update, remove];
