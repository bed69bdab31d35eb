// The delivery queue: webhook messages (what to send to whom, with its retry state), from fan-out
// through claim, split and release to their end, and the failures still to be reported.
import { type Kysely, sql } from 'kysely';
import { type EventType, subscribes } from '../core/events';
import { idFloor, newId } from '../core/ids';
import type { Dialect } from './database';
import { type JsonColumnType, jsonRows } from './json-rows';
import { insertOne } from './prepared';
import type { Database, MessagesTable } from './schema';

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

/**
 * The statuses the partial indexes cover (migration 0014), written into the SQL as they are: a
 * planner uses a partial index only when the query's own text implies its condition, never for a
 * bound parameter.
 */
const PENDING = sql.lit('pending');
const FAILED = sql.lit('failed');

/** Time-ordered ids share one counter, so within a millisecond the suffix tells which came first. */
function happenedAfter(event: { id: string; created_at: string }, hook: { id: string; created_at: string }): boolean {
  if (event.created_at !== hook.created_at) return event.created_at > hook.created_at;
  return event.id.slice(event.id.indexOf('_') + 1) > hook.id.slice(hook.id.indexOf('_') + 1);
}

/**
 * Turns waiting events into messages for every active webhook subscribed to their type (by name, or
 * by `*` unless the type is opt-in; and created before the event: a new webhook does not receive
 * the past), and marks them done, in one transaction: a crash leaves either both or neither. On
 * PostgreSQL the events are locked with SKIP LOCKED so several server processes share the work
 * without doubling it. Returns how many events it fanned out.
 */
export async function fanOut(
  db: Kysely<Database>,
  dialect: Dialect,
  now: Date,
  lingerMs: number,
  limit = 500,
): Promise<number> {
  return (await fanOutAndClaim(db, dialect, now, lingerMs, limit, { leaseMs: 0, upTo: 0 })).fanned;
}

/** Messages fan-out may take for the caller to send, as claimDue would: leased, up to `upTo`. */
export interface FanOutClaim {
  leaseMs: number;
  upTo: number;
}

/**
 * fanOut, and the new messages that are due at once (no batch window) for a webhook that takes
 * several requests at a time are written already claimed by the caller, up to `claim.upTo`: leased
 * as claimDue leases, so the caller sends them without claiming them in a transaction of their own
 * (a second write of every message and a commit per pass). An ordered webhook's messages are left
 * to claimDue, which keeps its queue in order.
 */
export async function fanOutAndClaim(
  db: Kysely<Database>,
  dialect: Dialect,
  now: Date,
  lingerMs: number,
  limit: number,
  claim: FanOutClaim,
): Promise<{ fanned: number; claimed: ClaimedMessage[] }> {
  // Most passes find nothing: a plain read says so without a transaction (or, on PostgreSQL, the
  // round trips of one). An event committed after it is found by the next pass, as if it had come
  // after the transaction.
  const waiting = await db.selectFrom('events').select('id').where('fanned_out_at', 'is', null).limit(1).execute();
  if (waiting.length === 0) return { fanned: 0, claimed: [] };
  const leaseUntil = new Date(now.getTime() + claim.leaseMs).toISOString();
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
    if (events.length === 0) return { fanned: 0, claimed: [] };
    const at = now.toISOString();
    const orgs = [...new Set(events.map((e) => e.organization_id))];
    const hooks = await trx
      .selectFrom('webhooks')
      .select(['id', 'organization_id', 'events', 'max_events_per_request', 'max_concurrency', 'created_at'])
      .where('organization_id', 'in', orgs)
      .where('status', '=', 'active')
      .execute();
    const subscribed = new Map(hooks.map((hook) => [hook.id, JSON.parse(hook.events) as string[]]));
    const created: MessagesTable[] = [];
    const claimed: ClaimedMessage[] = [];
    /**
     * A batching webhook's open message (one still gathering events) per webhook: read from the store
     * once per pass, then followed here as this pass extends it or opens the next.
     */
    const open = new Map<string, { id: string; eventIds: string[]; stored: boolean } | null>();
    /** Batches read from the store that gathered events in this pass, by message id. */
    const extended = new Map<string, string[]>();
    /** The events of each batch opened in this pass, written when its row is inserted. */
    const gathered = new Map<string, string[]>();
    for (const event of events) {
      for (const hook of hooks) {
        if (
          hook.organization_id !== event.organization_id ||
          !subscribes(subscribed.get(hook.id) ?? [], event.type as EventType)
        )
          continue;
        if (!happenedAfter(event, hook)) continue;
        const max = Number(hook.max_events_per_request);
        if (max > 1) {
          if (!open.has(hook.id)) {
            const row = await trx
              .selectFrom('messages')
              .select(['id', 'event_ids'])
              .where('webhook_id', '=', hook.id)
              .where('status', '=', PENDING)
              .where('attempts', '=', 0)
              .where('batch_open_until', '>', at)
              .orderBy('created_at', 'desc')
              .executeTakeFirst();
            open.set(
              hook.id,
              row ? { id: row.id, eventIds: JSON.parse(row.event_ids) as string[], stored: true } : null,
            );
          }
          const batch = open.get(hook.id);
          if (batch && batch.eventIds.length < max) {
            batch.eventIds.push(event.id);
            if (batch.stored) extended.set(batch.id, batch.eventIds);
            continue;
          }
        }
        const due = max > 1 ? new Date(now.getTime() + lingerMs).toISOString() : at;
        const concurrency = Number(hook.max_concurrency);
        const leased = max <= 1 && concurrency > 1 && claimed.length < claim.upTo;
        const message: MessagesTable = {
          id: newId('msg', now),
          organization_id: event.organization_id,
          webhook_id: hook.id,
          event_ids: JSON.stringify([event.id]),
          status: 'pending',
          attempts: 0,
          next_attempt_at: leased ? leaseUntil : due,
          lease_until: leased ? leaseUntil : null,
          batch_open_until: max > 1 ? due : null,
          last_status_code: null,
          last_error: null,
          reported_at: null,
          created_at: at,
          updated_at: at,
        };
        created.push(message);
        if (leased)
          claimed.push({
            id: message.id,
            organizationId: message.organization_id,
            webhookId: hook.id,
            eventIds: [event.id],
            status: 'pending',
            attempts: 0,
            nextAttemptAt: due,
            maxConcurrency: concurrency,
            leaseUntil,
          });
        if (max > 1) {
          // Open only while its batch window lasts (none with no linger), as the store would tell.
          const eventIds = [event.id];
          gathered.set(message.id, eventIds);
          open.set(hook.id, due > at ? { id: message.id, eventIds, stored: false } : null);
        }
      }
    }
    for (const message of created) {
      const eventIds = gathered.get(message.id);
      if (eventIds !== undefined) message.event_ids = JSON.stringify(eventIds);
    }
    for (const [id, eventIds] of extended)
      await trx
        .updateTable('messages')
        .set({ event_ids: JSON.stringify(eventIds), updated_at: at })
        .where('id', '=', id)
        .execute();
    await insertMessages(trx, dialect, created);
    await trx
      .updateTable('events')
      .set({ fanned_out_at: at })
      .where(
        'id',
        'in',
        events.map((e) => e.id),
      )
      .execute();
    return { fanned: events.length, claimed };
  });
}

/** Messages per INSERT at most: the JSON parameter stays a few hundred kilobytes. */
const INSERT_BATCH = 1_000;

/**
 * New messages. On PostgreSQL a statement per INSERT_BATCH rows rather than per row, one round trip;
 * on SQLite, in process, a kept single-row insert per row is cheaper than reading the rows back out
 * of JSON (json_extract per column cost ~35 µs a row, the kept insert ~5).
 */
async function insertMessages(db: Kysely<Database>, dialect: Dialect, rows: MessagesTable[]): Promise<void> {
  if (dialect === 'sqlite') {
    for (const row of rows) await insertOne(db, 'messages', row);
    return;
  }
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const x = jsonRows(dialect, rows.slice(i, i + INSERT_BATCH), MESSAGE_COLUMNS);
    const columns = sql.raw(Object.keys(MESSAGE_COLUMNS).join(', '));
    await sql`insert into messages (${columns}) select ${columns} from ${x}`.execute(db);
  }
}

const MESSAGE_COLUMNS: Record<keyof MessagesTable, JsonColumnType> = {
  id: 'text',
  organization_id: 'text',
  webhook_id: 'text',
  event_ids: 'text',
  status: 'text',
  attempts: 'integer',
  next_attempt_at: 'text',
  lease_until: 'text',
  batch_open_until: 'text',
  last_status_code: 'integer',
  last_error: 'text',
  reported_at: 'text',
  created_at: 'text',
  updated_at: 'text',
};

export interface ClaimedMessage extends Message {
  /** The webhook's maxConcurrency when the message was claimed. */
  maxConcurrency: number;
  /** The claim's lease: while the row still holds it, the message is this claim's to change. */
  leaseUntil: string;
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
  // Most passes find nothing due: a plain read says so without a transaction (see fanOut).
  const anyDue = await db
    .selectFrom('messages')
    .select('id')
    .where('status', '=', PENDING)
    .where('next_attempt_at', '<=', at)
    .limit(1)
    .execute();
  if (anyDue.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    // Due messages, by the due index alone (a join or a per-row check here made SQLite scan every
    // pending message); the webhooks' settings are then read once for all of them.
    let query = trx
      .selectFrom('messages')
      .selectAll()
      .where('status', '=', PENDING)
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
        .where('status', '=', PENDING)
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
      .where('status', '=', PENDING)
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
      // Parts' ids run from `<id>-` to below `<id>.` (the next character): a range of the primary key.
      const siblings = await trx
        .selectFrom('messages')
        .select('id')
        .where('id', '>', `${message.id}-`)
        .where('id', '<', `${message.id}.`)
        .execute();
      const taken = siblings
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
        .where('status', '=', PENDING)
        .where('lease_until', '=', message.leaseUntil)
        .execute();
    }
    return split;
  });
}

/** Makes every leased message due again (the lease holder is known to be gone). */
export async function releaseLeases(db: Kysely<Database>, now: Date): Promise<void> {
  await db
    .updateTable('messages')
    .set({ lease_until: null, next_attempt_at: now.toISOString() })
    .where('status', '=', PENDING)
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

/** Cancels everything a webhook still has to send (it was disabled: nothing more goes out to it). */
export async function cancelPendingMessages(db: Kysely<Database>, webhookId: string, at: string): Promise<void> {
  await db
    .updateTable('messages')
    .set({ status: 'cancelled', lease_until: null, updated_at: at })
    .where('webhook_id', '=', webhookId)
    .where('status', '=', PENDING)
    .execute();
}

/** Ends the lease of claimed messages that were not sent: they are due again (behind an ordered queue's head). */
export async function releaseMessages(db: Kysely<Database>, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('messages')
    .set({ lease_until: null, next_attempt_at: now.toISOString() })
    .where('id', 'in', ids)
    .where('status', '=', PENDING)
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
    .where('status', '=', FAILED)
    .where('created_at', '>=', since)
    .execute();
  return rows.map((r) => r.id);
}

/** A message out of retries that no digest has told the webhook's error recipients about yet. */
export interface UnreportedFailure {
  messageId: string;
  webhookId: string;
  organizationId: string;
  lastStatusCode: number | null;
  lastError: string | null;
  webhookName: string;
  webhookUrl: string;
  errorRecipientEmails: string[];
}

/**
 * Failed messages not yet reported, of webhooks whose last digest went out at or before
 * `digestBefore` (or never): a webhook gets at most one digest per interval.
 */
export async function unreportedFailures(db: Kysely<Database>, digestBefore: string): Promise<UnreportedFailure[]> {
  const rows = await db
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
    ])
    .where('messages.status', '=', FAILED)
    .where('messages.reported_at', 'is', null)
    .where((eb) =>
      eb.or([eb('webhooks.last_digest_at', 'is', null), eb('webhooks.last_digest_at', '<=', digestBefore)]),
    )
    .execute();
  return rows.map((row) => ({
    messageId: row.id,
    webhookId: row.webhook_id,
    organizationId: row.organization_id,
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: row.last_error,
    webhookName: row.name,
    webhookUrl: row.url,
    errorRecipientEmails: JSON.parse(row.error_recipient_emails) as string[],
  }));
}

export async function markReported(db: Kysely<Database>, ids: string[], at: string): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('messages').set({ reported_at: at }).where('id', 'in', ids).execute();
}

/** Rows deleted per statement when pruning, so no one delete holds the store for long. */
const PRUNE_BATCH = 5_000;

/**
 * Deletes finished messages last changed before `before`; a pending message stays, however old. By
 * id, time-ordered: a message last changed before then was created before then, so its id (or, for a
 * split part, its original's id) sorts below the first id of that moment.
 */
export async function pruneFinishedMessages(db: Kysely<Database>, before: string): Promise<void> {
  const below = idFloor('msg', new Date(before));
  for (;;) {
    const result = await db
      .deleteFrom('messages')
      .where(
        'id',
        'in',
        db
          .selectFrom('messages')
          .select('id')
          .where('id', '<', below)
          .where('status', '<>', PENDING)
          .where('updated_at', '<', before)
          .limit(PRUNE_BATCH),
      )
      .executeTakeFirst();
    if (Number(result.numDeletedRows) < PRUNE_BATCH) return;
  }
}

export async function queueDepth(db: Kysely<Database>): Promise<{ pending: number; oldest: string | null }> {
  const row = await db
    .selectFrom('messages')
    .select([sql<string | number>`count(*)`.as('n'), sql<string | null>`min(next_attempt_at)`.as('oldest')])
    .where('status', '=', PENDING)
    .executeTakeFirstOrThrow();
  return { pending: Number(row.n), oldest: row.oldest };
}
