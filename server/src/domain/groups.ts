// Groups (circles) in a tree: creating, changing and deleting them with their events; deleting one
// moves its roles and child groups to its parent.
import type { Kysely } from 'kysely';
import { type Actor, SYSTEM_ACTOR } from '../core/actor';
import { type DiffField, diffFields, mapFields } from '../core/diff';
import { newId } from '../core/ids';
import { ownMap, reservedNameProblem } from '../core/map-keys';
import { problems } from '../core/problem';
import { recordChange } from '../store/events';
import {
  type Group,
  childGroups,
  deleteGroup as deleteGroupRow,
  findGroup,
  groupAncestors,
  insertGroup,
  updateGroup as updateGroupRow,
} from '../store/groups';
import { rolesInGroup } from '../store/roles';
import type { Database } from '../store/schema';
import type { DomainContext } from './context';
import { type Principal, principalActor } from './principal';
import { removeRole, saveRoleChange } from './roles';

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

/** `current` with the input's fields set over it; null removes a field. */
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

/** Writes a group's new state and its group.updated event; returns the group as it now is. */
async function saveGroupChange(
  db: Kysely<Database>,
  actor: Actor,
  before: Group,
  after: Group,
  at: Date,
): Promise<Group> {
  const changes = diffFields(presentGroup(before), presentGroup(after), groupDiffFields(before, after));
  if (changes.length === 0) return before;
  const group = { ...after, updatedAt: at.toISOString() };
  await updateGroupRow(db, group);
  await recordChange(db, {
    organizationId: group.organizationId,
    type: 'group.updated',
    actor,
    object: presentGroup(group),
    changes,
    targetType: 'group',
    targetId: group.id,
    at,
  });
  return group;
}

export interface GroupFields {
  name?: string;
  purpose?: string | null;
  parentId?: string | null;
  /** Free-form fields by name; null removes one. */
  fields?: Record<string, unknown>;
}

export async function createGroup(
  ctx: DomainContext,
  who: Principal,
  input: GroupFields & { name: string },
): Promise<Group> {
  const now = ctx.clock.now();
  const group: Group = {
    id: newId('grp', now),
    organizationId: who.organizationId,
    name: input.name,
    purpose: input.purpose ?? null,
    parentId: input.parentId ?? null,
    fields: mergeFields({}, input.fields),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await checkParent(trx, who.organizationId, group.id, group.parentId);
    await addGroup(trx, principalActor(who), group, now);
  });
  return group;
}

/** Inserts a group with its group.created event. */
export async function addGroup(db: Kysely<Database>, actor: Actor, group: Group, at: Date): Promise<void> {
  await insertGroup(db, group);
  await recordChange(db, {
    organizationId: group.organizationId,
    type: 'group.created',
    actor,
    object: presentGroup(group),
    targetType: 'group',
    targetId: group.id,
    at,
  });
}

/** Changes a group; 404 for an unknown id, 422 when the new parent would make a cycle. */
export async function updateGroup(ctx: DomainContext, who: Principal, id: string, input: GroupFields): Promise<Group> {
  const now = ctx.clock.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const before = await findGroup(trx, who.organizationId, id);
    if (!before) throw problems.notFound(`There is no group ${id}.`);
    const after: Group = {
      ...before,
      name: input.name ?? before.name,
      purpose: input.purpose === undefined ? before.purpose : input.purpose,
      parentId: input.parentId === undefined ? before.parentId : input.parentId,
      fields: mergeFields(before.fields, input.fields),
    };
    if (after.parentId !== before.parentId) await checkParent(trx, who.organizationId, after.id, after.parentId);
    return saveGroupChange(trx, principalActor(who), before, after, now);
  });
}

/**
 * Deletes a group. Its roles and child groups move to its parent (roles are deleted when there is
 * none); those changes are the system's.
 */
export async function deleteGroup(ctx: DomainContext, who: Principal, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const group = await findGroup(trx, who.organizationId, id);
    if (!group) throw problems.notFound(`There is no group ${id}.`);
    for (const role of await rolesInGroup(trx, who.organizationId, group.id)) {
      if (group.parentId !== null)
        await saveRoleChange(trx, SYSTEM_ACTOR, role, { ...role, groupId: group.parentId }, now);
      else await removeRole(trx, SYSTEM_ACTOR, role, now);
    }
    for (const child of await childGroups(trx, who.organizationId, group.id)) {
      await saveGroupChange(trx, SYSTEM_ACTOR, child, { ...child, parentId: group.parentId }, now);
    }
    await deleteGroupRow(trx, group.id);
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
}
