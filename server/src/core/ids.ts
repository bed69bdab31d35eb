// Prefixed, time-ordered identifiers (`usr_01J…`): sortable by creation, unguessable, typed at a glance.
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_BITS = 80n;

export type IdPrefix =
  | 'run'
  | 'int'
  | 'org'
  | 'usr'
  | 'app'
  | 'ses'
  | 'key'
  | 'aud'
  | 'ukey'
  | 'evt'
  | 'emp'
  | 'att'
  | 'grp'
  | 'rol'
  | 'prg'
  | 'rec'
  | 'ans'
  | 'wh'
  | 'msg'
  | 'dlv'
  | 'ntf'
  | 'srv'
  | 'inv'
  | 'sml';

function encodeBase32(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i += 1) {
    out = CROCKFORD[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
}

// Within one millisecond the random part counts up, so ids made by one process keep their order
// (ULID's monotonic rule); the audit log, "newest first" lists and "was this event made after that
// webhook" rely on that. The count is kept per millisecond for the recent ones, so an id stamped with
// another time in between (an attempt recorded a moment after it was sent, a clock set back) does not
// restart it.
const RECENT_MILLISECONDS = 4_096;
const lastRandom = new Map<number, bigint>();

function nextRandom(time: number): bigint {
  const last = lastRandom.get(time);
  let next: bigint;
  if (last !== undefined && last < (1n << RANDOM_BITS) - 1n) {
    next = last + 1n;
  } else {
    next = BigInt(`0x${randomBytes(10).toString('hex')}`) >> 1n;
    if (lastRandom.size >= RECENT_MILLISECONDS) lastRandom.delete(lastRandom.keys().next().value as number);
  }
  lastRandom.set(time, next);
  return next;
}

/** 48 bits of milliseconds then 80 random bits, Crockford base32: 26 characters after the prefix. */
export function newId(prefix: IdPrefix, now: Date): string {
  const time = now.getTime();
  return `${prefix}_${encodeBase32(BigInt(time), 10)}${encodeBase32(nextRandom(time), 16)}`;
}

/** The lowest id `prefix` can have at `at`: every id made before that moment sorts below it. */
export function idFloor(prefix: IdPrefix, at: Date): string {
  return `${prefix}_${encodeBase32(BigInt(at.getTime()), 10)}${'0'.repeat(16)}`;
}
