// Employees: adding, changing and removing them with their events, for the API, the HiBob sync and
// the demo alike. Every write of an employee goes through here, so its rules hold for all of them.
import type { Kysely } from 'kysely';
import type { Actor } from '../core/actor';
import { type AttributeValue, attributeValueProblem, isListAttribute } from '../core/attributes';
import { type DiffField, diffFields, mapFields } from '../core/diff';
import { calendarDate, employeeStatus } from '../core/employee-status';
import { newId } from '../core/ids';
import { ownMap } from '../core/map-keys';
import { type FieldError, HttpProblem, problems } from '../core/problem';
import { tenureMonths } from '../core/tenure';
import { type Attribute, attributesByName } from '../store/attributes';
import { moveDepartment } from '../store/department-rollups';
import {
  type Employee,
  deleteEmployee as deleteEmployeeRow,
  employeesByEmails,
  employeesByExternalIds,
  employeesWhere,
  existingEmployeeIds,
  findEmployee,
  findEmployeeIdByEmail,
  findEmployeeIdByExternalId,
  insertEmployees,
  managerChain,
  sameStoredEmployee,
  updateEmployee as updateEmployeeRow,
} from '../store/employees';
import { deleteAnswersOf } from '../store/engagement';
import { isUniqueViolation } from '../store/errors';
import { type ChangeRecord, recordChange, recordChanges } from '../store/events';
import type { Database } from '../store/schema';
import type { DomainContext } from './context';
import { type Principal, principalActor } from './principal';
import { removeEmployeeFromRoles } from './roles';

/** An employee as the API and the events show it: status as of today, tenure as of `asOf` (today unless a list asks for another day). */
export function presentEmployee(e: Employee, today: string, asOf = today) {
  // Field by field rather than a rest spread, which V8 runs as a slow generic copy (a third of a
  // page's CPU went here); `satisfies` keeps every field of Employee but the two hidden ones in it.
  return {
    id: e.id,
    externalId: e.externalId,
    email: e.email,
    firstName: e.firstName,
    lastName: e.lastName,
    displayName: e.displayName,
    title: e.title,
    department: e.department,
    managerId: e.managerId,
    phone: e.phone,
    startDate: e.startDate,
    separationDate: e.separationDate,
    separationReason: e.separationReason,
    attributes: e.attributes,
    source: e.source,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    status: employeeStatus(e, today),
    tenureMonths: tenureMonths(e.startDate, e.separationDate, asOf),
  } satisfies Record<Exclude<keyof Employee, 'organizationId' | 'syncHash'> | 'status' | 'tenureMonths', unknown>;
}

const BASE_FIELDS: DiffField[] = [
  { field: 'externalId', label: 'External ID' },
  { field: 'email', label: 'Email' },
  { field: 'firstName', label: 'First name' },
  { field: 'lastName', label: 'Last name' },
  { field: 'displayName', label: 'Display name' },
  { field: 'title', label: 'Title' },
  { field: 'department', label: 'Department' },
  { field: 'managerId', label: 'Manager' },
  { field: 'phone', label: 'Phone' },
  { field: 'startDate', label: 'Start date' },
  { field: 'separationDate', label: 'Separation date' },
  { field: 'separationReason', label: 'Separation reason' },
];

function employeeDiffFields(before: Employee, after: Employee, definitions: Map<string, Attribute>): DiffField[] {
  return [
    ...BASE_FIELDS,
    ...mapFields('attributes', before.attributes, after.attributes, (name) =>
      isListAttribute(definitions.get(name.toLowerCase())),
    ),
  ];
}

/**
 * Validates attribute values against their definitions and returns them merged over `current`:
 * names match case-insensitively and are stored under the defined spelling; null removes a value.
 */
async function mergeAttributes(
  db: Kysely<Database>,
  organizationId: string,
  input: Record<string, unknown>,
  current: Record<string, AttributeValue>,
  definitions: Map<string, Attribute>,
): Promise<Record<string, AttributeValue>> {
  const errors: FieldError[] = [];
  const merged = ownMap(current);
  const employeeRefs: [string, string][] = [];
  for (const [name, value] of Object.entries(input)) {
    const definition = definitions.get(name.toLowerCase());
    const path = `/attributes/${name}`;
    if (!definition) {
      errors.push({ location: 'body', path, message: 'is not a defined attribute (see GET /v1/attributes)' });
      continue;
    }
    if (value === null) {
      delete merged[definition.name];
      continue;
    }
    const problem = attributeValueProblem(definition, value);
    if (problem) {
      errors.push({ location: 'body', path, message: problem });
      continue;
    }
    if (definition.type === 'employee') employeeRefs.push([path, value as string]);
    merged[definition.name] = value as AttributeValue;
  }
  const found = await existingEmployeeIds(
    db,
    organizationId,
    employeeRefs.map(([, id]) => id),
  );
  for (const [path, id] of employeeRefs)
    if (!found.has(id)) errors.push({ location: 'body', path, message: `${id} is not an employee` });
  if (errors.length > 0) throw problems.validation(errors);
  return merged;
}

async function checkManager(
  db: Kysely<Database>,
  organizationId: string,
  employeeId: string,
  managerId: string | null,
): Promise<void> {
  if (managerId === null) return;
  if (managerId === employeeId)
    throw problems.unprocessable('An employee cannot be their own manager.', { field: 'managerId' });
  const chain = await managerChain(db, organizationId, managerId);
  if ((await existingEmployeeIds(db, organizationId, [managerId])).size === 0) {
    throw problems.validation([{ location: 'body', path: '/managerId', message: `${managerId} is not an employee` }]);
  }
  if (chain.includes(employeeId)) {
    throw problems.unprocessable(`Making ${managerId} the manager would create a cycle in the manager chain.`, {
      field: 'managerId',
    });
  }
}

function checkDates(e: Employee): void {
  if (e.startDate !== null && e.separationDate !== null && e.separationDate < e.startDate) {
    throw problems.validation([{ location: 'body', path: '/separationDate', message: 'must not be before startDate' }]);
  }
}

async function checkUnique(db: Kysely<Database>, e: Employee): Promise<void> {
  const holder = await findEmployeeIdByEmail(db, e.organizationId, e.email);
  if (holder !== null && holder !== e.id) throw duplicate('email', e.email);
  if (e.externalId !== null) {
    const external = await findEmployeeIdByExternalId(db, e.organizationId, e.externalId);
    if (external !== null && external !== e.id) throw duplicate('externalId', e.externalId);
  }
}

function duplicate(field: string, value: string) {
  return problems.conflict(`Another employee already has the ${field} ${value}.`, { field });
}

/** The refusal `duplicate` makes. */
function isDuplicate(error: unknown): boolean {
  return error instanceof HttpProblem && error.status === 409 && typeof error.extensions.field === 'string';
}

function withUniqueConflicts<T>(work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => {
    throw isUniqueViolation(error)
      ? problems.conflict('Another employee already has this email or external id.')
      : error;
  });
}

/** An employee change ready to be written: the row and its event. */
export interface EmployeeWrite {
  employee: Employee;
  created: boolean;
  change: ChangeRecord;
  /** The department the employee leaves, when the write moves them (their engagement totals move too). */
  movedFrom?: string | null;
}

/** What writing `after` over `before` takes, or null when nothing changed (then nothing is written). */
export function employeeWrite(
  actor: Actor,
  before: Employee | null,
  after: Employee,
  definitions: Map<string, Attribute>,
  at: Date,
): EmployeeWrite | null {
  const today = calendarDate(at);
  const base = { organizationId: after.organizationId, actor, targetType: 'employee', targetId: after.id, at };
  // The event's object is made when the event is written: a preview's plan never needs it.
  if (before === null)
    return {
      employee: after,
      created: true,
      change: {
        ...base,
        type: 'employee.created',
        get object() {
          return presentEmployee(after, today);
        },
      },
    };
  // The cheap answer first: most employees in a sync did not change at all.
  if (sameStoredEmployee(before, after)) return null;
  const changes = diffFields(
    presentEmployee(before, today),
    presentEmployee(after, today),
    employeeDiffFields(before, after, definitions),
  );
  if (changes.length === 0) return null;
  const employee = { ...after, updatedAt: at.toISOString() };
  const moved = before.department !== employee.department ? { movedFrom: before.department } : {};
  return {
    employee,
    created: false,
    change: { ...base, type: 'employee.updated', object: presentEmployee(employee, today), changes },
    ...moved,
  };
}

/**
 * Writes employee changes with their events; new rows and events go in batches (a sync writes
 * thousands). `audit: false` leaves the audit log to the bulk job's own entry. Only the sync keeps
 * its fingerprint on the rows it writes (`fromSync`); any other write clears it.
 */
export async function writeEmployees(
  db: Kysely<Database>,
  writes: EmployeeWrite[],
  options: { audit: boolean; fromSync?: boolean },
): Promise<void> {
  const rows = options.fromSync
    ? writes.map((w) => w.employee)
    : writes.map((w) => (w.employee.syncHash === null ? w.employee : { ...w.employee, syncHash: null }));
  await insertEmployees(
    db,
    rows.filter((_, i) => writes[i].created),
  );
  for (const [i, write] of writes.entries()) {
    if (write.created) continue;
    await updateEmployeeRow(db, rows[i]);
    if (write.movedFrom !== undefined)
      await moveDepartment(db, rows[i].organizationId, rows[i].id, write.movedFrom, rows[i].department);
  }
  await recordChanges(
    db,
    writes.map((w) => w.change),
    options,
  );
}

/** Writes an employee change with its event; returns the employee as written, or null when nothing changed. */
export async function saveEmployeeChange(
  db: Kysely<Database>,
  actor: Actor,
  before: Employee | null,
  after: Employee,
  definitions: Map<string, Attribute>,
  at: Date,
): Promise<Employee | null> {
  const write = employeeWrite(actor, before, after, definitions, at);
  if (write === null) return null;
  await writeEmployees(db, [write], { audit: true });
  return write.employee;
}

/** Deletes an employee; the system clears references to them (manager, employee attributes, roles). */
export async function removeEmployee(db: Kysely<Database>, actor: Actor, employee: Employee, at: Date): Promise<void> {
  const org = employee.organizationId;
  const today = calendarDate(at);
  const definitions = await attributesByName(db, org);
  const system: Actor = { type: 'system' };
  await removeEmployeeFromRoles(db, system, org, employee.id, at);
  for (const report of await employeesWhere(db, org, { managerId: employee.id })) {
    await saveEmployeeChange(db, system, report, { ...report, managerId: null }, definitions, at);
  }
  const employeeAttributes = [...definitions.values()].filter((d) => d.type === 'employee').map((d) => d.name);
  if (employeeAttributes.length > 0) {
    for (const holder of await employeesWhere(db, org, { attributeMentions: employee.id })) {
      const attributes = { ...holder.attributes };
      for (const name of employeeAttributes)
        if (Object.hasOwn(attributes, name) && attributes[name] === employee.id) delete attributes[name];
      const current = holder.id === employee.id ? null : holder;
      if (current) await saveEmployeeChange(db, system, current, { ...current, attributes }, definitions, at);
    }
  }
  await deleteAnswersOf(db, org, employee.id);
  await deleteEmployeeRow(db, org, employee.id);
  await recordChange(db, {
    organizationId: org,
    type: 'employee.deleted',
    actor,
    object: presentEmployee(employee, today),
    targetType: 'employee',
    targetId: employee.id,
    at,
  });
}

/** The fields a client may set on any employee; null clears a field, an omitted one stays. */
export interface EmployeeFields {
  externalId?: string | null;
  title?: string | null;
  department?: string | null;
  managerId?: string | null;
  phone?: string | null;
  startDate?: string | null;
  separationDate?: string | null;
  separationReason?: string | null;
  displayName?: string;
  /** By attribute name (any case); null removes the value. */
  attributes?: Record<string, unknown>;
}

export interface NewEmployee extends EmployeeFields {
  email: string;
  firstName: string;
  lastName: string;
}

export interface EmployeeChanges extends EmployeeFields {
  email?: string;
  firstName?: string;
  lastName?: string;
}

/** What a create-or-update did: `unchanged` wrote nothing (no event, no audit entry). */
export type UpsertResult = 'created' | 'updated' | 'unchanged';

export interface EmployeeUpsert {
  employee: Employee;
  result: UpsertResult;
}

/** How a create-or-update finds its person: by email (any case) or by HRIS id (exact). */
export type EmployeeMatch = { by: 'email'; email: string } | { by: 'externalId'; externalId: string };

/** What every write from the API works with: its transaction, who acts, when, and the attribute definitions. */
interface WriteScope {
  trx: Kysely<Database>;
  who: Principal;
  now: Date;
  /** The attribute definitions as they stand in the transaction, read on first use. */
  definitions(): Promise<Map<string, Attribute>>;
}

/** Runs `work` in one transaction, with the attribute definitions as they stand in it. */
function inWriteScope<T>(ctx: DomainContext, who: Principal, work: (scope: WriteScope) => Promise<T>): Promise<T> {
  const now = ctx.clock.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    let definitions: Promise<Map<string, Attribute>> | null = null;
    return work({ trx, who, now, definitions: () => (definitions ??= attributesByName(trx, who.organizationId)) });
  });
}

const hasAny = (attributes: Record<string, unknown> | undefined) =>
  attributes !== undefined && Object.keys(attributes).length > 0;

/**
 * Checks `draft` as it would be written over `before` (null for a new employee) and writes it with
 * its event and audit entry: attribute values merged and validated, dates, manager, then uniqueness.
 */
async function checkAndSave(
  scope: WriteScope,
  before: Employee | null,
  draft: Employee,
  attributes: Record<string, unknown> | undefined,
): Promise<EmployeeUpsert> {
  const { trx, who, now } = scope;
  // Definitions are consulted only for attributes in play (given now, or held before or in the
  // draft): a write without any skips reading them, a round trip on PostgreSQL.
  const definitions =
    hasAny(attributes) || hasAny(draft.attributes) || hasAny(before?.attributes)
      ? await scope.definitions()
      : new Map<string, Attribute>();
  const employee: Employee = attributes
    ? {
        ...draft,
        attributes: await mergeAttributes(trx, who.organizationId, attributes, draft.attributes, definitions),
      }
    : draft;
  checkDates(employee);
  if (employee.managerId !== (before?.managerId ?? null))
    await checkManager(trx, who.organizationId, employee.id, employee.managerId);
  await checkUnique(trx, employee);
  const saved = await saveEmployeeChange(trx, principalActor(who), before, employee, definitions, now);
  if (before === null) return { employee: saved ?? employee, result: 'created' };
  return saved === null ? { employee, result: 'unchanged' } : { employee: saved, result: 'updated' };
}

/** A new employee from the API: omitted fields are empty, the display name is derived, the source is `api`. */
async function addEmployee(scope: WriteScope, input: NewEmployee): Promise<EmployeeUpsert> {
  const { attributes, ...fields } = input;
  const at = scope.now.toISOString();
  const draft: Employee = {
    id: newId('emp', scope.now),
    organizationId: scope.who.organizationId,
    externalId: fields.externalId ?? null,
    email: fields.email,
    firstName: fields.firstName,
    lastName: fields.lastName,
    displayName: fields.displayName ?? `${fields.firstName} ${fields.lastName}`,
    title: fields.title ?? null,
    department: fields.department ?? null,
    managerId: fields.managerId ?? null,
    phone: fields.phone ?? null,
    startDate: fields.startDate ?? null,
    separationDate: fields.separationDate ?? null,
    separationReason: fields.separationReason ?? null,
    attributes: {},
    source: 'api',
    syncHash: null,
    createdAt: at,
    updatedAt: at,
  };
  return checkAndSave(scope, null, draft, attributes);
}

/** `before` with the fields of `input` over it; the fields it omits stay as they were. */
async function changeEmployee(scope: WriteScope, before: Employee, input: EmployeeChanges): Promise<EmployeeUpsert> {
  const { attributes, ...fields } = input;
  const changed: Employee = { ...before, ...(fields as Partial<Employee>) };
  // A display name that was only ever the derived "First Last" follows name changes.
  const derivedName =
    fields.displayName === undefined && before.displayName === `${before.firstName} ${before.lastName}`;
  const draft: Employee = derivedName
    ? { ...changed, displayName: `${changed.firstName} ${changed.lastName}` }
    : changed;
  return checkAndSave(scope, before, draft, attributes);
}

/** Adds an employee from the API: 400 for invalid attributes or dates, 409 for a taken email or external id, 422 for a manager cycle. */
export async function createEmployee(ctx: DomainContext, who: Principal, input: NewEmployee): Promise<Employee> {
  const { employee } = await withUniqueConflicts(inWriteScope(ctx, who, (scope) => addEmployee(scope, input)));
  return employee;
}

/** Changes an employee from the API; the same refusals as createEmployee, and 404 for an unknown id. */
export async function updateEmployee(
  ctx: DomainContext,
  who: Principal,
  id: string,
  input: EmployeeChanges,
): Promise<Employee> {
  const { employee } = await withUniqueConflicts(
    inWriteScope(ctx, who, async (scope) => {
      const before = await findEmployee(scope.trx, who.organizationId, id);
      if (!before) throw problems.notFound(`There is no employee ${id}.`);
      return changeEmployee(scope, before, input);
    }),
  );
  return employee;
}

/** 400 when the body names another person than the path: another email (ignoring case) or external id. */
function checkMatchAgrees(match: EmployeeMatch, input: EmployeeChanges): void {
  if (match.by === 'email' && input.email !== undefined && input.email.toLowerCase() !== match.email.toLowerCase())
    throw problems.validation([
      { location: 'body', path: '/email', message: `contradicts the email in the path (${match.email})` },
    ]);
  if (match.by === 'externalId' && input.externalId !== undefined && input.externalId !== match.externalId)
    throw problems.validation([
      {
        location: 'body',
        path: '/externalId',
        message: `contradicts the external id in the path (${match.externalId})`,
      },
    ]);
}

/** The new employee a create-or-update that matched nobody adds: the path's key, and the fields a new person needs. */
function newEmployeeFor(match: EmployeeMatch, input: EmployeeChanges): NewEmployee {
  const fields: EmployeeChanges =
    match.by === 'email' ? { ...input, email: input.email ?? match.email } : { ...input, externalId: match.externalId };
  const { email, firstName, lastName } = fields;
  if (email === undefined || firstName === undefined || lastName === undefined) {
    const key = match.by === 'email' ? `the email ${match.email}` : `the external id ${match.externalId}`;
    const missing = Object.entries({ email, firstName, lastName }).filter(([, value]) => value === undefined);
    throw problems.validation(
      missing.map(([field]): FieldError => ({
        location: 'body',
        path: `/${field}`,
        message: `is required to create an employee (no employee has ${key} yet)`,
      })),
    );
  }
  return { ...fields, email, firstName, lastName };
}

async function findMatch(
  trx: Kysely<Database>,
  organizationId: string,
  match: EmployeeMatch,
): Promise<Employee | null> {
  const found =
    match.by === 'email'
      ? await employeesByEmails(trx, organizationId, [match.email])
      : await employeesByExternalIds(trx, organizationId, [match.externalId]);
  return found[0] ?? null;
}

/**
 * Creates the person `match` finds, or changes only the fields `input` holds; with the same rules,
 * events and audit entries as createEmployee and updateEmployee. A new person needs an email, a first
 * and a last name, and comes from the API. A person created by a concurrent request between the
 * lookup and the insert is found by a second attempt and updated (or the conflict is a clean 409).
 */
export async function upsertEmployee(
  ctx: DomainContext,
  who: Principal,
  match: EmployeeMatch,
  input: EmployeeChanges,
): Promise<EmployeeUpsert> {
  checkMatchAgrees(match, input);
  const attempt = () =>
    inWriteScope(ctx, who, async (scope) => {
      const before = await findMatch(scope.trx, who.organizationId, match);
      return before === null ? addEmployee(scope, newEmployeeFor(match, input)) : changeEmployee(scope, before, input);
    });
  // The person may appear between the lookup and the insert: the insert's unique index refuses it, or
  // (when they were committed just before) the pre-insert check does. Either way the second attempt
  // finds them.
  return withUniqueConflicts(
    attempt().catch((error: unknown) => {
      if (!isUniqueViolation(error) && !isDuplicate(error)) throw error;
      return attempt();
    }),
  );
}

/** Removes an employee from the API (404 for an unknown id), with everything removeEmployee clears. */
export async function deleteEmployee(ctx: DomainContext, who: Principal, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const employee = await findEmployee(trx, who.organizationId, id);
    if (!employee) throw problems.notFound(`There is no employee ${id}.`);
    await removeEmployee(trx, principalActor(who), employee, now);
  });
}
