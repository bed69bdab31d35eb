// Idempotency-Key on POST and PUT: the same key from the same credential within 24 hours gets the first answer.
// Answers can hold secrets shown once (an app token, a webhook secret, a user key), so the stored
// answer is sealed with the master key and the request is kept only as a keyed hash.
import { createHmac } from 'node:crypto';
import { openSecret, sealSecret } from '../core/secret-box';
import type { IncomingMessage } from 'node:http';
import type { DomainContext } from '../domain/context';
import type { Principal } from '../domain/principal';
import {
  IDEMPOTENCY_RETENTION_MS,
  type IdempotencyKey,
  claimIdempotencyKey,
  findIdempotencyRecord,
  releaseIdempotencyKey,
  saveIdempotentAnswer,
} from '../store/idempotency';
import { HttpProblem, problems } from '../core/problem';
import type { Reply } from './route';

const KEY = /^[\x21-\x7e]{1,255}$/;

export function idempotencyKeyOf(req: IncomingMessage): string | null {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return null;
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw problems.badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters.');
  }
  return key;
}

function credentialOf(principal: Principal): string {
  return principal.kind === 'app' ? principal.app.id : principal.user.id;
}

interface StoredAnswer {
  body: unknown;
  problem: boolean;
}

/** The seal is bound to its key, so a sealed answer copied to another key's row does not open. */
const purposeOf = (id: IdempotencyKey) => `idempotency:${id.organizationId}:${id.credentialId}:${id.key}`;

/**
 * Runs the request once per key. A key still in flight answers 409; a key reused with another
 * request (method, path or body) answers 422. Answers below 500 are kept and replayed with
 * `Idempotent-Replayed: true`; a 500 frees the key so the request can be retried.
 */
export async function runIdempotent(
  ctx: Pick<DomainContext, 'store' | 'clock' | 'masterKey'>,
  principal: Principal,
  key: string,
  request: string,
  run: () => Promise<Reply>,
): Promise<Reply> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const id: IdempotencyKey = { organizationId: principal.organizationId, credentialId: credentialOf(principal), key };
  // Keyed, so a request that carried a guessable secret cannot be confirmed from its stored hash.
  const requestHash = createHmac('sha256', ctx.masterKey).update(request).digest('hex');
  const seal = (answer: StoredAnswer) => sealSecret(ctx.masterKey, JSON.stringify(answer), purposeOf(id));
  const existing = await findIdempotencyRecord(db, id);
  if (existing && now.getTime() - Date.parse(existing.createdAt) < IDEMPOTENCY_RETENTION_MS) {
    if (existing.requestHash !== requestHash) {
      throw problems.unprocessable('This Idempotency-Key was already used with a different request; use a new key.');
    }
    if (existing.status === null || existing.response === null)
      throw problems.conflict('A request with this Idempotency-Key is still in progress.');
    const stored = JSON.parse(openSecret(ctx.masterKey, existing.response, purposeOf(id))) as StoredAnswer;
    return {
      status: existing.status,
      body: stored.body,
      problem: stored.problem,
      headers: { 'idempotent-replayed': 'true' },
    };
  }
  if (existing) await releaseIdempotencyKey(db, id);
  if (!(await claimIdempotencyKey(db, id, requestHash, now.toISOString())))
    throw problems.conflict('A request with this Idempotency-Key is still in progress.');
  let result: Reply;
  try {
    result = await run();
  } catch (error) {
    if (error instanceof HttpProblem && error.status < 500) {
      await saveIdempotentAnswer(db, id, error.status, seal({ body: error.toJSON(), problem: true }));
    } else {
      await releaseIdempotencyKey(db, id);
    }
    throw error;
  }
  await saveIdempotentAnswer(db, id, result.status, seal({ body: result.body ?? null, problem: false }));
  return result;
}
