// Roles in groups: creating, changing and deleting them, and assigning employees, with their events.
import type { Kysely } from 'kysely';
import type { Actor } from '../core/actor';
import { type DiffField, diffFields } from '../core/diff';
import { newId } from '../core/ids';
import { problems } from '../core/problem';
import { findEmployee } from '../store/employees';
import { recordChange } from '../store/events';
import { findGroup } from '../store/groups';
import {
  type Role,
  deleteAssignment,
  deleteRole as deleteRoleRow,
  findRole,
  insertRole,
  rolesOfEmployee,
  updateRole as updateRoleRow,
  upsertAssignment,
} from '../store/roles';
import type { Database } from '../store/schema';
import type { DomainContext } from './context';
import { type Principal, principalActor } from './principal';

const ROLE_DIFF_FIELDS: DiffField[] = [
  { field: 'name', label: 'Name' },
  { field: 'purpose', label: 'Purpose' },
  { field: 'accountabilities', label: 'Accountabilities', list: true },
  { field: 'groupId', label: 'Group' },
  { field: 'assignments', label: 'Assignments', list: true },
];

export function presentRole(role: Role) {
  const { organizationId: _org, ...rest } = role;
  return rest;
}

/** Writes a role's new state and its role.updated event; returns the role as written, or null when nothing changed. */
export async function saveRoleChange(
  db: Kysely<Database>,
  actor: Actor,
  before: Role,
  after: Role,
  at: Date,
): Promise<Role | null> {
  const changes = diffFields(presentRole(before), presentRole(after), ROLE_DIFF_FIELDS);
  if (changes.length === 0) return null;
  const role = { ...after, updatedAt: at.toISOString() };
  await updateRoleRow(db, role);
  await recordChange(db, {
    organizationId: role.organizationId,
    type: 'role.updated',
    actor,
    object: presentRole(role),
    changes,
    targetType: 'role',
    targetId: role.id,
    at,
  });
  return role;
}

/** Deletes a role with its role.deleted event. */
export async function removeRole(db: Kysely<Database>, actor: Actor, role: Role, at: Date): Promise<void> {
  await deleteRoleRow(db, role.id);
  await recordChange(db, {
    organizationId: role.organizationId,
    type: 'role.deleted',
    actor,
    object: presentRole(role),
    targetType: 'role',
    targetId: role.id,
    at,
  });
}

/** Takes an employee off every role they hold (when the employee is deleted). */
export async function removeEmployeeFromRoles(
  db: Kysely<Database>,
  actor: Actor,
  organizationId: string,
  employeeId: string,
  at: Date,
): Promise<void> {
  for (const before of await rolesOfEmployee(db, organizationId, employeeId)) {
    await deleteAssignment(db, before.id, employeeId);
    const after = { ...before, assignments: before.assignments.filter((a) => a.employeeId !== employeeId) };
    await saveRoleChange(db, actor, before, after, at);
  }
}

async function checkGroup(db: Kysely<Database>, organizationId: string, groupId: string): Promise<void> {
  if (!(await findGroup(db, organizationId, groupId)))
    throw problems.validation([{ location: 'body', path: '/groupId', message: `${groupId} is not a group` }]);
}

async function loadRole(db: Kysely<Database>, organizationId: string, id: string): Promise<Role> {
  const role = await findRole(db, organizationId, id);
  if (!role) throw problems.notFound(`There is no role ${id}.`);
  return role;
}

export interface RoleFields {
  name?: string;
  groupId?: string;
  purpose?: string | null;
  accountabilities?: string[];
}

/** A new role in a group (400 when the group does not exist), with its role.created event. */
export async function createRole(
  ctx: DomainContext,
  who: Principal,
  input: RoleFields & { name: string; groupId: string },
): Promise<Role> {
  const now = ctx.clock.now();
  const role: Role = {
    id: newId('rol', now),
    organizationId: who.organizationId,
    name: input.name,
    purpose: input.purpose ?? null,
    accountabilities: input.accountabilities ?? [],
    groupId: input.groupId,
    assignments: [],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await checkGroup(trx, who.organizationId, role.groupId);
    await addRole(trx, principalActor(who), role, now);
  });
  return role;
}

/** Inserts a role with its assignments and its role.created event. */
export async function addRole(db: Kysely<Database>, actor: Actor, role: Role, at: Date): Promise<void> {
  await insertRole(db, role);
  for (const assignment of role.assignments) await upsertAssignment(db, role, assignment, at.toISOString());
  await recordChange(db, {
    organizationId: role.organizationId,
    type: 'role.created',
    actor,
    object: presentRole(role),
    targetType: 'role',
    targetId: role.id,
    at,
  });
}

export async function updateRole(ctx: DomainContext, who: Principal, id: string, input: RoleFields): Promise<Role> {
  const now = ctx.clock.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const before = await loadRole(trx, who.organizationId, id);
    const after: Role = {
      ...before,
      name: input.name ?? before.name,
      groupId: input.groupId ?? before.groupId,
      purpose: input.purpose === undefined ? before.purpose : input.purpose,
      accountabilities: input.accountabilities ?? before.accountabilities,
    };
    if (after.groupId !== before.groupId) await checkGroup(trx, who.organizationId, after.groupId);
    return (await saveRoleChange(trx, principalActor(who), before, after, now)) ?? before;
  });
}

export async function deleteRole(ctx: DomainContext, who: Principal, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    await removeRole(trx, principalActor(who), await loadRole(trx, who.organizationId, id), now);
  });
}

/** Assigns an employee to a role, or changes their focus and percentage there. */
export async function assignRole(
  ctx: DomainContext,
  who: Principal,
  id: string,
  input: { employeeId: string; focus?: string | null; percentage?: number | null },
): Promise<Role> {
  const now = ctx.clock.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const before = await loadRole(trx, who.organizationId, id);
    const employee = await findEmployee(trx, who.organizationId, input.employeeId);
    if (!employee)
      throw problems.validation([
        { location: 'body', path: '/employeeId', message: `${input.employeeId} is not an employee` },
      ]);
    const assignment = {
      employeeId: employee.id,
      employeeName: employee.displayName,
      focus: input.focus ?? null,
      percentage: input.percentage ?? null,
    };
    const others = before.assignments.filter((a) => a.employeeId !== employee.id);
    const existing = before.assignments.find((a) => a.employeeId === employee.id);
    const after: Role = {
      ...before,
      assignments: existing
        ? before.assignments.map((a) => (a === existing ? assignment : a))
        : [...others, assignment],
    };
    const saved = await saveRoleChange(trx, principalActor(who), before, after, now);
    if (saved === null) return before;
    await upsertAssignment(trx, saved, assignment, now.toISOString());
    return saved;
  });
}

/** Takes an employee off a role; 404 when they are not on it. */
export async function unassignRole(ctx: DomainContext, who: Principal, id: string, employeeId: string): Promise<Role> {
  const now = ctx.clock.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const before = await loadRole(trx, who.organizationId, id);
    if (!before.assignments.some((a) => a.employeeId === employeeId))
      throw problems.notFound(`${employeeId} is not assigned to role ${id}.`);
    const after: Role = {
      ...before,
      assignments: before.assignments.filter((a) => a.employeeId !== employeeId),
    };
    await deleteAssignment(trx, before.id, employeeId);
    return (await saveRoleChange(trx, principalActor(who), before, after, now)) ?? after;
  });
}
