// Groups (circles): the org structure, a tree through parentId.
import type { Kysely } from 'kysely';
import { ownMap } from '../core/map-keys';
import { type Keyset, type Page, containsText, pageBy, takePage } from './query';
import type { Database, GroupsTable } from './schema';

export type FieldValue = string | number | boolean | string[];

export interface Group {
  id: string;
  organizationId: string;
  name: string;
  purpose: string | null;
  parentId: string | null;
  fields: Record<string, FieldValue>;
  createdAt: string;
  updatedAt: string;
}

function toGroup(row: GroupsTable): Group {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    purpose: row.purpose,
    parentId: row.parent_id,
    fields: ownMap(JSON.parse(row.fields) as Record<string, FieldValue>),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(g: Group): GroupsTable {
  return {
    id: g.id,
    organization_id: g.organizationId,
    name: g.name,
    name_lower: g.name.toLowerCase(),
    purpose: g.purpose,
    parent_id: g.parentId,
    fields: JSON.stringify(g.fields),
    created_at: g.createdAt,
    updated_at: g.updatedAt,
  };
}

export const GROUP_SORTS = {
  createdAt: { column: 'groups.created_at', value: (g: Group) => g.createdAt },
  name: { column: 'groups.name_lower', value: (g: Group) => g.name.toLowerCase() },
} as const;

export async function insertGroup(db: Kysely<Database>, group: Group): Promise<void> {
  await db.insertInto('groups').values(toRow(group)).execute();
}

export async function updateGroup(db: Kysely<Database>, group: Group): Promise<void> {
  const { id: _id, organization_id: _org, created_at: _c, ...changes } = toRow(group);
  await db.updateTable('groups').set(changes).where('id', '=', group.id).execute();
}

export async function deleteGroup(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('groups').where('id', '=', id).execute();
}

export async function findGroup(db: Kysely<Database>, organizationId: string, id: string): Promise<Group | null> {
  const row = await db
    .selectFrom('groups')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toGroup(row) : null;
}

export async function childGroups(db: Kysely<Database>, organizationId: string, parentId: string): Promise<Group[]> {
  const rows = await db
    .selectFrom('groups')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('parent_id', '=', parentId)
    .orderBy('id')
    .execute();
  return rows.map(toGroup);
}

/** The ancestors of a group, nearest first, stopping at a repeat. */
export async function groupAncestors(
  db: Kysely<Database>,
  organizationId: string,
  parentId: string,
): Promise<string[]> {
  const chain: string[] = [];
  let current: string | null = parentId;
  while (current !== null && !chain.includes(current) && chain.length < 10_000) {
    chain.push(current);
    const row: { parent_id: string | null } | undefined = await db
      .selectFrom('groups')
      .select('parent_id')
      .where('organization_id', '=', organizationId)
      .where('id', '=', current)
      .executeTakeFirst();
    current = row?.parent_id ?? null;
  }
  return chain;
}

export async function listGroups(
  db: Kysely<Database>,
  organizationId: string,
  filter: { q?: string; parentId?: string },
  keyset: Keyset,
): Promise<Page<Group>> {
  let query = db.selectFrom('groups').selectAll().where('organization_id', '=', organizationId);
  if (filter.q) query = query.where(containsText(['groups.name', 'groups.purpose'], filter.q));
  if (filter.parentId !== undefined) query = query.where('parent_id', '=', filter.parentId);
  return takePage((await pageBy(query, keyset).execute()).map(toGroup), keyset.limit);
}
