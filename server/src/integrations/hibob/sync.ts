// The sync run ("Synchronize now", or the automatic interval) and the real-time change. A run first
// downloads and maps everything (HiBob failing half-way then changes nothing), then applies it in
// batches of one transaction each, resolves late references, and removes the people HiBob no longer
// has. It ends with sync.completed when it changed something, or with sync.failed.
import type { DomainContext } from '../../domain/context';
import { finishRun } from '../../domain/hibob-runs';
import type { GuardedAgents } from '../../net/outbound';
import { attributesByName } from '../../store/attributes';
import { externalLinks, employeesByExternalIds } from '../../store/employees';
import { type Integration, findIntegration, integrationSecrets } from '../../store/integrations';
import { EMPTY_REPORT, type SyncRun, updateRun } from '../../store/sync-runs';
import {
  type ApplyContext,
  type Deferred,
  type Tally,
  addMissingOptions,
  applyDeferred,
  applyPeople,
  changedPeople,
  removePeople,
} from './apply';
import { HibobClient, HibobError } from './client';
import { type FieldPlan, type SyncedPerson, fingerprintKey, mapRecord, planFields, recordFingerprint } from './mapping';
import { addToReport } from './report';

/**
 * People written per transaction. Other requests get the store between batches; on SQLite (one
 * connection) a batch of 2,000 holds it for about a fifth of a second. Smaller batches measured
 * slower overall (500: a 10,000-person sync took 30 % longer).
 */
const BATCH = 2_000;

/**
 * People prepared and written at a time within a batch's transaction: the objects for 250 people die
 * young, where those for 2,000 would outlive a few minor collections and swell the old generation.
 */
const CHUNK = 250;

/** Thrown between batches when the server is stopping; the run is marked failed and can be run again. */
export class RunInterrupted extends Error {
  constructor() {
    super('the server stopped during the run; run it again');
  }
}

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

/** Managers before the people who report to them, so most managers are known when a report is written. */
function managersFirst(people: SyncedPerson[]): SyncedPerson[] {
  const byId = new Map(people.map((p) => [p.externalId, p]));
  const ordered: SyncedPerson[] = [];
  const placed = new Set<string>();
  const place = (person: SyncedPerson, path: Set<string>) => {
    if (placed.has(person.externalId) || path.has(person.externalId)) return;
    path.add(person.externalId);
    const manager = person.managerExternalId === null ? undefined : byId.get(person.managerExternalId);
    if (manager) place(manager, path);
    placed.add(person.externalId);
    ordered.push(person);
  };
  for (const person of people) place(person, new Set());
  return ordered;
}

/**
 * Downloads and maps everyone; nothing is written but the run's progress. A record whose fingerprint
 * a row was written from is current and let go unparsed; each batch of the others is compared with
 * the store as it arrives (reads only), and people who would not change are let go too: a resync
 * holds and writes only what changed, and the comparing overlaps the download.
 */
async function download(
  ctx: SyncContext,
  run: SyncRun,
  client: HibobClient,
  plan: FieldPlan,
  current: Map<string, string>,
  tally: Tally,
  stopping: () => boolean,
  changedOnly: (people: SyncedPerson[]) => Promise<SyncedPerson[]>,
) {
  const people = new Map<string, SyncedPerson>();
  /** Every HRIS id HiBob listed, skipped ones too: those are not deleted here. */
  const listed = new Set<string>();
  const key = fingerprintKey(plan);
  for await (const batch of client.people(plan.fields)) {
    const mappedBatch: SyncedPerson[] = [];
    for (const text of batch) {
      const fingerprint = recordFingerprint(key, text);
      const known = current.get(fingerprint);
      if (known !== undefined) {
        listed.add(known);
        tally.unchanged += 1;
        continue;
      }
      const mapped = mapRecord(HibobClient.parseRecord(text), plan);
      if (mapped.ok) {
        // A person with warnings keeps no fingerprint, so the run that meets them again reports them again.
        if (mapped.person.warnings.length === 0) mapped.person.fingerprint = fingerprint;
        mappedBatch.push(mapped.person);
        listed.add(mapped.person.externalId);
      } else {
        if (mapped.externalId !== null) listed.add(mapped.externalId);
        addToReport(run.report.skippedPeople, { externalId: mapped.externalId, reason: mapped.reason });
      }
    }
    for (const person of await changedOnly(mappedBatch)) people.set(person.externalId, person);
    await progress(ctx, run, { processed: listed.size });
    if (stopping()) throw new RunInterrupted();
  }
  return { people: [...people.values()], listed };
}

async function progress(ctx: SyncContext, run: SyncRun, changes: Partial<SyncRun>): Promise<void> {
  Object.assign(run, changes, { heartbeatAt: ctx.clock.now().toISOString() });
  await updateRun(ctx.store.db, run);
}

/** Runs a sync to its end, recording the outcome on the run; never throws. */
export async function executeRun(ctx: SyncContext, run: SyncRun, stopping: () => boolean): Promise<SyncRun> {
  const { store, clock, logger } = ctx;
  const org = run.organizationId;
  const tally: Tally = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
  /** Milliseconds per phase, logged with the outcome: where a slow run spent its time. */
  const phases: Record<string, number> = {};
  let mark = process.hrtime.bigint();
  const lap = (phase: string) => {
    const now = process.hrtime.bigint();
    phases[phase] = Math.round(Number(now - mark) / 1e6);
    mark = now;
  };
  try {
    const integration = await findIntegration(store.db, org);
    if (integration === null) throw new HibobError('response', 'HiBob was disconnected before the run started');
    const client = await hibobClient(ctx, integration);
    await progress(ctx, run, { phase: 'downloading' });
    const definitions = await attributesByName(store.db, org);
    const plan = planFields(await client.fields(), definitions);
    run.report.skippedFields = plan.skipped.slice(0, 100);
    const links = await externalLinks(store.db, org);
    const linkedFromHibob = links.filter((l) => l.source === 'hibob');
    const context: Omit<ApplyContext, 'db'> = {
      organizationId: org,
      plan,
      definitions,
      idsByExternal: new Map(links.map((l) => [l.externalId, l.id])),
      report: run.report,
      at: clock.now(),
      audit: false,
    };
    /** HRIS ids by the fingerprint of the record their row was written from. */
    const current = new Map(links.flatMap((l) => (l.syncHash === null ? [] : [[l.syncHash, l.externalId] as const])));
    const { people, listed } = await download(ctx, run, client, plan, current, tally, stopping, (batch) =>
      changedPeople({ ...context, db: store.db }, batch, tally),
    );
    current.clear();
    lap('downloadMs');
    if (listed.size === 0 && linkedFromHibob.length > 0) {
      throw new HibobError(
        'response',
        `HiBob listed nobody, but ${linkedFromHibob.length} employees came from HiBob; nothing was removed (check the service user's permissions)`,
      );
    }

    await progress(ctx, run, { phase: 'applying', total: people.length, processed: 0 });
    const at = clock.now();
    context.definitions = await store.db
      .transaction()
      .execute((trx) => addMissingOptions(trx, org, people, definitions, run.report, at));
    const deferred: Deferred[] = [];
    // Written people are let go as the run goes, so a 100,000-person run does not hold them all to the end.
    const queue: (SyncedPerson | null)[] = managersFirst(people);
    people.length = 0;
    for (let i = 0; i < queue.length; i += BATCH) {
      if (stopping()) throw new RunInterrupted();
      const batch = queue.slice(i, i + BATCH) as SyncedPerson[];
      queue.fill(null, i, i + BATCH);
      await store.db.transaction().execute(async (trx) => {
        const at = clock.now();
        for (let j = 0; j < batch.length; j += CHUNK)
          await applyPeople({ ...context, db: trx, at }, batch.slice(j, j + CHUNK), tally, deferred);
      });
      await progress(ctx, run, { processed: Math.min(i + BATCH, queue.length), ...tally });
    }
    lap('applyMs');
    for (let i = 0; i < deferred.length; i += BATCH) {
      await store.db
        .transaction()
        .execute((trx) => applyDeferred({ ...context, db: trx, at: clock.now() }, deferred.slice(i, i + BATCH), tally));
    }
    lap('referencesMs');
    const gone = linkedFromHibob.filter((l) => !listed.has(l.externalId)).map((l) => l.id);
    for (let i = 0; i < gone.length; i += BATCH) {
      if (stopping()) throw new RunInterrupted();
      await store.db
        .transaction()
        .execute((trx) => removePeople(trx, org, gone.slice(i, i + BATCH), tally, clock.now()));
    }
    lap('removeMs');
    logger.info({ runId: run.id, organizationId: org, ...tally, ...phases }, 'HiBob sync completed');
    return await finishRun(ctx, run, { ...tally, status: 'completed', error: null });
  } catch (error) {
    const reason =
      error instanceof HibobError || error instanceof RunInterrupted
        ? error.message
        : 'an internal error stopped the run (the request id is in the logs)';
    if (!(error instanceof HibobError || error instanceof RunInterrupted))
      logger.error({ err: error, runId: run.id }, 'HiBob sync failed');
    return finishRun(ctx, run, { ...tally, status: 'failed', error: reason }).catch((finishError: unknown) => {
      logger.error({ err: finishError, runId: run.id }, 'could not record the end of a HiBob sync');
      return run;
    });
  }
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
  const tally: Tally = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
  if (record === null) {
    const [employee] = await employeesByExternalIds(store.db, org, [externalId]);
    if (!employee || employee.source !== 'hibob') return 'skipped';
    await store.db.transaction().execute((trx) => removePeople(trx, org, [employee.id], tally, clock.now()));
    return 'removed';
  }
  const mapped = mapRecord(record, fieldPlan);
  if (!mapped.ok) return 'skipped';
  const person = mapped.person;
  const report = structuredClone(EMPTY_REPORT);
  // The person's own link too: matching by HRIS id comes before matching by email (which may have changed).
  const named = [person.externalId, person.managerExternalId, ...Object.values(person.employeeRefs)].filter(
    (id): id is string => id !== null,
  );
  const idsByExternal = new Map(
    (await employeesByExternalIds(store.db, org, named)).map((e) => [e.externalId as string, e.id]),
  );
  await store.db.transaction().execute(async (trx) => {
    const at = clock.now();
    const refreshed = await addMissingOptions(trx, org, [person], definitions, report, at);
    await applyPeople(
      { db: trx, organizationId: org, plan: fieldPlan, definitions: refreshed, idsByExternal, report, at, audit: true },
      [person],
      tally,
      [],
    );
  });
  return report.skippedPeople.length > 0 ? 'skipped' : 'applied';
}
