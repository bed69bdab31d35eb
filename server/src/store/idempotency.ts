// Idempotency records: one row per (organization, credential, key), holding the request's keyed hash
// and, once the request has run, its sealed answer (see http/idempotency for what is stored and why).
import type { Kysely } from 'kysely';
import { isUniqueViolation } from './errors';
import type { Database } from './schema';

/** How long a key is remembered: a record this old is never replayed, and retention deletes it. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3600 * 1000;

export interface IdempotencyKey {
  organizationId: string;
  credentialId: string;
  key: string;
}

export interface IdempotencyRecord {
  requestHash: string;
  /** The answer's status and sealed body; both null while the first request is still running. */
  status: number | null;
  response: string | null;
  createdAt: string;
}

export async function findIdempotencyRecord(
  db: Kysely<Database>,
  id: IdempotencyKey,
): Promise<IdempotencyRecord | null> {
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('organization_id', '=', id.organizationId)
    .where('credential_id', '=', id.credentialId)
    .where('key', '=', id.key)
    .executeTakeFirst();
  if (row === undefined) return null;
  return {
    requestHash: row.request_hash,
    status: row.status === null ? null : Number(row.status),
    response: row.response,
    createdAt: row.created_at,
  };
}

/**
 * Takes the key for a request about to run. False when another request holds it: the primary key
 * decides, so two requests racing with one key never both run.
 */
export async function claimIdempotencyKey(
  db: Kysely<Database>,
  id: IdempotencyKey,
  requestHash: string,
  at: string,
): Promise<boolean> {
  try {
    await db
      .insertInto('idempotency_keys')
      .values({
        organization_id: id.organizationId,
        credential_id: id.credentialId,
        key: id.key,
        request_hash: requestHash,
        status: null,
        response: null,
        created_at: at,
      })
      .execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function saveIdempotentAnswer(
  db: Kysely<Database>,
  id: IdempotencyKey,
  status: number,
  sealedResponse: string,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status, response: sealedResponse })
    .where('organization_id', '=', id.organizationId)
    .where('credential_id', '=', id.credentialId)
    .where('key', '=', id.key)
    .execute();
}

export async function releaseIdempotencyKey(db: Kysely<Database>, id: IdempotencyKey): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('organization_id', '=', id.organizationId)
    .where('credential_id', '=', id.credentialId)
    .where('key', '=', id.key)
    .execute();
}

export async function pruneIdempotencyRecords(db: Kysely<Database>, before: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', before).execute();
}
