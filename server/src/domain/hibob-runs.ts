// "Synchronize now" and "Preview sync": a HiBob run started by hand, recorded here and run by this
// process's HiBob worker through the import engine.
import { problems } from '../core/problem';
import { recordAudit } from '../store/audit';
import { findIntegration } from '../store/integrations';
import type { SyncRun } from '../store/sync-runs';
import type { DomainContext } from './context';
import { createRun } from './imports/runs';
import { type Principal, principalActor } from './principal';

/**
 * Records a run started by the caller and hands it to this process's HiBob worker (runCreated). A
 * dry run plans without writing, and its plan can be applied later (POST /v1/imports/{id}/apply).
 * 404 when HiBob is not connected, 409 while another HiBob run is going.
 */
export async function startSync(
  ctx: DomainContext,
  who: Principal,
  options: { dryRun: boolean; maxDeletePercent: number },
): Promise<SyncRun> {
  if (!(await findIntegration(ctx.store.db, who.organizationId)))
    throw problems.notFound('HiBob is not connected; connect it with PUT /v1/integrations/hibob.');
  const run = await createRun(ctx, who.organizationId, 'manual', 'hibob', {
    dryRun: options.dryRun,
    maxDeletePercent: options.maxDeletePercent,
  });
  await recordAudit(ctx.store.db, {
    organizationId: who.organizationId,
    actor: principalActor(who),
    action: options.dryRun ? 'hibob.sync_previewed' : 'hibob.sync_started',
    targetType: 'sync_run',
    targetId: run.id,
    at: ctx.clock.now(),
  });
  // The worker updates its run as it goes; the caller gets the run as it started.
  ctx.signals.runCreated.emit(structuredClone(run));
  return run;
}
