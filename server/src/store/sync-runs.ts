// Sync and import runs: one row per run with its source, options, progress, counts and report; at
// most one running per organization and source, with a heartbeat so a run whose process died can be
// found and failed.
import type { Kysely } from 'kysely';
import { type Keyset, type Page, pageBy, takePage } from './query';
import type { Database, SyncRunsTable } from './schema';

export const RUN_STATUSES = ['running', 'previewed', 'needs_confirmation', 'completed', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type RunPhase = 'starting' | 'downloading' | 'applying' | 'done';

/** How a run matches, whether it deletes, and what it may do. */
export interface RunOptions {
  /** full: the snapshot is everyone of the source (the missing are deleted); partial: never deletes. */
  mode: 'full' | 'partial';
  match: 'externalId' | 'email';
  dryRun: boolean;
  /** Take over people of another source whose email or external id matches. */
  adopt: boolean;
  /** A full run that would delete more than this share of the source's people stops for confirmation. */
  maxDeletePercent: number;
  /** Set when the run stopped at the deletion guard: how many it would delete, of how many. */
  guard?: { wouldDelete: number; of: number };
}

export const DEFAULT_RUN_OPTIONS: RunOptions = {
  mode: 'full',
  match: 'externalId',
  dryRun: false,
  adopt: false,
  maxDeletePercent: 10,
};

export interface RunReport {
  skippedFields: { field: string; hibobType?: string; reason: string }[];
  skippedPeople: { externalId: string | null; reason: string }[];
  addedOptions: { attribute: string; option: string }[];
  warnings: { externalId: string; warning: string }[];
}

export interface SyncRun {
  id: string;
  organizationId: string;
  /** `hibob`, or the source slug of an import. */
  source: string;
  trigger: 'manual' | 'automatic';
  options: RunOptions;
  status: RunStatus;
  phase: RunPhase;
  processed: number;
  total: number | null;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  skipped: number;
  report: RunReport;
  error: string | null;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
}

export const EMPTY_REPORT: RunReport = { skippedFields: [], skippedPeople: [], addedOptions: [], warnings: [] };

function toRun(row: SyncRunsTable): SyncRun {
  return {
    id: row.id,
    organizationId: row.organization_id,
    source: row.source,
    trigger: row.trigger as SyncRun['trigger'],
    options: { ...DEFAULT_RUN_OPTIONS, ...(JSON.parse(row.options) as Partial<RunOptions>) },
    status: row.status as RunStatus,
    phase: row.phase as RunPhase,
    processed: Number(row.processed),
    total: row.total === null ? null : Number(row.total),
    created: Number(row.created),
    updated: Number(row.updated),
    deleted: Number(row.deleted),
    unchanged: Number(row.unchanged),
    skipped: Number(row.skipped),
    report: JSON.parse(row.report) as RunReport,
    error: row.error,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
    finishedAt: row.finished_at,
  };
}

function toRunRow(run: SyncRun): SyncRunsTable {
  return {
    id: run.id,
    organization_id: run.organizationId,
    source: run.source,
    trigger: run.trigger,
    options: JSON.stringify(run.options),
    status: run.status,
    phase: run.phase,
    processed: run.processed,
    total: run.total,
    created: run.created,
    updated: run.updated,
    deleted: run.deleted,
    unchanged: run.unchanged,
    skipped: run.skipped,
    report: JSON.stringify(run.report),
    error: run.error,
    started_at: run.startedAt,
    heartbeat_at: run.heartbeatAt,
    finished_at: run.finishedAt,
  };
}

/** Records a new running run; fails with a unique violation while another one runs for the organization and source. */
export async function insertRun(db: Kysely<Database>, run: SyncRun): Promise<void> {
  await db.insertInto('sync_runs').values(toRunRow(run)).execute();
}

/** Writes a run's progress and outcome (a running run's write is also its heartbeat). */
export async function updateRun(db: Kysely<Database>, run: SyncRun): Promise<void> {
  const {
    id: _id,
    organization_id: _org,
    source: _source,
    trigger: _trigger,
    started_at: _started,
    ...changes
  } = toRunRow(run);
  await db.updateTable('sync_runs').set(changes).where('id', '=', run.id).execute();
}

export async function findRun(db: Kysely<Database>, organizationId: string, id: string): Promise<SyncRun | null> {
  const row = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRun(row) : null;
}

/** The run going for the organization and source. */
export async function runningRun(
  db: Kysely<Database>,
  organizationId: string,
  source: string,
): Promise<SyncRun | null> {
  const row = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('source', '=', source)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return row ? toRun(row) : null;
}

/** The newest run of a source. */
export async function lastRun(db: Kysely<Database>, organizationId: string, source: string): Promise<SyncRun | null> {
  const row = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('source', '=', source)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toRun(row) : null;
}

/** Runs newest first, of one source or of all. */
export async function listRuns(
  db: Kysely<Database>,
  organizationId: string,
  filter: { source?: string; status?: RunStatus },
  keyset: Keyset,
): Promise<Page<SyncRun>> {
  let query = db.selectFrom('sync_runs').selectAll().where('organization_id', '=', organizationId);
  if (filter.source !== undefined) query = query.where('source', '=', filter.source);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  const rows = await pageBy(query, keyset).execute();
  return takePage(rows.map(toRun), keyset.limit);
}

/** Running runs whose heartbeat stopped before `before` (all running ones when it is null). */
export async function staleRuns(db: Kysely<Database>, before: string | null): Promise<SyncRun[]> {
  let query = db.selectFrom('sync_runs').selectAll().where('status', '=', 'running');
  if (before !== null) query = query.where('heartbeat_at', '<', before);
  return (await query.execute()).map(toRun);
}
