// What engagement segments read: every employee's segmenting facts (department, title, manager,
// dates, attributes, the groups they hold a role in), the group tree and the attribute types.
// Four queries per request, each bounded by the organization's size, not by its answers.
import type { Kysely } from 'kysely';
import type { AttributeType, AttributeValue } from '../core/attributes';
import { People, type Person } from '../core/people';
import type { TenureBand } from '../core/tenure';
import type { Database } from './schema';

export async function loadPeople(db: Kysely<Database>, organizationId: string, bands: TenureBand[]): Promise<People> {
  const [employees, holdings, groups, attributes] = await Promise.all([
    db
      .selectFrom('employees')
      .select([
        'id',
        'display_name',
        'department',
        'title',
        'manager_id',
        'start_date',
        'separation_date',
        'attributes',
      ])
      .where('organization_id', '=', organizationId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('role_assignments')
      .innerJoin('roles', 'roles.id', 'role_assignments.role_id')
      .select(['role_assignments.employee_id as employeeId', 'roles.group_id as groupId'])
      .where('role_assignments.organization_id', '=', organizationId)
      .execute(),
    db.selectFrom('groups').select(['id', 'parent_id']).where('organization_id', '=', organizationId).execute(),
    db
      .selectFrom('attributes')
      .select(['name', 'name_lower', 'type'])
      .where('organization_id', '=', organizationId)
      .execute(),
  ]);
  const groupsOf = new Map<string, string[]>();
  for (const { employeeId, groupId } of holdings)
    groupsOf.set(employeeId, [...(groupsOf.get(employeeId) ?? []), groupId]);
  const people: Person[] = employees.map((e) => ({
    id: e.id,
    name: e.display_name,
    department: e.department,
    title: e.title,
    managerId: e.manager_id,
    startDate: e.start_date,
    separationDate: e.separation_date,
    attributes: JSON.parse(e.attributes) as Record<string, AttributeValue>,
    groups: groupsOf.get(e.id) ?? [],
  }));
  return new People(
    people,
    new Map(groups.map((g) => [g.id, g.parent_id])),
    new Map(attributes.map((a) => [a.name_lower, { name: a.name, type: a.type as AttributeType }])),
    bands,
  );
}
