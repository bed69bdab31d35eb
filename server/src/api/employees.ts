// /v1/employees: the organization's people, with derived status and typed custom attributes.
import { Type } from '@sinclair/typebox';
import { calendarDate } from '../core/employee-status';
import { problems } from '../core/problem';
import { SOURCE_PATTERN } from '../core/sources';
import { DEFAULT_TENURE_BOUNDARIES, tenureBands } from '../core/tenure';
import {
  type EmployeeMatch,
  type UpsertResult,
  createEmployee,
  deleteEmployee,
  presentEmployee,
  updateEmployee,
  upsertEmployee,
} from '../domain/employees';
import { type Reply, type RouteContext, defineRoute, reply } from '../http/route';
import {
  EMPLOYEE_SORTS,
  type Employee,
  type EmployeeFilter,
  departmentNames,
  findEmployee,
  listEmployees,
} from '../store/employees';
import { findOrganization } from '../store/organizations';
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

const SourceSchema = Type.String({
  pattern: SOURCE_PATTERN,
  description:
    '`api` for people added by hand or through the API, `hibob` for the HiBob integration, any other slug for an import from that source.',
});

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
  source: SourceSchema,
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

const changeable = {
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  firstName: Type.Optional(Text(100)),
  lastName: Type.Optional(Text(100)),
  ...writable,
};

const UpdateEmployeeBody = Type.Object(changeable, { additionalProperties: false, minProperties: 1 });

/**
 * Every field optional, and none needed for a person who exists: an empty body changes nothing. Each
 * path gets its own example, one that creates someone when tried on an empty organization.
 */
const upsertBody = (example: Record<string, unknown>) =>
  Type.Object(changeable, {
    additionalProperties: false,
    description:
      'The fields of POST /v1/employees, all optional. When no employee matches, the call adds one and needs email (the by-email path gives it), firstName and lastName.',
    examples: [example],
  });

const UpsertByEmailBody = upsertBody({
  firstName: 'Ada',
  lastName: 'Lovelace',
  title: 'Engineer',
  department: 'R&D',
  startDate: '2024-03-04',
});

const UpsertByExternalIdBody = upsertBody({
  email: 'grace.hopper@example.com',
  firstName: 'Grace',
  lastName: 'Hopper',
  title: 'Rear Admiral',
  department: 'R&D',
  startDate: '2023-09-01',
});

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
    source: Type.Optional(
      Type.String({
        pattern: SOURCE_PATTERN,
        'x-message': 'must be a source slug: lowercase letters, digits and hyphens (1 to 40 characters)',
        description: 'Only employees from this source: `api`, `hibob`, or the slug of an import (such as `bamboohr`).',
      }),
    ),
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
  async handler({ query, ctx, principal }) {
    const today = calendarDate(ctx.clock.now());
    const on = query.on ?? today;
    let tenure: EmployeeFilter['tenure'];
    if (query.tenure !== undefined) {
      const org = await findOrganization(ctx.store.db, principal().organizationId);
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
      ctx.store.db,
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

const departments = defineRoute({
  method: 'GET',
  url: '/v1/employees/departments',
  operationId: 'listDepartments',
  summary: 'List the departments employees are in',
  tags: ['Employees'],
  auth: { kind: 'scope', scope: 'employees:read' },
  responses: {
    200: {
      description:
        'Every distinct department of the employees, of any status, by name. A department is not an object of its own: it exists while someone is in it.',
      schema: Type.Object(
        { data: Type.Array(Type.String()), nextCursor: Type.Null() },
        { examples: [{ data: ['Finance', 'R&D', 'Sales'], nextCursor: null }] },
      ),
    },
  },
  async handler({ ctx, principal }) {
    return reply.list(await departmentNames(ctx.store.db, principal().organizationId), null);
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
  async handler({ body, ctx, principal }) {
    const employee = await createEmployee(ctx, principal(), body);
    return reply.created(presentEmployee(employee, calendarDate(ctx.clock.now())));
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
  async handler({ params, ctx, principal }) {
    const e = await findEmployee(ctx.store.db, principal().organizationId, params.id);
    if (!e) throw problems.notFound(`There is no employee ${params.id}.`);
    return reply.ok(presentEmployee(e, calendarDate(ctx.clock.now())));
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
  async handler({ params, body, ctx, principal }) {
    const employee = await updateEmployee(ctx, principal(), params.id, body);
    return reply.ok(presentEmployee(employee, calendarDate(ctx.clock.now())));
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
  async handler({ params, ctx, principal }) {
    await deleteEmployee(ctx, principal(), params.id);
    return reply.noContent();
  },
});

const UpsertResultSchema = (results: UpsertResult[]) =>
  Type.Union(
    results.map((result) => Type.Literal(result)),
    { description: '`created`, `updated`, or `unchanged` when the employee already held every field sent (no event).' },
  );

const upsertResponses = {
  200: {
    description: 'An employee matched: changed as sent (`updated`), or already so (`unchanged`, nothing written).',
    schema: Type.Object({ data: EmployeeSchema, result: UpsertResultSchema(['updated', 'unchanged']) }),
  },
  201: {
    description: 'No employee matched: added, with source `api`.',
    schema: Type.Object({ data: EmployeeSchema, result: UpsertResultSchema(['created']) }),
  },
  400: {
    description:
      'Invalid fields, a body that contradicts the path, or a new employee without email, firstName or lastName.',
    schema: Problem,
  },
  409: { description: 'The email or external id is taken by another employee.', schema: Problem },
  422: { description: 'The manager would create a cycle.', schema: Problem },
};

function upserted(ctx: RouteContext, employee: Employee, result: UpsertResult): Reply {
  const data = presentEmployee(employee, calendarDate(ctx.clock.now()));
  return { status: result === 'created' ? 201 : 200, body: { data, result } };
}

const EmailParams = Type.Object(
  {
    email: Type.String({
      format: 'email',
      maxLength: 254,
      description: 'The email address the employee is found by, ignoring case.',
      examples: ['ada.lovelace@example.com'],
    }),
  },
  { additionalProperties: false },
);

const upsertByEmail = defineRoute({
  method: 'PUT',
  url: '/v1/employees/by-email/:email',
  operationId: 'upsertEmployeeByEmail',
  summary: 'Create or update an employee by email',
  tags: ['Employees'],
  auth: { kind: 'scope', scope: 'employees:write' },
  params: EmailParams,
  body: UpsertByEmailBody,
  responses: upsertResponses,
  async handler({ params, body, ctx, principal }) {
    const match: EmployeeMatch = { by: 'email', email: params.email };
    const { employee, result } = await upsertEmployee(ctx, principal(), match, body);
    return upserted(ctx, employee, result);
  },
});

const ExternalIdParams = Type.Object(
  {
    externalId: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '\\S',
      'x-message': 'must not be blank',
      description: "The employee's id in the HRIS, matched exactly.",
      examples: ['E1042'],
    }),
  },
  { additionalProperties: false },
);

const upsertByExternalId = defineRoute({
  method: 'PUT',
  url: '/v1/employees/by-external-id/:externalId',
  operationId: 'upsertEmployeeByExternalId',
  summary: 'Create or update an employee by external (HRIS) id',
  tags: ['Employees'],
  auth: { kind: 'scope', scope: 'employees:write' },
  params: ExternalIdParams,
  body: UpsertByExternalIdBody,
  responses: upsertResponses,
  async handler({ params, body, ctx, principal }) {
    const match: EmployeeMatch = { by: 'externalId', externalId: params.externalId };
    const { employee, result } = await upsertEmployee(ctx, principal(), match, body);
    return upserted(ctx, employee, result);
  },
});

export const employeeRoutes = [list, departments, create, get, update, remove, upsertByEmail, upsertByExternalId];
