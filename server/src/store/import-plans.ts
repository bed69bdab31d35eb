// What a run keeps besides its counts: a preview's planned changes, in the order the run would make
// them, and every note of a run (skipped fields and people, warnings, options added), each kind paged
// on its own so that none is dropped however many there are.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from './database';
import type { Employee } from './employees';
import type { Database } from './schema';

export type PlannedAction = 'create' | 'update' | 'delete';

export interface PlannedChange {
  seq: number;
  action: PlannedAction;
  employeeId: string;
  /** The employee's updatedAt when the plan was made; null for a create or a later step of the same person. */
  baseUpdatedAt: string | null;
  /** The employee as the change leaves them; null for a delete. */
  employee: Employee | null;
  /** The diff the change's event shows (null for a create or a delete). */
  changes: unknown[] | null;
}

export const NOTE_KINDS = ['skippedField', 'skippedPerson', 'warning', 'addedOption'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

export interface RunNote {
  seq: number;
  kind: NoteKind;
  note: Record<string, unknown>;
}

/** Rows per multi-row INSERT: under both databases' parameter limits. */
const INSERT_BATCH = 300;

/**
 * Inserts a preview's changes, each batch as one statement with one parameter: the changes as a
 * JSON array that the database takes apart (json_each on SQLite, json_to_recordset on PostgreSQL).
 * A 10,000-person plan is a few statements rather than 70,000 bound values, each built, compiled and
 * sent on its own. The employee and the diff are stored as the JSON text they are in the array.
 */
export async function insertPlannedChanges(
  db: Kysely<Database>,
  dialect: Dialect,
  runId: string,
  changes: PlannedChange[],
): Promise<void> {
  if (changes.length === 0) return;
  const rows = JSON.stringify(
    changes.map((c) => ({
      s: c.seq,
      a: c.action,
      e: c.employeeId,
      b: c.baseUpdatedAt,
      m: c.employee,
      c: c.changes,
    })),
  );
  const columns = sql`insert into import_changes (run_id, seq, action, employee_id, base_updated_at, employee, changes)`;
  if (dialect === 'postgres')
    await sql`${columns} select ${runId}, x.s, x.a, x.e, x.b, x.m::text, x.c::text
      from json_to_recordset(${rows}::json) as x(s integer, a text, e text, b text, m json, c json)`.execute(db);
  else
    await sql`${columns} select ${runId}, json_extract(value, '$.s'), json_extract(value, '$.a'),
      json_extract(value, '$.e'), json_extract(value, '$.b'), json_extract(value, '$.m'), json_extract(value, '$.c')
      from json_each(${rows})`.execute(db);
}

/** Planned changes after `afterSeq`, in order; `limit` of them. */
export async function plannedChanges(
  db: Kysely<Database>,
  runId: string,
  afterSeq: number,
  limit: number,
): Promise<PlannedChange[]> {
  const rows = await db
    .selectFrom('import_changes')
    .selectAll()
    .where('run_id', '=', runId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    action: r.action as PlannedAction,
    employeeId: r.employee_id,
    baseUpdatedAt: r.base_updated_at,
    employee: r.employee === null ? null : (JSON.parse(r.employee) as Employee),
    changes: r.changes === null ? null : (JSON.parse(r.changes) as unknown[]),
  }));
}

export async function deletePlannedChanges(db: Kysely<Database>, runId: string): Promise<void> {
  await db.deleteFrom('import_changes').where('run_id', '=', runId).execute();
}

export async function insertNotes(db: Kysely<Database>, runId: string, notes: RunNote[]): Promise<void> {
  for (let i = 0; i < notes.length; i += INSERT_BATCH)
    await db
      .insertInto('import_notes')
      .values(
        notes.slice(i, i + INSERT_BATCH).map((n) => ({
          run_id: runId,
          seq: n.seq,
          kind: n.kind,
          note: JSON.stringify(n.note),
        })),
      )
      .execute();
}

/** A run's notes of one kind after `afterSeq`, in order. */
export async function notesOf(
  db: Kysely<Database>,
  runId: string,
  kind: NoteKind,
  afterSeq: number,
  limit: number,
): Promise<RunNote[]> {
  const rows = await db
    .selectFrom('import_notes')
    .selectAll()
    .where('run_id', '=', runId)
    .where('kind', '=', kind)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    kind: r.kind as NoteKind,
    note: JSON.parse(r.note) as Record<string, unknown>,
  }));
}
