// /v1/attributes: custom employee field definitions (text, number, date, boolean, option, multi_option, employee).
import { Type } from '@sinclair/typebox';
import { ATTRIBUTE_TYPES, type AttributeType } from '../core/attributes';
import { reservedNameProblem } from '../core/map-keys';
import { SYSTEM_ACTOR } from '../core/actor';
import { newId } from '../core/ids';
import { problems } from '../core/problem';
import { defineRoute, reply } from '../http/route';
import {
  type Attribute,
  attributesByName,
  deleteAttribute,
  findAttribute,
  insertAttribute,
  listAttributes,
  updateAttribute,
} from '../store/attributes';
import { employeesWhere } from '../store/employees';
import { isUniqueViolation } from '../store/errors';
import { recordAudit } from '../store/audit';
import { principalActor } from '../http/auth';
import { IdParams, Problem, Text, Timestamp, dataOf } from './common';
import { saveEmployeeChange } from './employees';

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
const nameTaken = (name: string) =>
  problems.conflict(`An attribute named "${name}" already exists; names are unique, ignoring case.`, { field: 'name' });
const isOptionType = (type: AttributeType) => type === 'option' || type === 'multi_option';

function checkName(name: string): void {
  const problem = reservedNameProblem(name);
  if (problem) throw problems.validation([{ location: 'body', path: '/name', message: problem }]);
}

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
  async handler({ services, principal }) {
    return reply.list((await listAttributes(services.store.db, principal().organizationId)).map(present), null);
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
  async handler({ body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const type = body.type as AttributeType;
    checkName(body.name);
    const attribute: Attribute = {
      id: newId('att', now),
      organizationId: who.organizationId,
      name: body.name,
      type,
      options: body.options ?? [],
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    try {
      await services.store.db.transaction().execute(async (trx) => {
        if ((await attributesByName(trx, who.organizationId)).has(body.name.toLowerCase())) throw nameTaken(body.name);
        await insertAttribute(trx, attribute);
        await recordAudit(trx, {
          organizationId: who.organizationId,
          actor: principalActor(who),
          action: 'attribute.created',
          targetType: 'attribute',
          targetId: attribute.id,
          at: now,
        });
      });
    } catch (error) {
      throw isUniqueViolation(error) ? nameTaken(body.name) : error;
    }
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
  async handler({ params, body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const attribute = await services.store.db.transaction().execute(async (trx) => {
      const before = await findAttribute(trx, who.organizationId, params.id);
      if (!before) throw problems.notFound(`There is no attribute ${params.id}.`);
      if (body.name !== undefined) checkName(body.name);
      if (body.options !== undefined && !isOptionType(before.type)) {
        throw problems.validation([
          { location: 'body', path: '/options', message: 'is only for option and multi_option' },
        ]);
      }
      const after: Attribute = {
        ...before,
        name: body.name ?? before.name,
        options: body.options ?? before.options,
        updatedAt: now.toISOString(),
      };
      if (
        after.name.toLowerCase() !== before.name.toLowerCase() &&
        (await attributesByName(trx, who.organizationId)).has(after.name.toLowerCase())
      )
        throw nameTaken(after.name);
      const removedOptions = before.options.filter((o) => !after.options.includes(o));
      const holders =
        after.name !== before.name || removedOptions.length > 0
          ? await employeesWhere(trx, who.organizationId, {})
          : [];
      for (const holder of holders) {
        if (!Object.hasOwn(holder.attributes, before.name)) continue;
        const value = holder.attributes[before.name];
        const values = Array.isArray(value) ? value : [value];
        if (values.some((v) => removedOptions.includes(String(v)))) {
          throw problems.conflict(
            `Employee ${holder.id} still has a value being removed from the options; change it first.`,
          );
        }
      }
      await updateAttribute(trx, after);
      if (after.name !== before.name) {
        const definitions = await attributesByName(trx, who.organizationId);
        for (const holder of holders) {
          if (!Object.hasOwn(holder.attributes, before.name)) continue;
          const { [before.name]: value, ...rest } = holder.attributes;
          await saveEmployeeChange(
            trx,
            SYSTEM_ACTOR,
            holder,
            { ...holder, attributes: { ...rest, [after.name]: value } },
            definitions,
            now,
          );
        }
      }
      await recordAudit(trx, {
        organizationId: who.organizationId,
        actor: principalActor(who),
        action: 'attribute.updated',
        targetType: 'attribute',
        targetId: after.id,
        at: now,
      });
      return after;
    });
    return reply.ok(present(attribute));
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
  async handler({ params, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    await services.store.db.transaction().execute(async (trx) => {
      const attribute = await findAttribute(trx, who.organizationId, params.id);
      if (!attribute) throw problems.notFound(`There is no attribute ${params.id}.`);
      const definitions = await attributesByName(trx, who.organizationId);
      for (const holder of await employeesWhere(trx, who.organizationId, {})) {
        if (!Object.hasOwn(holder.attributes, attribute.name)) continue;
        const { [attribute.name]: _gone, ...rest } = holder.attributes;
        await saveEmployeeChange(trx, SYSTEM_ACTOR, holder, { ...holder, attributes: rest }, definitions, now);
      }
      await deleteAttribute(trx, attribute.id);
      await recordAudit(trx, {
        organizationId: who.organizationId,
        actor: principalActor(who),
        action: 'attribute.deleted',
        targetType: 'attribute',
        targetId: attribute.id,
        at: now,
      });
    });
    return reply.noContent();
  },
});

export const attributeRoutes = [list, create, update, remove];
