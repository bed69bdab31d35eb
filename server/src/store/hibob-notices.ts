// HiBob's real-time notices: the queue of people to re-read (one row per person, whatever number of
// notices named them), and the receipts that refuse a notice's replay.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** Notes that a person changed in HiBob; repeated notices for one person collapse into one row. */
export async function enqueueNotification(
  db: Kysely<Database>,
  organizationId: string,
  externalId: string,
  at: string,
): Promise<void> {
  // A fresh token each time, even within the same millisecond: finishing the notification before it must not remove this one.
  const token = randomBytes(12).toString('base64url');
  await db
    .insertInto('hibob_notifications')
    .values({
      organization_id: organizationId,
      employee_external_id: externalId,
      received_at: at,
      token,
      attempts: 0,
      next_attempt_at: at,
      last_error: null,
    })
    .onConflict((oc) =>
      oc
        .columns(['organization_id', 'employee_external_id'])
        .doUpdateSet({ received_at: at, token, next_attempt_at: at, attempts: 0, last_error: null }),
    )
    .execute();
}

export interface PendingNotification {
  organizationId: string;
  externalId: string;
  receivedAt: string;
  token: string;
  attempts: number;
  nextAttemptAt: string;
}

export async function dueNotifications(
  db: Kysely<Database>,
  now: string,
  limit: number,
): Promise<PendingNotification[]> {
  const rows = await db
    .selectFrom('hibob_notifications')
    .selectAll()
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    organizationId: r.organization_id,
    externalId: r.employee_external_id,
    receivedAt: r.received_at,
    token: r.token,
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
  }));
}

/** Takes a notification for `until`; false when another process took it (or it changed) first. */
export async function claimNotification(
  db: Kysely<Database>,
  notification: PendingNotification,
  until: string,
): Promise<boolean> {
  const result = await db
    .updateTable('hibob_notifications')
    .set({ next_attempt_at: until })
    .where('organization_id', '=', notification.organizationId)
    .where('employee_external_id', '=', notification.externalId)
    .where('next_attempt_at', '=', notification.nextAttemptAt)
    .where('token', '=', notification.token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Done with a notification, unless a newer one for the same person arrived meanwhile (its new token keeps it). */
export async function finishNotification(db: Kysely<Database>, notification: PendingNotification): Promise<void> {
  await db
    .deleteFrom('hibob_notifications')
    .where('organization_id', '=', notification.organizationId)
    .where('employee_external_id', '=', notification.externalId)
    .where('token', '=', notification.token)
    .execute();
}

export async function retryNotification(
  db: Kysely<Database>,
  notification: PendingNotification,
  at: string,
  error: string,
): Promise<void> {
  await db
    .updateTable('hibob_notifications')
    .set({ attempts: notification.attempts + 1, next_attempt_at: at, last_error: error.slice(0, 1000) })
    .where('organization_id', '=', notification.organizationId)
    .where('employee_external_id', '=', notification.externalId)
    .where('token', '=', notification.token)
    .execute();
}

// Receipts: which signed notices were accepted, while a replay of them could still look fresh.

/**
 * Records a signed notice's receipt; false when a receipt with the same signature hash is still
 * current (a replay). Run it in the transaction that queues the notice: if that transaction never
 * commits, no receipt remains, and HiBob's retry of the notice is accepted.
 */
export async function recordReceipt(
  db: Kysely<Database>,
  integrationId: string,
  signatureHash: string,
  expiresAt: string,
  now: string,
): Promise<boolean> {
  // An expired receipt that upkeep has not yet pruned no longer counts.
  await db
    .deleteFrom('hibob_receipts')
    .where('integration_id', '=', integrationId)
    .where('signature_hash', '=', signatureHash)
    .where('expires_at', '<', now)
    .execute();
  const result = await db
    .insertInto('hibob_receipts')
    .values({ integration_id: integrationId, signature_hash: signatureHash, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(['integration_id', 'signature_hash']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Deletes receipts whose notices could no longer be accepted anyway. */
export async function pruneReceipts(db: Kysely<Database>, now: string): Promise<void> {
  await db.deleteFrom('hibob_receipts').where('expires_at', '<', now).execute();
}
