// Time-driven upkeep on the injectable clock: auto-disable webhooks failing for days, hourly error
// digests for messages that ran out of retries, and pruning of old history, expired sessions,
// idempotency records and HiBob notice receipts.
import { IDEMPOTENCY_RETENTION_MS } from '../http/idempotency';
import type { DeliveryContext } from './context';
import { pruneReceipts } from '../store/integrations';
import { insertNotification, markNotification } from '../store/notifications';
import type { Webhook } from '../store/webhooks';

const DIGEST_INTERVAL_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Keeps a notification and e-mails it to the webhook's error recipients when SMTP is configured. */
export async function notify(
  services: DeliveryContext,
  webhook: Pick<Webhook, 'id' | 'organizationId' | 'errorRecipientEmails'>,
  kind: string,
  subject: string,
  body: string,
): Promise<void> {
  const { store, clock, mailer } = services;
  const id = await insertNotification(store.db, {
    organizationId: webhook.organizationId,
    webhookId: webhook.id,
    kind,
    recipients: webhook.errorRecipientEmails,
    subject,
    body,
    at: clock.now(),
  });
  const outcome = await mailer.send(webhook.errorRecipientEmails, subject, body, () => clock.now());
  if (outcome.sentAt !== null || outcome.error !== null)
    await markNotification(store.db, id, outcome.sentAt, outcome.error);
  if (outcome.error !== null)
    services.logger.warn({ webhookId: webhook.id, error: outcome.error }, 'error mail not sent');
}

export interface UpkeepActions {
  disable(organizationId: string, webhookId: string, reason: string): Promise<void>;
}

export async function upkeep(services: DeliveryContext, actions: UpkeepActions): Promise<void> {
  const { store, clock, config } = services;
  const now = clock.now();
  const at = now.toISOString();

  const disableBefore = new Date(now.getTime() - config.webhookDisableAfterDays * DAY_MS).toISOString();
  const failing = await store.db
    .selectFrom('webhooks')
    .select(['id', 'organization_id'])
    .where('status', '=', 'active')
    .where('failing_since', '<=', disableBefore)
    .execute();
  for (const w of failing) {
    await actions.disable(w.organization_id, w.id, `Every delivery failed for ${config.webhookDisableAfterDays} days.`);
  }

  const digestBefore = new Date(now.getTime() - DIGEST_INTERVAL_MS).toISOString();
  const exhausted = await store.db
    .selectFrom('messages')
    .innerJoin('webhooks', 'webhooks.id', 'messages.webhook_id')
    .select([
      'messages.id',
      'messages.webhook_id',
      'messages.last_status_code',
      'messages.last_error',
      'webhooks.organization_id',
      'webhooks.name',
      'webhooks.url',
      'webhooks.error_recipient_emails',
      'webhooks.last_digest_at',
    ])
    .where('messages.status', '=', 'failed')
    .where('messages.reported_at', 'is', null)
    .where((eb) =>
      eb.or([eb('webhooks.last_digest_at', 'is', null), eb('webhooks.last_digest_at', '<=', digestBefore)]),
    )
    .execute();
  const byWebhook = new Map<string, typeof exhausted>();
  for (const m of exhausted) byWebhook.set(m.webhook_id, [...(byWebhook.get(m.webhook_id) ?? []), m]);
  for (const [webhookId, messages] of byWebhook) {
    const first = messages[0];
    const lines = messages.map(
      (m) => `- ${m.id}: ${m.last_status_code === null ? (m.last_error ?? 'no answer') : `HTTP ${m.last_status_code}`}`,
    );
    const body = [
      `${messages.length} message(s) to the webhook "${first.name}" (${first.url}) failed after every retry:`,
      '',
      ...lines,
      '',
      `Re-send them from the delivery history, or recover them all: POST ${services.publicUrl}/v1/webhooks/${webhookId}/recover`,
    ].join('\n');
    await notify(
      services,
      {
        id: webhookId,
        organizationId: first.organization_id,
        errorRecipientEmails: JSON.parse(first.error_recipient_emails) as string[],
      },
      'digest',
      `PeopleHub: deliveries to "${first.name}" failed`,
      body,
    );
    await store.db
      .updateTable('messages')
      .set({ reported_at: at })
      .where(
        'id',
        'in',
        messages.map((m) => m.id),
      )
      .execute();
    await store.db.updateTable('webhooks').set({ last_digest_at: at }).where('id', '=', webhookId).execute();
  }

  const keepFrom = new Date(now.getTime() - config.historyRetentionDays * DAY_MS).toISOString();
  await store.db.deleteFrom('delivery_attempts').where('sent_at', '<', keepFrom).execute();
  await store.db.deleteFrom('messages').where('status', '!=', 'pending').where('updated_at', '<', keepFrom).execute();
  await store.db.deleteFrom('notifications').where('created_at', '<', keepFrom).execute();
  await store.db
    .deleteFrom('events')
    .where('created_at', '<', keepFrom)
    .where('fanned_out_at', 'is not', null)
    .execute();
  // An expired session can never authenticate again; an idempotency record past its window is never replayed.
  await store.db.deleteFrom('app_sessions').where('expires_at', '<', at).execute();
  await store.db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS).toISOString())
    .execute();
  // A receipt past its expiry guards nothing: the notice it names would be refused as stale.
  await pruneReceipts(store.db, at);
}
