// Runs of the import engine, for HiBob's syncs and for snapshot imports alike: recording a new one
// (one at a time per organization and source), recording how it ended with its event, and how a run
// is shown.
import { SYSTEM_ACTOR } from '../../core/actor';
import { newId } from '../../core/ids';
import { problems } from '../../core/problem';
import { isUniqueViolation } from '../../store/errors';
import { recordChange } from '../../store/events';
import {
  DEFAULT_RUN_OPTIONS,
  EMPTY_REPORT,
  type RunOptions,
  type SyncRun,
  insertRun,
  runningRun,
  updateRun,
} from '../../store/sync-runs';
import type { DomainContext } from '../context';

/** A run as the API, the events and the chat messages show it. */
export function presentRun(run: SyncRun) {
  return {
    id: run.id,
    source: run.source,
    status: run.status,
    trigger: run.trigger,
    mode: run.options.mode,
    match: run.options.match,
    dryRun: run.options.dryRun,
    adopt: run.options.adopt,
    maxDeletePercent: run.options.maxDeletePercent,
    deletionGuard: run.options.guard ?? null,
    phase: run.phase,
    processed: run.processed,
    total: run.total,
    created: run.created,
    updated: run.updated,
    deleted: run.deleted,
    unchanged: run.unchanged,
    skipped: run.skipped,
    skippedFields: run.report.skippedFields,
    skippedPeople: run.report.skippedPeople,
    addedOptions: run.report.addedOptions,
    warnings: run.report.warnings,
    error: run.error,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

/** What a source is called in messages. */
export function sourceName(source: string): string {
  return source === 'hibob' ? 'HiBob sync' : `${source} import`;
}

/** Records a new running run; 409 naming the one already running for the organization and source. */
export async function createRun(
  ctx: Pick<DomainContext, 'store' | 'clock'>,
  organizationId: string,
  trigger: SyncRun['trigger'],
  source = 'hibob',
  options: Partial<RunOptions> = {},
): Promise<SyncRun> {
  const now = ctx.clock.now().toISOString();
  const run: SyncRun = {
    id: newId('run', ctx.clock.now()),
    organizationId,
    source,
    trigger,
    options: { ...DEFAULT_RUN_OPTIONS, ...options },
    status: 'running',
    phase: 'starting',
    processed: 0,
    total: null,
    created: 0,
    updated: 0,
    deleted: 0,
    unchanged: 0,
    skipped: 0,
    report: structuredClone(EMPTY_REPORT),
    error: null,
    startedAt: now,
    heartbeatAt: now,
    finishedAt: null,
  };
  try {
    await insertRun(ctx.store.db, run);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw await alreadyRunning(ctx, organizationId, source);
  }
  return run;
}

/** The 409 for a second run of a source: it names the one going. */
export async function alreadyRunning(
  ctx: Pick<DomainContext, 'store'>,
  organizationId: string,
  source: string,
): Promise<Error> {
  const running = await runningRun(ctx.store.db, organizationId, source);
  const what = source === 'hibob' ? 'A HiBob sync' : `An import from ${source}`;
  return problems.conflict(`${what} is already running (${running?.id ?? 'another run'}); wait for it to finish.`, {
    runId: running?.id ?? null,
  });
}

/** The audit action of a run's end. */
function endAction(run: SyncRun): string {
  const prefix = run.source === 'hibob' ? 'hibob.sync' : 'import';
  return `${prefix}_${run.status === 'completed' ? 'completed' : run.status === 'failed' ? 'failed' : 'stopped'}`;
}

/**
 * Records how a run ended, with its event, in one transaction; returns the run as recorded. A run
 * that changed nothing emits nothing (an automatic sync every few minutes would otherwise post
 * "0 created, 0 updated" to every channel), nor does a preview; a run stopped at the deletion guard
 * sends sync.failed with the reason, so someone comes to confirm it.
 */
export async function finishRun(ctx: DomainContext, run: SyncRun, outcome: Partial<SyncRun>): Promise<SyncRun> {
  const now = ctx.clock.now();
  const finished: SyncRun = {
    ...run,
    ...outcome,
    phase: 'done',
    finishedAt: now.toISOString(),
    heartbeatAt: now.toISOString(),
  };
  const changed = finished.created + finished.updated + finished.deleted + finished.report.addedOptions.length > 0;
  const stopped = finished.status === 'needs_confirmation' && !finished.options.dryRun;
  const failed = finished.status === 'failed' || stopped;
  await ctx.store.db.transaction().execute(async (trx) => {
    await updateRun(trx, finished);
    if (failed || (finished.status === 'completed' && changed)) {
      await recordChange(trx, {
        organizationId: finished.organizationId,
        type: failed ? 'sync.failed' : 'sync.completed',
        actor: SYSTEM_ACTOR,
        object: presentRun(finished),
        action: endAction(finished),
        targetType: 'sync_run',
        targetId: finished.id,
        at: now,
      });
    }
  });
  ctx.signals.committed.emit();
  return finished;
}

/** Marks a run that cannot go on (its server stopped) as failed, with its sync.failed event. */
export function failRun(ctx: DomainContext, run: SyncRun, reason: string): Promise<SyncRun> {
  return finishRun(ctx, run, { status: 'failed', error: reason });
}
