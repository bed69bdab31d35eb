// The sync run ("Synchronize now", or the automatic interval) and the real-time change. A run first
// downloads and maps everything (HiBob failing half-way then changes nothing), then applies it in
// batches of one transaction each, resolves late references, and removes the people HiBob no longer
// has. It ends with sync.completed when it changed something, or with sync.failed.
import type { DomainContext } from '../../domain/context';
import { addMissingOptions, applyPeople, emptyTally } from '../../domain/imports/apply';
import {
  RunFailure,
  RunInterrupted,
  type RunState,
  AUDITED_SINK,
  STORE_SINK,
  collect,
  listCurrent,
  listSkipped,
  openRun,
  progress,
  readingProgress,
  runToEnd,
  settle,
} from '../../domain/imports/engine';
import { RunNotes } from '../../domain/imports/snapshot';
import type { GuardedAgents } from '../../net/outbound';
import { attributesByName } from '../../store/attributes';
import { employeesByEmails, employeesByExternalIds, hibobFingerprints } from '../../store/employees';
import { type Integration, findIntegration, integrationSecrets } from '../../store/integrations';
import { EMPTY_REPORT, type SyncRun } from '../../store/sync-runs';
import { HibobClient, HibobError } from './client';
import { type FieldPlan, fingerprintKey, mapRecord, planFields, recordFingerprint } from './mapping';

/** What a sync is given: the domain's context, and the guarded pools its HiBob client connects through. */
export interface SyncContext extends DomainContext {
  outbound: GuardedAgents;
}

export async function hibobClient(ctx: SyncContext, integration: Integration): Promise<HibobClient> {
  const secrets = await integrationSecrets(ctx.store.db, ctx.masterKey, integration);
  return new HibobClient(
    { baseUrl: integration.baseUrl, serviceUserId: integration.serviceUserId, token: secrets.token },
    ctx.outbound,
    { timeoutMs: ctx.config.hibobTimeoutMs },
  );
}

/**
 * Downloads and maps everyone; nothing is written but the run's progress. A record whose fingerprint
 * a row was written from is current and let go unparsed; each batch of the others is compared with
 * the store as it arrives (reads only), and people who would not change are let go too: a resync
 * holds and writes only what changed, and the comparing overlaps the download.
 */
async function download(
  ctx: SyncContext,
  state: RunState,
  client: HibobClient,
  plan: FieldPlan,
  current: Map<string, string>,
  stopping: () => boolean,
): Promise<void> {
  const key = fingerprintKey(plan);
  for await (const batch of client.people(plan.fields)) {
    const mappedBatch = [];
    for (const text of batch) {
      const fingerprint = recordFingerprint(key, text);
      const known = current.get(fingerprint);
      if (known !== undefined) {
        listCurrent(state, known);
        continue;
      }
      const mapped = mapRecord(HibobClient.parseRecord(text), plan);
      if (mapped.ok) {
        // A person with warnings keeps no fingerprint, so the run that meets them again reports them again.
        if (mapped.person.warnings.length === 0) mapped.person.fingerprint = fingerprint;
        mappedBatch.push(mapped.person);
      } else {
        listSkipped(state, mapped.externalId, mapped.reason);
      }
    }
    await collect(ctx, state, mappedBatch);
    await readingProgress(ctx, state, state.listed.size);
    if (stopping()) throw new RunInterrupted();
  }
}

/** Runs a sync (or its preview) to its end, recording the outcome on the run; never throws. */
export function executeRun(ctx: SyncContext, run: SyncRun, stopping: () => boolean): Promise<SyncRun> {
  return runToEnd(
    ctx,
    run,
    async () => {
      const { store } = ctx;
      const integration = await findIntegration(store.db, run.organizationId);
      if (integration === null) throw new RunFailure('HiBob was disconnected before the run started');
      const client = await hibobClient(ctx, integration);
      const definitions = await attributesByName(store.db, run.organizationId);
      const plan = planFields(await client.fields(), definitions);
      const state = await openRun(ctx, run, {
        adopt: 'api',
        managed: plan.custom.map((c) => c.attribute),
        definitions,
      });
      for (const skipped of plan.skipped) state.context.notes.add('skippedFields', skipped);
      await progress(ctx, state, { phase: 'downloading' });
      /** HRIS ids by the fingerprint of the record their row was written from. */
      const current = new Map<string, string>();
      for (const row of await hibobFingerprints(store.db, run.organizationId))
        current.set(row.syncHash, row.externalId);
      await download(ctx, state, client, plan, current, stopping);
      current.clear();
      return settle(ctx, state, stopping);
    },
    (error) => error instanceof HibobError,
  );
}

/**
 * Applies one person as HiBob has them now (a real-time notification): re-read, then upserted, or
 * removed when HiBob no longer knows them. Reading afresh makes duplicates and out-of-order
 * notifications harmless.
 */
export async function applyChange(
  ctx: SyncContext,
  integration: Integration,
  externalId: string,
  plan: FieldPlan | null,
): Promise<'applied' | 'removed' | 'skipped'> {
  const { store, clock } = ctx;
  const org = integration.organizationId;
  const client = await hibobClient(ctx, integration);
  const definitions = await attributesByName(store.db, org);
  const fieldPlan = plan ?? planFields(await client.fields(), definitions);
  const record = await client.person(externalId, fieldPlan.fields);
  if (record === null) {
    const [employee] = await employeesByExternalIds(store.db, org, [externalId]);
    if (!employee || employee.source !== 'hibob') return 'skipped';
    await store.db.transaction().execute((trx) => STORE_SINK.remove(trx, [employee], clock.now()));
    return 'removed';
  }
  const mapped = mapRecord(record, fieldPlan);
  if (!mapped.ok) return 'skipped';
  const person = mapped.person;
  const notes = new RunNotes(structuredClone(EMPTY_REPORT));
  // The person's own link too: matching by HRIS id comes before matching by email (which may have changed).
  const named = [person.externalId, person.managerExternalId, ...Object.values(person.employeeRefs)].filter(
    (id): id is string => id !== null,
  );
  const known = await employeesByExternalIds(store.db, org, named);
  const idsByExternal = new Map(known.map((e) => [e.externalId as string, e.id]));
  const idsByEmail = new Map(known.map((e) => [e.email.toLowerCase(), e.id]));
  const holder = await employeesByEmails(store.db, org, [person.email]);
  for (const e of holder) idsByEmail.set(e.email.toLowerCase(), e.id);
  await store.db.transaction().execute(async (trx) => {
    const at = clock.now();
    const base = {
      organizationId: org,
      source: 'hibob',
      match: 'externalId' as const,
      adopt: 'api' as const,
      definitions,
      managed: fieldPlan.custom.map((c) => c.attribute),
      idsByExternal,
      idsByEmail,
      notes,
      audit: true,
      sink: AUDITED_SINK,
    };
    const refreshed = await addMissingOptions(trx, base, [person], at);
    await applyPeople({ ...base, definitions: refreshed, db: trx, at }, [person], emptyTally(), []);
  });
  return notes.report.skippedPeople.length > 0 ? 'skipped' : 'applied';
}
