// /v1/groups: groups (circles) in a tree; deleting one moves its roles and child groups to its parent.
import { Type } from '@sinclair/typebox';
import { problems } from '../core/problem';
import { createGroup, deleteGroup, presentGroup, updateGroup } from '../domain/groups';
import { defineRoute, reply } from '../http/route';
import { GROUP_SORTS, findGroup, listGroups } from '../store/groups';
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

const list = defineRoute({
  method: 'GET',
  url: '/v1/groups',
  operationId: 'listGroups',
  summary: 'List groups (circles)',
  tags: ['Groups'],
  auth: { kind: 'scope', scope: 'org:read' },
  query: listQuery(['createdAt', 'name'] as const, { parentId: Type.Optional(Type.String({ maxLength: 64 })) }),
  responses: listResponses(GroupSchema),
  async handler({ query, ctx, principal }) {
    const page = paging(
      query,
      { createdAt: GROUP_SORTS.createdAt.column, name: GROUP_SORTS.name.column },
      'groups.id',
      'name',
    );
    const result = await listGroups(
      ctx.store.db,
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
  async handler({ body, ctx, principal }) {
    return reply.created(presentGroup(await createGroup(ctx, principal(), body)));
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
  async handler({ params, ctx, principal }) {
    const group = await findGroup(ctx.store.db, principal().organizationId, params.id);
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
  async handler({ params, body, ctx, principal }) {
    return reply.ok(presentGroup(await updateGroup(ctx, principal(), params.id, body)));
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
  async handler({ params, ctx, principal }) {
    await deleteGroup(ctx, principal(), params.id);
    return reply.noContent();
  },
});

export const groupRoutes = [list, create, get, update, remove];
