// /v1/events (the last 30 days of events) and /v1/webhook-event-types (the catalog, with schemas and examples).
import { type TSchema, Type } from '@sinclair/typebox';
import { REDACTED, redactEvent } from '../core/event-secrets';
import { EVENT_TYPES, EVENT_TYPE_NAMES, type EventType, OPT_IN_EVENT_TYPES } from '../core/events';
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

/**
 * A survey round as survey events carry it: what the surveys API shows of it, at least these fields
 * (a round may carry more).
 */
const SurveyRoundSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Type.String({ description: 'open for survey.opened, closed for survey.closed.' }),
  opensAt: Timestamp,
  closesAt: Timestamp,
  participation: Type.Object({
    invited: Type.Integer(),
    responded: Type.Integer(),
    rate: Type.Union([Type.Number(), Type.Null()], {
      description: 'responded / invited, 0 to 1; null when no one was invited.',
    }),
  }),
});

const SurveyClosedSchema = Type.Composite([
  SurveyRoundSchema,
  Type.Object({
    results: Type.Object({
      score: Type.Union([Type.Number(), Type.Null()], { description: 'Engagement, 0 to 10.' }),
      enps: Type.Union([Type.Number(), Type.Null()]),
      change: Type.Union([Type.Number(), Type.Null()], { description: 'The score against the round before.' }),
      hidden: Type.Boolean({
        description:
          'True when fewer people answered than the anonymity threshold: score, enps and change are then null.',
      }),
    }),
  }),
]);

const SurveyInvitationSchema = Type.Object({
  survey: Type.Object({ id: Type.String(), name: Type.String() }),
  employee: Type.Object({
    id: Type.String(),
    email: Type.String(),
    firstName: Type.String(),
    lastName: Type.String(),
  }),
  answerUrl: Type.String({
    description: `The person's own answer link, as the webhook that lists survey.invited receives it; "${REDACTED}" in the events API and the delivery history. Anyone holding it can answer as that person.`,
  }),
  closesAt: Timestamp,
  reminder: Type.Boolean({ description: 'True for a reminder to someone who has not answered yet.' }),
});

function objectSchemaFor(type: EventType): TSchema {
  if (type === 'survey.opened') return SurveyRoundSchema;
  if (type === 'survey.closed') return SurveyClosedSchema;
  if (type === 'survey.invited') return SurveyInvitationSchema;
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

const surveyRound = {
  id: 'sur_01JEXAMPLE0000000000000001',
  name: 'Q4 pulse',
  status: 'open',
  opensAt: at,
  closesAt: '2026-12-20T17:00:00.000Z',
  participation: { invited: 143, responded: 0, rate: 0 },
};
/** Examples of one type of an entity, where the types' objects differ. */
const TYPE_EXAMPLES: Partial<Record<EventType, Record<string, unknown>>> = {
  'sync.failed': FAILED_RUN,
  'survey.opened': surveyRound,
  'survey.closed': {
    ...surveyRound,
    status: 'closed',
    participation: { invited: 143, responded: 112, rate: 0.783 },
    results: { score: 7.9, enps: 12, change: 0.3, hidden: false },
  },
  'survey.invited': {
    survey: { id: surveyRound.id, name: surveyRound.name },
    employee: { id: employee.id, email: employee.email, firstName: employee.firstName, lastName: employee.lastName },
    answerUrl: 'https://people.example.com/s/inv_01JEXAMPLE0000000000000001',
    closesAt: surveyRound.closesAt,
    reminder: false,
  },
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
  // Syncs, the dispatcher and the survey schedule act on their own.
  const system = entity === 'sync' || entity === 'webhook' || entity === 'survey';
  return {
    id: 'evt_01JEXAMPLE0000000000000001',
    type,
    timestamp: at,
    organizationId: 'org_01JEXAMPLE0000000000000001',
    actor: system ? null : jane,
    data: type.endsWith('.updated')
      ? { object: EXAMPLE_OBJECTS[entity], changes: EXAMPLE_CHANGES[entity] }
      : { object: TYPE_EXAMPLES[type] ?? EXAMPLE_OBJECTS[entity] },
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
    // A secret inside an event (a survey.invited answer link) is for its webhook alone.
    return reply.list(
      result.items.map(redactEvent),
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
    return reply.ok(redactEvent(event));
  },
});

const CatalogEntry = Type.Object({
  type: Type.String(),
  description: Type.String(),
  optIn: Type.Boolean({
    description: 'Delivered only to json webhooks that list the type by name: `*` leaves it out.',
  }),
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
      optIn: OPT_IN_EVENT_TYPES.includes(type),
      schema: JSON.parse(JSON.stringify(eventSchema(type))) as object,
      example: eventExample(type),
    }));
    return reply.list(entries, null);
  },
});

export const eventRoutes = [list, get, catalog];
