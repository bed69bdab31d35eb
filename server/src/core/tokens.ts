// Bearer credentials: app tokens (`pha_`) and user keys (`phu_`), shown once and stored as SHA-256.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenKind = 'app' | 'user';

const PREFIX: Record<TokenKind, string> = { app: 'pha_', user: 'phu_' };

/** 32 random bytes: high entropy, so a fast hash is the right store (a slow KDF adds nothing). */
export function generateToken(kind: TokenKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenKind(token: string): TokenKind | null {
  if (/^pha_[A-Za-z0-9_-]{43}$/.test(token)) return 'app';
  if (/^phu_[A-Za-z0-9_-]{43}$/.test(token)) return 'user';
  return null;
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
