// Organizations: the tenants. Every other row belongs to exactly one.
import type { Kysely, Selectable } from 'kysely';
import { DEFAULT_TENURE_BOUNDARIES } from '../core/tenure';
import type { Database, OrganizationsTable } from './schema';

export interface Organization {
  id: string;
  name: string;
  /** Tenure band boundaries in months (the defaults unless the organization set its own). */
  tenureBoundaries: number[];
  createdAt: string;
  updatedAt: string;
}

function toOrganization(row: Selectable<OrganizationsTable>): Organization {
  const boundaries =
    row.tenure_boundaries === null ? [...DEFAULT_TENURE_BOUNDARIES] : (JSON.parse(row.tenure_boundaries) as number[]);
  return {
    id: row.id,
    name: row.name,
    tenureBoundaries: boundaries,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertOrganization(db: Kysely<Database>, org: Organization): Promise<void> {
  await db
    .insertInto('organizations')
    .values({
      id: org.id,
      name: org.name,
      tenure_boundaries: null,
      respondent_count: 0,
      created_at: org.createdAt,
      updated_at: org.updatedAt,
    })
    .execute();
}

export async function findOrganization(db: Kysely<Database>, id: string): Promise<Organization | null> {
  const row = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toOrganization(row) : null;
}

export async function updateOrganization(db: Kysely<Database>, org: Organization, at: string): Promise<void> {
  const custom =
    JSON.stringify(org.tenureBoundaries) === JSON.stringify(DEFAULT_TENURE_BOUNDARIES)
      ? null
      : JSON.stringify(org.tenureBoundaries);
  await db
    .updateTable('organizations')
    .set({ name: org.name, tenure_boundaries: custom, updated_at: at })
    .where('id', '=', org.id)
    .execute();
}

export async function countOrganizations(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('organizations')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface OrganizationOwners {
  id: string;
  name: string;
  ownerEmails: string[];
}

/** Every organization with its owners' e-mails, oldest first: how whoever holds the store finds an id. */
export async function listOrganizationsWithOwners(db: Kysely<Database>): Promise<OrganizationOwners[]> {
  const [orgs, owners] = await Promise.all([
    db.selectFrom('organizations').select(['id', 'name']).orderBy('created_at').orderBy('id').execute(),
    db
      .selectFrom('users')
      .select(['organization_id', 'email'])
      .where('access_right', '=', 'owner')
      .orderBy('email_lower')
      .execute(),
  ]);
  return orgs.map((org) => ({
    id: org.id,
    name: org.name,
    ownerEmails: owners.filter((o) => o.organization_id === org.id).map((o) => o.email),
  }));
}
