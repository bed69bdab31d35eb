// Roles: named responsibilities in a group, with accountabilities and assigned employees.
import type { Kysely } from 'kysely';
import { type Keyset, type Page, containsText, pageBy, takePage } from './query';
import type { Database, RolesTable } from './schema';

export interface Assignment {
  employeeId: string;
  employeeName: string;
  focus: string | null;
  percentage: number | null;
}

export interface Role {
  id: string;
  organizationId: string;
  name: string;
  purpose: string | null;
  accountabilities: string[];
  groupId: string;
  assignments: Assignment[];
  createdAt: string;
  updatedAt: string;
}

export const ROLE_SORTS = {
  createdAt: { column: 'roles.created_at', value: (r: Role) => r.createdAt },
  name: { column: 'roles.name_lower', value: (r: Role) => r.name.toLowerCase() },
} as const;

function toRow(r: Role): RolesTable {
  return {
    id: r.id,
    organization_id: r.organizationId,
    name: r.name,
    name_lower: r.name.toLowerCase(),
    purpose: r.purpose,
    accountabilities: JSON.stringify(r.accountabilities),
    group_id: r.groupId,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

async function withAssignments(db: Kysely<Database>, rows: RolesTable[]): Promise<Role[]> {
  if (rows.length === 0) return [];
  const assignments = await db
    .selectFrom('role_assignments')
    .innerJoin('employees', 'employees.id', 'role_assignments.employee_id')
    .select([
      'role_assignments.role_id',
      'role_assignments.employee_id',
      'employees.display_name',
      'role_assignments.focus',
      'role_assignments.percentage',
    ])
    .where(
      'role_assignments.role_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('role_assignments.created_at')
    .orderBy('role_assignments.employee_id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    purpose: row.purpose,
    accountabilities: JSON.parse(row.accountabilities) as string[],
    groupId: row.group_id,
    assignments: assignments
      .filter((a) => a.role_id === row.id)
      .map((a) => ({
        employeeId: a.employee_id,
        employeeName: a.display_name,
        focus: a.focus,
        percentage: a.percentage === null ? null : Number(a.percentage),
      })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

export async function findRole(db: Kysely<Database>, organizationId: string, id: string): Promise<Role | null> {
  const rows = await db
    .selectFrom('roles')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .execute();
  return (await withAssignments(db, rows))[0] ?? null;
}

export async function rolesInGroup(db: Kysely<Database>, organizationId: string, groupId: string): Promise<Role[]> {
  const rows = await db
    .selectFrom('roles')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('group_id', '=', groupId)
    .orderBy('id')
    .execute();
  return withAssignments(db, rows);
}

export async function listRoles(
  db: Kysely<Database>,
  organizationId: string,
  filter: { q?: string; groupId?: string; employeeId?: string },
  keyset: Keyset,
): Promise<Page<Role>> {
  let query = db.selectFrom('roles').selectAll().where('organization_id', '=', organizationId);
  if (filter.q) query = query.where(containsText(['roles.name', 'roles.purpose'], filter.q));
  if (filter.groupId !== undefined) query = query.where('group_id', '=', filter.groupId);
  if (filter.employeeId !== undefined) {
    const employeeId = filter.employeeId;
    query = query.where('id', 'in', (eb) =>
      eb.selectFrom('role_assignments').select('role_id').where('employee_id', '=', employeeId),
    );
  }
  const page = takePage(await pageBy(query, keyset).execute(), keyset.limit);
  const items = await withAssignments(db, page.items);
  return { items, last: page.last === null ? null : (items[items.length - 1] ?? null) };
}

/** Every role the employee is assigned to (when the employee is deleted, they come off each). */
export async function rolesOfEmployee(
  db: Kysely<Database>,
  organizationId: string,
  employeeId: string,
): Promise<Role[]> {
  const page = await listRoles(
    db,
    organizationId,
    { employeeId },
    { column: 'roles.id', idColumn: 'roles.id', direction: 'asc', after: null, limit: 10_000 },
  );
  return page.items;
}

export async function insertRole(db: Kysely<Database>, role: Role): Promise<void> {
  await db.insertInto('roles').values(toRow(role)).execute();
}

export async function updateRole(db: Kysely<Database>, role: Role): Promise<void> {
  const { id: _id, organization_id: _org, created_at: _c, ...changes } = toRow(role);
  await db.updateTable('roles').set(changes).where('id', '=', role.id).execute();
}

export async function deleteRole(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('role_id', '=', id).execute();
  await db.deleteFrom('roles').where('id', '=', id).execute();
}

export async function upsertAssignment(
  db: Kysely<Database>,
  role: Role,
  assignment: Assignment,
  at: string,
): Promise<void> {
  await db
    .deleteFrom('role_assignments')
    .where('role_id', '=', role.id)
    .where('employee_id', '=', assignment.employeeId)
    .execute();
  await db
    .insertInto('role_assignments')
    .values({
      role_id: role.id,
      employee_id: assignment.employeeId,
      organization_id: role.organizationId,
      focus: assignment.focus,
      percentage: assignment.percentage,
      created_at: at,
    })
    .execute();
}

export async function deleteAssignment(db: Kysely<Database>, roleId: string, employeeId: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('role_id', '=', roleId).where('employee_id', '=', employeeId).execute();
}
