// The event outbox: every change writes its event here in the change's own transaction, so a crash
// can never leave one without the other. Webhook delivery drains this table.
import type { Kysely } from 'kysely';
import type { Actor } from '../core/actor';
import { type Change, type EventType, type PeopleEvent, eventActor } from '../core/events';
import { newId } from '../core/ids';
import { type AuditRecord, recordAudit, recordAudits } from './audit';
import { insertOne } from './prepared';
import { type Keyset, type Page, pageBy, takePage } from './query';
import type { Database, EventsTable } from './schema';

export interface EventRecord {
  organizationId: string;
  type: EventType;
  actor: Actor;
  object: Record<string, unknown>;
  changes?: Change[];
  at: Date;
}

export function toEvent(row: EventsTable): PeopleEvent {
  return {
    id: row.id,
    type: row.type as EventType,
    timestamp: row.created_at,
    organizationId: row.organization_id,
    actor: row.actor === null ? null : (JSON.parse(row.actor) as PeopleEvent['actor']),
    data: JSON.parse(row.data) as PeopleEvent['data'],
  };
}

function eventRow(record: EventRecord): EventsTable {
  const actor = eventActor(record.actor);
  const data =
    record.changes === undefined ? { object: record.object } : { object: record.object, changes: record.changes };
  return {
    id: newId('evt', record.at),
    organization_id: record.organizationId,
    type: record.type,
    actor: actor === null ? null : JSON.stringify(actor),
    data: JSON.stringify(data),
    created_at: record.at.toISOString(),
    fanned_out_at: null,
  };
}

export async function recordEvent(db: Kysely<Database>, record: EventRecord): Promise<PeopleEvent> {
  const row = eventRow(record);
  await insertOne(db, 'events', row);
  return toEvent(row);
}

export interface ChangeRecord extends EventRecord {
  targetType: string;
  targetId: string;
  /** The audit action, when it says more than the event type (a user added is `user.updated` to subscribers). */
  action?: string;
}

function auditOf(record: ChangeRecord): AuditRecord {
  return {
    organizationId: record.organizationId,
    actor: record.actor,
    action: record.action ?? record.type,
    targetType: record.targetType,
    targetId: record.targetId,
    details: record.changes && !record.action ? { changed: record.changes.map((c) => c.field) } : undefined,
    at: record.at,
  };
}

/** Writes a change's event and its audit entry; call inside the change's transaction. */
export async function recordChange(db: Kysely<Database>, record: ChangeRecord): Promise<PeopleEvent> {
  const event = await recordEvent(db, record);
  await recordAudit(db, auditOf(record));
  return event;
}

/** Rows per multi-row INSERT of events or audit entries. */
const INSERT_BATCH = 500;

/**
 * recordChange for many changes at once, in multi-row inserts. `audit: false` writes the events only,
 * for a bulk job that records itself in the audit log once (a HiBob sync run).
 */
export async function recordChanges(
  db: Kysely<Database>,
  records: ChangeRecord[],
  options: { audit: boolean },
): Promise<void> {
  for (let i = 0; i < records.length; i += INSERT_BATCH) {
    const batch = records.slice(i, i + INSERT_BATCH);
    if (batch.length === 1) await insertOne(db, 'events', eventRow(batch[0]));
    else await db.insertInto('events').values(batch.map(eventRow)).execute();
    if (options.audit) await recordAudits(db, batch.map(auditOf));
  }
}

export interface EventFilter {
  type?: string;
  since: string;
}

export async function listEvents(
  db: Kysely<Database>,
  organizationId: string,
  filter: EventFilter,
  keyset: Keyset,
): Promise<Page<PeopleEvent>> {
  let query = db
    .selectFrom('events')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('created_at', '>=', filter.since);
  if (filter.type) query = query.where('type', '=', filter.type);
  const rows = await pageBy(query, keyset).execute();
  return takePage(rows.map(toEvent), keyset.limit);
}

export async function findEvent(db: Kysely<Database>, organizationId: string, id: string): Promise<PeopleEvent | null> {
  const row = await db
    .selectFrom('events')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toEvent(row) : null;
}

/** The events a message carries, in the message's order; an event pruned meanwhile is left out. */
export async function eventsByIds(db: Kysely<Database>, ids: string[]): Promise<PeopleEvent[]> {
  const rows = await db.selectFrom('events').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, toEvent(r)]));
  return ids.map((id) => byId.get(id)).filter((e): e is PeopleEvent => e !== undefined);
}

/** Deletes events created before `before` that fan-out has already turned into messages. */
/**
 * Deletes fanned-out events older than `before`, an organization at a time: each delete is a range
 * of events_org_created, where one delete over all of them read the whole table every minute (a
 * pause of the event loop that grew with the history).
 */
export async function pruneEvents(db: Kysely<Database>, before: string): Promise<void> {
  for (const { id } of await db.selectFrom('organizations').select('id').execute())
    await db
      .deleteFrom('events')
      .where('organization_id', '=', id)
      .where('created_at', '<', before)
      .where('fanned_out_at', 'is not', null)
      .execute();
}
