// Tenure: whole months of service, derived from the start and separation dates (never stored), and
// the bands HR segments by. Pure.

/** The default band boundaries in months: <6m, 6-12m, 1-2y, 2-5y, 5y+. */
export const DEFAULT_TENURE_BOUNDARIES: readonly number[] = [6, 12, 24, 60];
export const MAX_TENURE_BOUNDARIES = 10;
/** Boundaries beyond 100 years describe nobody. */
export const MAX_TENURE_MONTHS = 1200;

export interface TenureBand {
  name: string;
  /** Inclusive. */
  fromMonths: number;
  /** Exclusive; null for the last band. */
  toMonths: number | null;
}

const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;

/**
 * Completed months from `start` to `asOf` (both `YYYY-MM-DD`): a month is complete once the start's
 * day of the month comes round again (started 2025-01-15: 0 on 2025-02-14, 1 on 2025-02-15; started
 * on the 31st: a month ends on the 1st after a shorter month). Service stops at the separation date.
 * Null without a start date, or before it.
 */
export function tenureMonths(start: string | null, separation: string | null, asOf: string): number | null {
  if (start === null) return null;
  const end = separation !== null && separation < asOf ? separation : asOf;
  if (end < start) return null;
  return monthIndex(end) - monthIndex(start) - (end.slice(8, 10) < start.slice(8, 10) ? 1 : 0);
}

/** `6` → `6m`, `24` → `2y`: whole years read as years. */
function span(months: number): { value: number; unit: 'm' | 'y' } {
  return months % 12 === 0 ? { value: months / 12, unit: 'y' } : { value: months, unit: 'm' };
}

/** A range's name in the unit both ends share when both are whole years (`1-2y`), else months (`6-12m`). */
function rangeName(from: number, to: number): string {
  const a = span(from);
  const b = span(to);
  return a.unit === 'y' && b.unit === 'y' ? `${a.value}-${b.value}y` : `${from}-${to}m`;
}

function boundName(months: number): string {
  const s = span(months);
  return `${s.value}${s.unit}`;
}

/** The bands the boundaries cut, named the way HR reads them: `<6m`, `6-12m`, `1-2y`, `2-5y`, `5y+`. */
export function tenureBands(boundaries: readonly number[]): TenureBand[] {
  const bands: TenureBand[] = [{ name: `<${boundName(boundaries[0])}`, fromMonths: 0, toMonths: boundaries[0] }];
  for (let i = 1; i < boundaries.length; i += 1)
    bands.push({
      name: rangeName(boundaries[i - 1], boundaries[i]),
      fromMonths: boundaries[i - 1],
      toMonths: boundaries[i],
    });
  const last = boundaries[boundaries.length - 1];
  bands.push({ name: `${boundName(last)}+`, fromMonths: last, toMonths: null });
  return bands;
}

export function bandOfMonths(bands: readonly TenureBand[], months: number | null): TenureBand | null {
  if (months === null) return null;
  return bands.find((b) => months >= b.fromMonths && (b.toMonths === null || months < b.toMonths)) ?? null;
}

/** Why these boundaries cannot define bands, or null when they can. */
export function boundariesProblem(boundaries: readonly number[]): string | null {
  if (boundaries.length < 1 || boundaries.length > MAX_TENURE_BOUNDARIES)
    return `must hold 1 to ${MAX_TENURE_BOUNDARIES} boundaries`;
  for (let i = 0; i < boundaries.length; i += 1) {
    const b = boundaries[i];
    if (!Number.isInteger(b) || b < 1 || b > MAX_TENURE_MONTHS)
      return `boundaries are whole months from 1 to ${MAX_TENURE_MONTHS}`;
    if (i > 0 && b <= boundaries[i - 1]) return 'boundaries must increase';
  }
  return null;
}

/**
 * The latest start date that has at least `months` of tenure on `asOf`, as text to compare with:
 * the same day `months` months earlier, left unclamped ("2026-02-31" compares correctly with real dates).
 */
export function startedBy(asOf: string, months: number): string {
  const index = monthIndex(asOf) - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${asOf.slice(8, 10)}`;
}
