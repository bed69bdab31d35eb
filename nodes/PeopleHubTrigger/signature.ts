// Standard Webhooks verification with node:crypto alone (the package has no runtime dependencies):
// the signature is base64 HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<raw body>", keyed with
// the base64 part of the `whsec_` secret; the header may carry several ("v1,<sig> v1,<sig>") while a
// secret is being rotated.
import { createHmac, timingSafeEqual } from 'crypto';

/** How far the sender's clock may be from ours: older requests are refused as possible replays. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export type Verdict = { ok: true } | { ok: false; reason: string };

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/** Checks one request against any of the secrets; `now` in seconds. */
export function verifySignature(secrets: string[], headers: Headers, rawBody: Buffer, now: number): Verdict {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures)
    return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'webhook-timestamp is not a Unix time' };
  if (Math.abs(now - Number(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS)
    return { ok: false, reason: 'webhook-timestamp is too far from now' };
  const given = signatures
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'base64'));
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), rawBody]);
  for (const secret of secrets) {
    const expected = createHmac('sha256', secretKey(secret)).update(signed).digest();
    if (given.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected)))
      return { ok: true };
  }
  return { ok: false, reason: 'no signature matches' };
}
