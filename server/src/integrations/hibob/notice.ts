// What a HiBob webhook notice says, whether HiBob signed it, and whether it is fresh enough to act
// on: pure functions.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { MAX_JSON_DEPTH, nestingExceeds } from '../../core/json-depth';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The signature HiBob sent, when it is the one the raw body should have (compared in constant time);
 * null otherwise. One HMAC over the bytes, whatever they hold: the cost of a refusal is its size.
 */
export function verifiedSignature(secret: string, raw: Buffer, header: string | undefined): Buffer | null {
  if (header === undefined || !BASE64.test(header.trim())) return null;
  const expected = createHmac('sha512', secret).update(raw).digest();
  const given = Buffer.from(header.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected) ? expected : null;
}

/** What a receipt keeps of a signature: its SHA-256, enough to recognize a replay and useless for forging one. */
export function receiptHash(signature: Buffer): string {
  return createHash('sha256').update(signature).digest('base64url');
}

/**
 * HiBob's ping is the text `Ping test`, possibly quoted or as {"text": "Ping test"}. Only bodies up to
 * this size are even looked at as a ping: anything larger is treated as a notice and must be signed,
 * so nobody can make the receiver parse a large unsigned body.
 */
export const PING_BODY_LIMIT = 256;

/**
 * A notice triggered longer ago than this is refused: its signature is valid, but it is old enough
 * to be a replay. HiBob delivers at once; its retries of an event come later and are refused too,
 * which is harmless for a notice that only says "re-read this person" (the next sync reads everyone).
 */
export const NOTICE_MAX_AGE_MS = 5 * 60_000;

/**
 * How far ahead of this server's clock a notice's time may be: clocks of two well-run servers differ
 * by well under a second, so a minute allows for a poorly synchronized one and no more. A notice
 * from further ahead would stay "fresh" past the replay window.
 */
export const NOTICE_MAX_AHEAD_MS = 60_000;

/** Is this body HiBob's ping? Bounded: the size first, then a parse whose nesting is capped. */
export function isPing(raw: Buffer): boolean {
  if (raw.length > PING_BODY_LIMIT) return false;
  const text = raw.toString('utf8').trim();
  if (text === 'Ping test' || text === '"Ping test"') return true;
  if (!text.startsWith('{') || nestingExceeds(text, MAX_JSON_DEPTH)) return false;
  try {
    return (JSON.parse(text) as { text?: unknown } | null)?.text === 'Ping test';
  } catch {
    return false;
  }
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

export type EmployeeReference = { kind: 'none' } | { kind: 'id'; id: string } | { kind: 'invalid'; reason: string };

/** The HiBob id of the person a notice is about (v2: data.employeeId; older payloads: data.employee.id). */
export function employeeOf(notice: unknown): EmployeeReference {
  const data = (notice as { data?: { employeeId?: unknown; employee?: { id?: unknown } } } | null)?.data;
  const id = data?.employeeId ?? data?.employee?.id;
  if (!((typeof id === 'string' && id.trim() !== '') || typeof id === 'number')) return { kind: 'none' };
  const text = String(id).trim();
  // The id is stored and looked up as text; PostgreSQL cannot hold a NUL, and HiBob's ids are digits.
  if (hasControlCharacter(text)) return { kind: 'invalid', reason: 'the employee id holds control characters' };
  if (text.length > 64) return { kind: 'invalid', reason: 'the employee id is longer than 64 characters' };
  return { kind: 'id', id: text };
}

export type Freshness =
  /** No triggeredAt: nothing to judge by (older payloads). */
  | { kind: 'undated' }
  | { kind: 'fresh'; triggeredAt: Date }
  | { kind: 'stale'; triggeredAt: Date; ageMs: number }
  | { kind: 'ahead'; triggeredAt: Date; aheadMs: number }
  | { kind: 'unreadable' };

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(:\d{2})?(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * Reads HiBob's triggeredAt: an ISO 8601 date and time, with an offset or Z; one without an offset
 * is taken as UTC, never as this machine's local time. Null when it is not such a timestamp.
 */
export function parseTriggeredAt(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const match = TIMESTAMP.exec(value.trim());
  if (!match) return null;
  const [, date, minutes, seconds = ':00', fraction = '', zone = 'Z'] = match;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const millis = fraction === '' ? '' : fraction.slice(0, 4).padEnd(4, '0');
  const ms = Date.parse(`${date}T${minutes}${seconds}${millis}${offset}`);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** Judges a notice's triggeredAt against `now`: at most NOTICE_MAX_AGE_MS old and NOTICE_MAX_AHEAD_MS ahead. */
export function freshnessOf(notice: unknown, now: Date): Freshness {
  const raw = (notice as { triggeredAt?: unknown } | null)?.triggeredAt;
  if (raw === undefined || raw === null) return { kind: 'undated' };
  const triggeredAt = parseTriggeredAt(raw);
  if (triggeredAt === null) return { kind: 'unreadable' };
  const ageMs = now.getTime() - triggeredAt.getTime();
  if (ageMs > NOTICE_MAX_AGE_MS) return { kind: 'stale', triggeredAt, ageMs };
  if (-ageMs > NOTICE_MAX_AHEAD_MS) return { kind: 'ahead', triggeredAt, aheadMs: -ageMs };
  return { kind: 'fresh', triggeredAt };
}

/**
 * Until when a notice's signature must be remembered to refuse its replay: as long as the notice
 * could still be accepted, that is NOTICE_MAX_AGE_MS after it was triggered (or, undated, received).
 */
export function receiptExpiry(freshness: Freshness, now: Date): Date {
  const from = freshness.kind === 'fresh' ? freshness.triggeredAt : now;
  return new Date(from.getTime() + NOTICE_MAX_AGE_MS);
}
