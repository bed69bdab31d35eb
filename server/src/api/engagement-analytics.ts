// /v1/engagement/drivers and /v1/engagement/heatmap: every driver question with its trend, and
// segments × questions, each value shown only where the anonymity rules of core/disclosure allow.
import { Type } from '@sinclair/typebox';
import { type Period, type PeriodResult, addDays, changeBetween } from '../core/engagement';
import { SEGMENTABLE_TYPES } from '../core/attributes';
import type { People } from '../core/people';
import { type Dimension, type Segment, membershipDay, segmentText } from '../core/segments';
import { tenureBands } from '../core/tenure';
import { problems } from '../core/problem';
import { type RouteContext, defineRoute, reply } from '../http/route';
import { departmentTotals } from '../store/department-rollups';
import { departmentNames } from '../store/employees';
import { countsByEmployee } from '../store/engagement';
import { findOrganization } from '../store/organizations';
import { loadPeople } from '../store/segments';
import { Problem, dataOf } from './common';
import {
  type CountsIndex,
  SegmentParam,
  WindowQuery,
  countsOf,
  deciderFor,
  departmentResults,
  indexCounts,
  mayReadEmployees,
  resultOfMembers,
  segmentResult,
  windowOf,
} from './engagement-segments';
import { resolveSegments } from '../core/segment-resolution';

export const ENGAGEMENT_QUESTION = 'engagement';

const HiddenReasonSchema = Type.Union([Type.Literal('belowThreshold'), Type.Literal('protectsAnother'), Type.Null()]);

const DriverPoint = Type.Object({
  period: Type.String(),
  hidden: Type.Boolean(),
  hiddenReason: HiddenReasonSchema,
  score: Type.Union([Type.Number(), Type.Null()]),
  respondents: Type.Union([Type.Integer(), Type.Null()], { description: 'null while hidden.' }),
});

const DriverSchema = Type.Composite([
  DriverPoint,
  Type.Object({
    question: Type.String(),
    change: Type.Union([Type.Number(), Type.Null()], {
      description: 'Score against the period before; null when either is hidden.',
    }),
    trend: Type.Array(DriverPoint),
  }),
]);

const DriversSchema = Type.Object({
  period: Type.String(),
  start: Type.String(),
  end: Type.String(),
  interval: Type.String(),
  segments: Type.Array(Type.String()),
  anonymityThreshold: Type.Integer(),
  drivers: Type.Array(DriverSchema),
});

const CellSchema = Type.Object({
  question: Type.String(),
  hidden: Type.Boolean(),
  hiddenReason: HiddenReasonSchema,
  score: Type.Union([Type.Number(), Type.Null()]),
  n: Type.Union([Type.Integer(), Type.Null()], { description: 'Respondents; null while hidden.' }),
  change: Type.Union([Type.Number(), Type.Null()]),
});

const RowSchema = Type.Object({
  segment: Type.Union([Type.String(), Type.Null()], {
    description: 'The row as a segment string (add it to `segment` to drill in); null for the total and everyone else.',
  }),
  label: Type.String(),
  cells: Type.Array(CellSchema, { description: 'One per column, in the order of `columns`.' }),
});

const HeatmapSchema = Type.Object({
  period: Type.String(),
  start: Type.String(),
  end: Type.String(),
  interval: Type.String(),
  by: Type.String(),
  segments: Type.Array(Type.String()),
  anonymityThreshold: Type.Integer(),
  columns: Type.Array(Type.String(), { description: 'engagement, then every driver by name.' }),
  total: RowSchema,
  everyoneElse: Type.Union([RowSchema, Type.Null()], {
    description: 'Everyone outside `segment`, to compare with; null without a segment.',
  }),
  rows: Type.Array(RowSchema),
});

interface Analysis {
  people: People;
  segments: Segment[];
  /** The window's periods, the one before first when there is one. */
  periods: Period[];
  hasBefore: boolean;
  interval: string;
  /** Each employee's counts by question and period. */
  counts: CountsIndex;
  /** The questions answered in each period. */
  questions: Set<string>[];
}

async function analyse(
  ctx: RouteContext,
  organizationId: string,
  query: { interval?: string; from?: string; to?: string; segment?: string[] },
  onlyLast: boolean,
  revealValues: boolean,
): Promise<Analysis> {
  const { db } = ctx.store;
  const window = windowOf(ctx, query);
  const org = await findOrganization(db, organizationId);
  if (!org) throw problems.notFound('The organization no longer exists.');
  const people = await loadPeople(db, organizationId, tenureBands(org.tenureBoundaries));
  const segments = resolveSegments(query.segment ?? [], people, revealValues);
  const asked = onlyLast ? window.periods.slice(-1) : window.periods;
  const before = onlyLast
    ? asked[0] === window.periods[0]
      ? window.before
      : window.periods[window.periods.length - 2]
    : window.before;
  const periods = before === null ? asked : [before, ...asked];
  const rows = await countsByEmployee(db, organizationId, null, periods);
  const questions = periods.map(() => new Set<string>());
  for (const row of rows) questions[row.period].add(row.question);
  return {
    people,
    segments,
    periods,
    hasBefore: before !== null,
    interval: window.interval,
    counts: indexCounts(rows),
    questions,
  };
}

const drivers = defineRoute({
  method: 'GET',
  url: '/v1/engagement/drivers',
  operationId: 'getEngagementDrivers',
  summary: 'Every driver (each question besides engagement) with its score, respondents, change and trend',
  tags: ['Engagement'],
  auth: { kind: 'scope', scope: 'engagement:read' },
  query: Type.Object({ ...WindowQuery, segment: SegmentParam }, { additionalProperties: false }),
  responses: {
    200: {
      description: 'Drivers by name; a value is null and hidden true where anonymity withholds it.',
      schema: dataOf(DriversSchema),
    },
    400: { description: 'Invalid parameters.', schema: Problem },
  },
  async handler({ query, ctx, principal }) {
    const threshold = ctx.config.anonymityThreshold;
    const who = principal();
    const a = await analyse(ctx, who.organizationId, query, false, mayReadEmployees(who));
    const questions = [...new Set(a.questions.flatMap((set) => [...set]))]
      .filter((q) => q !== ENGAGEMENT_QUESTION)
      .sort();
    const point = (r: PeriodResult) => ({
      period: r.period,
      hidden: r.hidden,
      hiddenReason: r.hiddenReason,
      score: r.score,
      respondents: r.hidden ? null : r.participation.responded,
    });
    const list = questions.map((question) => {
      const results = a.periods.map((period, i) => {
        const counts = countsOf(a.counts, question, i);
        const asOf = membershipDay(period);
        return segmentResult(
          a.people,
          deciderFor(a.people, counts, asOf, threshold),
          counts,
          a.segments,
          period,
          asOf,
          threshold,
        );
      });
      const trend = a.hasBefore ? results.slice(1) : results;
      const current = trend[trend.length - 1];
      const previous = results.length > 1 ? results[results.length - 2] : null;
      return {
        question,
        ...point(current),
        change: changeBetween(current, previous)?.score ?? null,
        trend: trend.map(point),
      };
    });
    const last = a.periods[a.periods.length - 1];
    return reply.ok({
      period: last.key,
      start: last.start,
      end: addDays(last.end, -1),
      interval: a.interval,
      segments: a.segments.map(segmentText),
      anonymityThreshold: threshold,
      drivers: list,
    });
  },
});

const BY_KINDS = ['department', 'title', 'tenure', 'manager'] as const;

function dimensionOf(by: string, people: People): Dimension {
  if ((BY_KINDS as readonly string[]).includes(by)) return { kind: by as (typeof BY_KINDS)[number] };
  const name = by.startsWith('attribute:') ? by.slice('attribute:'.length) : null;
  const info = name === null ? undefined : people.attributes.get(name.toLowerCase());
  const fail = (message: string) => problems.validation([{ location: 'query', path: '/by', message }]);
  if (name === null) throw fail(`must be ${BY_KINDS.join(', ')} or attribute:<Name>`);
  if (!info) throw fail(`names no attribute (see GET /v1/attributes)`);
  if (!SEGMENTABLE_TYPES.includes(info.type))
    throw fail(`${info.name} is a ${info.type} attribute; a heatmap takes ${SEGMENTABLE_TYPES.join(', ')} attributes`);
  return { kind: 'attribute', name: info.name, type: info.type };
}

function labelOf(segment: Segment, people: People): string {
  switch (segment.kind) {
    case 'department':
    case 'title':
    case 'attribute':
      return segment.value;
    case 'tenure':
      return segment.band;
    case 'manager':
      return people.byId.get(segment.employeeId)?.name ?? segment.employeeId;
    case 'group':
      return segment.groupId;
  }
}

/** A heatmap cell: the result for the latest period, with its change; nothing but the reason when hidden. */
function cellOf(question: string, now: PeriodResult, before: PeriodResult | null) {
  return {
    question,
    hidden: now.hidden,
    hiddenReason: now.hiddenReason,
    score: now.hidden ? null : now.score,
    n: now.hidden ? null : now.participation.responded,
    change: changeBetween(now, before)?.score ?? null,
  };
}

/** The heatmap by department without segments, from the department totals (see departmentResults). */
async function departmentHeatmap(
  ctx: RouteContext,
  organizationId: string,
  query: { interval?: string; from?: string; to?: string },
) {
  const { db } = ctx.store;
  const threshold = ctx.config.anonymityThreshold;
  const window = windowOf(ctx, query);
  const last = window.periods[window.periods.length - 1];
  const before = window.periods.length > 1 ? window.periods[window.periods.length - 2] : window.before;
  const periods = before === null ? [last] : [before, last];
  const current = periods.length - 1;
  const [totals, departments] = await Promise.all([
    departmentTotals(db, organizationId, periods),
    departmentNames(db, organizationId),
  ]);
  const questions = [...new Set(totals.filter((t) => t.period === current).map((t) => t.question))];
  const columns = [ENGAGEMENT_QUESTION, ...questions.filter((q) => q !== ENGAGEMENT_QUESTION).sort()];
  // Per column and period: the departments' totals, and a decider over their respondents.
  const decided = columns.map((question) =>
    periods.map((period, i) =>
      departmentResults(
        totals.filter((t) => t.question === question && t.period === i),
        period,
        membershipDay(period),
        threshold,
      ),
    ),
  );
  const rowFor = (department: string | null) =>
    columns.map((question, c) =>
      cellOf(question, decided[c][current](department, 0), current > 0 ? decided[c][current - 1](department, 0) : null),
    );
  return {
    period: last.key,
    start: last.start,
    end: addDays(last.end, -1),
    interval: window.interval,
    by: 'department',
    segments: [],
    anonymityThreshold: threshold,
    columns,
    total: { segment: null, label: 'Everyone', cells: rowFor(null) },
    everyoneElse: null,
    rows: departments.map((department) => ({
      segment: `department:${department}`,
      label: department,
      cells: rowFor(department),
    })),
  };
}

const heatmap = defineRoute({
  method: 'GET',
  url: '/v1/engagement/heatmap',
  operationId: 'getEngagementHeatmap',
  summary: 'Segments × questions: engagement and every driver for each value of a dimension',
  tags: ['Engagement'],
  auth: { kind: 'scope', scope: 'engagement:read' },
  query: Type.Object(
    {
      by: Type.String({
        minLength: 1,
        maxLength: 120,
        description:
          "One row per value: department, title, tenure, manager (each manager's whole team) or attribute:<Name>.",
        examples: ['department', 'title', 'tenure', 'manager', 'attribute:Office'],
      }),
      ...WindowQuery,
      segment: SegmentParam,
    },
    { additionalProperties: false },
  ),
  responses: {
    200: {
      description:
        'The latest period of the window, with the change against the one before. Hidden cells carry no values; complementary suppression works per column.',
      schema: dataOf(HeatmapSchema),
    },
    400: { description: 'Invalid parameters.', schema: Problem },
  },
  async handler({ query, ctx, principal }) {
    const threshold = ctx.config.anonymityThreshold;
    if (query.by === 'department' && (query.segment ?? []).length === 0)
      return reply.ok(await departmentHeatmap(ctx, principal().organizationId, query));
    const who = principal();
    const a = await analyse(ctx, who.organizationId, query, true, mayReadEmployees(who));
    const dimension = dimensionOf(query.by, a.people);
    const current = a.periods.length - 1;
    const period = a.periods[current];
    const questions = [...a.questions[current]];
    const columns = [ENGAGEMENT_QUESTION, ...questions.filter((q) => q !== ENGAGEMENT_QUESTION).sort()];
    // One decider per column and period: every row of a column is decided against the same respondents.
    const deciders = columns.map((question) =>
      a.periods.map((p, i) => {
        const counts = countsOf(a.counts, question, i);
        return {
          counts,
          decider: deciderFor(a.people, counts, membershipDay(p), threshold),
          asOf: membershipDay(p),
          period: p,
        };
      }),
    );
    const rowFor = (segments: Segment[]) =>
      columns.map((question, c) => {
        const results = deciders[c].map((d) =>
          segmentResult(a.people, d.decider, d.counts, segments, d.period, d.asOf, threshold),
        );
        return cellOf(question, results[current], current > 0 ? results[current - 1] : null);
      });
    const rows = a.people.rows(dimension).map((segment) => ({
      segment: segmentText(segment),
      label: labelOf(segment, a.people),
      cells: rowFor([...a.segments, segment]),
    }));
    // Everyone outside the segment: shown only where the segment itself is (which keeps the
    // organization minus the segment at zero or at least the threshold) and is big enough itself.
    let everyoneElse = null;
    if (a.segments.length > 0) {
      const cells = columns.map((question, c) => {
        const results = deciders[c].map((d) => {
          const inside = d.decider.decide(a.segments);
          const outside = [...d.counts.keys()].filter((id) => !inside.members.has(id));
          return resultOfMembers(outside, d.counts, d.period, threshold, inside.hidden);
        });
        return cellOf(question, results[current], current > 0 ? results[current - 1] : null);
      });
      everyoneElse = { segment: null, label: 'Everyone else', cells };
    }
    return reply.ok({
      period: period.key,
      start: period.start,
      end: addDays(period.end, -1),
      interval: a.interval,
      by: query.by,
      segments: a.segments.map(segmentText),
      anonymityThreshold: threshold,
      columns,
      total: {
        segment: null,
        label: a.segments.length > 0 ? a.segments.map(segmentText).join(' AND ') : 'Everyone',
        cells: rowFor(a.segments),
      },
      everyoneElse,
      rows,
    });
  },
});

export const engagementAnalyticsRoutes = [drivers, heatmap];
