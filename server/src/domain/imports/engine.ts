// The import engine: one run over a snapshot of people, whoever sent it (HiBob, a JSON snapshot, a
// CSV). A reader hands people in as it reads them and the engine keeps only those who would change;
// once the snapshot is complete the run checks the deletion guard, then writes in batches of one
// transaction each (or, for a preview or a stopped run, keeps the plan), resolves late references,
// and removes the people of its source a full snapshot no longer has.
import { SYSTEM_ACTOR } from '../../core/actor';
import { type Attribute, attributesByName } from '../../store/attributes';
import { type Employee, employeeLinks, employeesByIds, findEmployee, setSyncHashes } from '../../store/employees';
import { type PlannedChange, deletePlannedChanges, insertNotes, insertPlannedChanges } from '../../store/import-plans';
import type { Dialect } from '../../store/database';
import type { SyncRun } from '../../store/sync-runs';
import { updateRun } from '../../store/sync-runs';
import type { DomainContext } from '../context';
import { removeEmployee, writeEmployees } from '../employees';
import {
  type ApplyContext,
  type ChangeSink,
  type Deferred,
  type Tally,
  addMissingOptions,
  applyDeferred,
  applyPeople,
  changedPeople,
  emptyTally,
} from './apply';
import { finishRun } from './runs';
import { RunNotes, type SnapshotPerson, matchKey } from './snapshot';

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

/** A failure a run reports in its own words (a source that answered wrongly, a snapshot that cannot be read). */
export class RunFailure extends Error {}

/** A run under way: its context, what it has counted, and the people of the snapshot still to write. */
export interface RunState {
  run: SyncRun;
  context: Omit<ApplyContext, 'db' | 'at' | 'sink'>;
  tally: Tally;
  /** People who would change, by match key (the first of a key wins). */
  people: Map<string, SnapshotPerson>;
  /** Every key the snapshot listed, skipped people's too: those are not deleted. */
  listed: Set<string>;
  /** The source's people before the run, by id with their match key. */
  members: { id: string; key: string | null }[];
}

/** Reads what a run matches against: attribute definitions and who everyone is. */
export async function openRun(
  ctx: DomainContext,
  run: SyncRun,
  options: { adopt: ApplyContext['adopt']; managed?: readonly string[]; definitions?: Map<string, Attribute> },
): Promise<RunState> {
  const org = run.organizationId;
  const definitions = options.definitions ?? (await attributesByName(ctx.store.db, org));
  const links = await employeeLinks(ctx.store.db, org);
  const idsByExternal = new Map<string, string>();
  const idsByEmail = new Map<string, string>();
  for (const link of links) {
    if (link.externalId !== null) idsByExternal.set(link.externalId, link.id);
    idsByEmail.set(link.emailLower, link.id);
  }
  const match = run.options.match;
  return {
    run,
    context: {
      organizationId: org,
      source: run.source,
      match,
      adopt: options.adopt,
      definitions,
      managed: options.managed ?? [],
      idsByExternal,
      idsByEmail,
      notes: new RunNotes(run.report),
      audit: false,
    },
    tally: emptyTally(),
    people: new Map(),
    listed: new Set(),
    members: links
      .filter((l) => l.source === run.source)
      .map((l) => ({ id: l.id, key: match === 'externalId' ? l.externalId : l.emailLower })),
  };
}

/**
 * Lets the server answer other requests between batches. On SQLite every query completes without
 * waiting for I/O, so a run would otherwise hold the event loop from its first batch to its last.
 */
export function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Saves the run's progress and its notes so far (a running run's write is also its heartbeat). */
export async function progress(ctx: DomainContext, state: RunState, changes: Partial<SyncRun> = {}): Promise<void> {
  await yieldToOthers();
  const { run } = state;
  Object.assign(run, changes, { heartbeatAt: ctx.clock.now().toISOString() });
  const notes = state.context.notes.take();
  await ctx.store.db.transaction().execute(async (trx) => {
    await insertNotes(trx, run.id, notes);
    await updateRun(trx, run);
  });
}

/** How often a run reading its snapshot records its progress (its heartbeat is checked in minutes). */
const READING_PROGRESS_MS = 1_000;

/**
 * Records progress while the snapshot is read, at most once a second: a batch of rows arrives every
 * few milliseconds, and a transaction for each would cost more than reading them. Lets other requests
 * in between either way.
 */
export async function readingProgress(ctx: DomainContext, state: RunState, processed: number): Promise<void> {
  const last = Date.parse(state.run.heartbeatAt);
  if (Number.isFinite(last) && ctx.clock.now().getTime() - last < READING_PROGRESS_MS) return yieldToOthers();
  await progress(ctx, state, { processed });
}

/** Marks a key as listed and the person as current, for a reader that knows they did not change (HiBob's fingerprints). */
export function listCurrent(state: RunState, key: string): void {
  state.listed.add(key);
  state.tally.unchanged += 1;
}

/** Marks a key as listed without a person to write (a record the reader skipped, with its reason noted). */
export function listSkipped(state: RunState, key: string | null, reason: string): void {
  if (key !== null) state.listed.add(key);
  state.context.notes.add('skippedPeople', { externalId: key, reason });
  state.tally.skipped += 1;
}

/**
 * Takes a batch of the snapshot as it arrives: a person without the key the run matches on is
 * skipped, a key given twice keeps its first person, and people who would not change are counted and
 * let go (reads only).
 */
export async function collect(ctx: DomainContext, state: RunState, people: SnapshotPerson[]): Promise<void> {
  const match = state.run.options.match;
  const fresh: SnapshotPerson[] = [];
  for (const person of people) {
    const key = matchKey(person, match);
    if (key === null) {
      listSkipped(state, null, match === 'externalId' ? 'no externalId to match on' : 'no email to match on');
    } else if (state.listed.has(key)) {
      listSkipped(state, key, `${match} ${key} appears more than once in the snapshot; the first is used`);
    } else {
      state.listed.add(key);
      fresh.push(person);
    }
  }
  const context = { ...state.context, db: ctx.store.db, at: ctx.clock.now(), sink: STORE_SINK };
  for (const person of await changedPeople(context, fresh, state.tally))
    state.people.set(matchKey(person, match) as string, person);
}

/** Managers before the people who report to them, so most managers are known when a report is written. */
function managersFirst(state: RunState): SnapshotPerson[] {
  const byKey = state.people;
  const match = state.run.options.match;
  const ordered: SnapshotPerson[] = [];
  const placed = new Set<string>();
  const managerKey = (p: SnapshotPerson) =>
    match === 'externalId' ? (p.managerExternalId ?? null) : (p.managerEmail?.toLowerCase() ?? null);
  const place = (person: SnapshotPerson, key: string, path: Set<string>) => {
    if (placed.has(key) || path.has(key)) return;
    path.add(key);
    const managedBy = managerKey(person);
    const manager = managedBy === null ? undefined : byKey.get(managedBy);
    if (manager && managedBy !== null) place(manager, managedBy, path);
    placed.add(key);
    ordered.push(person);
  };
  for (const [key, person] of byKey) place(person, key, new Set());
  byKey.clear();
  return ordered;
}

/** Writes changes to the store with their events (and, `audit`, an audit entry each). */
function storeSink(audit: boolean): ChangeSink {
  return {
    async write(db, writes, fingerprints, organizationId) {
      await writeEmployees(
        db,
        writes.map((w) => w.write),
        { audit, fromSync: true },
      );
      await setSyncHashes(db, organizationId, fingerprints);
    },
    async remove(db, employees, at) {
      for (const employee of employees) await removeEmployee(db, SYSTEM_ACTOR, employee, at);
    },
    current(db, organizationId, deferred) {
      return findEmployee(db, organizationId, deferred.employeeId);
    },
  };
}

/** A run's writes: each change is in its event, and the run is in the audit log once. */
export const STORE_SINK = storeSink(false);
/** One change on its own (a real-time change): its audit entry too. */
export const AUDITED_SINK = storeSink(true);

/** Keeps changes as a preview's plan, in the order the run would make them; writes nothing else. */
class PlanSink implements ChangeSink {
  private seq = 0;
  private readonly seen = new Set<string>();

  constructor(
    private readonly runId: string,
    private readonly dialect: Dialect,
  ) {}

  async write(db: Parameters<ChangeSink['write']>[0], writes: Parameters<ChangeSink['write']>[1]): Promise<void> {
    const planned: PlannedChange[] = writes.map(({ write, before }) => ({
      seq: (this.seq += 1),
      action: write.created ? 'create' : 'update',
      employeeId: write.employee.id,
      baseUpdatedAt: this.first(write.employee.id) ? (before?.updatedAt ?? null) : null,
      employee: write.employee,
      changes: write.change.changes ?? null,
    }));
    await insertPlannedChanges(db, this.dialect, this.runId, planned);
  }

  async remove(db: Parameters<ChangeSink['remove']>[0], employees: Employee[]): Promise<void> {
    await insertPlannedChanges(
      db,
      this.dialect,
      this.runId,
      employees.map((e) => ({
        seq: (this.seq += 1),
        action: 'delete',
        employeeId: e.id,
        baseUpdatedAt: this.first(e.id) ? e.updatedAt : null,
        employee: null,
        changes: null,
      })),
    );
  }

  async current(_db: unknown, _org: string, deferred: Deferred): Promise<Employee | null> {
    return deferred.employee;
  }

  /** True the first time the plan touches an employee: only then is their state compared at apply. */
  private first(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    return true;
  }
}

/** Whether a full run would delete more than its guard allows (an empty snapshot always asks). */
function guardTripped(state: RunState, deleting: number): boolean {
  const { mode, maxDeletePercent } = state.run.options;
  if (mode !== 'full' || deleting === 0) return false;
  const of = state.members.length;
  return state.listed.size === 0 || deleting * 100 > maxDeletePercent * of;
}

/**
 * Ends a run once the snapshot is complete: checks the deletion guard, then writes (or plans) the
 * changes, the late references and the deletions, and records how the run ended.
 */
export async function settle(ctx: DomainContext, state: RunState, stopping: () => boolean): Promise<SyncRun> {
  const { store, clock } = ctx;
  const { run, tally } = state;
  const org = run.organizationId;
  const gone =
    run.options.mode === 'full' ? state.members.filter((m) => m.key === null || !state.listed.has(m.key)) : [];
  const tripped = guardTripped(state, gone.length);
  const planning = run.options.dryRun || tripped;
  if (tripped) run.options = { ...run.options, guard: { wouldDelete: gone.length, of: state.members.length } };
  const sink: ChangeSink = planning ? new PlanSink(run.id, store.dialect) : STORE_SINK;
  const queue: (SnapshotPerson | null)[] = managersFirst(state);
  await progress(ctx, state, { phase: 'applying', total: queue.length, processed: 0 });
  const context: ApplyContext = { ...state.context, db: store.db, at: clock.now(), sink };
  const definitions = await store.db
    .transaction()
    .execute((trx) => addMissingOptions(trx, context, queue as SnapshotPerson[], clock.now(), !planning));
  context.definitions = definitions;
  const deferred: Deferred[] = [];
  // Written people are let go as the run goes, so a 100,000-person run does not hold them all to the end.
  for (let i = 0; i < queue.length; i += BATCH) {
    if (stopping()) throw new RunInterrupted();
    const batch = queue.slice(i, i + BATCH) as SnapshotPerson[];
    queue.fill(null, i, i + BATCH);
    await store.db.transaction().execute(async (trx) => {
      const at = clock.now();
      for (let j = 0; j < batch.length; j += CHUNK)
        await applyPeople({ ...context, db: trx, at }, batch.slice(j, j + CHUNK), tally, deferred);
    });
    await progress(ctx, state, { processed: Math.min(i + BATCH, queue.length), ...tally });
  }
  for (let i = 0; i < deferred.length; i += BATCH) {
    await yieldToOthers();
    await store.db
      .transaction()
      .execute((trx) => applyDeferred({ ...context, db: trx, at: clock.now() }, deferred.slice(i, i + BATCH), tally));
  }
  for (let i = 0; i < gone.length; i += BATCH) {
    if (stopping()) throw new RunInterrupted();
    await yieldToOthers();
    await store.db.transaction().execute(async (trx) => {
      const employees = await employeesByIds(
        trx,
        org,
        gone.slice(i, i + BATCH).map((m) => m.id),
      );
      await sink.remove(trx, employees, clock.now());
      tally.deleted += employees.length;
    });
  }
  await progress(ctx, state, { ...tally });
  const status = tripped ? 'needs_confirmation' : planning ? 'previewed' : 'completed';
  const error = tripped
    ? state.listed.size === 0
      ? `the snapshot lists nobody, and it would delete all ${gone.length} people of ${run.source}; confirm to go ahead`
      : `it would delete ${gone.length} of the ${state.members.length} people of ${run.source}, over the ${run.options.maxDeletePercent} % allowed; confirm to go ahead`
    : null;
  return finishRun(ctx, run, { ...tally, status, error });
}

/**
 * Runs `work` (reading the snapshot into the run, then settling it) and records how the run ended;
 * never throws. A failure in the run's own words is its error; anything else is logged and reported
 * without its details.
 */
export async function runToEnd(
  ctx: DomainContext,
  run: SyncRun,
  work: () => Promise<SyncRun>,
  knownFailure: (error: unknown) => boolean = () => false,
): Promise<SyncRun> {
  try {
    return await work();
  } catch (error) {
    const known = error instanceof RunFailure || error instanceof RunInterrupted || knownFailure(error);
    const reason = known
      ? (error as Error).message
      : 'an internal error stopped the run (the request id is in the logs)';
    if (!known) ctx.logger.error({ err: error, runId: run.id }, 'run failed');
    try {
      await deletePlannedChanges(ctx.store.db, run.id);
      return await finishRun(ctx, run, { status: 'failed', error: reason });
    } catch (finishError) {
      ctx.logger.error({ err: finishError, runId: run.id }, 'could not record the end of a run');
      return run;
    }
  }
}
