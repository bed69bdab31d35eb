// Employees: the people the organization is about (not to be confused with users, who administer it).
import { type Kysely, sql } from 'kysely';
import type { AttributeValue } from '../core/attributes';
import { ownMap } from '../core/map-keys';
import type { EmployeeStatus } from '../core/employee-status';
import type { EmployeeSource } from '../core/sources';
import { startedBy } from '../core/tenure';
import { QueryTemplate, insertOne, slot } from './prepared';
import { type Keyset, type Page, containsLiteral, keysetShape, keysetValues, pageBy, takePage } from './query';
import type { Database, EmployeesTable } from './schema';

export type { EmployeeSource };

export interface Employee {
  id: string;
  organizationId: string;
  externalId: string | null;
  email: string;
  firstName: string;
  lastName: string;
  displayName: string;
  title: string | null;
  department: string | null;
  managerId: string | null;
  phone: string | null;
  startDate: string | null;
  separationDate: string | null;
  separationReason: string | null;
  attributes: Record<string, AttributeValue>;
  source: EmployeeSource;
  /** See EmployeesTable.sync_hash; never shown. */
  syncHash: string | null;
  createdAt: string;
  updatedAt: string;
}

function toEmployee(row: EmployeesTable): Employee {
  return {
    id: row.id,
    organizationId: row.organization_id,
    externalId: row.external_id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    displayName: row.display_name,
    title: row.title,
    department: row.department,
    managerId: row.manager_id,
    phone: row.phone,
    startDate: row.start_date,
    separationDate: row.separation_date,
    separationReason: row.separation_reason,
    attributes: ownMap(JSON.parse(row.attributes) as Record<string, AttributeValue>),
    source: row.source as EmployeeSource,
    syncHash: row.sync_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(e: Employee): EmployeesTable {
  return {
    id: e.id,
    organization_id: e.organizationId,
    external_id: e.externalId,
    email: e.email,
    email_lower: e.email.toLowerCase(),
    first_name: e.firstName,
    last_name: e.lastName,
    display_name: e.displayName,
    search_text: [e.firstName, e.lastName, e.displayName, e.email, e.title ?? ''].join(' ').toLowerCase(),
    title: e.title,
    department: e.department,
    manager_id: e.managerId,
    phone: e.phone,
    start_date: e.startDate,
    separation_date: e.separationDate,
    separation_reason: e.separationReason,
    attributes: JSON.stringify(e.attributes),
    source: e.source,
    sync_hash: e.syncHash,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  };
}

export const EMPLOYEE_SORTS = {
  createdAt: { column: 'employees.created_at', nullable: false, value: (e: Employee) => e.createdAt },
  lastName: { column: 'employees.last_name', nullable: false, value: (e: Employee) => e.lastName },
  firstName: { column: 'employees.first_name', nullable: false, value: (e: Employee) => e.firstName },
  email: { column: 'employees.email_lower', nullable: false, value: (e: Employee) => e.email.toLowerCase() },
  department: { column: 'employees.department', nullable: true, value: (e: Employee) => e.department ?? '' },
  startDate: { column: 'employees.start_date', nullable: true, value: (e: Employee) => e.startDate ?? '' },
} as const;

/** The fields an employee row is made of (its timestamps aside): what `sameStoredEmployee` compares. */
const STORED_FIELDS = [
  'externalId',
  'email',
  'firstName',
  'lastName',
  'displayName',
  'title',
  'department',
  'managerId',
  'phone',
  'startDate',
  'separationDate',
  'separationReason',
  'source',
] as const;

/** True when writing `after` would store exactly what `before` holds (the timestamps aside). */
export function sameStoredEmployee(before: Employee, after: Employee): boolean {
  return (
    STORED_FIELDS.every((field) => before[field] === after[field]) &&
    JSON.stringify(before.attributes) === JSON.stringify(after.attributes)
  );
}

/** Rows per multi-row INSERT: well under SQLite's and PostgreSQL's parameter limits (21 columns). */
const INSERT_BATCH = 200;

export async function insertEmployees(db: Kysely<Database>, employees: Employee[]): Promise<void> {
  if (employees.length === 1) return insertOne(db, 'employees', toRow(employees[0]));
  for (let i = 0; i < employees.length; i += INSERT_BATCH)
    await db
      .insertInto('employees')
      .values(employees.slice(i, i + INSERT_BATCH).map(toRow))
      .execute();
}

export async function updateEmployee(db: Kysely<Database>, employee: Employee): Promise<void> {
  const { id: _id, organization_id: _org, created_at: _created, ...changes } = toRow(employee);
  await db
    .updateTable('employees')
    .set(changes)
    .where('organization_id', '=', employee.organizationId)
    .where('id', '=', employee.id)
    .execute();
}

export async function deleteEmployee(db: Kysely<Database>, organizationId: string, id: string): Promise<void> {
  await db.deleteFrom('employees').where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

export async function findEmployee(db: Kysely<Database>, organizationId: string, id: string): Promise<Employee | null> {
  const row = await db
    .selectFrom('employees')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toEmployee(row) : null;
}

export async function findEmployeeIdByEmail(
  db: Kysely<Database>,
  organizationId: string,
  email: string,
): Promise<string | null> {
  const { rows } = await idByEmail.execute(
    db,
    '',
    () =>
      db
        .selectFrom('employees')
        .select('id')
        .where('organization_id', '=', slot('organizationId'))
        .where('email_lower', '=', slot('email')),
    { organizationId, email: email.toLowerCase() },
  );
  return rows[0]?.id ?? null;
}

const idByEmail = new QueryTemplate('employee id by email');

export async function findEmployeeIdByExternalId(
  db: Kysely<Database>,
  organizationId: string,
  externalId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('employees')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The employees with these HRIS ids. */
export async function employeesByExternalIds(
  db: Kysely<Database>,
  organizationId: string,
  externalIds: string[],
): Promise<Employee[]> {
  if (externalIds.length === 0) return [];
  const rows = await db
    .selectFrom('employees')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('external_id', 'in', externalIds)
    .execute();
  return rows.map(toEmployee);
}

/** The employees with these email addresses (any case). */
export async function employeesByEmails(
  db: Kysely<Database>,
  organizationId: string,
  emails: string[],
): Promise<Employee[]> {
  if (emails.length === 0) return [];
  const rows = await db
    .selectFrom('employees')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where(
      'email_lower',
      'in',
      emails.map((e) => e.toLowerCase()),
    )
    .execute();
  return rows.map(toEmployee);
}

export interface ExternalLink {
  id: string;
  externalId: string;
  source: EmployeeSource;
  syncHash: string | null;
}

/** Every employee linked to an HRIS record: id, HRIS id, where they came from and the sync's fingerprint (small rows, for a whole sync). */
export async function externalLinks(db: Kysely<Database>, organizationId: string): Promise<ExternalLink[]> {
  const rows = await db
    .selectFrom('employees')
    .select(['id', 'external_id', 'source', 'sync_hash'])
    .where('organization_id', '=', organizationId)
    .where('external_id', 'is not', null)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    externalId: r.external_id as string,
    source: r.source as EmployeeSource,
    syncHash: r.sync_hash,
  }));
}

/** Sets the sync's fingerprint of rows whose data is current, without touching anything else (no updatedAt, no event). */
export async function setSyncHashes(
  db: Kysely<Database>,
  organizationId: string,
  rows: { id: string; syncHash: string | null }[],
): Promise<void> {
  for (const row of rows)
    await db
      .updateTable('employees')
      .set({ sync_hash: row.syncHash })
      .where('organization_id', '=', organizationId)
      .where('id', '=', row.id)
      .execute();
}

/** The ids among `ids` that are employees of the organization. */
export async function existingEmployeeIds(
  db: Kysely<Database>,
  organizationId: string,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('employees')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Display names by id, for messages and assignment lists. */
export async function employeeNames(
  db: Kysely<Database>,
  organizationId: string,
  ids: string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('employees')
    .select(['id', 'display_name'])
    .where('organization_id', '=', organizationId)
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** Every department some employee is in, in order. */
export async function departmentNames(db: Kysely<Database>, organizationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('employees')
    .select('department')
    .distinct()
    .where('organization_id', '=', organizationId)
    .where('department', 'is not', null)
    .orderBy('department')
    .execute();
  return rows.map((r) => r.department as string);
}

/** The manager of each employee up the chain from `managerId`, stopping at a repeat or the top. */
export async function managerChain(
  db: Kysely<Database>,
  organizationId: string,
  managerId: string,
  limit = 10_000,
): Promise<string[]> {
  const chain: string[] = [];
  let current: string | null = managerId;
  while (current !== null && chain.length < limit && !chain.includes(current)) {
    chain.push(current);
    const row: { manager_id: string | null } | undefined = await db
      .selectFrom('employees')
      .select('manager_id')
      .where('organization_id', '=', organizationId)
      .where('id', '=', current)
      .executeTakeFirst();
    current = row?.manager_id ?? null;
  }
  return chain;
}

export async function employeesWhere(
  db: Kysely<Database>,
  organizationId: string,
  filter: { managerId?: string; attributeMentions?: string },
): Promise<Employee[]> {
  let query = db.selectFrom('employees').selectAll().where('organization_id', '=', organizationId);
  if (filter.managerId !== undefined) query = query.where('manager_id', '=', filter.managerId);
  if (filter.attributeMentions !== undefined)
    query = query.where(containsLiteral('employees.attributes', JSON.stringify(filter.attributeMentions)));
  return (await query.orderBy('id').execute()).map(toEmployee);
}

export interface EmployeeFilter {
  q?: string;
  status?: EmployeeStatus;
  today: string;
  department?: string;
  managerId?: string;
  source?: EmployeeSource;
  email?: string;
  externalId?: string;
  /** Only those surveyable on this date. */
  surveyableOn?: string;
  /** Only those whose tenure on `on` is in [fromMonths, toMonths) (core/tenure). */
  tenure?: { on: string; fromMonths: number; toMonths: number | null };
}

/** Months from start_date to separation_date, as core/tenure counts them, in SQL both dialects run. */
const MONTHS_SERVED = sql<number>`(cast(substr(separation_date, 1, 4) as integer) * 12 + cast(substr(separation_date, 6, 2) as integer)
  - cast(substr(start_date, 1, 4) as integer) * 12 - cast(substr(start_date, 6, 2) as integer)
  - case when substr(separation_date, 9, 2) < substr(start_date, 9, 2) then 1 else 0 end)`;

export async function listEmployees(
  db: Kysely<Database>,
  organizationId: string,
  filter: EmployeeFilter,
  keyset: Keyset,
): Promise<Page<Employee>> {
  const { values, shape, build } = employeePage(db, organizationId, filter, keyset);
  const { rows } = await employeePageTemplate.execute(db, shape, build, values);
  return takePage(rows.map(toEmployee), keyset.limit);
}

const employeePageTemplate = new QueryTemplate('employee page');

/** The query behind a page of employees, built with its values inline (exported so tests can check its plan). */
export function employeePageQuery(
  db: Kysely<Database>,
  organizationId: string,
  filter: EmployeeFilter,
  keyset: Keyset,
) {
  const { values, buildInline } = employeePage(db, organizationId, filter, keyset);
  return buildInline(values);
}

/**
 * A page of employees as a template: its values, its shape, and its builder. The builder puts in
 * each value through `value`: a slot when the template is kept, the value itself for a plan test.
 */
function employeePage(db: Kysely<Database>, organizationId: string, filter: EmployeeFilter, keyset: Keyset) {
  const tenure = filter.tenure;
  const values = {
    organizationId,
    pattern: filter.q ? `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined,
    department: filter.department,
    managerId: filter.managerId,
    source: filter.source,
    email: filter.email?.toLowerCase(),
    externalId: filter.externalId,
    today: filter.status === undefined ? undefined : filter.today,
    tenureOn: tenure?.on,
    tenureFromMonths: tenure?.fromMonths,
    tenureToMonths: tenure?.toMonths ?? undefined,
    tenureStartedBy: tenure && startedBy(tenure.on, tenure.fromMonths),
    tenureStartedAfter: tenure && tenure.toMonths !== null ? startedBy(tenure.on, tenure.toMonths) : undefined,
    surveyableOn: filter.surveyableOn,
    ...keysetValues(keyset),
  };
  type Values = typeof values;
  const build = (inline?: Values) => {
    const value = <K extends keyof Values>(name: K): NonNullable<Values[K]> =>
      (inline === undefined ? slot(name) : inline[name]) as NonNullable<Values[K]>;
    let query = db.selectFrom('employees').selectAll().where('organization_id', '=', value('organizationId'));
    if (values.pattern !== undefined)
      query = query.where(sql<boolean>`search_text like ${value('pattern')} escape '\\'`);
    if (values.department !== undefined) query = query.where('department', '=', value('department'));
    if (values.managerId !== undefined) query = query.where('manager_id', '=', value('managerId'));
    if (values.source !== undefined) query = query.where('source', '=', value('source'));
    if (values.email !== undefined) query = query.where('email_lower', '=', value('email'));
    if (values.externalId !== undefined) query = query.where('external_id', '=', value('externalId'));
    const started = () =>
      query.where((eb) => eb.or([eb('start_date', 'is', null), eb('start_date', '<=', value('today'))]));
    switch (filter.status) {
      case 'pending':
        query = query.where('start_date', '>', value('today'));
        break;
      case 'active':
        query = started().where('separation_date', 'is', null);
        break;
      case 'leaving':
        query = started().where('separation_date', '>=', value('today'));
        break;
      case 'left':
        query = started().where('separation_date', '<', value('today'));
        break;
      default:
        break;
    }
    if (values.tenureOn !== undefined) {
      const on = value('tenureOn');
      const bounded = values.tenureToMonths !== undefined;
      query = query.where('start_date', 'is not', null).where((eb) =>
        eb.or([
          // Still there on `on`: the band is a range of start dates.
          eb.and([
            eb.or([eb('separation_date', 'is', null), eb('separation_date', '>=', on)]),
            eb('start_date', '<=', value('tenureStartedBy')),
            ...(bounded ? [eb('start_date', '>', value('tenureStartedAfter'))] : []),
          ]),
          // Gone by then: tenure stopped at the separation date.
          eb.and([
            eb('separation_date', '<', on),
            sql<boolean>`${MONTHS_SERVED} >= ${value('tenureFromMonths')}`,
            ...(bounded ? [sql<boolean>`${MONTHS_SERVED} < ${value('tenureToMonths')}`] : []),
          ]),
        ]),
      );
    }
    if (values.surveyableOn !== undefined) {
      const on = value('surveyableOn');
      query = query
        .where((eb) => eb.or([eb('start_date', 'is', null), eb('start_date', '<=', on)]))
        .where((eb) => eb.or([eb('separation_date', 'is', null), eb('separation_date', '>=', on)]));
    }
    return pageBy(query, keyset, inline === undefined ? 'slots' : 'inline');
  };
  return { values, shape: `${filter.status ?? ''}|${keysetShape(keyset)}`, build: () => build(), buildInline: build };
}

/** Who an employee is for matching: small rows, for a whole run. */
export interface EmployeeLink {
  id: string;
  externalId: string | null;
  emailLower: string;
  source: EmployeeSource;
  syncHash: string | null;
}

/** Every employee of the organization as an import matches them (id, external id, email, source, fingerprint). */
export async function employeeLinks(db: Kysely<Database>, organizationId: string): Promise<EmployeeLink[]> {
  const rows = await db
    .selectFrom('employees')
    .select(['id', 'external_id', 'email_lower', 'source', 'sync_hash'])
    .where('organization_id', '=', organizationId)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    externalId: r.external_id,
    emailLower: r.email_lower,
    source: r.source,
    syncHash: r.sync_hash,
  }));
}

/** The employees with these ids (any order). */
export async function employeesByIds(db: Kysely<Database>, organizationId: string, ids: string[]): Promise<Employee[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('employees')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', 'in', ids)
    .execute();
  return rows.map(toEmployee);
}

/** HiBob's people whose row keeps the fingerprint of the record it was written from: HRIS id by fingerprint. */
export async function hibobFingerprints(
  db: Kysely<Database>,
  organizationId: string,
): Promise<{ externalId: string; syncHash: string }[]> {
  const rows = await db
    .selectFrom('employees')
    .select(['external_id', 'sync_hash'])
    .where('organization_id', '=', organizationId)
    .where('source', '=', 'hibob')
    .where('external_id', 'is not', null)
    .where('sync_hash', 'is not', null)
    .execute();
  return rows.map((r) => ({ externalId: r.external_id as string, syncHash: r.sync_hash as string }));
}
