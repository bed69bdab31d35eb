import { RETRY_SCHEDULE_MS, parseRetryAfter, planRetry } from '../../../server/src/core/retry';

describe('retry schedule', () => {
  test('5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then give up', () => {
    const middle = () => 0.5;
    expect(Array.from({ length: 8 }, (_, i) => planRetry(i + 1, null, middle))).toEqual([
      5_000,
      300_000,
      1_800_000,
      7_200_000,
      18_000_000,
      36_000_000,
      36_000_000,
      null,
    ]);
  });

  test('jitter stays within ±20 %', () => {
    for (const [i, base] of RETRY_SCHEDULE_MS.entries()) {
      expect(planRetry(i + 1, null, () => 0)).toBe(Math.round(base * 0.8));
      expect(planRetry(i + 1, null, () => 0.999999)).toBeLessThanOrEqual(Math.round(base * 1.2));
    }
  });

  test('Retry-After is honoured, clamped, in seconds or as a date', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    expect(planRetry(1, parseRetryAfter('120', now), () => 0.5)).toBe(120_000);
    expect(planRetry(1, parseRetryAfter('0', now), () => 0.5)).toBe(1_000);
    expect(planRetry(1, parseRetryAfter('9999999', now), () => 0.5)).toBe(36_000_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:05:00 GMT', now)).toBe(300_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(planRetry(8, 120_000, () => 0.5)).toBeNull();
  });
});
