// Writing a snapshot's people into the store, for HiBob's runs, imports and one real-time change
// alike: match each person with an employee (by external id or by email), refuse to take over
// someone another source owns, create or update them with their events, resolve managers and
// employee references, and remove the people a full snapshot no longer has. Every change is an
// ordinary employee event from the system (actor null); a person who did not change writes nothing.
// Where the changes go is the sink's business: the store, or a preview's plan.
import type { Kysely } from 'kysely';
import { SYSTEM_ACTOR } from '../../core/actor';
import type { AttributeValue } from '../../core/attributes';
import { newId } from '../../core/ids';
import { ownMap } from '../../core/map-keys';
import type { Attribute } from '../../store/attributes';
import { type Employee, employeesByEmails, employeesByExternalIds, sameStoredEmployee } from '../../store/employees';
import type { Database } from '../../store/schema';
import { addAttributeOptions } from '../attributes';
import { type EmployeeWrite, employeeWrite } from '../employees';
import { type MatchBy, type RunNotes, type SnapshotPerson, matchKey, missingOptions } from './snapshot';

/** What a batch of writes did. */
export interface Tally {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  skipped: number;
}

export const emptyTally = (): Tally => ({ created: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0 });

/** Where references wait when the person they name is not known yet (a report listed before the manager). */
export interface Deferred {
  employeeId: string;
  person: SnapshotPerson;
  /** How the first pass counted the person. */
  counted: 'created' | 'updated' | 'unchanged';
  /** The employee as the first pass left them. */
  employee: Employee;
}

/** Where a run's changes go: written to the store, or kept as a preview's plan. */
export interface ChangeSink {
  /** Writes a batch's changes (with the employees they change) and refreshes current rows' fingerprints. */
  write(
    db: Kysely<Database>,
    writes: { write: EmployeeWrite; before: Employee | null }[],
    fingerprints: { id: string; syncHash: string | null }[],
    organizationId: string,
  ): Promise<void>;
  remove(db: Kysely<Database>, employees: Employee[], at: Date): Promise<void>;
  /** The employee a deferred person's first pass left, as the run has them now. */
  current(db: Kysely<Database>, organizationId: string, deferred: Deferred): Promise<Employee | null>;
}

export interface ApplyContext {
  db: Kysely<Database>;
  organizationId: string;
  /** The source the run writes as: `hibob`, or an import's slug. */
  source: string;
  match: MatchBy;
  /** Whose people the run may take over: anyone's, hand-made ones only (HiBob links those by email), or none. */
  adopt: 'any' | 'api' | 'none';
  definitions: Map<string, Attribute>;
  /** Attributes the source always fills (HiBob's mapped fields): one a person lacks is cleared. */
  managed: readonly string[];
  /** PeopleHub ids by external id and by email (lowercase): everyone known so far, growing as people are created. */
  idsByExternal: Map<string, string>;
  idsByEmail: Map<string, string>;
  notes: RunNotes;
  at: Date;
  /**
   * One audit entry per change (a real-time change), or none: a run is in the audit log once rather
   * than once per person of a 100,000-person run, and each person's change is in its event.
   */
  audit: boolean;
  sink: ChangeSink;
}

/** Adds list values the snapshot uses that are not yet options of their attribute; returns the refreshed definitions. */
export async function addMissingOptions(
  db: Kysely<Database>,
  context: Pick<ApplyContext, 'organizationId' | 'definitions' | 'notes' | 'source'>,
  people: SnapshotPerson[],
  at: Date,
  write = true,
): Promise<Map<string, Attribute>> {
  const added = new Map<string, Set<string>>();
  for (const person of people) {
    for (const { attribute, option } of missingOptions(person, context.definitions)) {
      if (!added.has(attribute)) added.set(attribute, new Set());
      added.get(attribute)?.add(option);
    }
  }
  for (const [name, options] of added)
    for (const option of options) context.notes.add('addedOptions', { attribute: name, option });
  if (!write) return withOptions(context.definitions, added);
  return addAttributeOptions(db, context.organizationId, added, context.definitions, {
    actor: SYSTEM_ACTOR,
    by: context.source === 'hibob' ? 'hibob-sync' : `import:${context.source}`,
    at,
  });
}

/** The definitions as they would be with the options added (a preview adds nothing). */
function withOptions(definitions: Map<string, Attribute>, added: Map<string, Set<string>>): Map<string, Attribute> {
  if (added.size === 0) return definitions;
  const refreshed = new Map(definitions);
  for (const [name, options] of added) {
    const definition = refreshed.get(name.toLowerCase()) as Attribute;
    refreshed.set(name.toLowerCase(), { ...definition, options: [...definition.options, ...options] });
  }
  return refreshed;
}

interface Resolved {
  /** undefined: the snapshot does not give the manager. */
  managerId: string | null | undefined;
  refs: Record<string, string>;
  complete: boolean;
}

/** References as PeopleHub ids where the person is known; `complete` is false when one is still missing. */
function resolve(person: SnapshotPerson, context: ApplyContext): Resolved {
  let managerId: string | null | undefined;
  let complete = true;
  if (person.managerExternalId !== undefined && person.managerExternalId !== null) {
    managerId = context.idsByExternal.get(person.managerExternalId) ?? null;
    complete = managerId !== null;
  } else if (person.managerEmail !== undefined && person.managerEmail !== null) {
    managerId = context.idsByEmail.get(person.managerEmail.toLowerCase()) ?? null;
    complete = managerId !== null;
  } else if (person.managerExternalId === null || person.managerEmail === null) {
    managerId = null;
  }
  const refs: Record<string, string> = {};
  for (const [attribute, externalId] of Object.entries(person.employeeRefs)) {
    const id = context.idsByExternal.get(externalId);
    if (id === undefined) complete = false;
    else refs[attribute] = id;
  }
  return { managerId, refs, complete };
}

function given<T>(value: T | undefined, current: T): T {
  return value === undefined ? current : value;
}

/** The employee the snapshot describes, on top of what PeopleHub has (fields it does not give stay). */
function desired(before: Employee | null, person: SnapshotPerson, context: ApplyContext, resolved: Resolved): Employee {
  const at = context.at.toISOString();
  const attributes = ownMap<AttributeValue>(before?.attributes ?? {});
  for (const name of context.managed) {
    if (person.attributes[name] === undefined && person.employeeRefs[name] === undefined) delete attributes[name];
  }
  for (const [name, value] of Object.entries(person.attributes)) {
    if (value === null) delete attributes[name];
    else attributes[name] = value;
  }
  for (const name of Object.keys(person.employeeRefs)) {
    const id = resolved.refs[name];
    if (id === undefined) delete attributes[name];
    else attributes[name] = id;
  }
  const firstName = given(person.firstName, before?.firstName ?? '');
  const lastName = given(person.lastName, before?.lastName ?? '');
  const derivedName = before === null || before.displayName === `${before.firstName} ${before.lastName}`;
  const displayName =
    person.displayName ??
    (derivedName ? `${firstName} ${lastName}` : (before?.displayName ?? `${firstName} ${lastName}`));
  return {
    id: before?.id ?? newId('emp', context.at),
    organizationId: context.organizationId,
    externalId: given(person.externalId, before?.externalId ?? null),
    email: given(person.email, before?.email ?? ''),
    firstName,
    lastName,
    displayName,
    title: given(person.title, before?.title ?? null),
    department: given(person.department, before?.department ?? null),
    managerId: given(resolved.managerId, before?.managerId ?? null),
    phone: given(person.phone, before?.phone ?? null),
    startDate: given(person.startDate, before?.startDate ?? null),
    separationDate: given(person.separationDate, before?.separationDate ?? null),
    separationReason: given(person.separationReason, before?.separationReason ?? null),
    attributes,
    source: context.source,
    // A row whose references are not all settled is compared again at every run until they are.
    syncHash: resolved.complete ? person.fingerprint : null,
    createdAt: before?.createdAt ?? at,
    updatedAt: before?.updatedAt ?? at,
  };
}

type Match = { person: SnapshotPerson; before: Employee | null } | { person: SnapshotPerson; skip: string };

/** Why a person may not be written, or null; `before` is who they matched. */
function refusal(person: SnapshotPerson, before: Employee | null, context: ApplyContext): string | null {
  if (before !== null && before.source !== context.source) {
    const adoptable = context.adopt === 'any' || (context.adopt === 'api' && before.source === 'api');
    if (!adoptable)
      return `${before.id} matches but belongs to the source "${before.source}"; import with "adopt": true to take them over`;
  }
  if (before === null) {
    const missing = (['email', 'firstName', 'lastName'] as const).filter((f) => !person[f]);
    if (missing.length > 0) return `a new person needs email, firstName and lastName (missing: ${missing.join(', ')})`;
  }
  return null;
}

/**
 * Finds who each person of a batch is: by external id (or, for someone PeopleHub has without one, by
 * email), or by email when the run matches on email. A person whose email or external id belongs to
 * someone else, or who belongs to another source, is to be skipped, with the reason.
 */
async function matchBatch(context: ApplyContext, people: SnapshotPerson[]): Promise<Match[]> {
  const { db, organizationId } = context;
  const externalIds = people
    .map((p) => p.externalId)
    .filter((id): id is string => typeof id === 'string' && context.idsByExternal.has(id));
  const byExternal = new Map(
    (await employeesByExternalIds(db, organizationId, externalIds)).map((e) => [e.externalId as string, e]),
  );
  const emails = people
    .filter((p) => p.email !== undefined && context.idsByEmail.has(p.email.toLowerCase()))
    .filter((p) => byExternal.get(p.externalId ?? '')?.email.toLowerCase() !== p.email?.toLowerCase())
    .map((p) => p.email as string);
  const byEmail = new Map([...byExternal.values()].map((e) => [e.email.toLowerCase(), e]));
  for (const employee of await employeesByEmails(db, organizationId, emails))
    byEmail.set(employee.email.toLowerCase(), employee);
  return people.map((person) => {
    const external = typeof person.externalId === 'string' ? (byExternal.get(person.externalId) ?? null) : null;
    const holder = person.email === undefined ? null : (byEmail.get(person.email.toLowerCase()) ?? null);
    let before: Employee | null;
    if (context.match === 'externalId') {
      before = external;
      if (before === null && holder && (holder.externalId === null || holder.externalId === person.externalId))
        before = holder;
    } else {
      before = holder;
    }
    if (holder && holder.id !== before?.id)
      return { person, skip: `the email ${person.email} belongs to another employee (${holder.id})` };
    if (external && external.id !== before?.id)
      return { person, skip: `the external id ${person.externalId} belongs to another employee (${external.id})` };
    const refused = refusal(person, before, context);
    return refused === null ? { person, before } : { person, skip: refused };
  });
}

/**
 * The people of a batch whose employee would change (new ones, changed ones, skipped ones, and those
 * whose references or options are not settled yet, or whose row's fingerprint is out of date); the
 * others are counted as unchanged and let go. Reads only.
 */
export async function changedPeople(
  context: ApplyContext,
  people: SnapshotPerson[],
  tally: Tally,
): Promise<SnapshotPerson[]> {
  const matches = await matchBatch(context, people);
  return matches
    .filter((m) => {
      if ('skip' in m || m.before === null) return true;
      const { person, before } = m;
      if (missingOptions(person, context.definitions).length > 0) return true;
      const resolved = resolve(person, context);
      const after = desired(before, person, context, resolved);
      if (
        !resolved.complete ||
        !sameStoredEmployee(before, after) ||
        (after.syncHash !== null && before.syncHash !== after.syncHash)
      )
        return true;
      tally.unchanged += 1;
      for (const warning of person.warnings)
        context.notes.add('warnings', { externalId: matchKey(person, context.match) ?? '', warning });
      return false;
    })
    .map((m) => m.person);
}

/**
 * Upserts a batch (inside one transaction when it writes). A person who cannot be written is skipped
 * and reported, and the batch goes on.
 */
export async function applyPeople(
  context: ApplyContext,
  people: SnapshotPerson[],
  tally: Tally,
  deferred: Deferred[],
): Promise<void> {
  const writes: { write: EmployeeWrite; before: Employee | null }[] = [];
  const fingerprints: { id: string; syncHash: string | null }[] = [];
  for (const match of await matchBatch(context, people)) {
    const { person } = match;
    const key = matchKey(person, context.match);
    if ('skip' in match) {
      context.notes.add('skippedPeople', { externalId: key, reason: match.skip });
      tally.skipped += 1;
      continue;
    }
    const { before } = match;
    const resolved = resolve(person, context);
    const after = desired(before, person, context, resolved);
    // Two people of one batch may not both take an email (the store would refuse the whole batch).
    const taken = context.idsByEmail.get(after.email.toLowerCase());
    if (taken !== undefined && taken !== after.id) {
      context.notes.add('skippedPeople', {
        externalId: key,
        reason: `the email ${after.email} belongs to another employee (${taken})`,
      });
      tally.skipped += 1;
      continue;
    }
    const write = employeeWrite(SYSTEM_ACTOR, before, after, context.definitions, context.at);
    if (write !== null) writes.push({ write, before });
    else if (before !== null && after.syncHash !== null && before.syncHash !== after.syncHash)
      fingerprints.push({ id: before.id, syncHash: after.syncHash });
    if (after.externalId !== null) context.idsByExternal.set(after.externalId, after.id);
    if (before !== null && before.email.toLowerCase() !== after.email.toLowerCase())
      context.idsByEmail.delete(before.email.toLowerCase());
    context.idsByEmail.set(after.email.toLowerCase(), after.id);
    const counted = before === null ? 'created' : write !== null ? 'updated' : 'unchanged';
    tally[counted] += 1;
    if (!resolved.complete)
      deferred.push({ employeeId: after.id, person, counted, employee: write?.employee ?? after });
    for (const warning of person.warnings) context.notes.add('warnings', { externalId: key ?? '', warning });
  }
  // The batch is written at once: rows, then events, in multi-row inserts.
  await context.sink.write(context.db, writes, fingerprints, context.organizationId);
}

/**
 * The second pass: references to people who came later in the snapshot. One still unknown (not in
 * the snapshot, or skipped) is left empty, and reported.
 */
export async function applyDeferred(context: ApplyContext, deferred: Deferred[], tally: Tally): Promise<void> {
  const writes: { write: EmployeeWrite; before: Employee | null }[] = [];
  const fingerprints: { id: string; syncHash: string | null }[] = [];
  for (const entry of deferred) {
    const { person, counted } = entry;
    const before = await context.sink.current(context.db, context.organizationId, entry);
    if (before === null) continue;
    const resolved = resolve(person, context);
    if (!resolved.complete)
      context.notes.add('warnings', {
        externalId: matchKey(person, context.match) ?? '',
        warning: 'a manager or employee reference names someone who is not in the snapshot',
      });
    const after = desired(before, person, context, resolved);
    const write = employeeWrite(SYSTEM_ACTOR, before, after, context.definitions, context.at);
    if (write !== null) writes.push({ write, before });
    else if (after.syncHash !== null && before.syncHash !== after.syncHash)
      fingerprints.push({ id: before.id, syncHash: after.syncHash });
    // Each person is counted once: created stays created (its events show both steps), and one
    // the first pass found unchanged is updated after all.
    if (write !== null && counted === 'unchanged') {
      tally.unchanged -= 1;
      tally.updated += 1;
    }
  }
  await context.sink.write(context.db, writes, fingerprints, context.organizationId);
}
