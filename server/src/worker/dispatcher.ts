// The delivery dispatcher: drains the event outbox into webhook messages, sends what is due under a
// lease, records every attempt, and schedules retries. One loop per server process; several
// processes on one PostgreSQL share the work through SKIP LOCKED.
import type { Actor } from '../core/actor';
import type { PeopleEvent } from '../core/events';
import { SYSTEM_ACTOR } from '../core/actor';
import { deliveryHeaders, renderPayload } from '../core/payload';
import { parseRetryAfter, planRetry } from '../core/retry';
import type { Services } from '../services';
import { recordChange } from '../store/events';
import { type AttemptOutcome, type Message, cancelMessage, claimDue, eventsByIds, fanOut, finishAttempts, releaseLeases } from '../store/messages';
import { type Webhook, findWebhook, updateWebhook, webhookSecrets } from '../store/webhooks';
import { SERVER_VERSION } from '../version';
import { notify, upkeep } from './scheduler';

const BATCH_LINGER_MS = 200;
/** Upkeep (auto-disable, digests, pruning) runs at most this often, in clock time. */
const UPKEEP_EVERY_MS = 60_000;
const CLAIM_LIMIT = 256;
const FAN_OUT_LIMIT = 500;
/** Claimed messages waiting in this process's per-webhook queues; beyond this, claim nothing more. */
const MAX_QUEUED = 4_000;
/** Messages one webhook's sender takes from its queue at a time (one webhook and secret lookup). */
const SEND_BATCH = 50;

export class Dispatcher {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private lastUpkeep = -Infinity;
  /** Claimed messages per webhook, sent in order by one sender per webhook. */
  private readonly queues = new Map<string, Message[]>();
  private readonly queued = new Set<string>();
  /** The sender running for each webhook with queued messages. */
  private readonly sending = new Map<string, Promise<void>>();

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
    if (this.services.store.dialect === 'sqlite') await releaseLeases(this.services.store.db, this.services.clock.now());
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
    await Promise.all(this.sending.values());
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

  /**
   * One pass: fan out waiting events, then claim due messages of webhooks this process is not
   * already sending to, and start sending them (not awaited: a slow endpoint never holds up the
   * others, and new events go out while older sends are in flight). True when there was work.
   */
  async tick(): Promise<boolean> {
    const { store, clock } = this.services;
    if (clock.now().getTime() - this.lastUpkeep >= UPKEEP_EVERY_MS) {
      this.lastUpkeep = clock.now().getTime();
      await upkeep(this.services, { disable: (org, id, reason) => this.disable(org, id, reason, SYSTEM_ACTOR) });
    }
    const fanned = await fanOut(store.db, store.dialect, clock.now(), BATCH_LINGER_MS, FAN_OUT_LIMIT);
    if (this.queued.size >= MAX_QUEUED) return fanned >= FAN_OUT_LIMIT;
    const due = await claimDue(store.db, store.dialect, clock.now(), this.services.config.workerLeaseMs, CLAIM_LIMIT);
    for (const message of due) {
      if (this.queued.has(message.id)) continue;
      this.queued.add(message.id);
      const queue = this.queues.get(message.webhookId) ?? [];
      queue.push(message);
      this.queues.set(message.webhookId, queue);
      if (!this.sending.has(message.webhookId)) this.startSender(message.webhookId);
    }
    // Busy only when a batch came back full: then more is waiting. Otherwise sleep until a write or a
    // finished send nudges the loop (or the poll interval passes), instead of spinning on the store.
    return fanned >= FAN_OUT_LIMIT || due.length >= CLAIM_LIMIT;
  }

  /** One sender per webhook drains its queue in order; different webhooks send in parallel. */
  private startSender(webhookId: string): void {
    const run = (async () => {
      for (;;) {
        const queue = this.queues.get(webhookId) ?? [];
        if (queue.length === 0) break;
        const batch = queue.splice(0, SEND_BATCH);
        try {
          await this.sendAll(batch, 'scheduled');
        } catch (error) {
          this.services.logger.error({ err: error, webhookId }, 'delivery failed');
        } finally {
          for (const m of batch) this.queued.delete(m.id);
        }
      }
      this.queues.delete(webhookId);
      this.sending.delete(webhookId);
      this.nudge();
    })();
    this.sending.set(webhookId, run);
  }

  /** Sends one webhook's messages in order, each once, and records every attempt. */
  async sendAll(messages: Message[], trigger: string): Promise<void> {
    const { store, clock, masterKey } = this.services;
    const first = messages[0];
    const webhook = await findWebhook(store.db, first.organizationId, first.webhookId);
    if (!webhook || webhook.status !== 'active') {
      for (const message of messages) await cancelMessage(store.db, message.id, clock.now().toISOString());
      return;
    }
    let secrets: string[] = [];
    if (webhook.signing) {
      const s = await webhookSecrets(store.db, masterKey, webhook, clock.now());
      secrets = s.previous ? [s.current, s.previous] : [s.current];
    }
    const events = new Map((await eventsByIds(store.db, [...new Set(messages.flatMap((m) => m.eventIds))])).map((e) => [e.id, e]));
    const outcomes: AttemptOutcome[] = [];
    let gone = false;
    for (const message of messages) {
      if (gone) {
        await cancelMessage(store.db, message.id, clock.now().toISOString());
        continue;
      }
      const outcome = await this.deliver(webhook, secrets, message, message.eventIds.map((id) => events.get(id)).filter((e): e is PeopleEvent => e !== undefined), trigger);
      outcomes.push(outcome);
      gone = outcome.attempt.status_code === 410;
    }
    await finishAttempts(store.db, outcomes);
    if (gone) await this.disable(webhook.organizationId, webhook.id, 'The endpoint answered 410 Gone.', SYSTEM_ACTOR);
  }

  /** Sends one message once; the outcome is recorded by the caller, with its batch. */
  private async deliver(webhook: Webhook, secrets: string[], message: Message, events: PeopleEvent[], trigger: string): Promise<AttemptOutcome> {
    const { clock, webhookClient, config, metrics } = this.services;
    const now = clock.now();
    const body = renderPayload(webhook.format, events, this.services.publicUrl, now);
    const headers = deliveryHeaders(message.id, body, now, secrets, SERVER_VERSION);
    const result = await webhookClient.send({ url: webhook.url, headers, body, timeoutMs: config.webhookTimeoutMs, verifySsl: webhook.verifySsl });
    metrics.attemptDuration.observe(result.durationMs / 1000);
    const attempts = message.attempts + 1;
    const sentAt = clock.now();
    let status: Message['status'] = 'failed';
    let nextAttemptAt = sentAt.toISOString();
    if (result.ok) {
      status = 'succeeded';
    } else if (result.statusCode !== 410) {
      const delay = planRetry(attempts, parseRetryAfter(result.headers['retry-after'], sentAt), this.random);
      if (delay !== null) {
        status = 'pending';
        nextAttemptAt = new Date(sentAt.getTime() + delay).toISOString();
      }
    }
    const refused = result.error !== null && result.error.startsWith('refused');
    metrics.deliveries.inc({ result: status === 'succeeded' ? 'succeeded' : refused ? 'refused' : status === 'pending' ? 'retrying' : 'failed' });
    return {
      status,
      attempts,
      nextAttemptAt,
      attempt: {
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
    };
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
