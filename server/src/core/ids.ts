// Prefixed, time-ordered identifiers (`usr_01J…`): sortable by creation, unguessable, typed at a glance.
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_BITS = 80n;

export type IdPrefix = 'run' | 'int' | 'org' | 'usr' | 'app' | 'ses' | 'key' | 'aud' | 'ukey' | 'evt' | 'emp' | 'att' | 'grp' | 'rol' | 'prg' | 'rec' | 'ans' | 'wh' | 'msg' | 'dlv' | 'ntf';

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
// (ULID's monotonic rule); the audit log and "newest first" lists rely on that.
let lastTime = -1;
let lastRandom = 0n;

function nextRandom(time: number): bigint {
  if (time === lastTime && lastRandom < (1n << RANDOM_BITS) - 1n) {
    lastRandom += 1n;
  } else {
    lastTime = time;
    lastRandom = BigInt(`0x${randomBytes(10).toString('hex')}`) >> 1n;
  }
  return lastRandom;
}

/** 48 bits of milliseconds then 80 random bits, Crockford base32: 26 characters after the prefix. */
export function newId(prefix: IdPrefix, now: Date): string {
  const time = now.getTime();
  return `${prefix}_${encodeBase32(BigInt(time), 10)}${encodeBase32(nextRandom(time), 16)}`;
}
