// Writing HiBob's people into the store, for a full run and for one real-time change alike: upsert
// by HRIS id, then by email; managers and employee references by HRIS id; list values that are not
// options yet become options; people gone from HiBob are removed. Every change is an ordinary
// employee event from the system (actor null); a person who did not change writes nothing.
import type { Kysely } from 'kysely';
import { SYSTEM_ACTOR } from '../../core/actor';
import type { AttributeValue } from '../../core/attributes';
import { newId } from '../../core/ids';
import { ownMap } from '../../core/map-keys';
import { addAttributeOptions } from '../../domain/attributes';
import { type EmployeeWrite, employeeWrite, removeEmployee, writeEmployees } from '../../domain/employees';
import type { Attribute } from '../../store/attributes';
import {
  type Employee,
  employeesByEmails,
  employeesByExternalIds,
  findEmployee,
  sameStoredEmployee,
  setSyncHashes,
} from '../../store/employees';
import type { RunReport } from '../../store/sync-runs';
import type { Database } from '../../store/schema';
import { type FieldPlan, type SyncedPerson, missingOptions } from './mapping';
import { addToReport } from './report';

/** What a batch of writes did. */
export interface Tally {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

/** Where references wait when the person they name is not known yet (a report listed before the manager). */
export interface Deferred {
  employeeId: string;
  person: SyncedPerson;
  /** How the first pass counted the person. */
  counted: 'created' | 'updated' | 'unchanged';
}

export interface ApplyContext {
  db: Kysely<Database>;
  organizationId: string;
  plan: FieldPlan;
  definitions: Map<string, Attribute>;
  /** PeopleHub ids by HRIS id: everyone linked so far, growing as people are created. */
  idsByExternal: Map<string, string>;
  report: RunReport;
  at: Date;
  /**
   * One audit entry per change (a real-time change), or none: a run is in the audit log once
   * (hibob.sync_completed) rather than once per person of a 100,000-person run, and each person's
   * change is in its event.
   */
  audit: boolean;
}

/** Adds list values HiBob uses that are not yet options of their attribute; returns the refreshed definitions. */
export async function addMissingOptions(
  db: Kysely<Database>,
  organizationId: string,
  people: SyncedPerson[],
  definitions: Map<string, Attribute>,
  report: RunReport,
  at: Date,
): Promise<Map<string, Attribute>> {
  const added = new Map<string, Set<string>>();
  for (const person of people) {
    for (const { attribute, option } of missingOptions(person, definitions)) {
      if (!added.has(attribute)) added.set(attribute, new Set());
      added.get(attribute)?.add(option);
    }
  }
  const refreshed = await addAttributeOptions(db, organizationId, added, definitions, {
    actor: SYSTEM_ACTOR,
    by: 'hibob-sync',
    at,
  });
  for (const [name, options] of added)
    for (const option of options) addToReport(report.addedOptions, { attribute: name, option });
  return refreshed;
}

/** The employee HiBob describes, on top of what PeopleHub has (unsynced attributes and the phone stay). */
function desired(
  before: Employee | null,
  person: SyncedPerson,
  context: ApplyContext,
  resolved: { managerId: string | null; refs: Record<string, string>; complete: boolean },
): Employee {
  const at = context.at.toISOString();
  const attributes = ownMap<AttributeValue>(before?.attributes ?? {});
  for (const mapping of context.plan.custom) {
    const value = mapping.kind === 'employee' ? resolved.refs[mapping.attribute] : person.attributes[mapping.attribute];
    if (value === undefined) delete attributes[mapping.attribute];
    else attributes[mapping.attribute] = value;
  }
  return {
    id: before?.id ?? newId('emp', context.at),
    organizationId: context.organizationId,
    externalId: person.externalId,
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    displayName: person.displayName ?? `${person.firstName} ${person.lastName}`,
    title: person.title,
    department: person.department,
    managerId: resolved.managerId,
    phone: before?.phone ?? null,
    startDate: person.startDate,
    separationDate: person.separationDate,
    separationReason: person.separationReason,
    attributes,
    source: 'hibob',
    // A row whose references are not all settled is compared again at every run until they are.
    syncHash: resolved.complete ? person.fingerprint : null,
    createdAt: before?.createdAt ?? at,
    updatedAt: before?.updatedAt ?? at,
  };
}

/** References by HRIS id, as PeopleHub ids where the person is known; `complete` is false when one is still missing. */
function resolve(person: SyncedPerson, idsByExternal: Map<string, string>) {
  const managerId = person.managerExternalId === null ? null : (idsByExternal.get(person.managerExternalId) ?? null);
  const refs: Record<string, string> = {};
  let complete = person.managerExternalId === null || managerId !== null;
  for (const [attribute, externalId] of Object.entries(person.employeeRefs)) {
    const id = idsByExternal.get(externalId);
    if (id === undefined) complete = false;
    else refs[attribute] = id;
  }
  return { managerId, refs, complete };
}

/**
 * The people of a batch whose employee would change (new ones, changed ones, and those whose
 * references or options are not settled yet, or whose row's fingerprint is out of date); the others
 * are counted as unchanged and let go. Reads only.
 */
export async function changedPeople(
  context: ApplyContext,
  people: SyncedPerson[],
  tally: Tally,
): Promise<SyncedPerson[]> {
  // Only people linked already can be unchanged; the others are new here.
  const linked = people.filter((p) => context.idsByExternal.has(p.externalId)).map((p) => p.externalId);
  if (linked.length === 0) return people;
  const byExternal = new Map(
    (await employeesByExternalIds(context.db, context.organizationId, linked)).map((e) => [e.externalId as string, e]),
  );
  return people.filter((person) => {
    const before = byExternal.get(person.externalId);
    if (before === undefined || missingOptions(person, context.definitions).length > 0) return true;
    const resolved = resolve(person, context.idsByExternal);
    const after = desired(before, person, context, resolved);
    if (
      !resolved.complete ||
      !sameStoredEmployee(before, after) ||
      (after.syncHash !== null && before.syncHash !== after.syncHash)
    )
      return true;
    tally.unchanged += 1;
    for (const warning of person.warnings)
      addToReport(context.report.warnings, { externalId: person.externalId, warning });
    return false;
  });
}

/**
 * Writes a batch's changes with their events; rows whose data is current but whose fingerprint is
 * not (written by a real-time change, or before their references settled) get the new one, quietly:
 * no event and no new updatedAt, since nothing a client can see changed. A fingerprint is never
 * cleared here: a row that did not change is still what its old fingerprint's record maps to.
 */
async function writeBatch(
  context: ApplyContext,
  writes: EmployeeWrite[],
  fingerprints: { id: string; syncHash: string | null }[],
): Promise<void> {
  await writeEmployees(context.db, writes, { audit: context.audit, fromSync: true });
  await setSyncHashes(context.db, context.organizationId, fingerprints);
}

/**
 * Upserts a batch (call inside one transaction): by HRIS id first, then by email, which links a
 * person PeopleHub already had. A person whose email belongs to someone else is skipped and reported.
 */
export async function applyPeople(
  context: ApplyContext,
  people: SyncedPerson[],
  tally: Tally,
  deferred: Deferred[],
): Promise<void> {
  const { db, organizationId } = context;
  const linked = people.filter((p) => context.idsByExternal.has(p.externalId)).map((p) => p.externalId);
  const byExternal = new Map(
    (await employeesByExternalIds(db, organizationId, linked)).map((e) => [e.externalId as string, e]),
  );
  // Emails are looked up for the people not linked yet, and for linked ones whose email changed.
  const emails = people
    .filter((p) => byExternal.get(p.externalId)?.email.toLowerCase() !== p.email.toLowerCase())
    .map((p) => p.email);
  const byEmail = new Map([...byExternal.values()].map((e) => [e.email.toLowerCase(), e]));
  for (const employee of await employeesByEmails(db, organizationId, emails))
    byEmail.set(employee.email.toLowerCase(), employee);
  const writes: EmployeeWrite[] = [];
  const fingerprints: { id: string; syncHash: string | null }[] = [];
  for (const person of people) {
    const holder = byEmail.get(person.email.toLowerCase());
    let before = byExternal.get(person.externalId) ?? null;
    if (before === null && holder && (holder.externalId === null || holder.externalId === person.externalId))
      before = holder;
    if (holder && holder.id !== before?.id) {
      addToReport(context.report.skippedPeople, {
        externalId: person.externalId,
        reason: `the email ${person.email} belongs to another employee (${holder.id})`,
      });
      continue;
    }
    const resolved = resolve(person, context.idsByExternal);
    const after = desired(before, person, context, resolved);
    const write = employeeWrite(SYSTEM_ACTOR, before, after, context.definitions, context.at);
    if (write !== null) writes.push(write);
    else if (before !== null && after.syncHash !== null && before.syncHash !== after.syncHash)
      fingerprints.push({ id: before.id, syncHash: after.syncHash });
    const changed = write !== null;
    context.idsByExternal.set(person.externalId, after.id);
    byEmail.set(after.email.toLowerCase(), after);
    const counted = before === null ? 'created' : changed ? 'updated' : 'unchanged';
    tally[counted] += 1;
    if (!resolved.complete) deferred.push({ employeeId: after.id, person, counted });
    for (const warning of person.warnings)
      addToReport(context.report.warnings, { externalId: person.externalId, warning });
  }
  // The batch is written at once: rows, then events, in multi-row inserts.
  await writeBatch(context, writes, fingerprints);
}

/**
 * The second pass: references to people who came later in HiBob's list. One still unknown (not in
 * HiBob, or skipped) is left empty, and reported.
 */
export async function applyDeferred(context: ApplyContext, deferred: Deferred[], tally: Tally): Promise<void> {
  const writes: EmployeeWrite[] = [];
  const fingerprints: { id: string; syncHash: string | null }[] = [];
  for (const { employeeId, person, counted } of deferred) {
    const before = await findEmployee(context.db, context.organizationId, employeeId);
    if (before === null) continue;
    const resolved = resolve(person, context.idsByExternal);
    if (!resolved.complete)
      addToReport(context.report.warnings, {
        externalId: person.externalId,
        warning: 'a manager or employee reference names someone who is not in HiBob',
      });
    const after = desired(before, person, context, resolved);
    const write = employeeWrite(SYSTEM_ACTOR, before, after, context.definitions, context.at);
    if (write !== null) writes.push(write);
    else if (after.syncHash !== null && before.syncHash !== after.syncHash)
      fingerprints.push({ id: before.id, syncHash: after.syncHash });
    // Each person is counted once: created stays created (its events show both steps), and one
    // the first pass found unchanged is updated after all.
    if (write !== null && counted === 'unchanged') {
      tally.unchanged -= 1;
      tally.updated += 1;
    }
  }
  await writeBatch(context, writes, fingerprints);
}

/** Removes people HiBob no longer has (call inside one transaction per batch). */
export async function removePeople(
  db: Kysely<Database>,
  organizationId: string,
  employeeIds: string[],
  tally: Tally,
  at: Date,
): Promise<void> {
  for (const id of employeeIds) {
    const employee = await findEmployee(db, organizationId, id);
    if (employee === null) continue;
    await removeEmployee(db, SYSTEM_ACTOR, employee, at);
    tally.deleted += 1;
  }
}
