// Organizations: the tenants. Every other row belongs to exactly one.
import type { Kysely } from 'kysely';
import type { Database, OrganizationsTable } from './schema';

export interface Organization {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

function toOrganization(row: OrganizationsTable): Organization {
  return { id: row.id, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at };
}

export async function insertOrganization(db: Kysely<Database>, org: Organization): Promise<void> {
  await db
    .insertInto('organizations')
    .values({ id: org.id, name: org.name, created_at: org.createdAt, updated_at: org.updatedAt })
    .execute();
}

export async function findOrganization(db: Kysely<Database>, id: string): Promise<Organization | null> {
  const row = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toOrganization(row) : null;
}

export async function renameOrganization(db: Kysely<Database>, id: string, name: string, at: string): Promise<void> {
  await db.updateTable('organizations').set({ name, updated_at: at }).where('id', '=', id).execute();
}

export async function countOrganizations(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('organizations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
