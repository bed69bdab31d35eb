// The history of delivery attempts: recording each attempt with its message's verdict, and reading
// attempts back with their message's current state.
import { type Kysely, sql } from 'kysely';
import { newId } from '../core/ids';
import { MAX_ATTEMPTS } from '../core/retry';
import type { Dialect } from './database';
import { jsonRows } from './json-rows';
import { directSqlite } from './direct';
import { QueryTemplate, insertOneSql, slot } from './prepared';
import type { MessageStatus } from './messages';
import { type Keyset, type Page, containsText, pageBy, takePage } from './query';
import type { Database, DeliveryAttemptsTable } from './schema';

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

/** A message's verdict after an attempt, as the batched update reads it from JSON. */
interface Verdict {
  id: string;
  status: MessageStatus;
  attempts: number;
  next_attempt_at: string;
  last_status_code: number | null;
  last_error: string | null;
  updated_at: string;
}

/** A webhook's state after a batch of attempts, as the batched update reads it from JSON. */
interface WebhookMark {
  id: string;
  last_triggered_at: string;
  /** 1 when the latest attempt succeeded: the run of failures, if any, is over. */
  succeeded: number;
  /** The batch's first failure, the run's start unless the webhook was failing already. */
  first_failure: string;
}

const succeeded = (a: AttemptRecord) => a.status_code !== null && a.status_code >= 200 && a.status_code < 300;

/**
 * The verdicts in rounds in which each message appears at most once, in the order they came: an
 * UPDATE … FROM joining one message to two rows applies an arbitrary one, while in rounds they apply
 * one after the other, as separate updates would.
 */
function inRounds(verdicts: Verdict[]): Verdict[][] {
  const rounds: { ids: Set<string>; verdicts: Verdict[] }[] = [];
  for (const verdict of verdicts) {
    let round = rounds.find((r) => !r.ids.has(verdict.id));
    if (round === undefined) {
      round = { ids: new Set(), verdicts: [] };
      rounds.push(round);
    }
    round.ids.add(verdict.id);
    round.verdicts.push(verdict);
  }
  return rounds.map((r) => r.verdicts);
}

/**
 * Records attempts and moves their messages on (done, retried later, or given up), in one
 * transaction: the dispatcher records every attempt that finished meanwhile at once, which keeps
 * commits few. The messages and webhooks are updated set-wise, one statement each for the whole
 * batch, from a JSON array: per-row statements cost more to build than to run.
 */
export async function finishAttempts(
  db: Kysely<Database>,
  dialect: Dialect,
  outcomes: AttemptOutcome[],
): Promise<void> {
  if (outcomes.length === 0) return;
  const verdicts: Verdict[] = outcomes.map(({ attempt, status, attempts, nextAttemptAt }) => ({
    id: attempt.message_id,
    status,
    attempts,
    next_attempt_at: nextAttemptAt,
    last_status_code: attempt.status_code,
    last_error: attempt.error,
    updated_at: attempt.sent_at,
  }));
  // Per webhook: last_triggered_at, and failing_since, the start of an unbroken run of failures,
  // ended by a success.
  const byWebhook = new Map<string, AttemptRecord[]>();
  for (const { attempt } of outcomes) {
    const attempts = byWebhook.get(attempt.webhook_id);
    if (attempts === undefined) byWebhook.set(attempt.webhook_id, [attempt]);
    else attempts.push(attempt);
  }
  const marks: WebhookMark[] = [...byWebhook].map(([id, attempts]) => {
    const inOrder = [...attempts].sort((a, b) => (a.sent_at < b.sent_at ? -1 : a.sent_at > b.sent_at ? 1 : 0));
    const last = inOrder[inOrder.length - 1];
    return {
      id,
      last_triggered_at: last.sent_at,
      succeeded: succeeded(last) ? 1 : 0,
      first_failure: inOrder.find((a) => !succeeded(a))?.sent_at ?? last.sent_at,
    };
  });
  const rows = outcomes.map(({ attempt }) => ({
    ...attempt,
    id: newId('dlv', new Date(attempt.sent_at)),
    request_headers: JSON.stringify(attempt.request_headers),
    response_headers: JSON.stringify(attempt.response_headers),
  }));
  if (dialect === 'sqlite') {
    // The store's own Kysely has direct transactions; a Kysely transaction cannot open one of its own.
    const direct = directSqlite(db);
    if (direct === null)
      throw new Error('finishAttempts on SQLite runs its own transaction: pass the store, not a transaction');
    // In process, kept single-row statements cost less than building a batch statement or reading
    // rows back out of JSON; one after another in batch order, a message's later verdict comes last.
    await direct.transaction((trx) => {
      for (const row of rows) trx.run(insertOneSql(db, 'delivery_attempts', row));
      for (const verdict of verdicts) trx.run(verdictSql(db, verdict));
      for (const mark of marks) trx.run(markSql(db, mark));
    });
    return;
  }
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('delivery_attempts').values(rows).execute();
    for (const round of inRounds(verdicts)) await updateVerdicts(trx, dialect, round);
    await markWebhooks(trx, dialect, marks);
  });
}

const verdictTemplate = new QueryTemplate('message verdict');

/** updateVerdicts for one message, through a kept statement. */
function verdictSql(db: Kysely<Database>, verdict: Verdict) {
  return verdictTemplate.compile(
    db,
    '',
    () =>
      db
        .updateTable('messages')
        .set({
          status: slot('status'),
          attempts: slot('attempts'),
          next_attempt_at: slot('next_attempt_at'),
          lease_until: null,
          last_status_code: slot('last_status_code'),
          last_error: slot('last_error'),
          updated_at: slot('updated_at'),
        })
        .where('id', '=', slot('id'))
        .where('attempts', '=', slot('previous_attempts'))
        .where('lease_until', 'is not', null),
    { ...verdict, previous_attempts: verdict.attempts - 1 },
  );
}

const markTemplate = new QueryTemplate('webhook mark');

/** markWebhooks for one webhook, through a kept statement. */
function markSql(db: Kysely<Database>, mark: WebhookMark) {
  return markTemplate.compile(
    db,
    '',
    () =>
      db
        .updateTable('webhooks')
        .set({
          last_triggered_at: slot('last_triggered_at'),
          failing_since: sql<
            string | null
          >`case when ${slot('succeeded')} = 1 then null else coalesce(failing_since, ${slot('first_failure')}) end`,
        })
        .where('id', '=', slot('id')),
    { ...mark },
  );
}

/**
 * Each message's verdict, only while the message is still as it was claimed: a re-send or recover
 * that came meanwhile (lease cleared, attempts reset) wins over this older attempt's verdict.
 */
async function updateVerdicts(db: Kysely<Database>, dialect: Dialect, verdicts: Verdict[]): Promise<void> {
  const x = jsonRows(dialect, verdicts, {
    id: 'text',
    status: 'text',
    attempts: 'integer',
    next_attempt_at: 'text',
    last_status_code: 'integer',
    last_error: 'text',
    updated_at: 'text',
  });
  await sql`update messages set status = x.status, attempts = x.attempts, next_attempt_at = x.next_attempt_at,
    lease_until = null, last_status_code = x.last_status_code, last_error = x.last_error, updated_at = x.updated_at
    from ${x}
    where messages.id = x.id and messages.attempts = x.attempts - 1 and messages.lease_until is not null`.execute(db);
}

/** Each webhook once per batch: the latest attempt's time, and the start of a run of failures or its end. */
async function markWebhooks(db: Kysely<Database>, dialect: Dialect, marks: WebhookMark[]): Promise<void> {
  const x = jsonRows(dialect, marks, {
    id: 'text',
    last_triggered_at: 'text',
    succeeded: 'integer',
    first_failure: 'text',
  });
  await sql`update webhooks set last_triggered_at = x.last_triggered_at,
    failing_since = case when x.succeeded = 1 then null else coalesce(webhooks.failing_since, x.first_failure) end
    from ${x}
    where webhooks.id = x.id`.execute(db);
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

/**
 * Deletes attempts sent before `before`, a webhook at a time: a range of the (webhook, sent at)
 * index each, not a read of the whole history (attempts go with their webhook when it is deleted).
 */
export async function pruneAttempts(db: Kysely<Database>, before: string): Promise<void> {
  for (const { id } of await db.selectFrom('webhooks').select('id').execute())
    await db.deleteFrom('delivery_attempts').where('webhook_id', '=', id).where('sent_at', '<', before).execute();
}
