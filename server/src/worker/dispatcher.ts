// The delivery dispatcher: drains the event outbox into webhook messages, sends what is due under a
// lease, records every attempt, and schedules retries. One loop per server process; several
// processes on one PostgreSQL share the work through SKIP LOCKED.
import type { Actor } from '../core/actor';
import { SYSTEM_ACTOR } from '../core/actor';
import { deliveryHeaders, renderPayload } from '../core/payload';
import { parseRetryAfter, planRetry } from '../core/retry';
import type { Services } from '../services';
import { recordChange } from '../store/events';
import { type Message, cancelMessage, claimDue, eventsByIds, fanOut, finishAttempt, releaseLeases } from '../store/messages';
import { findWebhook, updateWebhook, webhookSecrets } from '../store/webhooks';
import { SERVER_VERSION } from '../version';
import { notify, upkeep } from './scheduler';

const BATCH_LINGER_MS = 200;
/** Upkeep (auto-disable, digests, pruning) runs at most this often, in clock time. */
const UPKEEP_EVERY_MS = 60_000;
const CLAIM_LIMIT = 64;

export class Dispatcher {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private lastUpkeep = -Infinity;

  constructor(
    private readonly services: Services,
    private readonly pollMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Starts the loop. On SQLite this is the only process, so leases left by a crash are released at
   * once; on PostgreSQL other processes may hold live leases, which simply expire.
   */
  async start(): Promise<void> {
    if (this.running) return;
    if (this.services.store.dialect === 'sqlite') await releaseLeases(this.services.store.db);
    this.running = true;
    this.loop = this.run();
  }

  /** Asks the loop to look for work now (after a write committed). */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        busy = await this.tick();
      } catch (error) {
        this.services.logger.error({ err: error }, 'dispatcher pass failed');
      }
      if (!busy && this.running) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, this.pollMs);
        });
        if (this.timer) clearTimeout(this.timer);
        this.wake = null;
      }
    }
  }

  /** One pass: fan out waiting events, then send every due message. True when there was work. */
  async tick(): Promise<boolean> {
    const { store, clock } = this.services;
    if (clock.now().getTime() - this.lastUpkeep >= UPKEEP_EVERY_MS) {
      this.lastUpkeep = clock.now().getTime();
      await upkeep(this.services, { disable: (org, id, reason) => this.disable(org, id, reason, SYSTEM_ACTOR) });
    }
    const fanned = await fanOut(store.db, store.dialect, clock.now(), BATCH_LINGER_MS);
    const due = await claimDue(store.db, store.dialect, clock.now(), this.services.config.workerLeaseMs, CLAIM_LIMIT);
    // One webhook's messages go out in order; different webhooks in parallel.
    const byWebhook = new Map<string, Message[]>();
    for (const message of due) byWebhook.set(message.webhookId, [...(byWebhook.get(message.webhookId) ?? []), message]);
    await Promise.all(
      [...byWebhook.values()].map(async (messages) => {
        for (const message of messages) await this.deliver(message, 'scheduled');
      }),
    );
    return fanned > 0 || due.length > 0;
  }

  /** Sends one message once and records the outcome. */
  async deliver(message: Message, trigger: string): Promise<void> {
    const { store, clock, masterKey, webhookClient, config } = this.services;
    const webhook = await findWebhook(store.db, message.organizationId, message.webhookId);
    const now = clock.now();
    if (!webhook || webhook.status !== 'active') {
      await cancelMessage(store.db, message.id, now.toISOString());
      return;
    }
    const events = await eventsByIds(store.db, message.eventIds);
    const body = renderPayload(webhook.format, events, this.services.publicUrl, now);
    let secrets: string[] = [];
    if (webhook.signing) {
      const s = await webhookSecrets(store.db, masterKey, webhook, now);
      secrets = s.previous ? [s.current, s.previous] : [s.current];
    }
    const headers = deliveryHeaders(message.id, body, now, secrets, SERVER_VERSION);
    const result = await webhookClient.send({ url: webhook.url, headers, body, timeoutMs: config.webhookTimeoutMs, verifySsl: webhook.verifySsl });
    const metrics = this.services.metrics;
    metrics.attemptDuration.observe(result.durationMs / 1000);
    const attempts = message.attempts + 1;
    const sentAt = clock.now();
    let outcome: { status: Message['status']; attempts: number; nextAttemptAt: string };
    if (result.ok) {
      outcome = { status: 'succeeded', attempts, nextAttemptAt: sentAt.toISOString() };
    } else if (result.statusCode === 410) {
      outcome = { status: 'failed', attempts, nextAttemptAt: sentAt.toISOString() };
    } else {
      const delay = planRetry(attempts, parseRetryAfter(result.headers['retry-after'], sentAt), this.random);
      outcome = delay === null ? { status: 'failed', attempts, nextAttemptAt: sentAt.toISOString() } : { status: 'pending', attempts, nextAttemptAt: new Date(sentAt.getTime() + delay).toISOString() };
    }
    await finishAttempt(
      store.db,
      {
        organization_id: webhook.organizationId,
        webhook_id: webhook.id,
        message_id: message.id,
        url: webhook.url,
        request_headers: headers,
        request_body: body,
        status_code: result.statusCode,
        response_headers: result.headers,
        response_body: result.body,
        error: result.error,
        duration_ms: result.durationMs,
        trigger,
        sent_at: sentAt.toISOString(),
      },
      outcome,
    );
    const refused = result.error !== null && result.error.startsWith('refused');
    metrics.deliveries.inc({ result: outcome.status === 'succeeded' ? 'succeeded' : refused ? 'refused' : outcome.status === 'pending' ? 'retrying' : 'failed' });
    if (result.statusCode === 410) await this.disable(webhook.organizationId, webhook.id, 'The endpoint answered 410 Gone.', SYSTEM_ACTOR);
  }

  /** Turns a webhook off and tells subscribers (webhook.disabled); the error mails come with it later. */
  async disable(organizationId: string, webhookId: string, reason: string, actor: Actor): Promise<void> {
    const { store, clock } = this.services;
    const now = clock.now();
    const disabled = await store.db.transaction().execute(async (trx) => {
      const webhook = await findWebhook(trx, organizationId, webhookId);
      if (!webhook || webhook.status === 'disabled') return null;
      await updateWebhook(trx, { ...webhook, status: 'disabled', disabledReason: reason, updatedAt: now.toISOString() });
      await trx.updateTable('messages').set({ status: 'cancelled', lease_until: null, updated_at: now.toISOString() }).where('webhook_id', '=', webhookId).where('status', '=', 'pending').execute();
      await recordChange(trx, {
        organizationId,
        type: 'webhook.disabled',
        actor,
        object: { id: webhook.id, name: webhook.name, url: webhook.url, reason },
        targetType: 'webhook',
        targetId: webhook.id,
        at: now,
      });
      return webhook;
    });
    if (disabled === null) return;
    this.services.logger.warn({ webhookId, reason }, 'webhook disabled');
    this.nudge();
    await notify(
      this.services,
      disabled,
      'disabled',
      `PeopleHub: the webhook "${disabled.name}" was disabled`,
      [`The webhook "${disabled.name}" (${disabled.url}) was disabled.`, '', `Reason: ${reason}`, '', `Fix the endpoint, then set its status to active again: ${this.services.publicUrl}/v1/webhooks/${disabled.id}`].join('\n'),
    );
  }
}
