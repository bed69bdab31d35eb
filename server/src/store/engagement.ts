// Engagement answers and the per-period counts the overview is computed from.
import { type Kysely, sql } from 'kysely';
import { PASSIVE_MIN, PROMOTER_MIN, type Period, type PeriodCounts } from '../core/engagement';
import type { Database, EngagementAnswersTable } from './schema';

export async function insertAnswers(db: Kysely<Database>, rows: EngagementAnswersTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('engagement_answers').values(rows.slice(i, i + 200)).execute();
}

/** An employee's answers go with them. */
export async function deleteAnswersOf(db: Kysely<Database>, organizationId: string, employeeId: string): Promise<void> {
  await db.deleteFrom('engagement_answers').where('organization_id', '=', organizationId).where('employee_id', '=', employeeId).execute();
}

export interface CountScope {
  organizationId: string;
  question: string;
}

export type AnswerCounts = Omit<PeriodCounts, 'invited'>;

/** What one period's answers add up to: count, sum, eNPS bands and distinct respondents. */
const COUNT_COLUMNS = [
  sql<string | number>`count(*)`.as('answers'),
  sql<string | number | null>`sum(score)`.as('score_sum'),
  sql<string | number | null>`sum(case when score >= ${PROMOTER_MIN} then 1 else 0 end)`.as('promoters'),
  sql<string | number | null>`sum(case when score >= ${PASSIVE_MIN} and score < ${PROMOTER_MIN} then 1 else 0 end)`.as('passives'),
  sql<string | number | null>`sum(case when score < ${PASSIVE_MIN} then 1 else 0 end)`.as('detractors'),
  sql<string | number>`count(distinct employee_id)`.as('respondents'),
];

interface CountRow {
  answers: string | number;
  score_sum: string | number | null;
  promoters: string | number | null;
  passives: string | number | null;
  detractors: string | number | null;
  respondents: string | number;
}

function toCounts(row: CountRow): AnswerCounts {
  return {
    answers: Number(row.answers),
    scoreSum: Number(row.score_sum ?? 0),
    promoters: Number(row.promoters ?? 0),
    passives: Number(row.passives ?? 0),
    detractors: Number(row.detractors ?? 0),
    respondents: Number(row.respondents),
  };
}

export const NO_ANSWERS: AnswerCounts = { answers: 0, scoreSum: 0, promoters: 0, passives: 0, detractors: 0, respondents: 0 };

function answersIn(db: Kysely<Database>, scope: CountScope, period: Period) {
  return db
    .selectFrom('engagement_answers')
    .where('engagement_answers.organization_id', '=', scope.organizationId)
    .where('question', '=', scope.question)
    .where('answered_at', '>=', period.start)
    .where('answered_at', '<', period.end);
}

/**
 * The organization's counts for each period: one indexed range query per period. (One grouped query
 * over the whole range measured slower on SQLite: its count(distinct) sorts every answer at once.)
 */
export async function countByPeriod(db: Kysely<Database>, scope: CountScope, periods: Period[]): Promise<AnswerCounts[]> {
  const results = [];
  for (const period of periods) results.push(toCounts((await answersIn(db, scope, period).select(COUNT_COLUMNS).executeTakeFirstOrThrow()) as CountRow));
  return results;
}

/**
 * Each period's counts per department (null: no department), as of the employees' current
 * department. Together the segments make up the organization's counts, which is what anonymity
 * suppression reasons about.
 */
export async function countByDepartment(db: Kysely<Database>, scope: CountScope, periods: Period[]): Promise<Map<string | null, AnswerCounts>[]> {
  const results = [];
  for (const period of periods) {
    const rows = await answersIn(db, scope, period)
      .innerJoin('employees', 'employees.id', 'engagement_answers.employee_id')
      .select('employees.department as department')
      .select(COUNT_COLUMNS)
      .groupBy('employees.department')
      .execute();
    results.push(new Map(rows.map((row) => [row.department, toCounts(row as unknown as CountRow)])));
  }
  return results;
}

/**
 * For each [firstDay, lastDay], the employees who could be surveyed at some point in it: started by
 * its end, not separated before its start. One pass over the employees, one sum per period.
 */
export async function countInvited(db: Kysely<Database>, organizationId: string, ranges: [string, string][], department?: string): Promise<number[]> {
  const sums = ranges.map(
    ([firstDay, lastDay], i) =>
      sql<string | number | null>`sum(case when (start_date is null or start_date <= ${lastDay}) and (separation_date is null or separation_date >= ${firstDay}) then 1 else 0 end)`.as(`p${i}`),
  );
  let query = db.selectFrom('employees').select(sums).where('organization_id', '=', organizationId);
  if (department !== undefined) query = query.where('department', '=', department);
  const row = (await query.executeTakeFirstOrThrow()) as Record<string, string | number | null>;
  return ranges.map((_, i) => Number(row[`p${i}`] ?? 0));
}
