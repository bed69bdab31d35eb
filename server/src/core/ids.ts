// Prefixed, time-ordered identifiers (`usr_01J…`): sortable by creation, unguessable, typed at a glance.
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type IdPrefix = 'org' | 'usr' | 'app' | 'ses' | 'key' | 'aud' | 'ukey';

function encodeBase32(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i += 1) {
    out = CROCKFORD[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
}

/** 48 bits of milliseconds then 80 random bits, Crockford base32: 26 characters after the prefix. */
export function newId(prefix: IdPrefix, now: Date): string {
  const time = encodeBase32(BigInt(now.getTime()), 10);
  const random = encodeBase32(BigInt(`0x${randomBytes(10).toString('hex')}`), 16);
  return `${prefix}_${time}${random}`;
}
