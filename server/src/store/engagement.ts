// Engagement answers, and the monthly rollups the overview is computed from.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import {
  PASSIVE_MIN,
  PROMOTER_MIN,
  type Period,
  type PeriodCounts,
  bandOf,
  monthOf,
  monthsOf,
} from '../core/engagement';
import type { Dialect } from './database';
import {
  addToDepartments,
  rebuildDepartments,
  removeFromDepartments,
  subtractFromDepartments,
} from './department-rollups';
import type { Database, EngagementAnswersTable, EngagementMonthlyTable } from './schema';

/** A rollup row's key: one employee's answers to one question in one month. */
const ROLLUP_KEY = ['organization_id', 'question', 'month', 'employee_id'] as const;

/** The batch added up by rollup key, sorted by key. */
function rollupsOf(rows: EngagementAnswersTable[]): EngagementMonthlyTable[] {
  const byKey = new Map<string, EngagementMonthlyTable>();
  for (const row of rows) {
    const month = monthOf(row.answered_at);
    const key = JSON.stringify([row.organization_id, row.question, month, row.employee_id]);
    let rollup = byKey.get(key);
    if (rollup === undefined) {
      rollup = {
        organization_id: row.organization_id,
        question: row.question,
        month,
        employee_id: row.employee_id,
        answers: 0,
        score_sum: 0,
        promoters: 0,
        passives: 0,
        detractors: 0,
      };
      byKey.set(key, rollup);
    }
    rollup.answers += 1;
    rollup.score_sum += row.score;
    rollup[bandOf(row.score)] += 1;
  }
  return [...byKey.keys()].sort().map((key) => byKey.get(key) as EngagementMonthlyTable);
}

/**
 * Stores answers and adds them to the rollups; call it inside a transaction, so both or neither
 * are written. Rows are upserted in key order: two batches on PostgreSQL then lock the rows they
 * share in the same order, and cannot deadlock.
 */
export async function insertAnswers(db: Kysely<Database>, rows: EngagementAnswersTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('engagement_answers')
      .values(rows.slice(i, i + 200))
      .execute();
  const rollups = rollupsOf(rows);
  for (const organizationId of new Set(rollups.map((r) => r.organization_id))) {
    await addToDepartments(
      db,
      organizationId,
      rollups.filter((r) => r.organization_id === organizationId),
    );
  }
  for (let i = 0; i < rollups.length; i += 200) {
    await db
      .insertInto('engagement_monthly')
      .values(rollups.slice(i, i + 200))
      .onConflict((oc) =>
        oc.columns(ROLLUP_KEY).doUpdateSet((eb) => ({
          answers: eb('engagement_monthly.answers', '+', eb.ref('excluded.answers')),
          score_sum: eb('engagement_monthly.score_sum', '+', eb.ref('excluded.score_sum')),
          promoters: eb('engagement_monthly.promoters', '+', eb.ref('excluded.promoters')),
          passives: eb('engagement_monthly.passives', '+', eb.ref('excluded.passives')),
          detractors: eb('engagement_monthly.detractors', '+', eb.ref('excluded.detractors')),
        })),
      )
      .execute();
  }
}

/** An employee's answers go with them, and so do their rollups (call it inside a transaction). */
export async function deleteAnswersOf(db: Kysely<Database>, organizationId: string, employeeId: string): Promise<void> {
  await removeFromDepartments(db, organizationId, employeeId);
  await db
    .deleteFrom('engagement_answers')
    .where('organization_id', '=', organizationId)
    .where('employee_id', '=', employeeId)
    .execute();
  await db
    .deleteFrom('engagement_monthly')
    .where('organization_id', '=', organizationId)
    .where('employee_id', '=', employeeId)
    .execute();
}

/** The answers of one survey invitation's response, as recorded. */
export async function answersOfInvitation(
  db: Kysely<Database>,
  invitationId: string,
): Promise<EngagementAnswersTable[]> {
  return db.selectFrom('engagement_answers').selectAll().where('invitation_id', '=', invitationId).execute();
}

/**
 * Takes a survey invitation's answers out again, from the answers, the employee rollups and the
 * department totals (call it inside a transaction: a changed response is taken out, then recorded
 * anew, in one). Returns how many answers it took out.
 */
export async function removeInvitationAnswers(
  db: Kysely<Database>,
  organizationId: string,
  employeeId: string,
  invitationId: string,
): Promise<number> {
  const rows = await answersOfInvitation(db, invitationId);
  if (rows.length === 0) return 0;
  const taken = rollupsOf(rows);
  const left = new Set<string>();
  for (const r of taken) {
    const row = await db
      .updateTable('engagement_monthly')
      .set((eb) => ({
        answers: eb('answers', '-', r.answers),
        score_sum: eb('score_sum', '-', r.score_sum),
        promoters: eb('promoters', '-', r.promoters),
        passives: eb('passives', '-', r.passives),
        detractors: eb('detractors', '-', r.detractors),
      }))
      .where('organization_id', '=', r.organization_id)
      .where('question', '=', r.question)
      .where('month', '=', r.month)
      .where('employee_id', '=', r.employee_id)
      .returning('answers')
      .executeTakeFirst();
    if (row !== undefined && Number(row.answers) > 0) left.add(`${r.question}\u0000${r.month}`);
  }
  await db
    .deleteFrom('engagement_monthly')
    .where('organization_id', '=', organizationId)
    .where('employee_id', '=', employeeId)
    .where('answers', '<=', 0)
    .execute();
  await subtractFromDepartments(db, organizationId, employeeId, taken, (question, month) =>
    left.has(`${question}\u0000${month}`),
  );
  await db.deleteFrom('engagement_answers').where('invitation_id', '=', invitationId).execute();
  return rows.length;
}

/**
 * Recomputes the rollups from the answers, of every organization or of one, in one transaction: what
 * `peoplehub rollups rebuild` runs. Returns how many rows it wrote.
 */
export async function rebuildEngagementRollups(
  db: Kysely<Database>,
  dialect: Dialect,
  organizationId?: string,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // On PostgreSQL, writers wait for the rebuild (readers do not): a batch committed while it ran
    // could otherwise collide with a row it is inserting. SQLite has one writer at a time anyway.
    if (dialect === 'postgres') await sql`lock table engagement_monthly in exclusive mode`.execute(trx);
    let clear = trx.deleteFrom('engagement_monthly');
    if (organizationId !== undefined) clear = clear.where('organization_id', '=', organizationId);
    await clear.execute();
    const month = sql<string>`substr(answered_at, 1, 7)`;
    let answers = trx
      .selectFrom('engagement_answers')
      .select([
        'organization_id',
        'question',
        month.as('month'),
        'employee_id',
        sql<number>`count(*)`.as('answers'),
        sql<number>`sum(score)`.as('score_sum'),
        sql<number>`sum(case when score >= ${PROMOTER_MIN} then 1 else 0 end)`.as('promoters'),
        sql<number>`sum(case when score >= ${PASSIVE_MIN} and score < ${PROMOTER_MIN} then 1 else 0 end)`.as(
          'passives',
        ),
        sql<number>`sum(case when score < ${PASSIVE_MIN} then 1 else 0 end)`.as('detractors'),
      ])
      .groupBy(['organization_id', 'question', month, 'employee_id']);
    if (organizationId !== undefined) answers = answers.where('organization_id', '=', organizationId);
    const written = await trx
      .insertInto('engagement_monthly')
      .columns([...ROLLUP_KEY, 'answers', 'score_sum', 'promoters', 'passives', 'detractors'])
      .expression(answers)
      .executeTakeFirst();
    // The department totals follow the employee rollups (respondent numbers stay as they were).
    const orgs =
      organizationId !== undefined
        ? [organizationId]
        : (await trx.selectFrom('organizations').select('id').execute()).map((o) => o.id);
    for (const org of orgs) await rebuildDepartments(trx, org);
    return Number(written.numInsertedOrUpdatedRows ?? 0);
  });
}

export interface CountScope {
  organizationId: string;
  question: string;
}

export type AnswerCounts = Omit<PeriodCounts, 'invited'>;

export const NO_ANSWERS: AnswerCounts = {
  answers: 0,
  scoreSum: 0,
  promoters: 0,
  passives: 0,
  detractors: 0,
  respondents: 0,
};

interface CountRow {
  bucket: string | number | null;
  answers: string | number | null;
  score_sum: string | number | null;
  promoters: string | number | null;
  passives: string | number | null;
  detractors: string | number | null;
  respondents: string | number;
}

function toCounts(row: CountRow): AnswerCounts {
  return {
    answers: Number(row.answers ?? 0),
    scoreSum: Number(row.score_sum ?? 0),
    promoters: Number(row.promoters ?? 0),
    passives: Number(row.passives ?? 0),
    detractors: Number(row.detractors ?? 0),
    respondents: Number(row.respondents),
  };
}

/**
 * How rollup rows are grouped into periods. When every period is one month, rows group by their
 * month, which the key already orders, and a month's respondents are its rows (one per employee).
 * Otherwise a row's bucket is its period's index, and respondents are the distinct employees over
 * the period's months: still exact, since a row is one employee's month.
 */
interface Grouping {
  bucket: RawBuilder<string | number | null>;
  respondents: RawBuilder<string | number>;
  periodOf(bucket: string | number | null): number | undefined;
}

function grouping(periods: Period[]): Grouping {
  const months = periods.map(monthsOf);
  if (months.every((m) => m.single)) {
    const index = new Map(months.map((m, i) => [m.first, i]));
    return {
      bucket: sql`engagement_monthly.month`,
      respondents: sql`count(*)`,
      periodOf: (bucket) => index.get(String(bucket)),
    };
  }
  const cases = months.map(
    (m, i) =>
      sql`when engagement_monthly.month >= ${m.first} and engagement_monthly.month < ${m.end} then ${sql.lit(i)}`,
  );
  return {
    bucket: sql`case ${sql.join(cases, sql` `)} end`,
    respondents: sql`count(distinct engagement_monthly.employee_id)`,
    periodOf: (bucket) => (bucket === null ? undefined : Number(bucket)),
  };
}

/** The scope's rollup rows in the periods' months, and what they add up to per bucket. */
function rollupsIn(db: Kysely<Database>, scope: CountScope, periods: Period[], { bucket, respondents }: Grouping) {
  const sum = (column: keyof EngagementMonthlyTable) =>
    sql<string | number | null>`sum(${sql.ref(`engagement_monthly.${column}`)})`.as(column);
  return db
    .selectFrom('engagement_monthly')
    .where('engagement_monthly.organization_id', '=', scope.organizationId)
    .where('engagement_monthly.question', '=', scope.question)
    .where('engagement_monthly.month', '>=', monthsOf(periods[0]).first)
    .where('engagement_monthly.month', '<', monthsOf(periods[periods.length - 1]).end)
    .select([
      bucket.as('bucket'),
      sum('answers'),
      sum('score_sum'),
      sum('promoters'),
      sum('passives'),
      sum('detractors'),
      respondents.as('respondents'),
    ]);
}

/** The organization's counts for each period (oldest first, as periodsBetween gives them), in one query over the rollups. */
export async function countByPeriod(
  db: Kysely<Database>,
  scope: CountScope,
  periods: Period[],
): Promise<AnswerCounts[]> {
  const group = grouping(periods);
  const rows = (await rollupsIn(db, scope, periods, group).groupBy(sql.ref('bucket')).execute()) as CountRow[];
  const results = periods.map(() => NO_ANSWERS);
  for (const row of rows) {
    const i = group.periodOf(row.bucket);
    if (i !== undefined) results[i] = toCounts(row);
  }
  return results;
}

/**
 * For each [firstDay, lastDay], the employees who could be surveyed at some point in it: started by
 * its end, not separated before its start. One pass over the employees, one sum per period.
 */
export async function countInvited(
  db: Kysely<Database>,
  organizationId: string,
  ranges: [string, string][],
  department?: string,
): Promise<number[]> {
  const sums = ranges.map(([firstDay, lastDay], i) =>
    sql<
      string | number | null
    >`sum(case when (start_date is null or start_date <= ${lastDay}) and (separation_date is null or separation_date >= ${firstDay}) then 1 else 0 end)`.as(
      `p${i}`,
    ),
  );
  let query = db.selectFrom('employees').select(sums).where('organization_id', '=', organizationId);
  if (department !== undefined) query = query.where('department', '=', department);
  const row = (await query.executeTakeFirstOrThrow()) as Record<string, string | number | null>;
  return ranges.map((_, i) => Number(row[`p${i}`] ?? 0));
}

/** One employee's counts for one question in one period (an index into the periods asked for). */
export interface EmployeeCounts {
  question: string;
  period: number;
  employeeId: string;
  counts: AnswerCounts;
}

/**
 * Each employee's counts per question and period, for segments: one row per respondent, so any
 * segment becomes a filter over employees rather than a scan over answers. `questions` null reads
 * every question.
 */
export async function countsByEmployee(
  db: Kysely<Database>,
  organizationId: string,
  questions: string[] | null,
  periods: Period[],
): Promise<EmployeeCounts[]> {
  const group = grouping(periods);
  const single = periods.every((period) => monthsOf(period).single);
  // Rows of single months are one employee's month already: read as they are, no grouping to sort.
  const column = (name: keyof EngagementMonthlyTable) =>
    (single
      ? sql<string | number | null>`${sql.ref(`engagement_monthly.${name}`)}`
      : sql<string | number | null>`sum(${sql.ref(`engagement_monthly.${name}`)})`
    ).as(name);
  let query = db
    .selectFrom('engagement_monthly')
    .where('engagement_monthly.organization_id', '=', organizationId)
    .where('engagement_monthly.month', '>=', monthsOf(periods[0]).first)
    .where('engagement_monthly.month', '<', monthsOf(periods[periods.length - 1]).end)
    .select([
      'engagement_monthly.question',
      'engagement_monthly.employee_id',
      group.bucket.as('bucket'),
      column('answers'),
      column('score_sum'),
      column('promoters'),
      column('passives'),
      column('detractors'),
    ]);
  if (!single)
    query = query.groupBy(['engagement_monthly.question', 'engagement_monthly.employee_id', sql.ref('bucket')]);
  if (questions !== null) query = query.where('engagement_monthly.question', 'in', questions);
  const rows = (await query.execute()) as unknown as (Omit<CountRow, 'respondents'> & {
    question: string;
    employee_id: string;
  })[];
  const result: EmployeeCounts[] = [];
  for (const row of rows) {
    const period = group.periodOf(row.bucket);
    if (period === undefined) continue;
    result.push({
      question: row.question,
      period,
      employeeId: row.employee_id,
      counts: {
        answers: Number(row.answers),
        scoreSum: Number(row.score_sum),
        promoters: Number(row.promoters),
        passives: Number(row.passives),
        detractors: Number(row.detractors),
        respondents: 1,
      },
    });
  }
  return result;
}

/** A survey round's engagement answers added up (its invitations' latest responses). */
export async function roundTotals(db: Kysely<Database>, surveyId: string, question: string): Promise<AnswerCounts> {
  const row = await db
    .selectFrom('engagement_answers')
    .innerJoin('survey_invitations', 'survey_invitations.id', 'engagement_answers.invitation_id')
    .select([
      sql<number>`count(*)`.as('answers'),
      sql<number>`count(distinct engagement_answers.employee_id)`.as('respondents'),
      sql<number>`coalesce(sum(score), 0)`.as('score_sum'),
      sql<number>`coalesce(sum(case when score >= ${PROMOTER_MIN} then 1 else 0 end), 0)`.as('promoters'),
      sql<number>`coalesce(sum(case when score >= ${PASSIVE_MIN} and score < ${PROMOTER_MIN} then 1 else 0 end), 0)`.as(
        'passives',
      ),
      sql<number>`coalesce(sum(case when score < ${PASSIVE_MIN} then 1 else 0 end), 0)`.as('detractors'),
    ])
    .where('survey_invitations.survey_id', '=', surveyId)
    .where('engagement_answers.question', '=', question)
    .executeTakeFirstOrThrow();
  return {
    answers: Number(row.answers),
    respondents: Number(row.respondents),
    scoreSum: Number(row.score_sum),
    promoters: Number(row.promoters),
    passives: Number(row.passives),
    detractors: Number(row.detractors),
  };
}
