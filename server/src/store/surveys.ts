// Survey rounds. Every change of state is a compare-and-set on the row (status, reminders sent, the
// day of the last refresh), so that of several processes exactly one makes it.
import type { Kysely } from 'kysely';
import type { Cadence, Question, SurveyStatus } from '../core/surveys';
import type { Dialect } from './database';
import { type Keyset, type Page, containsText, pageBy, takePage } from './query';
import type { Database, SurveysTable } from './schema';

export interface SurveyOutcome {
  invited: number;
  responded: number;
  rate: number | null;
  /** Null when the anonymity rules withhold the results. */
  score: number | null;
  enps: number | null;
  hidden: boolean;
}

export interface Survey {
  id: string;
  organizationId: string;
  name: string;
  questions: Question[];
  opensAt: string;
  closesAt: string;
  reminders: number[];
  audience: string[];
  cadence: Cadence;
  status: SurveyStatus;
  openedAt: string | null;
  closedAt: string | null;
  remindersSent: number;
  refreshedOn: string | null;
  /** Sealed: only domain/survey-links opens it. */
  linkKey: string;
  previousId: string | null;
  outcome: SurveyOutcome | null;
  createdAt: string;
  updatedAt: string;
}

const toSurvey = (row: SurveysTable): Survey => ({
  id: row.id,
  organizationId: row.organization_id,
  name: row.name,
  questions: JSON.parse(row.questions) as Question[],
  opensAt: row.opens_at,
  closesAt: row.closes_at,
  reminders: JSON.parse(row.reminders) as number[],
  audience: JSON.parse(row.audience) as string[],
  cadence: row.cadence as Cadence,
  status: row.status as SurveyStatus,
  openedAt: row.opened_at,
  closedAt: row.closed_at,
  remindersSent: Number(row.reminders_sent),
  refreshedOn: row.refreshed_on,
  linkKey: row.link_key,
  previousId: row.previous_id,
  outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as SurveyOutcome),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toRow = (s: Survey): SurveysTable => ({
  id: s.id,
  organization_id: s.organizationId,
  name: s.name,
  questions: JSON.stringify(s.questions),
  opens_at: s.opensAt,
  closes_at: s.closesAt,
  reminders: JSON.stringify(s.reminders),
  audience: JSON.stringify(s.audience),
  cadence: s.cadence,
  status: s.status,
  opened_at: s.openedAt,
  closed_at: s.closedAt,
  reminders_sent: s.remindersSent,
  refreshed_on: s.refreshedOn,
  link_key: s.linkKey,
  previous_id: s.previousId,
  outcome: s.outcome === null ? null : JSON.stringify(s.outcome),
  created_at: s.createdAt,
  updated_at: s.updatedAt,
});

export async function insertSurvey(db: Kysely<Database>, survey: Survey): Promise<void> {
  await db.insertInto('surveys').values(toRow(survey)).execute();
}

export async function findSurvey(db: Kysely<Database>, organizationId: string, id: string): Promise<Survey | null> {
  const row = await db
    .selectFrom('surveys')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toSurvey(row) : null;
}

/** A round by id alone: for a personal link, which names no organization. */
export async function findSurveyById(db: Kysely<Database>, id: string): Promise<Survey | null> {
  const row = await db.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toSurvey(row) : null;
}

export interface SurveyFilter {
  q?: string;
  status?: SurveyStatus;
}

export async function listSurveys(
  db: Kysely<Database>,
  organizationId: string,
  filter: SurveyFilter,
  keyset: Keyset,
): Promise<Page<Survey>> {
  let query = db.selectFrom('surveys').selectAll().where('organization_id', '=', organizationId);
  if (filter.q) query = query.where(containsText(['surveys.name'], filter.q));
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  return takePage((await pageBy(query, keyset).execute()).map(toSurvey), keyset.limit);
}

/**
 * Writes the round's editable fields, only while it is still in the status it was read in: false
 * when another writer moved it on meanwhile.
 */
export async function updateSurvey(db: Kysely<Database>, survey: Survey, readAs: SurveyStatus): Promise<boolean> {
  const result = await db
    .updateTable('surveys')
    .set({
      name: survey.name,
      questions: JSON.stringify(survey.questions),
      opens_at: survey.opensAt,
      closes_at: survey.closesAt,
      reminders: JSON.stringify(survey.reminders),
      audience: JSON.stringify(survey.audience),
      cadence: survey.cadence,
      updated_at: survey.updatedAt,
    })
    .where('id', '=', survey.id)
    .where('status', '=', readAs)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes a round that has not opened; false when it has (or is gone). */
export async function deleteScheduledSurvey(
  db: Kysely<Database>,
  organizationId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('surveys')
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/**
 * scheduled → open (`opensAt` moved to now when it is opened early); false when another process (or
 * request) opened it first.
 */
export async function markOpened(
  db: Kysely<Database>,
  id: string,
  at: string,
  opensAt: string,
  today: string,
): Promise<boolean> {
  const result = await db
    .updateTable('surveys')
    .set({ status: 'open', opened_at: at, opens_at: opensAt, refreshed_on: today, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** open → closed; false when it was closed already. Responses still being written are waited for (holdOpen). */
export async function markClosed(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('surveys')
    .set({ status: 'closed', closed_at: at, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The figures a round closed with (written in the transaction that closed it). */
export async function recordOutcome(db: Kysely<Database>, id: string, outcome: SurveyOutcome): Promise<void> {
  await db
    .updateTable('surveys')
    .set({ outcome: JSON.stringify(outcome) })
    .where('id', '=', id)
    .execute();
}

/** Claims reminder `index` (0-based) of an open round; false when it went out already. */
export async function claimReminder(db: Kysely<Database>, id: string, index: number, at: string): Promise<boolean> {
  const result = await db
    .updateTable('surveys')
    .set({ reminders_sent: index + 1, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .where('reminders_sent', '=', index)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Claims the day's refresh of an open round's invitations; false when it was done today already. */
export async function claimRefresh(
  db: Kysely<Database>,
  id: string,
  last: string | null,
  today: string,
): Promise<boolean> {
  let query = db.updateTable('surveys').set({ refreshed_on: today }).where('id', '=', id).where('status', '=', 'open');
  query = last === null ? query.where('refreshed_on', 'is', null) : query.where('refreshed_on', '=', last);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Rounds whose time to open has come. */
export async function surveysDueToOpen(db: Kysely<Database>, now: string, limit = 50): Promise<Survey[]> {
  const rows = await db
    .selectFrom('surveys')
    .selectAll()
    .where('status', '=', 'scheduled')
    .where('opens_at', '<=', now)
    .orderBy('opens_at')
    .limit(limit)
    .execute();
  return rows.map(toSurvey);
}

/** Every open round (each is checked for closing, reminders and the day's refresh). */
export async function openSurveys(db: Kysely<Database>): Promise<Survey[]> {
  const rows = await db.selectFrom('surveys').selectAll().where('status', '=', 'open').orderBy('closes_at').execute();
  return rows.map(toSurvey);
}

/** The rounds a cadence scheduled after these, as next id by previous id. */
export async function followingSurveyIds(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('surveys').select(['id', 'previous_id']).where('previous_id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.previous_id as string, r.id]));
}

/**
 * Whether a round is still open, holding it so until the transaction ends (PostgreSQL: a share lock,
 * which closing's update waits for; SQLite has one writer at a time anyway).
 */
export async function holdOpen(db: Kysely<Database>, dialect: Dialect, id: string): Promise<boolean> {
  let query = db.selectFrom('surveys').select('id').where('id', '=', id).where('status', '=', 'open');
  if (dialect === 'postgres') query = query.forShare();
  return (await query.executeTakeFirst()) !== undefined;
}
