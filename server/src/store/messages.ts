// Webhook messages (what to send to whom, with its retry state) and the history of attempts.
import { type Kysely, sql } from 'kysely';
import type { PeopleEvent } from '../core/events';
import { newId } from '../core/ids';
import { MAX_ATTEMPTS } from '../core/retry';
import type { Dialect } from './database';
import { toEvent } from './events';
import { type Keyset, type Page, containsText, pageBy, takePage } from './query';
import type { Database, DeliveryAttemptsTable, MessagesTable } from './schema';

export type MessageStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';

export interface Message {
  id: string;
  organizationId: string;
  webhookId: string;
  eventIds: string[];
  status: MessageStatus;
  attempts: number;
  nextAttemptAt: string;
}

const toMessage = (row: MessagesTable): Message => ({
  id: row.id,
  organizationId: row.organization_id,
  webhookId: row.webhook_id,
  eventIds: JSON.parse(row.event_ids) as string[],
  status: row.status as MessageStatus,
  attempts: Number(row.attempts),
  nextAttemptAt: row.next_attempt_at,
});

/** Time-ordered ids share one counter, so within a millisecond the suffix tells which came first. */
function happenedAfter(event: { id: string; created_at: string }, hook: { id: string; created_at: string }): boolean {
  if (event.created_at !== hook.created_at) return event.created_at > hook.created_at;
  return event.id.slice(event.id.indexOf('_') + 1) > hook.id.slice(hook.id.indexOf('_') + 1);
}

/**
 * Turns waiting events into messages for every active webhook subscribed to their type (and created
 * before the event: a new webhook does not receive the past), and marks
 * them done, in one transaction: a crash leaves either both or neither. On PostgreSQL the events are
 * locked with SKIP LOCKED so several server processes share the work without doubling it.
 */
export async function fanOut(
  db: Kysely<Database>,
  dialect: Dialect,
  now: Date,
  lingerMs: number,
  limit = 500,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Only what fan-out needs: the events' payloads stay on disk until a message is sent.
    let query = trx
      .selectFrom('events')
      .select(['id', 'organization_id', 'type', 'created_at'])
      .where('fanned_out_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit);
    if (dialect === 'postgres') query = query.forUpdate().skipLocked();
    const events = await query.execute();
    if (events.length === 0) return 0;
    const at = now.toISOString();
    const orgs = [...new Set(events.map((e) => e.organization_id))];
    const hooks = await trx
      .selectFrom('webhooks')
      .select(['id', 'organization_id', 'events', 'max_events_per_request', 'created_at'])
      .where('organization_id', 'in', orgs)
      .where('status', '=', 'active')
      .execute();
    for (const event of events) {
      for (const hook of hooks) {
        if (
          hook.organization_id !== event.organization_id ||
          !(JSON.parse(hook.events) as string[]).includes(event.type)
        )
          continue;
        if (!happenedAfter(event, hook)) continue;
        const max = Number(hook.max_events_per_request);
        if (max > 1) {
          const open = await trx
            .selectFrom('messages')
            .select(['id', 'event_ids'])
            .where('webhook_id', '=', hook.id)
            .where('status', '=', 'pending')
            .where('attempts', '=', 0)
            .where('batch_open_until', '>', at)
            .orderBy('created_at', 'desc')
            .executeTakeFirst();
          const ids = open ? (JSON.parse(open.event_ids) as string[]) : [];
          if (open && ids.length < max) {
            await trx
              .updateTable('messages')
              .set({ event_ids: JSON.stringify([...ids, event.id]), updated_at: at })
              .where('id', '=', open.id)
              .execute();
            continue;
          }
        }
        const due = max > 1 ? new Date(now.getTime() + lingerMs).toISOString() : at;
        await trx
          .insertInto('messages')
          .values({
            id: newId('msg', now),
            organization_id: event.organization_id,
            webhook_id: hook.id,
            event_ids: JSON.stringify([event.id]),
            status: 'pending',
            attempts: 0,
            next_attempt_at: due,
            lease_until: null,
            batch_open_until: max > 1 ? due : null,
            last_status_code: null,
            last_error: null,
            reported_at: null,
            created_at: at,
            updated_at: at,
          })
          .execute();
      }
    }
    await trx
      .updateTable('events')
      .set({ fanned_out_at: at })
      .where(
        'id',
        'in',
        events.map((e) => e.id),
      )
      .execute();
    return events.length;
  });
}

/**
 * Takes due messages under a lease, so no other worker sends them until it expires. Claiming pushes
 * next_attempt_at to the lease's end, so claimed messages leave the due range (the index scan never
 * wades through them) and come back by themselves if their worker dies.
 *
 * Webhooks with a concurrency of 1 are ordered queues: only a run from the head of the queue (its
 * oldest pending message, then the ones after it while they are due) is claimed. A head that waits
 * for its retry, or is leased to a sender, holds back everything behind it. On PostgreSQL the
 * webhook's row is locked while its run is claimed, so two processes never claim one queue at once.
 */
export interface ClaimedMessage extends Message {
  /** The webhook's maxConcurrency when the message was claimed. */
  maxConcurrency: number;
  /** The claim's lease: while the row still holds it, the message is this claim's to change. */
  leaseUntil: string;
}

export async function claimDue(
  db: Kysely<Database>,
  dialect: Dialect,
  now: Date,
  leaseMs: number,
  limit: number,
  orderedRun = 50,
): Promise<ClaimedMessage[]> {
  const at = now.toISOString();
  const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
  return db.transaction().execute(async (trx) => {
    // Due messages, by the due index alone (a join or a per-row check here made SQLite scan every
    // pending message); the webhooks' settings are then read once for all of them.
    let query = trx
      .selectFrom('messages')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', at)
      .orderBy('next_attempt_at')
      .limit(limit);
    if (dialect === 'postgres') query = query.forUpdate().skipLocked();
    const due = await query.execute();
    if (due.length === 0) return [];
    const hooks = await trx
      .selectFrom('webhooks')
      .select(['id', 'max_concurrency'])
      .where('id', 'in', [...new Set(due.map((m) => m.webhook_id))])
      .execute();
    const concurrency = new Map(hooks.map((h) => [h.id, Number(h.max_concurrency)]));
    const rows: (MessagesTable & { max_concurrency: number })[] = [];
    const ordered = new Set<string>();
    for (const row of due) {
      const max = concurrency.get(row.webhook_id) ?? 1;
      if (max > 1) rows.push({ ...row, max_concurrency: max });
      else ordered.add(row.webhook_id);
    }
    for (const webhookId of ordered) {
      // One claimer per ordered queue: on PostgreSQL the webhook row is the queue's lock.
      if (dialect === 'postgres') {
        const locked = await trx
          .selectFrom('webhooks')
          .select('id')
          .where('id', '=', webhookId)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (locked === undefined) continue;
      }
      const run = await trx
        .selectFrom('messages')
        .selectAll()
        .where('webhook_id', '=', webhookId)
        .where('status', '=', 'pending')
        .orderBy('created_at')
        .orderBy('id')
        .limit(orderedRun)
        .execute();
      // From the head, while due: a head waiting for its retry (or leased to a sender) holds back the rest.
      for (const next of run) {
        if (next.next_attempt_at > at) break;
        rows.push({ ...next, max_concurrency: 1 });
      }
    }
    if (rows.length === 0) return [];
    await trx
      .updateTable('messages')
      .set({ lease_until: leaseUntil, next_attempt_at: leaseUntil, batch_open_until: null })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((row) => ({ ...toMessage(row), maxConcurrency: Number(row.max_concurrency), leaseUntil }));
  });
}

/**
 * Splits a claimed message into parts that each make a request the receiving tool accepts, in one
 * transaction, so a crash leaves either the whole message or all of its parts. The message keeps
 * the first part's events (and its webhook-id and retry state); each other part becomes a new
 * pending message, due at once, with the message's created_at and an id that sorts right after the
 * message's own (its id plus `-001`, `-002`, …), so an ordered webhook's queue, claimed by
 * (created_at, id), keeps the events in order. The message and `behind` (messages of the same claim
 * that must not overtake it) lose their lease, for the next pass to claim in order.
 *
 * Only while the message is as it was claimed (same lease, events and attempts): otherwise another
 * process has taken it over, nothing is split (false), and only `behind` is released.
 */
export async function splitMessage(
  db: Kysely<Database>,
  message: ClaimedMessage,
  parts: string[][],
  behind: string[],
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    // One conditional update, so a process that took the message over meanwhile always wins.
    const kept = await trx
      .updateTable('messages')
      .set({ event_ids: JSON.stringify(parts[0]), lease_until: null, next_attempt_at: at, updated_at: at })
      .where('id', '=', message.id)
      .where('status', '=', 'pending')
      .where('lease_until', '=', message.leaseUntil)
      .where('attempts', '=', message.attempts)
      .where('event_ids', '=', JSON.stringify(message.eventIds))
      .executeTakeFirst();
    const split = Number(kept.numUpdatedRows) === 1;
    if (split) {
      const original = await trx
        .selectFrom('messages')
        .select('created_at')
        .where('id', '=', message.id)
        .executeTakeFirstOrThrow();
      // A message split before (under other limits) already has parts: new ones are numbered after them.
      const siblings = await trx
        .selectFrom('messages')
        .select('id')
        .where('webhook_id', '=', message.webhookId)
        .where('created_at', '=', original.created_at)
        .execute();
      const taken = siblings
        .filter((row) => row.id.startsWith(`${message.id}-`))
        .map((row) => Number(row.id.slice(message.id.length + 1)))
        .filter((n) => Number.isInteger(n));
      const first = Math.max(0, ...taken) + 1;
      const rows = parts.slice(1).map((eventIds, i) => ({
        id: `${message.id}-${String(first + i).padStart(3, '0')}`,
        organization_id: message.organizationId,
        webhook_id: message.webhookId,
        event_ids: JSON.stringify(eventIds),
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
        lease_until: null,
        batch_open_until: null,
        last_status_code: null,
        last_error: null,
        reported_at: null,
        created_at: original.created_at,
        updated_at: at,
      }));
      if (rows.length > 0) await trx.insertInto('messages').values(rows).execute();
    }
    if (behind.length > 0) {
      await trx
        .updateTable('messages')
        .set({ lease_until: null, next_attempt_at: at })
        .where('id', 'in', behind)
        .where('status', '=', 'pending')
        .where('lease_until', '=', message.leaseUntil)
        .execute();
    }
    return split;
  });
}

export async function eventsByIds(db: Kysely<Database>, ids: string[]): Promise<PeopleEvent[]> {
  const rows = await db.selectFrom('events').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, toEvent(r)]));
  return ids.map((id) => byId.get(id)).filter((e): e is PeopleEvent => e !== undefined);
}

export interface AttemptRecord extends Omit<DeliveryAttemptsTable, 'id' | 'request_headers' | 'response_headers'> {
  request_headers: Record<string, string>;
  response_headers: Record<string, string>;
}

export interface AttemptOutcome {
  attempt: AttemptRecord;
  status: MessageStatus;
  attempts: number;
  nextAttemptAt: string;
}

/**
 * Records attempts and moves their messages on (done, retried later, or given up), in one
 * transaction: the dispatcher records every attempt that finished meanwhile at once, which keeps
 * commits few.
 */
export async function finishAttempts(db: Kysely<Database>, outcomes: AttemptOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('delivery_attempts')
      .values(
        outcomes.map(({ attempt }) => ({
          ...attempt,
          id: newId('dlv', new Date(attempt.sent_at)),
          request_headers: JSON.stringify(attempt.request_headers),
          response_headers: JSON.stringify(attempt.response_headers),
        })),
      )
      .execute();
    for (const { attempt, status, attempts, nextAttemptAt } of outcomes) {
      // Only while the message is still as it was claimed: a re-send or recover that came meanwhile
      // (lease cleared, attempts reset) wins over this older attempt's verdict.
      await trx
        .updateTable('messages')
        .set({
          status,
          attempts,
          next_attempt_at: nextAttemptAt,
          lease_until: null,
          last_status_code: attempt.status_code,
          last_error: attempt.error,
          updated_at: attempt.sent_at,
        })
        .where('id', '=', attempt.message_id)
        .where('attempts', '=', attempts - 1)
        .where('lease_until', 'is not', null)
        .execute();
    }
    // Per webhook: last_triggered_at, and failing_since, the start of an unbroken run of failures,
    // ended by a success.
    const byWebhook = new Map<string, AttemptRecord[]>();
    for (const { attempt } of outcomes)
      byWebhook.set(attempt.webhook_id, [...(byWebhook.get(attempt.webhook_id) ?? []), attempt]);
    const succeeded = (a: AttemptRecord) => a.status_code !== null && a.status_code >= 200 && a.status_code < 300;
    for (const [webhookId, attempts] of byWebhook) {
      const inOrder = [...attempts].sort((a, b) => (a.sent_at < b.sent_at ? -1 : a.sent_at > b.sent_at ? 1 : 0));
      const last = inOrder[inOrder.length - 1];
      const firstFailure = inOrder.find((a) => !succeeded(a))?.sent_at ?? last.sent_at;
      await trx
        .updateTable('webhooks')
        .set(
          succeeded(last)
            ? { last_triggered_at: last.sent_at, failing_since: null }
            : { last_triggered_at: last.sent_at, failing_since: sql<string>`coalesce(failing_since, ${firstFailure})` },
        )
        .where('id', '=', webhookId)
        .execute();
    }
  });
}

/** Makes every leased message due again (the lease holder is known to be gone). */
export async function releaseLeases(db: Kysely<Database>, now: Date): Promise<void> {
  await db
    .updateTable('messages')
    .set({ lease_until: null, next_attempt_at: now.toISOString() })
    .where('status', '=', 'pending')
    .where('lease_until', 'is not', null)
    .execute();
}

export async function cancelMessages(db: Kysely<Database>, ids: string[], at: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('messages')
    .set({ status: 'cancelled', lease_until: null, updated_at: at })
    .where('id', 'in', ids)
    .execute();
}

/** Ends the lease of claimed messages that were not sent: they are due again (behind an ordered queue's head). */
export async function releaseMessages(db: Kysely<Database>, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('messages')
    .set({ lease_until: null, next_attempt_at: now.toISOString() })
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .execute();
}

/** Puts messages back in the queue, to be sent now with a fresh retry schedule; same webhook-id. */
export async function requeue(db: Kysely<Database>, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  const at = now.toISOString();
  await db
    .updateTable('messages')
    .set({ status: 'pending', attempts: 0, next_attempt_at: at, lease_until: null, reported_at: null, updated_at: at })
    .where('id', 'in', ids)
    .execute();
}

export async function failedMessageIdsSince(db: Kysely<Database>, webhookId: string, since: string): Promise<string[]> {
  const rows = await db
    .selectFrom('messages')
    .select('id')
    .where('webhook_id', '=', webhookId)
    .where('status', '=', 'failed')
    .where('created_at', '>=', since)
    .execute();
  return rows.map((r) => r.id);
}

export interface DeliveryAttempt {
  id: string;
  webhookId: string;
  messageId: string;
  /** The message's state now: pending (more attempts to come), succeeded, failed (out of retries) or cancelled. */
  messageStatus: MessageStatus;
  /** When the message will be tried next; null unless it is pending. */
  nextAttemptAt: string | null;
  /** Attempts the message still has before it counts as failed. */
  attemptsLeft: number;
  url: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  trigger: string;
  sentAt: string;
  request: { headers: Record<string, string>; body: string };
  response: { headers: Record<string, string>; body: string };
}

type AttemptRow = DeliveryAttemptsTable & {
  m_status: string | null;
  m_attempts: number | null;
  m_next_attempt_at: string | null;
};

function toAttempt(row: AttemptRow): DeliveryAttempt {
  // A message outlives its attempts' retention only while pending; without one, nothing is left to do.
  const status = (row.m_status ?? 'cancelled') as MessageStatus;
  return {
    id: row.id,
    webhookId: row.webhook_id,
    messageId: row.message_id,
    messageStatus: status,
    nextAttemptAt: status === 'pending' ? row.m_next_attempt_at : null,
    attemptsLeft: status === 'pending' ? Math.max(0, MAX_ATTEMPTS - Number(row.m_attempts ?? 0)) : 0,
    url: row.url,
    statusCode: row.status_code === null ? null : Number(row.status_code),
    error: row.error,
    durationMs: Number(row.duration_ms),
    trigger: row.trigger,
    sentAt: row.sent_at,
    request: { headers: JSON.parse(row.request_headers) as Record<string, string>, body: row.request_body },
    response: { headers: JSON.parse(row.response_headers) as Record<string, string>, body: row.response_body },
  };
}

export const ATTEMPT_SORTS = {
  sentAt: { column: 'delivery_attempts.sent_at', nullable: false, value: (a: DeliveryAttempt) => a.sentAt },
  /** No answer (null) sorts as 0, before every status. */
  statusCode: {
    column: 'delivery_attempts.status_code',
    nullable: true,
    nullAs: 0,
    value: (a: DeliveryAttempt) => String(a.statusCode ?? 0),
  },
} as const;

/** Attempts with their message's current state. */
function attemptsWithMessages(db: Kysely<Database>) {
  return db
    .selectFrom('delivery_attempts')
    .leftJoin('messages', 'messages.id', 'delivery_attempts.message_id')
    .selectAll('delivery_attempts')
    .select([
      'messages.status as m_status',
      'messages.attempts as m_attempts',
      'messages.next_attempt_at as m_next_attempt_at',
    ]);
}

export async function listAttempts(
  db: Kysely<Database>,
  webhookId: string,
  filter: { q?: string; succeeded?: boolean },
  keyset: Keyset,
): Promise<Page<DeliveryAttempt>> {
  let query = attemptsWithMessages(db).where('delivery_attempts.webhook_id', '=', webhookId);
  if (filter.q)
    query = query.where(
      containsText(
        [
          'delivery_attempts.url',
          'delivery_attempts.request_body',
          'delivery_attempts.response_body',
          'delivery_attempts.message_id',
        ],
        filter.q,
      ),
    );
  if (filter.succeeded !== undefined) {
    query = filter.succeeded
      ? query.where('delivery_attempts.status_code', '>=', 200).where('delivery_attempts.status_code', '<', 300)
      : query.where((eb) =>
          eb.or([
            eb('delivery_attempts.status_code', 'is', null),
            eb('delivery_attempts.status_code', '<', 200),
            eb('delivery_attempts.status_code', '>=', 300),
          ]),
        );
  }
  const rows = await pageBy(query, keyset).execute();
  return takePage(rows.map(toAttempt), keyset.limit);
}

export async function findAttempt(
  db: Kysely<Database>,
  organizationId: string,
  id: string,
): Promise<DeliveryAttempt | null> {
  const row = await attemptsWithMessages(db)
    .where('delivery_attempts.organization_id', '=', organizationId)
    .where('delivery_attempts.id', '=', id)
    .executeTakeFirst();
  return row ? toAttempt(row) : null;
}

export async function queueDepth(db: Kysely<Database>): Promise<{ pending: number; oldest: string | null }> {
  const row = await db
    .selectFrom('messages')
    .select([sql<string | number>`count(*)`.as('n'), sql<string | null>`min(next_attempt_at)`.as('oldest')])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return { pending: Number(row.n), oldest: row.oldest };
}
