// /v1/events (the last 30 days of events) and /v1/webhook-event-types (the catalog, with schemas and examples).
import { type TSchema, Type } from '@sinclair/typebox';
import { EVENT_TYPES, EVENT_TYPE_NAMES, type EventType } from '../core/events';
import { problems } from '../core/problem';
import { defineRoute, reply } from '../http/route';
import { findEvent, listEvents } from '../store/events';
import { IdParams, Problem, Timestamp, dataOf, listQuery, listResponses, paging } from './common';
import { EmployeeSchema } from './employees';
import { GroupSchema } from './groups';
import { SyncRunSchema } from './integrations';
import { OrganizationSchema } from './organization';
import { tenureBands } from '../core/tenure';
import { RecognitionSchema } from './recognitions';
import { RoleSchema } from './roles';
import { UserSchema } from './users';

export const EVENT_RETENTION_DAYS = 30;

const ActorSchema = Type.Union([
  Type.Object({
    type: Type.Literal('user'),
    id: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    email: Type.String(),
  }),
  Type.Object({ type: Type.Literal('app'), id: Type.String(), name: Type.String() }),
  Type.Null(),
]);

const ChangeSchema = Type.Union([
  Type.Object({ field: Type.String(), label: Type.String(), old: Type.Unknown(), new: Type.Unknown() }),
  Type.Object({
    field: Type.String(),
    label: Type.String(),
    added: Type.Array(Type.Unknown()),
    removed: Type.Array(Type.Unknown()),
  }),
]);

const DisabledWebhookSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  reason: Type.String(),
});

function objectSchemaFor(type: EventType): TSchema {
  const entity = type.split('.')[0];
  switch (entity) {
    case 'employee':
      return EmployeeSchema;
    case 'group':
      return GroupSchema;
    case 'role':
      return RoleSchema;
    case 'recognition':
      return RecognitionSchema;
    case 'organization':
      return OrganizationSchema;
    case 'user':
      return UserSchema;
    case 'sync':
      return SyncRunSchema;
    default:
      return DisabledWebhookSchema;
  }
}

export function eventSchema(type: EventType): TSchema {
  const updates = type.endsWith('.updated');
  return Type.Object({
    id: Type.String(),
    type: Type.Literal(type),
    timestamp: Timestamp,
    organizationId: Type.String(),
    actor: ActorSchema,
    data: Type.Object(
      updates
        ? { object: objectSchemaFor(type), changes: Type.Array(ChangeSchema) }
        : { object: objectSchemaFor(type) },
    ),
  });
}

const at = '2026-11-22T10:00:00.000Z';
const jane = { type: 'user', id: 'usr_01JEXAMPLE0000000000000001', name: 'Jane Doe', email: 'jane@example.com' };
const employee = {
  id: 'emp_01JEXAMPLE0000000000000001',
  externalId: null,
  email: 'john.roe@example.com',
  firstName: 'John',
  lastName: 'Roe',
  displayName: 'John Roe',
  title: 'Engineer',
  department: 'Engineering',
  managerId: null,
  phone: null,
  startDate: '2024-03-01',
  separationDate: null,
  separationReason: null,
  status: 'active',
  tenureMonths: 32,
  attributes: { Skills: ['Go', 'TypeScript'] },
  source: 'api',
  createdAt: at,
  updatedAt: at,
};
const group = {
  id: 'grp_01JEXAMPLE0000000000000001',
  name: 'Platform',
  purpose: 'Keep the lights on',
  parentId: null,
  fields: {},
  createdAt: at,
  updatedAt: at,
};
const role = {
  id: 'rol_01JEXAMPLE0000000000000001',
  name: 'Senior Engineer',
  purpose: null,
  accountabilities: ['Code review'],
  groupId: group.id,
  assignments: [{ employeeId: employee.id, employeeName: 'John Roe', focus: null, percentage: 100 }],
  createdAt: at,
  updatedAt: at,
};
const recognition = {
  id: 'rec_01JEXAMPLE0000000000000001',
  giverId: 'emp_01JEXAMPLE0000000000000002',
  recipientIds: [employee.id],
  giver: { id: 'emp_01JEXAMPLE0000000000000002', name: 'Jane Doe' },
  recipients: [{ id: employee.id, name: 'John Roe' }],
  points: 50,
  note: 'Thanks for the late-night fix!',
  programId: 'prg_01JEXAMPLE0000000000000001',
  program: { id: 'prg_01JEXAMPLE0000000000000001', name: 'Peer Awards' },
  createdAt: at,
};
const EXAMPLE_OBJECTS: Record<string, Record<string, unknown>> = {
  employee,
  group,
  role,
  recognition,
  organization: {
    id: 'org_01JEXAMPLE0000000000000001',
    name: 'Acme',
    tenureBoundaries: [6, 12, 24, 60],
    tenureBands: tenureBands([6, 12, 24, 60]),
    createdAt: at,
    updatedAt: at,
  },
  user: {
    id: jane.id,
    name: 'Jane Doe',
    email: 'jane@example.com',
    phone: null,
    accessRight: 'admin',
    createdAt: at,
    updatedAt: at,
  },
  sync: {
    id: 'run_01JEXAMPLE0000000000000001',
    source: 'hibob',
    status: 'completed',
    trigger: 'manual',
    mode: 'full',
    match: 'externalId',
    dryRun: false,
    adopt: false,
    maxDeletePercent: 10,
    deletionGuard: null,
    phase: 'done',
    processed: 256,
    total: 256,
    created: 3,
    updated: 12,
    deleted: 1,
    unchanged: 240,
    skipped: 0,
    skippedFields: [{ field: 'Shoe size', hibobType: 'number', reason: 'no PeopleHub attribute is named "Shoe size"' }],
    skippedPeople: [],
    addedOptions: [{ attribute: 'Site', option: 'Lisbon' }],
    warnings: [],
    error: null,
    startedAt: at,
    finishedAt: at,
  },
  webhook: {
    id: 'wh_01JEXAMPLE0000000000000001',
    name: 'Teams',
    url: 'https://example.com/hook',
    reason: 'The endpoint answered 410 Gone.',
  },
};
const FAILED_RUN = {
  ...EXAMPLE_OBJECTS.sync,
  status: 'failed',
  created: 0,
  updated: 0,
  deleted: 0,
  unchanged: 0,
  addedOptions: [],
  error: 'HiBob answered 503 (HiBob said: maintenance); try again later',
};

const EXAMPLE_CHANGES: Record<string, unknown[]> = {
  employee: [
    { field: 'title', label: 'Title', old: 'Engineer', new: 'Senior Engineer' },
    { field: 'attributes.Skills', label: 'Skills', added: ['Go'], removed: ['Perl'] },
  ],
  group: [{ field: 'name', label: 'Name', old: 'Infra', new: 'Platform' }],
  role: [{ field: 'name', label: 'Name', old: 'Engineer', new: 'Senior Engineer' }],
  organization: [{ field: 'name', label: 'Name', old: 'Acme Inc', new: 'Acme' }],
  user: [{ field: 'phone', label: 'Phone', old: null, new: '+44 20 7946 0000' }],
};

export function eventExample(type: EventType) {
  const entity = type.split('.')[0];
  const system = entity === 'sync' || entity === 'webhook';
  return {
    id: 'evt_01JEXAMPLE0000000000000001',
    type,
    timestamp: at,
    organizationId: 'org_01JEXAMPLE0000000000000001',
    actor: system ? null : jane,
    data: type.endsWith('.updated')
      ? { object: EXAMPLE_OBJECTS[entity], changes: EXAMPLE_CHANGES[entity] }
      : { object: type === 'sync.failed' ? FAILED_RUN : EXAMPLE_OBJECTS[entity] },
  };
}

const EventSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  timestamp: Timestamp,
  organizationId: Type.String(),
  actor: ActorSchema,
  data: Type.Object({
    object: Type.Object({}, { additionalProperties: true }),
    changes: Type.Optional(Type.Array(ChangeSchema)),
  }),
});

const TypeFilter = Type.Union(EVENT_TYPE_NAMES.map((t) => Type.Literal(t)));

const list = defineRoute({
  method: 'GET',
  url: '/v1/events',
  operationId: 'listEvents',
  summary: 'List events of the last 30 days, oldest first',
  tags: ['Events'],
  auth: { kind: 'scope', scope: 'audit:read' },
  query: listQuery(
    ['timestamp'] as const,
    { type: Type.Optional(TypeFilter), since: Type.Optional(Timestamp) },
    { search: false },
  ),
  responses: listResponses(EventSchema),
  async handler({ query, ctx, principal }) {
    const floor = new Date(ctx.clock.now().getTime() - EVENT_RETENTION_DAYS * 86_400_000).toISOString();
    const since =
      query.since && new Date(query.since).toISOString() > floor ? new Date(query.since).toISOString() : floor;
    const page = paging(query, { timestamp: 'events.created_at' }, 'events.id', 'timestamp');
    const result = await listEvents(ctx.store.db, principal().organizationId, { type: query.type, since }, page.keyset);
    return reply.list(
      result.items,
      page.next(result, (e) => e.timestamp),
    );
  },
});

const get = defineRoute({
  method: 'GET',
  url: '/v1/events/:id',
  operationId: 'getEvent',
  summary: 'Get an event',
  tags: ['Events'],
  auth: { kind: 'scope', scope: 'audit:read' },
  params: IdParams,
  responses: {
    200: { description: 'The event.', schema: dataOf(EventSchema) },
    404: { description: 'No such event.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    const event = await findEvent(ctx.store.db, principal().organizationId, params.id);
    if (!event) throw problems.notFound(`There is no event ${params.id}.`);
    return reply.ok(event);
  },
});

const CatalogEntry = Type.Object({
  type: Type.String(),
  description: Type.String(),
  schema: Type.Object({}, { additionalProperties: true }),
  example: Type.Object({}, { additionalProperties: true }),
});

const catalog = defineRoute({
  method: 'GET',
  url: '/v1/webhook-event-types',
  operationId: 'listWebhookEventTypes',
  summary: 'Every event type, with a description, a JSON Schema and an example payload',
  tags: ['Events'],
  auth: { kind: 'none' },
  responses: {
    200: {
      description: 'The catalog.',
      schema: Type.Object({ data: Type.Array(CatalogEntry), nextCursor: Type.Null() }),
    },
  },
  handler() {
    const entries = EVENT_TYPE_NAMES.map((type) => ({
      type,
      description: EVENT_TYPES[type],
      schema: JSON.parse(JSON.stringify(eventSchema(type))) as object,
      example: eventExample(type),
    }));
    return reply.list(entries, null);
  },
});

export const eventRoutes = [list, get, catalog];
