// Custom attribute definitions: defining, renaming, changing options and deleting them. A rename or
// a deletion changes the employees holding a value, each with an employee.updated from the system.
import type { Kysely } from 'kysely';
import { type Actor, SYSTEM_ACTOR } from '../core/actor';
import type { AttributeType } from '../core/attributes';
import { newId } from '../core/ids';
import { reservedNameProblem } from '../core/map-keys';
import { problems } from '../core/problem';
import {
  type Attribute,
  attributesByName,
  deleteAttribute as deleteAttributeRow,
  findAttribute,
  insertAttribute,
  updateAttribute as updateAttributeRow,
} from '../store/attributes';
import { recordAudit } from '../store/audit';
import { employeesWhere } from '../store/employees';
import { isUniqueViolation } from '../store/errors';
import type { Database } from '../store/schema';
import type { DomainContext } from './context';
import { saveEmployeeChange } from './employees';
import { type Principal, principalActor } from './principal';

const nameTaken = (name: string) =>
  problems.conflict(`An attribute named "${name}" already exists; names are unique, ignoring case.`, { field: 'name' });
const isOptionType = (type: AttributeType) => type === 'option' || type === 'multi_option';

function checkName(name: string): void {
  const problem = reservedNameProblem(name);
  if (problem) throw problems.validation([{ location: 'body', path: '/name', message: problem }]);
}

/** Defines an attribute; 409 when the name is taken, ignoring case. */
export async function createAttribute(
  ctx: DomainContext,
  who: Principal,
  input: { name: string; type: AttributeType; options?: string[] },
): Promise<Attribute> {
  const now = ctx.clock.now();
  checkName(input.name);
  const attribute: Attribute = {
    id: newId('att', now),
    organizationId: who.organizationId,
    name: input.name,
    type: input.type,
    options: input.options ?? [],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  try {
    await ctx.store.db.transaction().execute(async (trx) => {
      if ((await attributesByName(trx, who.organizationId)).has(input.name.toLowerCase())) throw nameTaken(input.name);
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
    throw isUniqueViolation(error) ? nameTaken(input.name) : error;
  }
  return attribute;
}

/**
 * Renames an attribute or changes its options. Refused (409) while an employee still holds an
 * option being removed; a rename moves every holder's value to the new name.
 */
export async function updateAttribute(
  ctx: DomainContext,
  who: Principal,
  id: string,
  input: { name?: string; options?: string[] },
): Promise<Attribute> {
  const now = ctx.clock.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const before = await findAttribute(trx, who.organizationId, id);
    if (!before) throw problems.notFound(`There is no attribute ${id}.`);
    if (input.name !== undefined) checkName(input.name);
    if (input.options !== undefined && !isOptionType(before.type)) {
      throw problems.validation([
        { location: 'body', path: '/options', message: 'is only for option and multi_option' },
      ]);
    }
    const after: Attribute = {
      ...before,
      name: input.name ?? before.name,
      options: input.options ?? before.options,
      updatedAt: now.toISOString(),
    };
    if (
      after.name.toLowerCase() !== before.name.toLowerCase() &&
      (await attributesByName(trx, who.organizationId)).has(after.name.toLowerCase())
    )
      throw nameTaken(after.name);
    const removedOptions = before.options.filter((o) => !after.options.includes(o));
    const holders =
      after.name !== before.name || removedOptions.length > 0 ? await employeesWhere(trx, who.organizationId, {}) : [];
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
    await updateAttributeRow(trx, after);
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
}

/** Deletes an attribute and every value of it; employees holding one get an employee.updated from the system. */
export async function deleteAttribute(ctx: DomainContext, who: Principal, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const attribute = await findAttribute(trx, who.organizationId, id);
    if (!attribute) throw problems.notFound(`There is no attribute ${id}.`);
    const definitions = await attributesByName(trx, who.organizationId);
    for (const holder of await employeesWhere(trx, who.organizationId, {})) {
      if (!Object.hasOwn(holder.attributes, attribute.name)) continue;
      const { [attribute.name]: _gone, ...rest } = holder.attributes;
      await saveEmployeeChange(trx, SYSTEM_ACTOR, holder, { ...holder, attributes: rest }, definitions, now);
    }
    await deleteAttributeRow(trx, attribute.id);
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'attribute.deleted',
      targetType: 'attribute',
      targetId: attribute.id,
      at: now,
    });
  });
}

/**
 * Adds options to option attributes (values a sync met that are not options yet), each attribute
 * audited with what was added and by whom; returns the definitions as they now are.
 */
export async function addAttributeOptions(
  db: Kysely<Database>,
  organizationId: string,
  added: Map<string, Set<string>>,
  definitions: Map<string, Attribute>,
  change: { actor: Actor; by: string; at: Date },
): Promise<Map<string, Attribute>> {
  if (added.size === 0) return definitions;
  for (const [name, options] of added) {
    const definition = definitions.get(name.toLowerCase()) as Attribute;
    const updated: Attribute = {
      ...definition,
      options: [...definition.options, ...options],
      updatedAt: change.at.toISOString(),
    };
    await updateAttributeRow(db, updated);
    await recordAudit(db, {
      organizationId,
      actor: change.actor,
      action: 'attribute.updated',
      targetType: 'attribute',
      targetId: definition.id,
      details: { addedOptions: [...options], by: change.by },
      at: change.at,
    });
  }
  return attributesByName(db, organizationId);
}
