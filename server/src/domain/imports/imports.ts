// Snapshot imports from any HRIS: a run over people a client sends (JSON or CSV, read by the caller
// as it arrives), and applying a preview's plan once someone has looked at it.
import { SYSTEM_ACTOR } from '../../core/actor';
import { HttpProblem, problems } from '../../core/problem';
import { attributesByName } from '../../store/attributes';
import { recordAudit } from '../../store/audit';
import { type Employee, employeesByEmails, employeesByExternalIds, employeesByIds } from '../../store/employees';
import { type PlannedChange, deletePlannedChanges, notesOf, plannedChanges } from '../../store/import-plans';
import { isUniqueViolation } from '../../store/errors';
import { type RunOptions, type SyncRun, findRun, updateRun } from '../../store/sync-runs';
import { addAttributeOptions } from '../attributes';
import type { DomainContext } from '../context';
import { type EmployeeWrite, employeeWrite, removeEmployee, writeEmployees } from '../employees';
import { type Principal, principalActor } from '../principal';
import { emptyTally } from './apply';
import {
  RunFailure,
  collect,
  listSkipped,
  openRun,
  progress,
  readingProgress,
  runToEnd,
  settle,
  yieldToOthers,
} from './engine';
import { AttributeReader, type RawPerson, readPerson } from './people';
import { alreadyRunning, createRun, finishRun } from './runs';
import { matchKey } from './snapshot';

export interface ImportRequest {
  source: string;
  mode: RunOptions['mode'];
  match: RunOptions['match'];
  dryRun: boolean;
  adopt: boolean;
  maxDeletePercent: number;
}

/** Rows of a snapshot as a reader hands them on, with what it noticed about the snapshot itself (a CSV's header). */
export interface SnapshotBatch {
  rows: RawPerson[];
  warnings?: string[];
}

/** A snapshot that turned out unreadable half-way (a CSV's broken quoting, JSON that ends early): the run fails, nothing is written. */
export class SnapshotUnreadable extends RunFailure {}

/**
 * Runs an import over the people `rows` yields, in batches, to its end: a preview keeps its plan, a
 * run over the deletion guard stops for confirmation, any other writes. 409 while another run of
 * the source is going. Returns the run as it ended (a snapshot that could not be read ends it failed).
 */
export async function importSnapshot(
  ctx: DomainContext,
  who: Principal,
  request: ImportRequest,
  rows: AsyncIterable<SnapshotBatch>,
): Promise<SyncRun> {
  const { mode, match, dryRun, adopt, maxDeletePercent } = request;
  const run = await createRun(ctx, who.organizationId, 'manual', request.source, {
    mode,
    match,
    dryRun,
    adopt,
    maxDeletePercent,
  });
  await recordAudit(ctx.store.db, {
    organizationId: who.organizationId,
    actor: principalActor(who),
    action: dryRun ? 'import.previewed' : 'import.started',
    targetType: 'sync_run',
    targetId: run.id,
    details: { source: request.source, mode, match },
    at: ctx.clock.now(),
  });
  /** Why the snapshot could not be read, as the client is to hear it. */
  let unreadable: HttpProblem | null = null;
  const ended = await runToEnd(ctx, run, async () => {
    const state = await openRun(ctx, run, { adopt: adopt ? 'any' : 'none' });
    const reader = new AttributeReader(state.context.definitions, state.context.notes);
    const keyOf = (p: Parameters<typeof matchKey>[0]) => matchKey(p, match);
    await progress(ctx, state, { phase: 'downloading' });
    try {
      for await (const batch of rows) {
        for (const warning of batch.warnings ?? []) state.context.notes.add('warnings', { externalId: '', warning });
        const people = [];
        for (const row of batch.rows) {
          const read = readPerson(row, reader, keyOf);
          if (read.ok) people.push(read.person);
          else listSkipped(state, read.key, read.reason);
        }
        await collect(ctx, state, people);
        await readingProgress(ctx, state, state.listed.size + state.tally.skipped);
      }
    } catch (error) {
      // A snapshot that is not what it claims to be (broken JSON, a CSV without a header, over 50 MB).
      if (error instanceof SnapshotUnreadable) unreadable = problems.badRequest(error.message);
      else if (error instanceof HttpProblem && error.status < 500) unreadable = error;
      if (unreadable !== null) throw new SnapshotUnreadable(unreadable.detail);
      throw error;
    }
    return settle(ctx, state, () => false);
  });
  // Nothing was written before the snapshot turned out unreadable: the client hears why, and which run recorded it.
  const refused = unreadable as HttpProblem | null;
  if (refused !== null)
    throw new HttpProblem(
      refused.status,
      refused.slug,
      refused.title,
      `${refused.detail} Nothing was changed (run ${run.id}).`,
      { ...refused.extensions, runId: run.id },
      refused.headers,
    );
  return ended;
}

/** Planned changes read at a time when a plan is checked or applied. */
const PAGE = 1_000;

/** Who in a plan changed since it was made (the first few, with why), or nobody. */
async function changedSince(ctx: DomainContext, run: SyncRun): Promise<string[]> {
  const org = run.organizationId;
  const found: string[] = [];
  for (let after = 0; found.length < 10;) {
    const page = await plannedChanges(ctx.store.db, run.id, after, PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1].seq;
    const checked = page.filter((c) => c.baseUpdatedAt !== null);
    const current = new Map(
      (
        await employeesByIds(
          ctx.store.db,
          org,
          checked.map((c) => c.employeeId),
        )
      ).map((e) => [e.id, e]),
    );
    for (const change of checked) {
      const now = current.get(change.employeeId);
      if (now === undefined) found.push(`${change.employeeId} was removed`);
      else if (now.updatedAt !== change.baseUpdatedAt)
        found.push(`${change.employeeId} was changed at ${now.updatedAt}`);
    }
    const creates = page.filter((c) => c.action === 'create' && c.employee !== null).map((c) => c.employee as Employee);
    const taken = [
      ...(await employeesByEmails(
        ctx.store.db,
        org,
        creates.map((e) => e.email),
      )),
      ...(await employeesByExternalIds(
        ctx.store.db,
        org,
        creates.flatMap((e) => (e.externalId === null ? [] : [e.externalId])),
      )),
    ];
    for (const holder of taken) found.push(`${holder.id} now has the email or external id of someone the plan creates`);
  }
  return found.slice(0, 10);
}

/** Adds the options the preview noted as to be added (those still missing). */
async function addPlannedOptions(trx: DomainContext['store']['db'], run: SyncRun, at: Date) {
  const definitions = await attributesByName(trx, run.organizationId);
  const added = new Map<string, Set<string>>();
  for (let after = 0; ;) {
    const notes = await notesOf(trx, run.id, 'addedOption', after, PAGE);
    if (notes.length === 0) break;
    after = notes[notes.length - 1].seq;
    for (const { note } of notes) {
      const name = String(note.attribute);
      const definition = definitions.get(name.toLowerCase());
      if (!definition || definition.options.includes(String(note.option))) continue;
      if (!added.has(definition.name)) added.set(definition.name, new Set());
      added.get(definition.name)?.add(String(note.option));
    }
  }
  return addAttributeOptions(trx, run.organizationId, added, definitions, {
    actor: SYSTEM_ACTOR,
    by: run.source === 'hibob' ? 'hibob-sync' : `import:${run.source}`,
    at,
  });
}

/** Writes one page of a plan, inside its transaction. */
async function applyPage(
  ctx: DomainContext,
  trx: DomainContext['store']['db'],
  run: SyncRun,
  page: PlannedChange[],
  definitions: Awaited<ReturnType<typeof attributesByName>>,
): Promise<{ created: number; updated: number; deleted: number }> {
  const org = run.organizationId;
  const at = ctx.clock.now();
  const done = { created: 0, updated: 0, deleted: 0 };
  const current = new Map(
    (
      await employeesByIds(
        trx,
        org,
        page.map((c) => c.employeeId),
      )
    ).map((e) => [e.id, e]),
  );
  const writes: EmployeeWrite[] = [];
  const flush = async () => {
    // The rows keep the fingerprint the preview planned (a HiBob record's), so the next run can skip them.
    await writeEmployees(trx, writes.splice(0), { audit: false, fromSync: true });
  };
  for (const change of page) {
    const before = current.get(change.employeeId) ?? null;
    if (change.action === 'delete') {
      await flush();
      if (before !== null) {
        await removeEmployee(trx, SYSTEM_ACTOR, before, at);
        current.delete(change.employeeId);
        done.deleted += 1;
      }
      continue;
    }
    const planned = change.employee as Employee;
    const stamp = at.toISOString();
    const after: Employee = {
      ...planned,
      createdAt: before?.createdAt ?? stamp,
      updatedAt: before?.updatedAt ?? stamp,
    };
    if (before === null && change.action === 'update') continue;
    const write = employeeWrite(SYSTEM_ACTOR, before, after, definitions, at);
    if (write === null) continue;
    // A second step of the same person (a manager set once everyone existed) follows the first.
    if (writes.some((w) => w.employee.id === write.employee.id)) await flush();
    writes.push(write);
    current.set(write.employee.id, write.employee);
    if (write.created) done.created += 1;
    else if (change.baseUpdatedAt !== null) done.updated += 1;
  }
  await flush();
  return done;
}

/**
 * Applies a preview's plan (or a run stopped at the deletion guard, with `confirmDeletions`). 409
 * when the run is not waiting to be applied, when its deletions need confirming, when anyone in the
 * plan changed since it was made (nothing is written then), or while another run of the source goes.
 */
export async function applyPreview(
  ctx: DomainContext,
  who: Principal,
  runId: string,
  options: { confirmDeletions: boolean },
): Promise<SyncRun> {
  const run = await findRun(ctx.store.db, who.organizationId, runId);
  if (run === null) throw problems.notFound(`There is no import run ${runId}.`);
  if (run.status !== 'previewed' && run.status !== 'needs_confirmation')
    throw problems.conflict(
      `Only a preview or a run waiting for confirmation can be applied; this run is ${run.status}.`,
      { runStatus: run.status },
    );
  if (run.status === 'needs_confirmation' && !options.confirmDeletions)
    throw problems.conflict(
      `This run would delete ${run.options.guard?.wouldDelete ?? run.deleted} people of ${run.source}, over the ${run.options.maxDeletePercent} % allowed; apply it with {"confirmDeletions": true} to go ahead.`,
      { wouldDelete: run.options.guard?.wouldDelete ?? run.deleted },
    );
  const changed = await changedSince(ctx, run);
  if (changed.length > 0)
    throw problems.conflict(
      `Some people in the plan changed since it was made, so it was not applied; run the import again for a fresh preview. ${changed.join('; ')}.`,
      { changed },
    );
  const applying: SyncRun = { ...run, status: 'running', phase: 'applying', processed: 0, finishedAt: null };
  try {
    await updateRun(ctx.store.db, applying);
  } catch (error) {
    if (isUniqueViolation(error)) throw await alreadyRunning(ctx, who.organizationId, run.source);
    throw error;
  }
  await recordAudit(ctx.store.db, {
    organizationId: who.organizationId,
    actor: principalActor(who),
    action: run.source === 'hibob' ? 'hibob.sync_applied' : 'import.applied',
    targetType: 'sync_run',
    targetId: run.id,
    details: { confirmDeletions: options.confirmDeletions },
    at: ctx.clock.now(),
  });
  return runToEnd(ctx, applying, async () => {
    const tally = { ...emptyTally(), unchanged: run.unchanged, skipped: run.skipped };
    const definitions = await ctx.store.db
      .transaction()
      .execute((trx) => addPlannedOptions(trx, applying, ctx.clock.now()));
    for (let after = 0; ;) {
      await yieldToOthers();
      const page = await plannedChanges(ctx.store.db, run.id, after, PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1].seq;
      const done = await ctx.store.db.transaction().execute(async (trx) => {
        const result = await applyPage(ctx, trx, applying, page, definitions);
        applying.processed += page.length;
        applying.heartbeatAt = ctx.clock.now().toISOString();
        await updateRun(trx, applying);
        return result;
      });
      tally.created += done.created;
      tally.updated += done.updated;
      tally.deleted += done.deleted;
    }
    await deletePlannedChanges(ctx.store.db, run.id);
    return finishRun(ctx, applying, { ...tally, status: 'completed', error: null });
  });
}
