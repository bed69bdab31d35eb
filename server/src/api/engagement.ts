// /v1/engagement: survey answers in bulk, and the overview (score, eNPS, participation, trend, change).
import { Type } from '@sinclair/typebox';
import { MAX_YEAR, MIN_YEAR } from '../core/dates';
import { type Period, type PeriodResult, changeBetween, summarizePeriod } from '../core/engagement';
import { membershipDay, parseSegment } from '../core/segments';
import { tenureBands } from '../core/tenure';
import { problems } from '../core/problem';
import { recordAnswers } from '../domain/engagement';
import { type RouteContext, defineRoute, reply } from '../http/route';
import { countByPeriod, countInvited, countsByEmployee } from '../store/engagement';
import { findOrganization } from '../store/organizations';
import { invitedInRanges } from '../store/survey-invitations';
import { departmentTotals } from '../store/department-rollups';
import { loadPeople } from '../store/segments';
import {
  SegmentParam,
  WindowQuery,
  countsOf,
  deciderFor,
  departmentResults,
  indexCounts,
  invitedRange,
  mayReadEmployees,
  segmentResult,
  windowOf,
} from './engagement-segments';
import { noEmployeeHas, resolveSegments } from '../core/segment-resolution';
import { DateOnly, Problem, Timestamp, dataOf } from './common';

const Answer = Type.Object(
  {
    employeeId: Type.String({ minLength: 1, maxLength: 64 }),
    question: Type.String({ minLength: 1, maxLength: 100, description: '"engagement", or the name of a driver' }),
    score: Type.Integer({ minimum: 0, maximum: 10 }),
    answeredAt: Timestamp,
  },
  { additionalProperties: false },
);

const Participation = Type.Object({
  responded: Type.Union([Type.Integer(), Type.Null()], {
    description: 'null in a hidden result for a caller without employees:read.',
  }),
  invited: Type.Union([Type.Integer(), Type.Null()], {
    description: 'null in a hidden result for a caller without employees:read.',
  }),
  rate: Type.Union([Type.Number(), Type.Null()]),
});
const Nps = Type.Union([
  Type.Object({
    score: Type.Integer(),
    promoters: Type.Integer(),
    passives: Type.Integer(),
    detractors: Type.Integer(),
  }),
  Type.Null(),
]);
const PeriodResultSchema = Type.Object({
  period: Type.String(),
  start: DateOnly,
  end: DateOnly,
  hidden: Type.Boolean(),
  hiddenReason: Type.Union([Type.Literal('belowThreshold'), Type.Literal('protectsAnother'), Type.Null()], {
    description:
      'belowThreshold: fewer respondents than the anonymity threshold; protectsAnother: withheld so that a smaller group cannot be worked out by subtracting visible results from the total.',
  }),
  score: Type.Union([Type.Number(), Type.Null()]),
  nps: Nps,
  participation: Participation,
});
const OverviewSchema = Type.Composite([
  PeriodResultSchema,
  Type.Object({
    interval: Type.String(),
    question: Type.String(),
    segment: Type.Union([Type.String(), Type.Null()], {
      description: 'The segments asked for, joined with AND; null for everyone.',
    }),
    segments: Type.Array(Type.String()),
    anonymityThreshold: Type.Integer(),
    change: Type.Union([Type.Object({ score: Type.Number(), nps: Type.Integer() }), Type.Null()]),
    trend: Type.Array(PeriodResultSchema),
  }),
]);

const submit = defineRoute({
  method: 'POST',
  url: '/v1/engagement/answers',
  operationId: 'submitEngagementAnswers',
  summary: 'Record survey answers (all or nothing)',
  tags: ['Engagement'],
  auth: { kind: 'scope', scope: 'engagement:write' },
  body: Type.Object({ answers: Type.Array(Answer, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false }),
  responses: {
    201: { description: 'All answers were recorded.', schema: dataOf(Type.Object({ accepted: Type.Integer() })) },
    400: { description: 'Invalid fields.', schema: Problem },
    422: {
      description:
        'An answer is from an employee who was not surveyable then, or is in the future; nothing was recorded.',
      schema: Problem,
    },
  },
  async handler({ body, ctx, principal }) {
    return reply.created({ accepted: await recordAnswers(ctx, principal(), body.answers) });
  },
});

/** A result as the overview shows it: a hidden one may come without its head counts. */
type ShownResult = Omit<PeriodResult, 'participation'> & {
  participation: { responded: number | null; invited: number | null; rate: number | null };
};

/** A range covering every date the store accepts: whoever is in a department is in it. */
const EVER: [string, string] = [`${MIN_YEAR}-01-01`, `${MAX_YEAR}-12-31`];

/**
 * A hidden result without its head counts, for a caller who may not read employees: how many were
 * invited and answered would tell a small segment from one that matches no one (see resolveSegments).
 */
function withoutHiddenCounts(result: PeriodResult): ShownResult {
  return result.hidden ? { ...result, participation: { responded: null, invited: null, rate: null } } : result;
}

/**
 * Results for each period, oldest first. Without segments they come straight from the rollups; with
 * segments, from each employee's counts, so any segment (and any AND of them) is a filter over
 * employees, decided with the anonymity rules of core/disclosure.
 */
async function resultsFor(
  ctx: RouteContext,
  organizationId: string,
  question: string,
  periods: Period[],
  texts: string[],
  revealValues: boolean,
): Promise<PeriodResult[]> {
  const { db } = ctx.store;
  const threshold = ctx.config.anonymityThreshold;
  if (texts.length === 0) {
    const [counts, invited, surveyed] = await Promise.all([
      countByPeriod(db, { organizationId, question }, periods),
      countInvited(db, organizationId, periods.map(invitedRange)),
      invitedInRanges(db, organizationId, periods.map(invitedRange)),
    ]);
    return periods.map((period, i) =>
      summarizePeriod(period, { ...counts[i], invited: surveyed[i]?.size ?? invited[i] }, threshold),
    );
  }
  // One department: its totals are kept with the answers, so read those (a few rows a month).
  const only = texts.length === 1 ? parseSegment(texts[0]) : null;
  if (only !== null && typeof only !== 'string' && only.kind === 'department') {
    // With one more range, all of time, the same query counts everyone in the department.
    const ranges = periods.map(invitedRange);
    const [totals, invited, surveyed] = await Promise.all([
      departmentTotals(db, organizationId, periods, question),
      countInvited(db, organizationId, revealValues ? [...ranges, EVER] : ranges, only.value),
      invitedInRanges(db, organizationId, ranges),
    ]);
    if (revealValues && invited.pop() === 0) throw problems.validation([noEmployeeHas(0, only)]);
    surveyed.forEach((ids, i) => {
      if (ids !== null) invited[i] = [...ids.values()].filter((department) => department === only.value).length;
    });
    return periods.map((period, i) =>
      departmentResults(
        totals.filter((t) => t.period === i),
        period,
        membershipDay(period),
        threshold,
      )(only.value, invited[i]),
    );
  }
  const org = await findOrganization(db, organizationId);
  if (!org) throw problems.notFound('The organization no longer exists.');
  const people = await loadPeople(db, organizationId, tenureBands(org.tenureBoundaries));
  const segments = resolveSegments(texts, people, revealValues);
  const index = indexCounts(await countsByEmployee(db, organizationId, [question], periods));
  const surveyed = await invitedInRanges(db, organizationId, periods.map(invitedRange));
  return periods.map((period, i) => {
    const counts = countsOf(index, question, i);
    const asOf = membershipDay(period);
    return segmentResult(
      people,
      deciderFor(people, counts, asOf, threshold),
      counts,
      segments,
      period,
      asOf,
      threshold,
      surveyed[i] === null ? null : new Set(surveyed[i]?.keys()),
    );
  });
}

const overview = defineRoute({
  method: 'GET',
  url: '/v1/engagement/overview',
  operationId: 'getEngagementOverview',
  summary: 'Engagement overview for a period, with trend and change',
  tags: ['Engagement'],
  auth: { kind: 'scope', scope: 'engagement:read' },
  query: Type.Object(
    {
      ...WindowQuery,
      segment: SegmentParam,
      question: Type.String({ minLength: 1, maxLength: 100, default: 'engagement' }),
    },
    { additionalProperties: false },
  ),
  responses: {
    200: {
      description: 'The overview; values are null and hidden true below the anonymity threshold.',
      schema: dataOf(OverviewSchema),
    },
    400: { description: 'Invalid parameters.', schema: Problem },
  },
  async handler({ query, ctx, principal }) {
    const who = principal();
    const revealValues = mayReadEmployees(who);
    const { interval, periods, before } = windowOf(ctx, query);
    const texts = query.segment ?? [];
    // The period before the first one is counted too, so the first trend point has a `change` base.
    const counted = await resultsFor(
      ctx,
      who.organizationId,
      query.question,
      before === null ? periods : [before, ...periods],
      texts,
      revealValues,
    );
    const results = counted.map((r) => (revealValues ? r : withoutHiddenCounts(r)));
    const trend = before === null ? results : results.slice(1);
    const current = counted[counted.length - 1];
    const previous = counted.length > 1 ? counted[counted.length - 2] : null;
    return reply.ok({
      ...trend[trend.length - 1],
      interval,
      question: query.question,
      segment: texts.length === 0 ? null : texts.join(' AND '),
      segments: texts,
      anonymityThreshold: ctx.config.anonymityThreshold,
      change: changeBetween(current, previous),
      trend,
    });
  },
});

export const engagementRoutes = [submit, overview];
