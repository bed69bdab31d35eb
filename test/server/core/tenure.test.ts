import {
  DEFAULT_TENURE_BOUNDARIES,
  bandOfMonths,
  boundariesProblem,
  startedBy,
  tenureBands,
  tenureMonths,
} from '../../../server/src/core/tenure';

describe('tenure', () => {
  test('counts completed months: the start day must come round again', () => {
    expect(tenureMonths('2025-01-15', null, '2025-02-14')).toBe(0);
    expect(tenureMonths('2025-01-15', null, '2025-02-15')).toBe(1);
    expect(tenureMonths('2025-01-31', null, '2025-02-28')).toBe(0);
    expect(tenureMonths('2025-01-31', null, '2025-03-01')).toBe(1);
    expect(tenureMonths('2020-06-01', null, '2026-11-22')).toBe(77);
    expect(tenureMonths('2026-11-22', null, '2026-11-22')).toBe(0);
  });

  test('stops at the separation date, and is null before the start or without one', () => {
    expect(tenureMonths('2024-01-01', '2025-12-31', '2026-11-22')).toBe(23);
    expect(tenureMonths('2024-01-01', '2027-12-31', '2026-11-22')).toBe(34);
    expect(tenureMonths('2027-01-04', null, '2026-11-22')).toBeNull();
    expect(tenureMonths(null, null, '2026-11-22')).toBeNull();
  });

  test('band names follow the boundaries, in months unless both ends are whole years', () => {
    expect(tenureBands(DEFAULT_TENURE_BOUNDARIES).map((b) => b.name)).toEqual(['<6m', '6-12m', '1-2y', '2-5y', '5y+']);
    expect(tenureBands([3, 18, 36]).map((b) => b.name)).toEqual(['<3m', '3-18m', '18-36m', '3y+']);
    expect(tenureBands([12]).map((b) => [b.name, b.fromMonths, b.toMonths])).toEqual([
      ['<1y', 0, 12],
      ['1y+', 12, null],
    ]);
  });

  test('a band holds its lower boundary, not its upper one', () => {
    const bands = tenureBands(DEFAULT_TENURE_BOUNDARIES);
    expect([0, 5, 6, 11, 12, 23, 24, 59, 60, 400, null].map((m) => bandOfMonths(bands, m)?.name ?? null)).toEqual([
      '<6m',
      '<6m',
      '6-12m',
      '6-12m',
      '1-2y',
      '1-2y',
      '2-5y',
      '2-5y',
      '5y+',
      '5y+',
      null,
    ]);
  });

  test('boundaries must be whole, increasing months within 100 years, at most ten of them', () => {
    expect(boundariesProblem([6, 12, 24, 60])).toBeNull();
    expect(boundariesProblem([])).toMatch(/1 to 10/);
    expect(boundariesProblem([12, 6])).toMatch(/increase/);
    expect(boundariesProblem([6, 6])).toMatch(/increase/);
    expect(boundariesProblem([0.5])).toMatch(/whole months/);
    expect(boundariesProblem([1201])).toMatch(/whole months/);
    expect(boundariesProblem(Array.from({ length: 11 }, (_, i) => i + 1))).toMatch(/1 to 10/);
  });

  test('startedBy gives the latest start with that much tenure, comparable as text even past a short month', () => {
    expect(startedBy('2026-11-22', 12)).toBe('2025-11-22');
    expect(startedBy('2026-03-31', 1)).toBe('2026-02-31');
    // Everything that compares below it has at least the months; everything above, fewer.
    for (const start of ['2026-02-28', '2026-02-01'])
      expect(tenureMonths(start, null, '2026-03-31')! >= 1).toBe(start <= startedBy('2026-03-31', 1));
    expect(startedBy('2026-01-15', 13)).toBe('2024-12-15');
  });
});
