// The HiBob side of the worker: runs started in this process, the automatic interval sync (started
// once across all server processes), runs left behind by a crash, and the queue of real-time
// notifications, applied one person at a time with retries.
import { createRun, failRun } from '../domain/imports/runs';
import { HibobError } from '../integrations/hibob/client';
import type { FieldPlan } from '../integrations/hibob/mapping';
import { planFields } from '../integrations/hibob/mapping';
import { type SyncContext, applyChange, executeRun, hibobClient } from '../integrations/hibob/sync';
import { attributesByName } from '../store/attributes';
import { PollLoop } from './poll-loop';
import {
  type PendingNotification,
  claimNotification,
  dueNotifications,
  finishNotification,
  retryNotification,
} from '../store/hibob-notices';
import { type Integration, claimAutoSync, dueAutoSyncs, findIntegration } from '../store/integrations';
import { type SyncRun, runningRun, staleRuns } from '../store/sync-runs';

/** How long one process keeps a notification to itself while applying it. */
const NOTIFICATION_LEASE_MS = 60_000;
/** When to try a notification again after HiBob failed: 5 s, 30 s, 2 min, 10 min, then hourly. */
const NOTIFICATION_RETRY_MS = [5_000, 30_000, 120_000, 600_000, 3_600_000];
/** After this many failures a notification is dropped (the next full sync catches the person up). */
const NOTIFICATION_MAX_ATTEMPTS = 12;
/** Field plans are reused for a minute, so a burst of notifications does not re-read the field list each time. */
const PLAN_TTL_MS = 60_000;

export class HibobWorker {
  private readonly runs = new Map<string, Promise<SyncRun>>();
  private readonly plans = new Map<string, { plan: FieldPlan; at: number }>();
  private readonly loop: PollLoop;

  constructor(
    private readonly ctx: SyncContext,
    pollMs: number,
  ) {
    this.loop = new PollLoop(
      () => this.tick(),
      pollMs,
      (error) => this.ctx.logger.error({ err: error }, 'HiBob worker pass failed'),
    );
  }

  /** Runs a sync in the background of this process; `settled` resolves when it has ended. */
  launch(run: SyncRun): Promise<SyncRun> {
    const settled = executeRun(this.ctx, run, () => this.loop.stopped).finally(() => this.runs.delete(run.id));
    this.runs.set(run.id, settled);
    return settled;
  }

  /**
   * Starts the loop. On SQLite this is the only process, so a run still marked running was cut off
   * by a crash: it is failed now. On PostgreSQL other processes may be running theirs, so only runs
   * whose heartbeat stopped are failed (the loop keeps checking).
   */
  async start(): Promise<void> {
    if (this.ctx.store.dialect === 'sqlite') {
      for (const run of await staleRuns(this.ctx.store.db, null))
        await failRun(this.ctx, run, 'the run was interrupted (the server stopped); run it again');
    }
    this.loop.start();
  }

  nudge(): void {
    this.loop.nudge();
  }

  /** Stops the loop, and lets runs in this process stop at their next batch (they end as failed). */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.runs.values());
  }

  async tick(): Promise<void> {
    await this.failStaleRuns();
    await this.startDueSyncs();
    await this.applyNotifications();
  }

  private async failStaleRuns(): Promise<void> {
    const before = new Date(this.ctx.clock.now().getTime() - this.ctx.config.runStaleMs).toISOString();
    for (const run of await staleRuns(this.ctx.store.db, before)) {
      if (!this.runs.has(run.id))
        await failRun(this.ctx, run, 'the run was interrupted (its server stopped answering); run it again');
    }
  }

  private async startDueSyncs(): Promise<void> {
    const { store, clock } = this.ctx;
    const now = clock.now();
    for (const integration of await dueAutoSyncs(store.db, now.toISOString())) {
      if (integration.autoSyncMinutes === null) continue;
      const next = new Date(now.getTime() + integration.autoSyncMinutes * 60_000).toISOString();
      if (!(await claimAutoSync(store.db, integration, next))) continue;
      try {
        this.launch(await createRun(this.ctx, integration.organizationId, 'automatic'));
      } catch (error) {
        // A run started by hand is still going: this interval's run is simply skipped.
        if ((error as { status?: number }).status !== 409) throw error;
      }
    }
  }

  private async applyNotifications(): Promise<void> {
    const { store, clock, logger } = this.ctx;
    for (const notification of await dueNotifications(store.db, clock.now().toISOString(), 50)) {
      // A full run is applying a snapshot: a change applied meanwhile could be overwritten by it.
      if ((await runningRun(store.db, notification.organizationId, 'hibob')) !== null) continue;
      const now = clock.now();
      if (
        !(await claimNotification(
          store.db,
          notification,
          new Date(now.getTime() + NOTIFICATION_LEASE_MS).toISOString(),
        ))
      )
        continue;
      const integration = await findIntegration(store.db, notification.organizationId);
      if (integration === null) {
        await finishNotification(store.db, notification);
        continue;
      }
      try {
        await applyChange(this.ctx, integration, notification.externalId, await this.planFor(integration));
        await finishNotification(store.db, notification);
        this.ctx.signals.committed.emit();
      } catch (error) {
        await this.retry(notification, error);
        if (!(error instanceof HibobError)) logger.error({ err: error }, 'applying a HiBob change failed');
      }
    }
  }

  private async retry(notification: PendingNotification, error: unknown): Promise<void> {
    const { store, clock, logger } = this.ctx;
    const reason = error instanceof Error ? error.message : String(error);
    if (notification.attempts + 1 >= NOTIFICATION_MAX_ATTEMPTS) {
      logger.warn(
        { organizationId: notification.organizationId, externalId: notification.externalId, reason },
        'dropping a HiBob change after repeated failures',
      );
      await finishNotification(store.db, notification);
      return;
    }
    const delay = NOTIFICATION_RETRY_MS[Math.min(notification.attempts, NOTIFICATION_RETRY_MS.length - 1)];
    await retryNotification(store.db, notification, new Date(clock.now().getTime() + delay).toISOString(), reason);
  }

  private async planFor(integration: Integration): Promise<FieldPlan> {
    const now = this.ctx.clock.now().getTime();
    const cached = this.plans.get(integration.id);
    if (cached && now - cached.at < PLAN_TTL_MS) return cached.plan;
    const client = await hibobClient(this.ctx, integration);
    const plan = planFields(
      await client.fields(),
      await attributesByName(this.ctx.store.db, integration.organizationId),
    );
    this.plans.set(integration.id, { plan, at: now });
    return plan;
  }
}
