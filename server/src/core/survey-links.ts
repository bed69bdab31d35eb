// A survey invitation's personal link: `<invitation id>.<MAC>`, the MAC an HMAC-SHA256 of the
// invitation id under the survey's link key, cut to 192 bits. The store never holds the link: a
// reminder derives the same one again, and a revoked invitation makes it worthless.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** 32 base64url characters: 192 bits of the MAC. */
const MAC_CHARS = 32;
const ID_PATTERN = /^inv_[0-9A-Za-z]{1,40}$/;
const LABEL = 'peoplehub survey link v1';

function macOf(key: Buffer, invitationId: string): string {
  return createHmac('sha256', key).update(`${LABEL}\u0000${invitationId}`).digest('base64url').slice(0, MAC_CHARS);
}

export function linkToken(key: Buffer, invitationId: string): string {
  return `${invitationId}.${macOf(key, invitationId)}`;
}

/** The invitation a token names, or null when it is not shaped like a link at all. */
export function invitationOfToken(token: string): string | null {
  if (token.length > 120) return null;
  const dot = token.indexOf('.');
  if (dot < 0) return null;
  const id = token.slice(0, dot);
  const mac = token.slice(dot + 1);
  if (!ID_PATTERN.test(id) || !/^[A-Za-z0-9_-]+$/.test(mac) || mac.length !== MAC_CHARS) return null;
  return id;
}

/** True when the token is the link of that invitation under that key (constant time). */
export function tokenMatches(key: Buffer, token: string, invitationId: string): boolean {
  const expected = Buffer.from(linkToken(key, invitationId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A key no survey has: what an unknown invitation's token is checked against, so both take as long. */
export const NO_KEY = Buffer.alloc(32);
