// Time-driven upkeep on the injectable clock: auto-disable webhooks failing for days, hourly error
// digests for messages that ran out of retries, and pruning of old history, expired sessions,
// idempotency records and HiBob notice receipts.
import type { DeliveryContext } from './context';
import { pruneExpiredSessions } from '../store/apps';
import { pruneAttempts } from '../store/delivery-attempts';
import { pruneEvents } from '../store/events';
import { IDEMPOTENCY_RETENTION_MS, pruneIdempotencyRecords } from '../store/idempotency';
import { pruneReceipts } from '../store/hibob-notices';
import { type UnreportedFailure, markReported, pruneFinishedMessages, unreportedFailures } from '../store/messages';
import { insertNotification, markNotification, pruneNotifications } from '../store/notifications';
import { type Webhook, recordDigest, webhooksFailingSince } from '../store/webhooks';

const DIGEST_INTERVAL_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Keeps a notification and e-mails it to the webhook's error recipients when SMTP is configured. */
export async function notify(
  ctx: DeliveryContext,
  webhook: Pick<Webhook, 'id' | 'organizationId' | 'errorRecipientEmails'>,
  kind: string,
  subject: string,
  body: string,
): Promise<void> {
  const { store, clock, mailer } = ctx;
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
  if (outcome.error !== null) ctx.logger.warn({ webhookId: webhook.id, error: outcome.error }, 'error mail not sent');
}

export interface UpkeepActions {
  disable(organizationId: string, webhookId: string, reason: string): Promise<void>;
}

/** The upkeep jobs, in order; the dispatcher runs them at most once a minute of clock time. */
export async function upkeep(ctx: DeliveryContext, actions: UpkeepActions): Promise<void> {
  await disableFailingWebhooks(ctx, actions);
  await sendFailureDigests(ctx);
  await applyRetention(ctx);
}

/** Turns off webhooks whose every delivery has failed for the configured number of days. */
export async function disableFailingWebhooks(ctx: DeliveryContext, actions: UpkeepActions): Promise<void> {
  const { store, clock, config } = ctx;
  const since = new Date(clock.now().getTime() - config.webhookDisableAfterDays * DAY_MS).toISOString();
  for (const w of await webhooksFailingSince(store.db, since)) {
    await actions.disable(w.organizationId, w.id, `Every delivery failed for ${config.webhookDisableAfterDays} days.`);
  }
}

/**
 * Tells each webhook's error recipients, in one notification, about every message that ran out of
 * retries since the last one; at most one digest per webhook an hour, so a broken endpoint does not
 * flood their inbox.
 */
export async function sendFailureDigests(ctx: DeliveryContext): Promise<void> {
  const { store, clock } = ctx;
  const now = clock.now();
  const at = now.toISOString();
  const failures = await unreportedFailures(store.db, new Date(now.getTime() - DIGEST_INTERVAL_MS).toISOString());
  const byWebhook = new Map<string, UnreportedFailure[]>();
  for (const f of failures) byWebhook.set(f.webhookId, [...(byWebhook.get(f.webhookId) ?? []), f]);
  for (const [webhookId, messages] of byWebhook) {
    const first = messages[0];
    const lines = messages.map(
      (m) =>
        `- ${m.messageId}: ${m.lastStatusCode === null ? (m.lastError ?? 'no answer') : `HTTP ${m.lastStatusCode}`}`,
    );
    const body = [
      `${messages.length} message(s) to the webhook "${first.webhookName}" (${first.webhookUrl}) failed after every retry:`,
      '',
      ...lines,
      '',
      `Re-send them from the delivery history, or recover them all: POST ${ctx.publicUrl}/v1/webhooks/${webhookId}/recover`,
    ].join('\n');
    await notify(
      ctx,
      { id: webhookId, organizationId: first.organizationId, errorRecipientEmails: first.errorRecipientEmails },
      'digest',
      `PeopleHub: deliveries to "${first.webhookName}" failed`,
      body,
    );
    await markReported(
      store.db,
      messages.map((m) => m.messageId),
      at,
    );
    await recordDigest(store.db, webhookId, at);
  }
}

/**
 * Deletes what is past its retention: delivery history, finished messages, notifications and
 * fanned-out events after the configured days; sessions and idempotency records once they have
 * expired (neither can be used again); HiBob notice receipts past their expiry (the notice they
 * name would be refused as stale anyway).
 */
export async function applyRetention(ctx: DeliveryContext): Promise<void> {
  const { store, clock, config } = ctx;
  const now = clock.now();
  const at = now.toISOString();
  const keepFrom = new Date(now.getTime() - config.historyRetentionDays * DAY_MS).toISOString();
  await pruneAttempts(store.db, keepFrom);
  await pruneFinishedMessages(store.db, keepFrom);
  await pruneNotifications(store.db, keepFrom);
  await pruneEvents(store.db, keepFrom);
  await pruneExpiredSessions(store.db, at);
  await pruneIdempotencyRecords(store.db, new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS).toISOString());
  await pruneReceipts(store.db, at);
}
