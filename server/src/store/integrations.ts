// HRIS integrations (HiBob): the connection with its sealed credentials, the sync runs, the queue
// of real-time notifications waiting to be applied, and the receipts that refuse a notice's replay.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { openSecret, sealSecret } from '../core/secret-box';
import { type Keyset, type Page, pageBy, takePage } from './query';
import type { Database, IntegrationsTable, SyncRunsTable } from './schema';

export interface Integration {
  id: string;
  organizationId: string;
  kind: 'hibob';
  baseUrl: string;
  serviceUserId: string;
  receiverId: string;
  hookSecretSet: boolean;
  autoSyncMinutes: number | null;
  nextAutoSyncAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface IntegrationSecrets {
  token: string;
  hookSecret: string | null;
}

const purpose = (id: string, which: 'token' | 'hook-secret') => `integration-${which}:${id}`;

function toIntegration(row: IntegrationsTable): Integration {
  return {
    id: row.id,
    organizationId: row.organization_id,
    kind: row.kind as 'hibob',
    baseUrl: row.base_url,
    serviceUserId: row.service_user_id,
    receiverId: row.receiver_id,
    hookSecretSet: row.hook_secret !== null,
    autoSyncMinutes: row.auto_sync_minutes === null ? null : Number(row.auto_sync_minutes),
    nextAutoSyncAt: row.next_auto_sync_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findIntegration(db: Kysely<Database>, organizationId: string): Promise<Integration | null> {
  const row = await db
    .selectFrom('integrations')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('kind', '=', 'hibob')
    .executeTakeFirst();
  return row ? toIntegration(row) : null;
}

export async function findIntegrationByReceiver(db: Kysely<Database>, receiverId: string): Promise<Integration | null> {
  const row = await db.selectFrom('integrations').selectAll().where('receiver_id', '=', receiverId).executeTakeFirst();
  return row ? toIntegration(row) : null;
}

/** The token and hook secret, unsealed; only the HiBob client and the receiver need them. */
export async function integrationSecrets(
  db: Kysely<Database>,
  masterKey: Buffer,
  integration: Integration,
): Promise<IntegrationSecrets> {
  const row = await db
    .selectFrom('integrations')
    .select(['token', 'hook_secret'])
    .where('id', '=', integration.id)
    .executeTakeFirstOrThrow();
  return {
    token: openSecret(masterKey, row.token, purpose(integration.id, 'token')),
    hookSecret:
      row.hook_secret === null ? null : openSecret(masterKey, row.hook_secret, purpose(integration.id, 'hook-secret')),
  };
}

/** Creates or replaces the organization's connection; secrets are sealed here. */
export async function saveIntegration(
  db: Kysely<Database>,
  masterKey: Buffer,
  integration: Integration,
  secrets: IntegrationSecrets,
): Promise<void> {
  const row: IntegrationsTable = {
    id: integration.id,
    organization_id: integration.organizationId,
    kind: integration.kind,
    base_url: integration.baseUrl,
    service_user_id: integration.serviceUserId,
    token: sealSecret(masterKey, secrets.token, purpose(integration.id, 'token')),
    hook_secret:
      secrets.hookSecret === null
        ? null
        : sealSecret(masterKey, secrets.hookSecret, purpose(integration.id, 'hook-secret')),
    receiver_id: integration.receiverId,
    auto_sync_minutes: integration.autoSyncMinutes,
    next_auto_sync_at: integration.nextAutoSyncAt,
    created_at: integration.createdAt,
    updated_at: integration.updatedAt,
  };
  const { id: _id, organization_id: _org, kind: _kind, created_at: _created, ...changes } = row;
  await db
    .insertInto('integrations')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet(changes))
    .execute();
}

export async function deleteIntegration(db: Kysely<Database>, organizationId: string): Promise<void> {
  await db.deleteFrom('hibob_notifications').where('organization_id', '=', organizationId).execute();
  await db
    .deleteFrom('integrations')
    .where('organization_id', '=', organizationId)
    .where('kind', '=', 'hibob')
    .execute();
}

/** Integrations whose automatic sync is due. */
export async function dueAutoSyncs(db: Kysely<Database>, now: string): Promise<Integration[]> {
  const rows = await db.selectFrom('integrations').selectAll().where('next_auto_sync_at', '<=', now).execute();
  return rows.map(toIntegration);
}

/**
 * Moves an automatic sync's next time forward, but only from the time this process read: among
 * several server processes exactly one wins, and only the winner starts the run.
 */
export async function claimAutoSync(db: Kysely<Database>, integration: Integration, next: string): Promise<boolean> {
  const result = await db
    .updateTable('integrations')
    .set({ next_auto_sync_at: next })
    .where('id', '=', integration.id)
    .where('next_auto_sync_at', '=', integration.nextAutoSyncAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// Sync runs.

export type RunStatus = 'running' | 'completed' | 'failed';
export type RunPhase = 'starting' | 'downloading' | 'applying' | 'done';

export interface RunReport {
  skippedFields: { field: string; hibobType: string; reason: string }[];
  skippedPeople: { externalId: string | null; reason: string }[];
  addedOptions: { attribute: string; option: string }[];
  warnings: { externalId: string; warning: string }[];
}

export interface SyncRun {
  id: string;
  organizationId: string;
  trigger: 'manual' | 'automatic';
  status: RunStatus;
  phase: RunPhase;
  processed: number;
  total: number | null;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  report: RunReport;
  error: string | null;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
}

export const EMPTY_REPORT: RunReport = { skippedFields: [], skippedPeople: [], addedOptions: [], warnings: [] };

function toRun(row: SyncRunsTable): SyncRun {
  return {
    id: row.id,
    organizationId: row.organization_id,
    trigger: row.trigger as SyncRun['trigger'],
    status: row.status as RunStatus,
    phase: row.phase as RunPhase,
    processed: Number(row.processed),
    total: row.total === null ? null : Number(row.total),
    created: Number(row.created),
    updated: Number(row.updated),
    deleted: Number(row.deleted),
    unchanged: Number(row.unchanged),
    report: JSON.parse(row.report) as RunReport,
    error: row.error,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
    finishedAt: row.finished_at,
  };
}

function toRunRow(run: SyncRun): SyncRunsTable {
  return {
    id: run.id,
    organization_id: run.organizationId,
    trigger: run.trigger,
    status: run.status,
    phase: run.phase,
    processed: run.processed,
    total: run.total,
    created: run.created,
    updated: run.updated,
    deleted: run.deleted,
    unchanged: run.unchanged,
    report: JSON.stringify(run.report),
    error: run.error,
    started_at: run.startedAt,
    heartbeat_at: run.heartbeatAt,
    finished_at: run.finishedAt,
  };
}

/** Records a new running run; fails with a unique violation while another one runs for the organization. */
export async function insertRun(db: Kysely<Database>, run: SyncRun): Promise<void> {
  await db.insertInto('sync_runs').values(toRunRow(run)).execute();
}

/** Writes a run's progress and outcome (a running run's write is also its heartbeat). */
export async function updateRun(db: Kysely<Database>, run: SyncRun): Promise<void> {
  const { id: _id, organization_id: _org, trigger: _trigger, started_at: _started, ...changes } = toRunRow(run);
  await db.updateTable('sync_runs').set(changes).where('id', '=', run.id).execute();
}

export async function findRun(db: Kysely<Database>, organizationId: string, id: string): Promise<SyncRun | null> {
  const row = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRun(row) : null;
}

export async function runningRun(db: Kysely<Database>, organizationId: string): Promise<SyncRun | null> {
  const row = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return row ? toRun(row) : null;
}

export async function lastRun(db: Kysely<Database>, organizationId: string): Promise<SyncRun | null> {
  const row = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toRun(row) : null;
}

export async function listRuns(db: Kysely<Database>, organizationId: string, keyset: Keyset): Promise<Page<SyncRun>> {
  const rows = await pageBy(
    db.selectFrom('sync_runs').selectAll().where('organization_id', '=', organizationId),
    keyset,
  ).execute();
  return takePage(rows.map(toRun), keyset.limit);
}

/** Running runs whose heartbeat stopped before `before` (all running ones when it is null). */
export async function staleRuns(db: Kysely<Database>, before: string | null): Promise<SyncRun[]> {
  let query = db.selectFrom('sync_runs').selectAll().where('status', '=', 'running');
  if (before !== null) query = query.where('heartbeat_at', '<', before);
  return (await query.execute()).map(toRun);
}

// Real-time notifications: one row per person, whatever number of notifications named them.

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
