// Engagement maths: periods, mean score, eNPS, participation, anonymity. Pure, so the numbers can be
// checked against hand-computed fixtures.
import type { HiddenReason } from './anonymity';

export type Interval = 'month' | 'quarter' | 'year' | 'all';

export interface Period {
  /** e.g. `2026-11`, `2026-Q4`, `2026`, `all`. */
  key: string;
  /** First day, inclusive. */
  start: string;
  /** Day after the last day: answers are in the period when start <= answeredAt < end. */
  end: string;
}

export interface PeriodCounts {
  answers: number;
  scoreSum: number;
  promoters: number;
  passives: number;
  detractors: number;
  respondents: number;
  invited: number;
}

export interface PeriodResult {
  period: string;
  start: string;
  end: string;
  hidden: boolean;
  /** Why a result is withheld: too few respondents, or hidden so that a smaller group elsewhere cannot be worked out by subtraction. */
  hiddenReason: HiddenReason | null;
  score: number | null;
  nps: { score: number; promoters: number; passives: number; detractors: number } | null;
  participation: { responded: number; invited: number; rate: number | null };
}

const DEFAULT_PERIODS: Record<Exclude<Interval, 'all'>, number> = { month: 12, quarter: 8, year: 5 };
/** Before any answer (dates start in year 1000, see core/dates). */
const EARLIEST = '1000-01-01';
export const MAX_PERIODS = 120;

function ymd(year: number, month: number, day = 1): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

function periodOf(interval: Exclude<Interval, 'all'>, date: string): Period {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  if (interval === 'month') return { key: date.slice(0, 7), start: ymd(year, month), end: ymd(year, month + 1) };
  if (interval === 'quarter') {
    const q = Math.floor((month - 1) / 3);
    return { key: `${year}-Q${q + 1}`, start: ymd(year, q * 3 + 1), end: ymd(year, q * 3 + 4) };
  }
  return { key: String(year), start: ymd(year, 1), end: ymd(year + 1, 1) };
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The periods from the one holding `from` (default: a year or so back) to the one holding `to`,
 * oldest first. Windows are whole calendar periods, and `all` runs over whole months, so two
 * overlapping requests never differ by a few days of answers.
 */
export function periodsBetween(interval: Interval, from: string | undefined, to: string): Period[] {
  if (interval === 'all')
    return [
      {
        key: 'all',
        start: from === undefined ? EARLIEST : periodOf('month', from).start,
        end: periodOf('month', to).end,
      },
    ];
  const last = periodOf(interval, to);
  const periods = [last];
  while (periods.length < MAX_PERIODS) {
    const previous = periodOf(interval, addDays(periods[0].start, -1));
    if (from === undefined ? periods.length >= DEFAULT_PERIODS[interval] : previous.end <= from) break;
    periods.unshift(previous);
  }
  return periods;
}

/** The period just before `period`, for `change`. */
export function previousPeriod(interval: Interval, period: Period): Period | null {
  return interval === 'all' ? null : periodOf(interval, addDays(period.start, -1));
}

/** Rounds half away from zero, so +12.5 and -12.5 round alike (to 13 and -13). */
export function roundHalfAway(value: number, decimals = 0): number {
  const factor = 10 ** decimals;
  const scaled = Math.abs(value) * factor;
  // Adding a tiny epsilon keeps 0.15 * 10 = 1.4999999999999998 from rounding down.
  return (Math.sign(value) * Math.round(scaled + 1e-9)) / factor;
}

/** eNPS bands: promoters score 9–10, passives 7–8, detractors 0–6. */
export const PROMOTER_MIN = 9;
export const PASSIVE_MIN = 7;

export type Band = 'promoters' | 'passives' | 'detractors';

/** The eNPS band a score counts in. */
export function bandOf(score: number): Band {
  return score >= PROMOTER_MIN ? 'promoters' : score >= PASSIVE_MIN ? 'passives' : 'detractors';
}

/** The UTC month an answer counts in, `YYYY-MM`: answeredAt is stored as UTC ISO text. */
export function monthOf(answeredAt: string): string {
  return answeredAt.slice(0, 7);
}

/**
 * A period's months, `first` inclusive and `end` exclusive. Every period is whole months, so monthly
 * rollups answer it exactly; `single` when it is one month.
 */
export function monthsOf(period: Period): { first: string; end: string; single: boolean } {
  return {
    first: monthOf(period.start),
    end: monthOf(period.end),
    single: periodOf('month', period.start).end === period.end,
  };
}

/**
 * One period's result. Below the threshold it is withheld; `protectsAnother` withholds it too,
 * when complementary suppression (core/anonymity) chose it. Participation always shows.
 */
export function summarizePeriod(
  period: Period,
  counts: PeriodCounts,
  threshold: number,
  protectsAnother = false,
): PeriodResult {
  const participation = {
    responded: counts.respondents,
    invited: counts.invited,
    rate: counts.invited === 0 ? null : roundHalfAway(counts.respondents / counts.invited, 3),
  };
  const hiddenReason: HiddenReason | null =
    counts.respondents < threshold ? 'belowThreshold' : protectsAnother ? 'protectsAnother' : null;
  if (hiddenReason !== null || counts.answers === 0) {
    return {
      period: period.key,
      start: period.start,
      end: addDays(period.end, -1),
      hidden: hiddenReason !== null,
      hiddenReason,
      score: null,
      nps: null,
      participation,
    };
  }
  return {
    period: period.key,
    start: period.start,
    end: addDays(period.end, -1),
    hidden: false,
    hiddenReason: null,
    score: roundHalfAway(counts.scoreSum / counts.answers, 1),
    nps: {
      score: roundHalfAway(((counts.promoters - counts.detractors) * 100) / counts.answers),
      promoters: counts.promoters,
      passives: counts.passives,
      detractors: counts.detractors,
    },
    participation,
  };
}

/** The change from the previous period's result, or null when either is hidden or empty. */
export function changeBetween(
  current: PeriodResult,
  previous: PeriodResult | null,
): { score: number; nps: number } | null {
  if (
    previous === null ||
    current.score === null ||
    previous.score === null ||
    current.nps === null ||
    previous.nps === null
  )
    return null;
  return { score: roundHalfAway(current.score - previous.score, 1), nps: current.nps.score - previous.nps.score };
}
