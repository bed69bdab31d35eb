// HiBob sync runs: recording a new one (one at a time per organization), starting one by hand, and
// recording how it ended with its event; and how a run is shown.
import { SYSTEM_ACTOR } from '../core/actor';
import { newId } from '../core/ids';
import { problems } from '../core/problem';
import { recordAudit } from '../store/audit';
import { isUniqueViolation } from '../store/errors';
import { recordChange } from '../store/events';
import { findIntegration } from '../store/integrations';
import { EMPTY_REPORT, type SyncRun, insertRun, runningRun, updateRun } from '../store/sync-runs';
import type { DomainContext } from './context';
import { type Principal, principalActor } from './principal';

/** A sync run as the API, the events and the chat messages show it. */
export function presentRun(run: SyncRun) {
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    phase: run.phase,
    processed: run.processed,
    total: run.total,
    created: run.created,
    updated: run.updated,
    deleted: run.deleted,
    unchanged: run.unchanged,
    skippedFields: run.report.skippedFields,
    skippedPeople: run.report.skippedPeople,
    addedOptions: run.report.addedOptions,
    warnings: run.report.warnings,
    error: run.error,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

/** Records a new running run; 409 naming the one already running for the organization. */
export async function createRun(
  ctx: Pick<DomainContext, 'store' | 'clock'>,
  organizationId: string,
  trigger: SyncRun['trigger'],
): Promise<SyncRun> {
  const now = ctx.clock.now().toISOString();
  const run: SyncRun = {
    id: newId('run', ctx.clock.now()),
    organizationId,
    trigger,
    status: 'running',
    phase: 'starting',
    processed: 0,
    total: null,
    created: 0,
    updated: 0,
    deleted: 0,
    unchanged: 0,
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
    const running = await runningRun(ctx.store.db, organizationId);
    throw problems.conflict(
      `A HiBob sync is already running (${running?.id ?? 'another run'}); wait for it to finish.`,
      { runId: running?.id ?? null },
    );
  }
  return run;
}

/**
 * "Synchronize now": records a run started by the caller and hands it to this process's HiBob
 * worker (runCreated). 404 when HiBob is not connected, 409 while another run is going.
 */
export async function startSync(ctx: DomainContext, who: Principal): Promise<SyncRun> {
  if (!(await findIntegration(ctx.store.db, who.organizationId)))
    throw problems.notFound('HiBob is not connected; connect it with PUT /v1/integrations/hibob.');
  const run = await createRun(ctx, who.organizationId, 'manual');
  await recordAudit(ctx.store.db, {
    organizationId: who.organizationId,
    actor: principalActor(who),
    action: 'hibob.sync_started',
    targetType: 'sync_run',
    targetId: run.id,
    at: ctx.clock.now(),
  });
  // The worker updates its run as it goes; the caller gets the run as it started.
  ctx.signals.runCreated.emit(structuredClone(run));
  return run;
}

/**
 * Records how a run ended, with its event, in one transaction; returns the run as recorded. A run
 * that changed nothing emits nothing: an automatic sync every few minutes would otherwise post
 * "0 created, 0 updated" to every channel.
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
  await ctx.store.db.transaction().execute(async (trx) => {
    await updateRun(trx, finished);
    if (finished.status === 'failed' || changed) {
      await recordChange(trx, {
        organizationId: finished.organizationId,
        type: finished.status === 'failed' ? 'sync.failed' : 'sync.completed',
        actor: SYSTEM_ACTOR,
        object: presentRun(finished),
        action: finished.status === 'failed' ? 'hibob.sync_failed' : 'hibob.sync_completed',
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
