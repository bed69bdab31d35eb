// HRIS integrations (HiBob): the connection with its sealed credentials and its automatic sync
// schedule. Its runs are store/sync-runs; the notices it sends, store/hibob-notices.
import type { Kysely } from 'kysely';
import { openSecret, sealSecret } from '../core/secret-box';
import type { Database, IntegrationsTable } from './schema';

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
