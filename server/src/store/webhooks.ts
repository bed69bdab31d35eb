// Webhook subscriptions: where events go, in which format, signed with which secret (sealed at rest).
import type { Kysely } from 'kysely';
import type { SubscribedEvent } from '../core/events';
import { type OpenedSecrets, openSecret, sealSecret } from '../core/secret-box';
import { type Keyset, type Page, containsText, pageBy, takePage } from './query';
import type { Database, WebhooksTable } from './schema';

export type WebhookStatus = 'active' | 'inactive' | 'disabled';
export type WebhookFormat = 'json' | 'chat' | 'slack' | 'teams';

export interface Webhook {
  id: string;
  organizationId: string;
  name: string;
  url: string;
  /** Event types, or `*` for every type but the opt-in ones (see core/events subscribes). */
  events: SubscribedEvent[];
  status: WebhookStatus;
  format: WebhookFormat;
  signing: boolean;
  verifySsl: boolean;
  maxEventsPerRequest: number;
  /** Messages in flight at once (per server process); 1 delivers strictly in order, retries included. */
  maxConcurrency: number;
  errorRecipientEmails: string[];
  disabledReason: string | null;
  lastTriggeredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookSecrets {
  current: string;
  previous: string | null;
  previousExpiresAt: string | null;
}

const purpose = (id: string, which: 'current' | 'previous') => `webhook-secret:${id}:${which}`;

function toWebhook(row: WebhooksTable): Webhook {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    url: row.url,
    events: JSON.parse(row.events) as SubscribedEvent[],
    status: row.status as WebhookStatus,
    format: row.format as WebhookFormat,
    signing: Number(row.signing) === 1,
    verifySsl: Number(row.verify_ssl) === 1,
    maxEventsPerRequest: Number(row.max_events_per_request),
    maxConcurrency: Number(row.max_concurrency),
    errorRecipientEmails: JSON.parse(row.error_recipient_emails) as string[],
    disabledReason: row.disabled_reason,
    lastTriggeredAt: row.last_triggered_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function settings(w: Webhook) {
  return {
    name: w.name,
    name_lower: w.name.toLowerCase(),
    url: w.url,
    events: JSON.stringify(w.events),
    status: w.status,
    format: w.format,
    signing: w.signing ? 1 : 0,
    verify_ssl: w.verifySsl ? 1 : 0,
    max_events_per_request: w.maxEventsPerRequest,
    max_concurrency: w.maxConcurrency,
    error_recipient_emails: JSON.stringify(w.errorRecipientEmails),
    disabled_reason: w.disabledReason,
    updated_at: w.updatedAt,
  };
}

export const WEBHOOK_SORTS = {
  createdAt: { column: 'webhooks.created_at', nullable: false, value: (w: Webhook) => w.createdAt },
  name: { column: 'webhooks.name_lower', nullable: false, value: (w: Webhook) => w.name.toLowerCase() },
  status: { column: 'webhooks.status', nullable: false, value: (w: Webhook) => w.status },
  lastTriggeredAt: {
    column: 'webhooks.last_triggered_at',
    nullable: true,
    value: (w: Webhook) => w.lastTriggeredAt ?? '',
  },
} as const;

export async function insertWebhook(
  db: Kysely<Database>,
  masterKey: Buffer,
  webhook: Webhook,
  secret: string,
): Promise<void> {
  await db
    .insertInto('webhooks')
    .values({
      id: webhook.id,
      organization_id: webhook.organizationId,
      ...settings(webhook),
      secret: sealSecret(masterKey, secret, purpose(webhook.id, 'current')),
      previous_secret: null,
      previous_secret_expires_at: null,
      last_triggered_at: null,
      failing_since: null,
      last_digest_at: null,
      created_at: webhook.createdAt,
    })
    .execute();
}

export async function updateWebhook(db: Kysely<Database>, webhook: Webhook): Promise<void> {
  await db
    .updateTable('webhooks')
    .set(settings(webhook))
    .where('organization_id', '=', webhook.organizationId)
    .where('id', '=', webhook.id)
    .execute();
}

export async function deleteWebhook(db: Kysely<Database>, organizationId: string, id: string): Promise<void> {
  await db.deleteFrom('webhooks').where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

export async function findWebhook(db: Kysely<Database>, organizationId: string, id: string): Promise<Webhook | null> {
  const row = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toWebhook(row) : null;
}

export async function listWebhooks(
  db: Kysely<Database>,
  organizationId: string,
  filter: { q?: string; status?: WebhookStatus },
  keyset: Keyset,
): Promise<Page<Webhook>> {
  let query = db.selectFrom('webhooks').selectAll().where('organization_id', '=', organizationId);
  if (filter.q) query = query.where(containsText(['webhooks.name', 'webhooks.url'], filter.q));
  if (filter.status) query = query.where('status', '=', filter.status);
  return takePage((await pageBy(query, keyset).execute()).map(toWebhook), keyset.limit);
}

export async function resetFailureWindow(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('webhooks').set({ failing_since: null }).where('id', '=', id).execute();
}

/** Active webhooks whose every delivery has failed since `since` or before: the ones to disable. */
export async function webhooksFailingSince(
  db: Kysely<Database>,
  since: string,
): Promise<{ id: string; organizationId: string }[]> {
  const rows = await db
    .selectFrom('webhooks')
    .select(['id', 'organization_id'])
    .where('status', '=', 'active')
    .where('failing_since', '<=', since)
    .execute();
  return rows.map((row) => ({ id: row.id, organizationId: row.organization_id }));
}

/** Notes when the webhook's last failure digest went out, to send at most one per interval. */
export async function recordDigest(db: Kysely<Database>, id: string, at: string): Promise<void> {
  await db.updateTable('webhooks').set({ last_digest_at: at }).where('id', '=', id).execute();
}

/** The signing secrets, opened; the previous one only while its overlap lasts. */
export async function webhookSecrets(
  db: Kysely<Database>,
  masterKey: Buffer,
  webhook: Webhook,
  now: Date,
): Promise<WebhookSecrets> {
  const row = await db
    .selectFrom('webhooks')
    .select(['secret', 'previous_secret', 'previous_secret_expires_at'])
    .where('id', '=', webhook.id)
    .executeTakeFirstOrThrow();
  const live =
    row.previous_secret !== null &&
    row.previous_secret_expires_at !== null &&
    row.previous_secret_expires_at > now.toISOString();
  return {
    current: openSecret(masterKey, row.secret, purpose(webhook.id, 'current')),
    previous: live ? openSecret(masterKey, row.previous_secret as string, purpose(webhook.id, 'previous')) : null,
    previousExpiresAt: live ? row.previous_secret_expires_at : null,
  };
}

/** A webhook as a claim sends to it: its settings and the secrets that sign (none when unsigned). */
export interface DeliveryWebhook {
  webhook: Webhook;
  secrets: string[];
}

/**
 * The webhooks of one claim with their signing secrets, in one query: read afresh at every claim, so
 * a change or deletion (also by another process) applies from the next claim on. Secrets are opened
 * through `opened`, which only saves decrypting the same ciphertext again; whether the previous
 * secret still signs is decided here against `now`, every time. A webhook that is gone is missing.
 */
export async function webhooksForDelivery(
  db: Kysely<Database>,
  opened: OpenedSecrets,
  ids: string[],
  now: Date,
): Promise<Map<string, DeliveryWebhook>> {
  const found = new Map<string, DeliveryWebhook>();
  if (ids.length === 0) return found;
  const rows = await db.selectFrom('webhooks').selectAll().where('id', 'in', ids).execute();
  const at = now.toISOString();
  for (const row of rows) {
    const webhook = toWebhook(row);
    let secrets: string[] = [];
    if (webhook.signing) {
      secrets = [opened.open(row.secret, purpose(row.id, 'current'))];
      if (
        row.previous_secret !== null &&
        row.previous_secret_expires_at !== null &&
        row.previous_secret_expires_at > at
      )
        secrets.push(opened.open(row.previous_secret, purpose(row.id, 'previous')));
    }
    found.set(row.id, { webhook, secrets });
  }
  return found;
}

/** Makes `secret` current; the old one keeps signing until `overlapUntil`. */
export async function rotateWebhookSecret(
  db: Kysely<Database>,
  masterKey: Buffer,
  webhook: Webhook,
  secret: string,
  overlapUntil: Date,
  now: Date,
): Promise<void> {
  const old = (await webhookSecrets(db, masterKey, webhook, now)).current;
  await db
    .updateTable('webhooks')
    .set({
      secret: sealSecret(masterKey, secret, purpose(webhook.id, 'current')),
      previous_secret: sealSecret(masterKey, old, purpose(webhook.id, 'previous')),
      previous_secret_expires_at: overlapUntil.toISOString(),
      updated_at: now.toISOString(),
    })
    .where('id', '=', webhook.id)
    .execute();
}
