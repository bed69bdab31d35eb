// /v1/attributes: custom employee field definitions (text, number, date, boolean, option, multi_option, employee).
import { Type } from '@sinclair/typebox';
import { ATTRIBUTE_TYPES } from '../core/attributes';
import { createAttribute, deleteAttribute, updateAttribute } from '../domain/attributes';
import { defineRoute, reply } from '../http/route';
import { type Attribute, listAttributes } from '../store/attributes';
import { IdParams, Problem, Text, Timestamp, dataOf } from './common';

const TypeSchema = Type.Union(ATTRIBUTE_TYPES.map((t) => Type.Literal(t)));
const Options = Type.Array(Text(200), { maxItems: 500, uniqueItems: true });

const AttributeSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: TypeSchema,
  options: Type.Array(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const present = ({ organizationId: _org, ...a }: Attribute) => a;
const list = defineRoute({
  method: 'GET',
  url: '/v1/attributes',
  operationId: 'listAttributes',
  summary: 'List custom attributes',
  tags: ['Attributes'],
  auth: { kind: 'scope', scope: 'employees:read' },
  responses: {
    200: {
      description: 'Every attribute, by name.',
      schema: Type.Object({ data: Type.Array(AttributeSchema), nextCursor: Type.Null() }),
    },
  },
  async handler({ ctx, principal }) {
    return reply.list((await listAttributes(ctx.store.db, principal().organizationId)).map(present), null);
  },
});

const create = defineRoute({
  method: 'POST',
  url: '/v1/attributes',
  operationId: 'createAttribute',
  summary: 'Define a custom attribute',
  tags: ['Attributes'],
  auth: { kind: 'scope', scope: 'employees:write' },
  body: Type.Object(
    { name: Text(100), type: TypeSchema, options: Type.Optional(Options) },
    {
      additionalProperties: false,
      // Option types need their options; every other type takes none. Said in the schema, so the OpenAPI document says it too.
      allOf: [
        {
          if: {
            type: 'object',
            properties: { type: { type: 'string', enum: ['option', 'multi_option'] } },
            required: ['type'],
          },
          then: {
            type: 'object',
            required: ['options'],
            properties: {
              options: {
                type: 'array',
                minItems: 1,
                'x-message': 'needs at least one option for option and multi_option attributes',
              },
            },
          },
          else: {
            type: 'object',
            properties: {
              options: { type: 'array', maxItems: 0, 'x-message': 'is only for option and multi_option attributes' },
            },
          },
        },
      ],
    },
  ),
  responses: {
    201: { description: 'The attribute.', schema: dataOf(AttributeSchema) },
    400: { description: 'Invalid fields.', schema: Problem },
    409: { description: 'The name is taken.', schema: Problem },
  },
  async handler({ body, ctx, principal }) {
    const attribute = await createAttribute(ctx, principal(), body);
    return reply.created(present(attribute));
  },
});

const update = defineRoute({
  method: 'PATCH',
  url: '/v1/attributes/:id',
  operationId: 'updateAttribute',
  summary: 'Rename an attribute or change its options',
  tags: ['Attributes'],
  auth: { kind: 'scope', scope: 'employees:write' },
  params: IdParams,
  body: Type.Object(
    { name: Type.Optional(Text(100)), options: Type.Optional(Options) },
    { additionalProperties: false, minProperties: 1 },
  ),
  responses: {
    200: { description: 'The attribute after the change.', schema: dataOf(AttributeSchema) },
    404: { description: 'No such attribute.', schema: Problem },
    409: { description: 'The name is taken, or an option still in use would be removed.', schema: Problem },
  },
  async handler({ params, body, ctx, principal }) {
    return reply.ok(present(await updateAttribute(ctx, principal(), params.id, body)));
  },
});

const remove = defineRoute({
  method: 'DELETE',
  url: '/v1/attributes/:id',
  operationId: 'deleteAttribute',
  summary: 'Delete an attribute and its values',
  tags: ['Attributes'],
  auth: { kind: 'scope', scope: 'employees:write' },
  params: IdParams,
  responses: {
    204: { description: 'Deleted; employees holding a value get an employee.updated event from the system.' },
    404: { description: 'No such attribute.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    await deleteAttribute(ctx, principal(), params.id);
    return reply.noContent();
  },
});

export const attributeRoutes = [list, create, update, remove];
