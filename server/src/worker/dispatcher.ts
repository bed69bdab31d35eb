// The delivery dispatcher: drains the event outbox into webhook messages, sends what is due under a
// lease, records every attempt, and schedules retries. One loop per server process; several
// processes on one PostgreSQL share the work through SKIP LOCKED.
import type { Actor } from '../core/actor';
import { holdsSecret, openEvent, redactEvent } from '../core/event-secrets';
import { OpenedSecrets } from '../core/secret-box';
import { type PeopleEvent, subscribes } from '../core/events';
import { SYSTEM_ACTOR } from '../core/actor';
import { deliveryHeaders, renderPayload, splitPayload } from '../core/payload';
import { parseRetryAfter, planRetry } from '../core/retry';
import type { DeliveryContext } from './context';
import { type AttemptOutcome, finishAttempts } from '../store/delivery-attempts';
import { eventsByIds, recordChange } from '../store/events';
import {
  type ClaimedMessage,
  type Message,
  cancelMessages,
  cancelPendingMessages,
  claimDue,
  fanOutAndClaim,
  releaseLeases,
  releaseMessages,
  splitMessage,
} from '../store/messages';
import { type Webhook, findWebhook, updateWebhook, webhooksForDelivery } from '../store/webhooks';
import { SERVER_VERSION } from '../version';
import { notify, upkeep } from './scheduler';

const BATCH_LINGER_MS = 200;
/** Upkeep (auto-disable, digests, pruning) runs at most this often, in clock time. */
const UPKEEP_EVERY_MS = 60_000;
const CLAIM_LIMIT = 256;
const FAN_OUT_LIMIT = 500;
/** Claimed messages waiting in this process's per-webhook queues; beyond this, claim nothing more. */
const MAX_QUEUED = 4_000;
/** Attempts recorded in one transaction at most. */
const RECORD_BATCH = 500;
/**
 * The recorder waits this long for more attempts before it commits (or until RECORD_EAGER have piled
 * up): on SQLite every commit writes each touched index page to the WAL again, so a commit per attempt
 * cost more than the sends. Senders do not wait for it.
 */
const RECORD_LINGER_MS = 10;
const RECORD_EAGER = 100;

/** A claimed message with what sending it needs, loaded once per claim for all its messages. */
interface Prepared {
  message: ClaimedMessage;
  webhook: Webhook;
  secrets: string[];
  events: PeopleEvent[];
}

/**
 * Group commit for attempt records: senders hand in outcomes, and one transaction at a time records
 * everything that arrived meanwhile (after a short linger). A promise from record() settles once its
 * attempt is on disk; until then the message stays leased.
 */
class AttemptRecorder {
  private waiting: { outcome: AttemptOutcome; done: (error?: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: DeliveryContext,
    /** Called after each commit: recorded messages may unblock an ordered queue's next run. */
    private readonly committed: () => void,
  ) {}

  record(outcome: AttemptOutcome): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ outcome, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.waiting.length >= RECORD_EAGER) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), RECORD_LINGER_MS);
    });
  }

  private flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.flushing !== null) return;
    this.flushing = (async () => {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, RECORD_BATCH);
        try {
          await finishAttempts(
            this.ctx.store.db,
            this.ctx.store.dialect,
            batch.map((b) => b.outcome),
          );
          for (const b of batch) b.done();
          this.committed();
        } catch (error) {
          for (const b of batch) b.done(error);
        }
      }
    })().finally(() => {
      this.flushing = null;
      if (this.waiting.length > 0) this.flush();
    });
  }
}

export class Dispatcher {
  private running = false;
  /** Set by stop(): senders finish the request in hand and take no more (their leases lapse). */
  private stopping = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  /** A nudge came while a pass was running: run another pass at once instead of sleeping. */
  private nudged = false;
  private waking = false;
  private loop: Promise<void> | null = null;
  private lastUpkeep = -Infinity;
  /** A pass split a message: its parts are due now, so the next pass runs at once. */
  private split = false;
  /** Claimed, prepared messages per webhook, waiting for one of the webhook's senders. */
  private readonly queues = new Map<string, Prepared[]>();
  private readonly queued = new Set<string>();
  /** Senders running per webhook: at most its maxConcurrency (1 for an ordered webhook). */
  private readonly senders = new Map<string, number>();
  /** Running senders and attempts being recorded, for stop() to wait on. */
  private readonly sending = new Set<Promise<void>>();
  private readonly recorder: AttemptRecorder;
  /** Webhook secrets opened at earlier claims, so each claim does not decrypt them again. */
  private readonly secrets: OpenedSecrets;
  /** json bodies of single events, kept while the claimed event objects live (see jsonBody). */
  private readonly bodies = new WeakMap<PeopleEvent, string>();

  constructor(
    private readonly ctx: DeliveryContext,
    private readonly pollMs: number,
    private readonly random: () => number = Math.random,
  ) {
    this.recorder = new AttemptRecorder(ctx, () => this.nudge());
    this.secrets = new OpenedSecrets(ctx.masterKey);
  }

  /**
   * Starts the loop. On SQLite this is the only process, so leases left by a crash are released at
   * once; on PostgreSQL other processes may hold live leases, which simply expire.
   */
  async start(): Promise<void> {
    if (this.running) return;
    if (this.ctx.store.dialect === 'sqlite') await releaseLeases(this.ctx.store.db, this.ctx.clock.now());
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Asks the loop to look for work now (after a write committed). Nudges that come while a pass runs
   * are remembered and answered by one more pass, so a commit never waits for the poll interval.
   */
  nudge(): void {
    this.nudged = true;
    if (this.wake === null || this.waking) return;
    // Commits that finish in the same turn of the event loop are answered by one pass.
    this.waking = true;
    setImmediate(() => {
      this.waking = false;
      this.wake?.();
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.nudge();
    await this.loop;
    while (this.sending.size > 0) await Promise.all([...this.sending]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let busy = false;
      this.nudged = false;
      try {
        busy = await this.tick();
      } catch (error) {
        this.ctx.logger.error({ err: error }, 'dispatcher pass failed');
      }
      if (!busy && !this.nudged && this.running) {
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
    const { store, clock } = this.ctx;
    if (clock.now().getTime() - this.lastUpkeep >= UPKEEP_EVERY_MS) {
      this.lastUpkeep = clock.now().getTime();
      await upkeep(this.ctx, { disable: (org, id, reason) => this.disable(org, id, reason, SYSTEM_ACTOR) });
    }
    // New messages this process has room for come out of fan-out already claimed.
    const { fanned, claimed } = await fanOutAndClaim(
      store.db,
      store.dialect,
      clock.now(),
      BATCH_LINGER_MS,
      FAN_OUT_LIMIT,
      {
        leaseMs: this.ctx.config.workerLeaseMs,
        upTo: Math.max(0, MAX_QUEUED - this.queued.size),
      },
    );
    const due =
      this.queued.size + claimed.length >= MAX_QUEUED
        ? []
        : await claimDue(store.db, store.dialect, clock.now(), this.ctx.config.workerLeaseMs, CLAIM_LIMIT);
    const fresh = [...claimed, ...due.filter((m) => !this.queued.has(m.id))];
    this.split = false;
    for (const webhookId of await this.prepare(fresh)) this.spawn(webhookId);
    // Busy only when a batch came back full (then more is waiting) or a message was split (its parts
    // are due). Otherwise sleep until a write or a finished send nudges the loop (or the poll interval
    // passes), instead of spinning on the store.
    return fanned >= FAN_OUT_LIMIT || due.length >= CLAIM_LIMIT || this.split;
  }

  /**
   * Loads what the claimed messages need, once for all of them: their events, and each webhook with
   * its secrets. Messages of a webhook that is gone or no longer active are cancelled. Returns the
   * webhooks that got work.
   */
  private async prepare(messages: ClaimedMessage[]): Promise<string[]> {
    if (messages.length === 0) return [];
    const { store, clock } = this.ctx;
    const events = new Map(
      (await eventsByIds(store.db, [...new Set(messages.flatMap((m) => m.eventIds))])).map((e) => [e.id, e]),
    );
    const byWebhook = new Map<string, ClaimedMessage[]>();
    for (const message of messages) {
      const group = byWebhook.get(message.webhookId);
      if (group === undefined) byWebhook.set(message.webhookId, [message]);
      else group.push(message);
    }
    const hooks = await webhooksForDelivery(store.db, this.secrets, [...byWebhook.keys()], clock.now());
    const touched: string[] = [];
    for (const [webhookId, group] of byWebhook) {
      const found = hooks.get(webhookId);
      if (
        found === undefined ||
        found.webhook.organizationId !== group[0].organizationId ||
        found.webhook.status !== 'active'
      ) {
        await cancelMessages(
          store.db,
          group.map((m) => m.id),
          clock.now().toISOString(),
        );
        continue;
      }
      const { webhook, secrets } = found;
      const eventsOf = (message: ClaimedMessage) =>
        message.eventIds.map((id) => events.get(id)).filter((e): e is PeopleEvent => e !== undefined);
      const ready = await this.splitOversized(webhook, group, eventsOf);
      if (ready.length === 0) continue;
      const queue = this.queues.get(webhookId) ?? [];
      for (const message of ready) {
        this.queued.add(message.id);
        queue.push({ message, webhook, secrets, events: eventsOf(message) });
      }
      this.queues.set(webhookId, queue);
      touched.push(webhookId);
    }
    return touched;
  }

  /**
   * A batch too large for the receiving chat tool (Slack's blocks, a Teams card's bytes, a chat
   * post's characters) is split into parts before anything of it is sent, each part its own message
   * with its own webhook-id and retries, so a failing part never re-sends another. The split message
   * and its new parts are left for the next pass, which claims them in order; on an ordered webhook
   * so is everything claimed behind it. Returns the messages to send now.
   */
  private async splitOversized(
    webhook: Webhook,
    group: ClaimedMessage[],
    eventsOf: (message: ClaimedMessage) => PeopleEvent[],
  ): Promise<ClaimedMessage[]> {
    if (webhook.format === 'json') return group;
    const { store, clock, publicUrl } = this.ctx;
    const ready: ClaimedMessage[] = [];
    for (const [i, message] of group.entries()) {
      const events = eventsOf(message);
      const parts = events.length > 1 ? splitPayload(webhook.format, events, publicUrl) : [events];
      if (parts.length <= 1) {
        ready.push(message);
        continue;
      }
      const ordered = message.maxConcurrency <= 1;
      const behind = ordered ? group.slice(i + 1).map((m) => m.id) : [];
      await splitMessage(
        store.db,
        message,
        parts.map((part) => part.map((e) => e.id)),
        behind,
        clock.now(),
      );
      this.split = true;
      if (ordered) break;
    }
    return ready;
  }

  /**
   * Starts senders for a webhook, up to its maxConcurrency and no more than it has messages. Each
   * sender takes the next message as soon as its previous one is answered, so one slow request never
   * holds up the others, and different webhooks never wait for each other.
   */
  private spawn(webhookId: string): void {
    const queue = this.queues.get(webhookId);
    if (queue === undefined || queue.length === 0) return;
    const limit = Math.max(1, queue[0].webhook.maxConcurrency);
    let running = this.senders.get(webhookId) ?? 0;
    const wanted = Math.min(limit, running + queue.length);
    for (; running < wanted; running += 1) {
      this.senders.set(webhookId, running + 1);
      const run: Promise<void> = this.sender(webhookId)
        .catch((error: unknown) => this.ctx.logger.error({ err: error, webhookId }, 'delivery failed'))
        .finally(() => {
          this.sending.delete(run);
          const left = (this.senders.get(webhookId) ?? 1) - 1;
          if (left > 0) this.senders.set(webhookId, left);
          else this.senders.delete(webhookId);
          if (left === 0 && (this.queues.get(webhookId)?.length ?? 0) === 0) this.queues.delete(webhookId);
          this.nudge();
        });
      this.sending.add(run);
    }
  }

  /**
   * One sender: sends the webhook's queued messages one at a time and records each attempt (group
   * committed with the other senders'). On an ordered webhook, a message that must wait for a retry
   * stops the queue: the messages behind it are released to wait behind it. A 410 cancels what is
   * left and disables the webhook.
   */
  private async sender(webhookId: string): Promise<void> {
    const { store, clock } = this.ctx;
    for (;;) {
      if (this.stopping) return;
      const queue = this.queues.get(webhookId);
      const item = queue?.shift();
      if (queue === undefined || item === undefined) return;
      const { message, webhook } = item;
      let outcome: AttemptOutcome;
      try {
        outcome = await this.deliver(webhook, item.secrets, message, item.events, 'scheduled');
      } finally {
        this.queued.delete(message.id);
      }
      // The next request goes out while this attempt is being recorded; until then the message stays
      // leased, so no other pass or process sends it again.
      const recorded: Promise<void> = this.recorder
        .record(outcome)
        .catch((error: unknown) =>
          this.ctx.logger.error({ err: error, webhookId }, 'recording a delivery attempt failed'),
        )
        .finally(() => this.sending.delete(recorded));
      this.sending.add(recorded);
      const rest = () =>
        queue.splice(0).map((p) => {
          this.queued.delete(p.message.id);
          return p.message.id;
        });
      if (outcome.attempt.status_code === 410) {
        await recorded;
        await cancelMessages(store.db, rest(), clock.now().toISOString());
        await this.disable(webhook.organizationId, webhook.id, 'The endpoint answered 410 Gone.', SYSTEM_ACTOR);
        return;
      }
      if (webhook.maxConcurrency <= 1 && outcome.status === 'pending') {
        await recorded;
        await releaseMessages(store.db, rest(), clock.now());
        return;
      }
    }
  }

  /**
   * The json body of one event, rendered once for every webhook it goes to (an event is sent as it
   * is, the same text to each; one that carries an opened secret is a new object per webhook).
   */
  private jsonBody(event: PeopleEvent): string {
    let body = this.bodies.get(event);
    if (body === undefined) {
      body = renderPayload('json', [event], this.ctx.publicUrl, this.ctx.clock.now());
      this.bodies.set(event, body);
    }
    return body;
  }

  /** Sends one message once; the outcome is recorded by the caller. */
  private async deliver(
    webhook: Webhook,
    secrets: string[],
    message: Message,
    events: PeopleEvent[],
    trigger: string,
  ): Promise<AttemptOutcome> {
    const { clock, webhookClient, config, metrics, masterKey, publicUrl } = this.ctx;
    let rendered: { headers: Record<string, string>; body: string; recorded: string } | null = null;
    // Rendered and signed when a connection is free (see OutgoingRequest.render), once.
    const render = () => {
      if (rendered !== null) return rendered;
      const now = clock.now();
      // A secret (a survey.invited answer link) is opened only now, only for a json webhook that still
      // lists the type by name (the webhook may have changed since fan-out), and never stored opened.
      const sent = events.map((event) =>
        webhook.format === 'json' && subscribes(webhook.events, event.type)
          ? openEvent(event, masterKey)
          : redactEvent(event),
      );
      const body =
        webhook.format === 'json' && sent.length === 1
          ? this.jsonBody(sent[0])
          : renderPayload(webhook.format, sent, publicUrl, now);
      const headers = deliveryHeaders(message.id, body, now, secrets, SERVER_VERSION);
      // The history records the body with the secret redacted. Its headers still carry the signature of
      // the body that was sent, so for such a message the recorded signature does not match the
      // recorded body: the price of never storing the link, and harmless (the history is a record,
      // not something to verify). A re-send renders from the event again, with the real link.
      const recorded = events.some(holdsSecret)
        ? renderPayload(webhook.format, events.map(redactEvent), publicUrl, now)
        : body;
      rendered = { headers, body, recorded };
      return rendered;
    };
    const result = await webhookClient.send({
      url: webhook.url,
      render,
      timeoutMs: config.webhookTimeoutMs,
      verifySsl: webhook.verifySsl,
    });
    // A destination refused before sending still shows in the history what would have been sent.
    const { headers, recorded } = render();
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
    metrics.deliveries.inc({
      result: status === 'succeeded' ? 'succeeded' : refused ? 'refused' : status === 'pending' ? 'retrying' : 'failed',
    });
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
        request_body: recorded,
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
    const { store, clock } = this.ctx;
    const now = clock.now();
    const disabled = await store.db.transaction().execute(async (trx) => {
      const webhook = await findWebhook(trx, organizationId, webhookId);
      if (!webhook || webhook.status === 'disabled') return null;
      await updateWebhook(trx, {
        ...webhook,
        status: 'disabled',
        disabledReason: reason,
        updatedAt: now.toISOString(),
      });
      await cancelPendingMessages(trx, webhookId, now.toISOString());
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
    this.ctx.logger.warn({ webhookId, reason }, 'webhook disabled');
    this.nudge();
    await notify(
      this.ctx,
      disabled,
      'disabled',
      `PeopleHub: the webhook "${disabled.name}" was disabled`,
      [
        `The webhook "${disabled.name}" (${disabled.url}) was disabled.`,
        '',
        `Reason: ${reason}`,
        '',
        `Fix the endpoint, then set its status to active again: ${this.ctx.publicUrl}/v1/webhooks/${disabled.id}`,
      ].join('\n'),
    );
  }
}
