// The audit trail: who did what to which object, written in the same transaction as the change.
import type { Kysely } from 'kysely';
import { type Actor, actorLabel } from '../core/actor';
import { newId } from '../core/ids';
import { type Keyset, type Page, pageBy, takePage } from './query';
import { insertOne } from './prepared';
import type { AuditLogTable, Database } from './schema';

export interface AuditEntry {
  id: string;
  organizationId: string;
  actor: { type: Actor['type']; id: string | null; name: string | null };
  action: string;
  target: { type: string; id: string };
  details: Record<string, unknown> | null;
  createdAt: string;
}

export interface AuditRecord {
  organizationId: string;
  actor: Actor;
  action: string;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
  at: Date;
}

function toEntry(row: AuditLogTable): AuditEntry {
  return {
    id: row.id,
    organizationId: row.organization_id,
    actor: { type: row.actor_type as Actor['type'], id: row.actor_id, name: row.actor_name },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
    createdAt: row.created_at,
  };
}

function auditRow(record: AuditRecord): AuditLogTable {
  const { actor } = record;
  return {
    id: newId('aud', record.at),
    organization_id: record.organizationId,
    actor_type: actor.type,
    actor_id: actor.type === 'system' ? null : actor.id,
    actor_name: actorLabel(actor),
    action: record.action,
    target_type: record.targetType,
    target_id: record.targetId,
    details: record.details ? JSON.stringify(record.details) : null,
    created_at: record.at.toISOString(),
  };
}

export async function recordAudit(db: Kysely<Database>, record: AuditRecord): Promise<void> {
  await insertOne(db, 'audit_log', auditRow(record));
}

/** Several entries in one multi-row insert (the caller keeps batches small). */
export async function recordAudits(db: Kysely<Database>, records: AuditRecord[]): Promise<void> {
  if (records.length === 1) await insertOne(db, 'audit_log', auditRow(records[0]));
  else if (records.length > 0) await db.insertInto('audit_log').values(records.map(auditRow)).execute();
}

export interface AuditFilter {
  action?: string;
  actorId?: string;
  targetId?: string;
  since?: string;
  until?: string;
}

export async function listAudit(
  db: Kysely<Database>,
  organizationId: string,
  filter: AuditFilter,
  keyset: Keyset,
): Promise<Page<AuditEntry>> {
  let query = db.selectFrom('audit_log').selectAll().where('organization_id', '=', organizationId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
  if (filter.since) query = query.where('created_at', '>=', filter.since);
  if (filter.until) query = query.where('created_at', '<', filter.until);
  const rows = await pageBy(query, keyset).execute();
  return takePage(rows.map(toEntry), keyset.limit);
}
