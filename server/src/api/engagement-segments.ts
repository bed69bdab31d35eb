// What the overview, the drivers and the heatmap share: the `segment` parameter (every kind, AND
// when repeated), the periods a request covers, and one segment's result for one period.
import { Type } from '@sinclair/typebox';
import { MAX_YEAR } from '../core/dates';
import { calendarDate } from '../core/employee-status';
import {
  type Interval,
  type Period,
  type PeriodCounts,
  type PeriodResult,
  addDays,
  periodsBetween,
  previousPeriod,
  summarizePeriod,
} from '../core/engagement';
import { Decider } from '../core/disclosure';
import { People } from '../core/people';
import { SEGMENT_EXAMPLES, type Segment } from '../core/segments';
import { problems } from '../core/problem';
import type { Principal } from '../domain/principal';
import type { RouteContext } from '../http/route';
import type { DepartmentTotals } from '../store/department-rollups';
import { type AnswerCounts, type EmployeeCounts, NO_ANSWERS } from '../store/engagement';
import { DateOnly } from './common';

const MAX_SEGMENTS = 5;

const IntervalParam = Type.Union(
  [Type.Literal('month'), Type.Literal('quarter'), Type.Literal('year'), Type.Literal('all')],
  { default: 'month' },
);

export const SegmentParam = Type.Optional(
  Type.Array(Type.String({ minLength: 3, maxLength: 300 }), {
    maxItems: MAX_SEGMENTS,
    description: [
      'Who to count, as kind:value; repeat the parameter to combine segments with AND. Kinds:',
      '`department:<name>`, `title:<name>`, `manager:<employeeId>` (everyone under that person, at any depth),',
      '`group:<groupId>` (people holding a role in that group or a group below it), `tenure:<band>` (see GET /v1/organization),',
      '`attribute:<Name>:<value>` (text, option, multi_option: contains, boolean: true/false, date: a year such as 2024).',
      'Tenure is taken on the first day of each period (for interval=all, of its last month; someone who starts later counts from their start date); the other kinds use current values. No result depends on which day of a period from or to names.',
      'A result that would isolate fewer respondents than the anonymity threshold, directly or by subtraction, is hidden.',
    ].join(' '),
    // No segment first: the docs' "Try it out" then starts with everyone.
    examples: [[], ...Object.values(SEGMENT_EXAMPLES).map((example) => [example])],
  }),
);

export const WindowQuery = {
  interval: IntervalParam,
  from: Type.Optional(DateOnly),
  to: Type.Optional(DateOnly),
};

/** Overview windows end before the last supported year, so every period's end is a four-digit date. */
const LAST_YEAR_START = `${MAX_YEAR}-01-01`;

export interface Window {
  interval: Interval;
  /** The periods asked for, oldest first. */
  periods: Period[];
  /** The one before the first, for its change; null for `all`. */
  before: Period | null;
}

export function windowOf(
  ctx: Pick<RouteContext, 'clock'>,
  query: { interval?: string; from?: string; to?: string },
): Window {
  const to = query.to ?? calendarDate(ctx.clock.now());
  if (query.from !== undefined && query.from > to)
    throw problems.validation([{ location: 'query', path: '/from', message: 'must not be after to' }]);
  // A period is written as [start, day after its end): the last periods of 9999 would end in year 10000.
  for (const [name, value] of [
    ['from', query.from],
    ['to', query.to],
  ] as const) {
    if (value !== undefined && value >= LAST_YEAR_START)
      throw problems.validation([
        { location: 'query', path: `/${name}`, message: `must be before ${LAST_YEAR_START}` },
      ]);
  }
  const interval = (query.interval ?? 'month') as Interval;
  const periods = periodsBetween(interval, query.from, to);
  return { interval, periods, before: previousPeriod(interval, periods[0]) };
}

/**
 * The days whose surveyable employees a period counts as invited: the whole period, whatever day of
 * it the request names or is made on (see membershipDay in core/segments for why).
 */
export function invitedRange(period: Period): [string, string] {
  return [period.start, addDays(period.end, -1)];
}

/** Whether a caller may learn which values the organization's people have (see resolveSegments). */
export function mayReadEmployees(principal: Principal): boolean {
  return principal.scopes.has('employees:read');
}

/** Each employee's counts by question and period, so each (question, period) is one lookup. */
export type CountsIndex = Map<string, Map<string, AnswerCounts>>;

export function indexCounts(rows: EmployeeCounts[]): CountsIndex {
  const index: CountsIndex = new Map();
  for (const row of rows) {
    const key = `${row.question}\u0000${row.period}`;
    let map = index.get(key);
    if (!map) index.set(key, (map = new Map()));
    map.set(row.employeeId, row.counts);
  }
  return index;
}

/** Each employee's counts of one question in one period, by employee. */
export function countsOf(index: CountsIndex, question: string, period: number): Map<string, AnswerCounts> {
  return index.get(`${question}\u0000${period}`) ?? new Map();
}

function addUp(members: Iterable<string>, counts: ReadonlyMap<string, AnswerCounts>): AnswerCounts {
  const total = { ...NO_ANSWERS };
  for (const id of members) {
    const c = counts.get(id);
    if (!c) continue;
    total.answers += c.answers;
    total.scoreSum += c.scoreSum;
    total.promoters += c.promoters;
    total.passives += c.passives;
    total.detractors += c.detractors;
    total.respondents += 1;
  }
  return total;
}

/** Decisions for one question in one period, shared by every segment asked about in it. */
export function deciderFor(
  people: People,
  counts: ReadonlyMap<string, AnswerCounts>,
  asOf: string,
  threshold: number,
): Decider {
  return new Decider(people, new Set(counts.keys()), asOf, threshold);
}

/** A combination's result for a period, as the overview shows it. */
export function segmentResult(
  people: People,
  decider: Decider,
  counts: ReadonlyMap<string, AnswerCounts>,
  segments: Segment[],
  period: Period,
  asOf: string,
  threshold: number,
  /** Who was invited to the rounds that ran in the period; null when none ran (everyone surveyable counts). */
  surveyed: ReadonlySet<string> | null = null,
): PeriodResult {
  const decision = decider.decide(segments);
  const invited =
    surveyed === null
      ? people.invitedTo(segments, period, asOf)
      : [...surveyed].filter((id) => segments.every((s) => people.members(s, asOf).has(id))).length;
  const totals: PeriodCounts = { ...addUp(decision.members, counts), invited };
  return summarizePeriod(period, totals, threshold, decision.hiddenReason === 'protectsAnother');
}

/**
 * Results from the department totals for one question in one period: a decider over the respondents'
 * numbers (each a person in the department whose bitmap holds it), so department results read a few
 * rows whatever the number of answers and are decided by the same engine as every other result.
 */
export function departmentResults(
  entries: DepartmentTotals[],
  period: Period,
  asOf: string,
  threshold: number,
): (department: string | null, invited: number) => PeriodResult {
  const people = new People(
    entries.flatMap((t) =>
      t.respondents.map((n) => ({
        id: String(n),
        name: '',
        department: t.department,
        title: null,
        managerId: null,
        startDate: null,
        separationDate: null,
        attributes: {},
        groups: [],
      })),
    ),
    new Map(),
    new Map(),
    [],
  );
  const decider = new Decider(people, new Set(people.byId.keys()), asOf, threshold);
  return (department, invited) => {
    const segments: Segment[] = department === null ? [] : [{ kind: 'department', value: department }];
    const decision = decider.decide(segments);
    const inside = entries.filter((t) => department === null || t.department === department);
    const counts = { answers: 0, scoreSum: 0, promoters: 0, passives: 0, detractors: 0 };
    for (const t of inside) {
      counts.answers += t.answers;
      counts.scoreSum += t.scoreSum;
      counts.promoters += t.promoters;
      counts.passives += t.passives;
      counts.detractors += t.detractors;
    }
    return summarizePeriod(
      period,
      { ...counts, respondents: decision.members.size, invited },
      threshold,
      decision.hiddenReason === 'protectsAnother',
    );
  };
}

/** The counts of a set of people that is not a segment (the heatmap's "everyone else"). */
export function resultOfMembers(
  members: Iterable<string>,
  counts: ReadonlyMap<string, AnswerCounts>,
  period: Period,
  threshold: number,
  protect: boolean,
): PeriodResult {
  return summarizePeriod(period, { ...addUp(members, counts), invited: 0 }, threshold, protect);
}
