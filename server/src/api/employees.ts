// /v1/employees: the organization's people, with derived status and typed custom attributes.
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Actor } from '../core/actor';
import { type AttributeValue, attributeValueProblem, isListAttribute } from '../core/attributes';
import { ownMap } from '../core/map-keys';
import { type DiffField, diffFields, mapFields } from '../core/diff';
import { calendarDate, employeeStatus } from '../core/employee-status';
import { newId } from '../core/ids';
import { DEFAULT_TENURE_BOUNDARIES, tenureBands, tenureMonths } from '../core/tenure';
import { principalActor } from '../http/auth';
import { type FieldError, problems } from '../core/problem';
import { defineRoute, reply } from '../http/route';
import { type Attribute, attributesByName } from '../store/attributes';
import {
  EMPLOYEE_SORTS,
  type Employee,
  type EmployeeFilter,
  deleteEmployee,
  employeesWhere,
  existingEmployeeIds,
  findEmployee,
  findEmployeeIdByEmail,
  findEmployeeIdByExternalId,
  insertEmployees,
  listEmployees,
  managerChain,
  sameStoredEmployee,
  updateEmployee,
} from '../store/employees';
import { moveDepartment } from '../store/department-rollups';
import { deleteAnswersOf } from '../store/engagement';
import { isUniqueViolation } from '../store/errors';
import { type ChangeRecord, recordChange, recordChanges } from '../store/events';
import { findOrganization } from '../store/organizations';
import { removeEmployeeFromRoles } from '../store/roles';
import type { Database } from '../store/schema';
import { DateOnly, IdParams, Problem, Text, Timestamp, dataOf, listQuery, listResponses, paging } from './common';

const NullableText = (max: number) => Type.Union([Text(max), Type.Null()]);
const NullableDate = Type.Union([DateOnly, Type.Null()]);
const AttributeValueSchema = Type.Union([
  Type.String({ maxLength: 1000 }),
  Type.Number(),
  Type.Boolean(),
  Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 }),
  Type.Null(),
]);
const AttributesInput = Type.Record(Type.String({ minLength: 1, maxLength: 100 }), AttributeValueSchema, {
  maxProperties: 100,
});
const StatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('active'),
  Type.Literal('leaving'),
  Type.Literal('left'),
]);

export const EmployeeSchema = Type.Object({
  id: Type.String(),
  externalId: Type.Union([Type.String(), Type.Null()]),
  email: Type.String({ format: 'email' }),
  firstName: Type.String(),
  lastName: Type.String(),
  displayName: Type.String(),
  title: Type.Union([Type.String(), Type.Null()]),
  department: Type.Union([Type.String(), Type.Null()]),
  managerId: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  startDate: NullableDate,
  separationDate: NullableDate,
  separationReason: Type.Union([Type.String(), Type.Null()]),
  status: StatusSchema,
  tenureMonths: Type.Union([Type.Integer(), Type.Null()], {
    description:
      'Whole months from startDate to today (or to `on` in a list), stopping at the separation date; null without a start date or before it. Derived, never stored.',
  }),
  attributes: Type.Record(
    Type.String(),
    Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.String())]),
  ),
  source: Type.Union([Type.Literal('api'), Type.Literal('hibob')]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const writable = {
  externalId: Type.Optional(NullableText(200)),
  title: Type.Optional(NullableText(200)),
  department: Type.Optional(NullableText(200)),
  managerId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
  phone: Type.Optional(Type.Union([Type.String({ pattern: '^\\+?[0-9 ().-]{3,32}$' }), Type.Null()])),
  startDate: Type.Optional(NullableDate),
  separationDate: Type.Optional(NullableDate),
  separationReason: Type.Optional(NullableText(500)),
  displayName: Type.Optional(Text(200)),
  attributes: Type.Optional(AttributesInput),
};

const CreateEmployeeBody = Type.Object(
  { email: Type.String({ format: 'email', maxLength: 254 }), firstName: Text(100), lastName: Text(100), ...writable },
  { additionalProperties: false },
);

const UpdateEmployeeBody = Type.Object(
  {
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    firstName: Type.Optional(Text(100)),
    lastName: Type.Optional(Text(100)),
    ...writable,
  },
  { additionalProperties: false, minProperties: 1 },
);

/** An employee as the API shows it: status as of today, tenure as of `asOf` (today unless a list asks for another day). */
export function presentEmployee(e: Employee, today: string, asOf = today) {
  const { organizationId: _org, syncHash: _hash, ...rest } = e;
  return { ...rest, status: employeeStatus(e, today), tenureMonths: tenureMonths(e.startDate, e.separationDate, asOf) };
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

export function employeeDiffFields(
  before: Employee,
  after: Employee,
  definitions: Map<string, Attribute>,
): DiffField[] {
  return [
    ...BASE_FIELDS,
    ...mapFields('attributes', before.attributes, after.attributes, (name) =>
      isListAttribute(definitions.get(name.toLowerCase())),
    ),
  ];
}

/**
 * Validates attribute values against their definitions and merges them into `current`: names
 * match case-insensitively and are stored under the defined spelling; null removes a value.
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
  if (before === null)
    return {
      employee: after,
      created: true,
      change: { ...base, type: 'employee.created', object: presentEmployee(after, today) },
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
  if (!options.fromSync) for (const write of writes) write.employee.syncHash = null;
  await insertEmployees(
    db,
    writes.filter((w) => w.created).map((w) => w.employee),
  );
  for (const write of writes) {
    if (write.created) continue;
    await updateEmployee(db, write.employee);
    if (write.movedFrom !== undefined)
      await moveDepartment(
        db,
        write.employee.organizationId,
        write.employee.id,
        write.movedFrom,
        write.employee.department,
      );
  }
  await recordChanges(
    db,
    writes.map((w) => w.change),
    options,
  );
}

/** Writes an employee change with its event; false when nothing changed. */
export async function saveEmployeeChange(
  db: Kysely<Database>,
  actor: Actor,
  before: Employee | null,
  after: Employee,
  definitions: Map<string, Attribute>,
  at: Date,
): Promise<boolean> {
  const write = employeeWrite(actor, before, after, definitions, at);
  if (write === null) return false;
  await writeEmployees(db, [write], { audit: true });
  Object.assign(after, { updatedAt: write.employee.updatedAt });
  return true;
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
  await deleteEmployee(db, org, employee.id);
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

const SORTS = Object.keys(EMPLOYEE_SORTS) as (keyof typeof EMPLOYEE_SORTS)[];

const list = defineRoute({
  method: 'GET',
  url: '/v1/employees',
  operationId: 'listEmployees',
  summary: 'List employees',
  tags: ['Employees'],
  auth: { kind: 'scope', scope: 'employees:read' },
  query: listQuery(SORTS, {
    status: Type.Optional(StatusSchema),
    department: Type.Optional(Type.String({ maxLength: 200 })),
    managerId: Type.Optional(Type.String({ maxLength: 64 })),
    source: Type.Optional(Type.Union([Type.Literal('api'), Type.Literal('hibob')])),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    externalId: Type.Optional(Type.String({ maxLength: 200 })),
    surveyable: Type.Optional(
      Type.Literal(true, { description: 'Only employees who may receive surveys on `on` (started, not separated).' }),
    ),
    tenure: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 20,
        description:
          'Only employees in this tenure band on `on`, such as `1-2y` (GET /v1/organization lists the bands).',
      }),
    ),
    on: Type.Optional(
      Type.String({
        format: 'date',
        description: 'The day tenureMonths, tenure and surveyable are taken on; default today.',
      }),
    ),
  }),
  responses: listResponses(EmployeeSchema),
  async handler({ query, services, principal }) {
    const today = calendarDate(services.clock.now());
    const on = query.on ?? today;
    let tenure: EmployeeFilter['tenure'];
    if (query.tenure !== undefined) {
      const org = await findOrganization(services.store.db, principal().organizationId);
      const bands = tenureBands(org?.tenureBoundaries ?? [...DEFAULT_TENURE_BOUNDARIES]);
      const band = bands.find((b) => b.name === query.tenure);
      if (!band)
        throw problems.validation([
          { location: 'query', path: '/tenure', message: `must be one of ${bands.map((b) => b.name).join(', ')}` },
        ]);
      tenure = { on, fromMonths: band.fromMonths, toMonths: band.toMonths };
    }
    const page = paging(query, EMPLOYEE_SORTS, 'employees.id', 'lastName');
    const result = await listEmployees(
      services.store.db,
      principal().organizationId,
      {
        q: query.q,
        status: query.status,
        today,
        department: query.department,
        managerId: query.managerId,
        source: query.source,
        email: query.email,
        externalId: query.externalId,
        surveyableOn: query.surveyable ? on : undefined,
        tenure,
      },
      page.keyset,
    );
    return reply.list(
      result.items.map((e) => presentEmployee(e, today, on)),
      page.next(result, (e, field) => EMPLOYEE_SORTS[field].value(e)),
    );
  },
});

const create = defineRoute({
  method: 'POST',
  url: '/v1/employees',
  operationId: 'createEmployee',
  summary: 'Add an employee',
  tags: ['Employees'],
  auth: { kind: 'scope', scope: 'employees:write' },
  body: CreateEmployeeBody,
  responses: {
    201: { description: 'The employee.', schema: dataOf(EmployeeSchema) },
    400: { description: 'Invalid fields or attribute values.', schema: Problem },
    409: { description: 'The email or external id is taken.', schema: Problem },
    422: { description: 'The manager would create a cycle.', schema: Problem },
  },
  async handler({ body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const employee = await withUniqueConflicts(
      services.store.db.transaction().execute(async (trx) => {
        const definitions = await attributesByName(trx, who.organizationId);
        const e: Employee = {
          id: newId('emp', now),
          organizationId: who.organizationId,
          externalId: body.externalId ?? null,
          email: body.email,
          firstName: body.firstName,
          lastName: body.lastName,
          displayName: body.displayName ?? `${body.firstName} ${body.lastName}`,
          title: body.title ?? null,
          department: body.department ?? null,
          managerId: body.managerId ?? null,
          phone: body.phone ?? null,
          startDate: body.startDate ?? null,
          separationDate: body.separationDate ?? null,
          separationReason: body.separationReason ?? null,
          attributes: {},
          source: 'api',
          syncHash: null,
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
        };
        e.attributes = await mergeAttributes(trx, who.organizationId, body.attributes ?? {}, {}, definitions);
        checkDates(e);
        await checkManager(trx, who.organizationId, e.id, e.managerId);
        await checkUnique(trx, e);
        await saveEmployeeChange(trx, principalActor(who), null, e, definitions, now);
        return e;
      }),
    );
    return reply.created(presentEmployee(employee, calendarDate(now)));
  },
});

const get = defineRoute({
  method: 'GET',
  url: '/v1/employees/:id',
  operationId: 'getEmployee',
  summary: 'Get an employee',
  tags: ['Employees'],
  auth: { kind: 'scope', scope: 'employees:read' },
  params: IdParams,
  responses: {
    200: { description: 'The employee.', schema: dataOf(EmployeeSchema) },
    404: { description: 'No such employee.', schema: Problem },
  },
  async handler({ params, services, principal }) {
    const e = await findEmployee(services.store.db, principal().organizationId, params.id);
    if (!e) throw problems.notFound(`There is no employee ${params.id}.`);
    return reply.ok(presentEmployee(e, calendarDate(services.clock.now())));
  },
});

const update = defineRoute({
  method: 'PATCH',
  url: '/v1/employees/:id',
  operationId: 'updateEmployee',
  summary: 'Update an employee',
  tags: ['Employees'],
  auth: { kind: 'scope', scope: 'employees:write' },
  params: IdParams,
  body: UpdateEmployeeBody,
  responses: {
    200: { description: 'The employee after the change.', schema: dataOf(EmployeeSchema) },
    400: { description: 'Invalid fields or attribute values.', schema: Problem },
    404: { description: 'No such employee.', schema: Problem },
    409: { description: 'The email or external id is taken.', schema: Problem },
    422: { description: 'The manager would create a cycle.', schema: Problem },
  },
  async handler({ params, body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const employee = await withUniqueConflicts(
      services.store.db.transaction().execute(async (trx) => {
        const before = await findEmployee(trx, who.organizationId, params.id);
        if (!before) throw problems.notFound(`There is no employee ${params.id}.`);
        const definitions = await attributesByName(trx, who.organizationId);
        const { attributes, ...fields } = body;
        const after: Employee = { ...before, ...(fields as Partial<Employee>) };
        // A display name that was only ever the derived "First Last" follows name changes.
        if (body.displayName === undefined && before.displayName === `${before.firstName} ${before.lastName}`) {
          after.displayName = `${after.firstName} ${after.lastName}`;
        }
        after.attributes = attributes
          ? await mergeAttributes(trx, who.organizationId, attributes, before.attributes, definitions)
          : before.attributes;
        checkDates(after);
        if (after.managerId !== before.managerId)
          await checkManager(trx, who.organizationId, after.id, after.managerId);
        await checkUnique(trx, after);
        await saveEmployeeChange(trx, principalActor(who), before, after, definitions, now);
        return after;
      }),
    );
    return reply.ok(presentEmployee(employee, calendarDate(now)));
  },
});

const remove = defineRoute({
  method: 'DELETE',
  url: '/v1/employees/:id',
  operationId: 'deleteEmployee',
  summary: 'Remove an employee',
  tags: ['Employees'],
  auth: { kind: 'scope', scope: 'employees:write' },
  params: IdParams,
  responses: {
    204: { description: 'Removed; reports lose their manager and roles lose the assignment.' },
    404: { description: 'No such employee.', schema: Problem },
  },
  async handler({ params, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    await services.store.db.transaction().execute(async (trx) => {
      const employee = await findEmployee(trx, who.organizationId, params.id);
      if (!employee) throw problems.notFound(`There is no employee ${params.id}.`);
      await removeEmployee(trx, principalActor(who), employee, now);
    });
    return reply.noContent();
  },
});

export const employeeRoutes = [list, create, get, update, remove];
