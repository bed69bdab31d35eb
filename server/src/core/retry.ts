// When to try a failed delivery again: the fixed schedule, with jitter, honouring Retry-After.

/** Delays after the first attempt fails: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts in all). */
export const RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as const;

/** Attempts a message gets in all: the first, then one per scheduled retry. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;

/** Retry-After is honoured between these bounds, so a receiver can neither hammer nor stall us. */
export const RETRY_AFTER_MIN_MS = 1_000;
export const RETRY_AFTER_MAX_MS = 36_000_000;
const JITTER = 0.2;

/**
 * The delay before attempt number `attempt + 1`, given that `attempt` attempts (1-based) have
 * failed; null when the schedule is exhausted. `random` returns [0, 1) and is injected for tests.
 */
export function planRetry(attempt: number, retryAfterMs: number | null, random: () => number): number | null {
  const base = RETRY_SCHEDULE_MS[attempt - 1];
  if (base === undefined) return null;
  if (retryAfterMs !== null) return Math.min(RETRY_AFTER_MAX_MS, Math.max(RETRY_AFTER_MIN_MS, retryAfterMs));
  return Math.round(base * (1 - JITTER + random() * 2 * JITTER));
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds from `now`, or null. */
export function parseRetryAfter(header: string | undefined, now: Date): number | null {
  if (header === undefined) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now.getTime());
}
