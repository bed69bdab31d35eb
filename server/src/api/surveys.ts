// /v1/surveys: engagement survey rounds, their participation (counts only), and opening or closing
// one by hand. What a round does over time is the survey worker's; the answer page is survey-page.ts.
import { Type } from '@sinclair/typebox';
import { CADENCES, MAX_QUESTIONS, MAX_REMINDERS, SURVEY_STATUSES, withDefaultTexts } from '../core/surveys';
import { principalActor } from '../domain/principal';
import { closeNow, openNow, revokeInvitation } from '../domain/surveys/lifecycle';
import {
  createSurvey,
  deleteSurvey,
  getSurvey,
  presentSurvey,
  presentSurveys,
  updateSurvey,
} from '../domain/surveys/rounds';
import { defineRoute, reply } from '../http/route';
import { listSurveys } from '../store/surveys';
import {
  IdParams,
  NullableTimestamp,
  Problem,
  Text,
  Timestamp,
  dataOf,
  listQuery,
  listResponses,
  paging,
} from './common';

const QuestionInput = Type.Object(
  {
    key: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '\\S',
      description: '"engagement", or the name of a driver (the same names engagement answers use).',
    }),
    text: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);

const Question = Type.Object({ key: Type.String(), text: Type.String() });

const Counts = {
  invited: Type.Union([Type.Integer(), Type.Null()]),
  responded: Type.Union([Type.Integer(), Type.Null()]),
  rate: Type.Union([Type.Number(), Type.Null()]),
  hidden: Type.Boolean(),
  hiddenReason: Type.Union([Type.Literal('belowThreshold'), Type.Literal('protectsAnother'), Type.Null()]),
};

export const SurveySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Type.Union(SURVEY_STATUSES.map((s) => Type.Literal(s))),
  questions: Type.Array(Question),
  opensAt: Timestamp,
  closesAt: Timestamp,
  reminders: Type.Array(Type.Integer()),
  audience: Type.Array(Type.String()),
  cadence: Type.Union(CADENCES.map((c) => Type.Literal(c))),
  openedAt: NullableTimestamp,
  closedAt: NullableTimestamp,
  remindersSent: Type.Integer(),
  previousId: Type.Union([Type.String(), Type.Null()]),
  nextId: Type.Union([Type.String(), Type.Null()]),
  participation: Type.Object(
    {
      ...Counts,
      segments: Type.Array(Type.Object({ segment: Type.String(), ...Counts })),
    },
    {
      description:
        'Counts only, never who. A segment with fewer invitees than the anonymity threshold (or one whose counts would reveal such a segment by subtraction) shows none.',
    },
  ),
  results: Type.Union([
    Type.Object({
      score: Type.Union([Type.Number(), Type.Null()]),
      enps: Type.Union([Type.Integer(), Type.Null()]),
      hidden: Type.Boolean(),
    }),
    Type.Null(),
  ]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const definition = {
  name: Text(200),
  questions: Type.Array(QuestionInput, {
    minItems: 1,
    maxItems: MAX_QUESTIONS,
    description: `Must include the "engagement" question; its text defaults to "How likely is it that you would recommend {organization} as a place to work?".`,
  }),
  opensAt: Timestamp,
  closesAt: Timestamp,
  reminders: Type.Array(Type.Integer({ minimum: 1, maximum: 365 }), {
    maxItems: MAX_REMINDERS,
    description: 'Days after opening on which those who have not answered are reminded.',
  }),
  audience: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
    maxItems: 20,
    description:
      'Segment strings (`department:Sales`, `group:grp_…`, `tenure:1-2y`, `attribute:Office:Berlin`); empty or absent: the whole organization.',
  }),
  cadence: Type.Union(
    CADENCES.map((c) => Type.Literal(c)),
    {
      description: 'With a cadence, closing a round schedules the next one a month or a quarter after this one opened.',
    },
  ),
};

const EXAMPLE = {
  name: 'Q4 pulse',
  questions: [{ key: 'engagement' }, { key: 'Growth', text: 'I have good opportunities to learn and grow here.' }],
  opensAt: '2026-12-07T09:00:00Z',
  closesAt: '2026-12-20T17:00:00Z',
  reminders: [3, 7],
  audience: [],
  cadence: 'quarterly',
};

const CreateBody = Type.Object(
  {
    name: definition.name,
    questions: definition.questions,
    opensAt: definition.opensAt,
    closesAt: definition.closesAt,
    reminders: Type.Optional(definition.reminders),
    audience: Type.Optional(definition.audience),
    cadence: Type.Optional(definition.cadence),
  },
  { additionalProperties: false, examples: [EXAMPLE] },
);

const UpdateBody = Type.Object(
  {
    name: Type.Optional(definition.name),
    questions: Type.Optional(definition.questions),
    opensAt: Type.Optional(definition.opensAt),
    closesAt: Type.Optional(definition.closesAt),
    reminders: Type.Optional(definition.reminders),
    audience: Type.Optional(definition.audience),
    cadence: Type.Optional(definition.cadence),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ name: 'Q4 pulse (extended)', closesAt: '2026-12-22T17:00:00Z' }],
  },
);

const TAGS = ['Surveys'];

const list = defineRoute({
  method: 'GET',
  url: '/v1/surveys',
  operationId: 'listSurveys',
  summary: 'List survey rounds, newest first',
  tags: TAGS,
  auth: { kind: 'scope', scope: 'surveys:read' },
  query: listQuery(['createdAt', 'opensAt'] as const, {
    status: Type.Optional(Type.Union(SURVEY_STATUSES.map((s) => Type.Literal(s)))),
  }),
  responses: listResponses(SurveySchema),
  async handler({ query, ctx, principal }) {
    const page = paging(
      query,
      { createdAt: 'surveys.created_at', opensAt: 'surveys.opens_at' },
      'surveys.id',
      '-createdAt',
    );
    const result = await listSurveys(
      ctx.store.db,
      principal().organizationId,
      { q: query.q, status: query.status },
      page.keyset,
    );
    const items = await presentSurveys(ctx.store.db, result.items, ctx.config.anonymityThreshold);
    return reply.list(
      items,
      page.next(result, (s, field) => (field === 'opensAt' ? s.opensAt : s.createdAt)),
    );
  },
});

const create = defineRoute({
  method: 'POST',
  url: '/v1/surveys',
  operationId: 'createSurvey',
  summary: 'Schedule a survey round',
  tags: TAGS,
  auth: { kind: 'scope', scope: 'surveys:write' },
  body: CreateBody,
  responses: {
    201: {
      description: 'The round, scheduled; it opens at opensAt (at once when that has passed).',
      schema: dataOf(SurveySchema),
    },
    400: {
      description:
        'No engagement question, closesAt before opensAt, a reminder after closing, an audience segment that names nothing.',
      schema: Problem,
    },
  },
  async handler({ body, ctx, principal }) {
    const survey = await createSurvey(ctx, principal(), {
      name: body.name,
      questions: withDefaultTexts(body.questions),
      opensAt: body.opensAt,
      closesAt: body.closesAt,
      reminders: body.reminders ?? [],
      audience: body.audience ?? [],
      cadence: body.cadence ?? 'none',
    });
    return reply.created(await presentSurvey(ctx.store.db, survey, ctx.config.anonymityThreshold));
  },
});

const get = defineRoute({
  method: 'GET',
  url: '/v1/surveys/:id',
  operationId: 'getSurvey',
  summary: 'Get a survey round and its participation',
  tags: TAGS,
  auth: { kind: 'scope', scope: 'surveys:read' },
  params: IdParams,
  responses: {
    200: {
      description: 'The round, with participation for the round and per audience segment.',
      schema: dataOf(SurveySchema),
    },
    404: { description: 'No such survey.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    const survey = await getSurvey(ctx, principal().organizationId, params.id);
    return reply.ok(await presentSurvey(ctx.store.db, survey, ctx.config.anonymityThreshold));
  },
});

const update = defineRoute({
  method: 'PATCH',
  url: '/v1/surveys/:id',
  operationId: 'updateSurvey',
  summary: 'Change a survey round (anything before it opens; name and closesAt while open)',
  tags: TAGS,
  auth: { kind: 'scope', scope: 'surveys:write' },
  params: IdParams,
  body: UpdateBody,
  responses: {
    200: { description: 'The round as changed.', schema: dataOf(SurveySchema) },
    400: { description: 'The changed round breaks a rule (see POST).', schema: Problem },
    404: { description: 'No such survey.', schema: Problem },
    409: {
      description: 'The round is open and the change touches more than name and closesAt, or it is closed.',
      schema: Problem,
    },
  },
  async handler({ params, body, ctx, principal }) {
    const { questions, ...rest } = body;
    const survey = await updateSurvey(ctx, principal(), params.id, {
      ...rest,
      ...(questions === undefined ? {} : { questions: withDefaultTexts(questions) }),
    });
    return reply.ok(await presentSurvey(ctx.store.db, survey, ctx.config.anonymityThreshold));
  },
});

const remove = defineRoute({
  method: 'DELETE',
  url: '/v1/surveys/:id',
  operationId: 'deleteSurvey',
  summary: 'Delete a survey round that has not opened',
  tags: TAGS,
  auth: { kind: 'scope', scope: 'surveys:write' },
  params: IdParams,
  responses: {
    204: { description: 'Deleted.' },
    404: { description: 'No such survey.', schema: Problem },
    409: { description: 'The round has opened.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    await deleteSurvey(ctx, principal(), params.id);
    return reply.noContent();
  },
});

/** Opening or closing a round now: the same shape, each with its own rule for when it applies. */
function transition(action: 'open' | 'close', description: string, from: string, run: typeof openNow) {
  return defineRoute({
    method: 'POST',
    url: `/v1/surveys/:id/${action}`,
    operationId: `${action}Survey`,
    summary: `${action === 'open' ? 'Open a scheduled' : 'Close an open'} survey round now`,
    tags: TAGS,
    auth: { kind: 'scope', scope: 'surveys:write' },
    params: IdParams,
    responses: {
      200: { description, schema: dataOf(SurveySchema) },
      404: { description: 'No such survey.', schema: Problem },
      409: { description: `The round is not ${from}.`, schema: Problem },
    },
    async handler({ params, ctx, principal }) {
      const who = principal();
      await run(ctx, await getSurvey(ctx, who.organizationId, params.id), principalActor(who));
      const now = await getSurvey(ctx, who.organizationId, params.id);
      return reply.ok(await presentSurvey(ctx.store.db, now, ctx.config.anonymityThreshold));
    },
  });
}

const open = transition(
  'open',
  'The round, open: everyone in its audience who can be surveyed today is invited.',
  'scheduled',
  openNow,
);
const close = transition(
  'close',
  'The round, closed, with its results where the anonymity threshold allows.',
  'open',
  closeNow,
);

const revoke = defineRoute({
  method: 'POST',
  url: '/v1/surveys/:id/revoke',
  operationId: 'revokeSurveyInvitation',
  summary: "Withdraw one person's invitation to an open round",
  tags: TAGS,
  auth: { kind: 'scope', scope: 'surveys:write' },
  params: IdParams,
  body: Type.Object(
    { employeeId: Type.String({ minLength: 1, maxLength: 64 }) },
    { additionalProperties: false, examples: [{ employeeId: 'emp_01JEXAMPLE0000000000000001' }] },
  ),
  responses: {
    204: { description: 'Withdrawn: their link now says the survey is closed for them; answers they gave stay.' },
    404: { description: 'No such survey, or the person holds no active invitation to it.', schema: Problem },
  },
  async handler({ params, body, ctx, principal }) {
    const who = principal();
    await revokeInvitation(
      ctx,
      await getSurvey(ctx, who.organizationId, params.id),
      body.employeeId,
      principalActor(who),
    );
    return reply.noContent();
  },
});

export const surveyRoutes = [list, create, get, update, remove, open, close, revoke];
