// Engagement answers and the per-period counts the overview is computed from.
import { type Kysely, sql } from 'kysely';
import type { PeriodCounts } from '../core/engagement';
import type { Database, EngagementAnswersTable } from './schema';

export async function insertAnswers(db: Kysely<Database>, rows: EngagementAnswersTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('engagement_answers').values(rows.slice(i, i + 200)).execute();
}

export interface CountScope {
  organizationId: string;
  question: string;
  /** Inclusive first day and exclusive end, `YYYY-MM-DD`. */
  start: string;
  end: string;
  department?: string;
}

export async function countPeriod(db: Kysely<Database>, scope: CountScope): Promise<Omit<PeriodCounts, 'invited'>> {
  let query = db
    .selectFrom('engagement_answers as a')
    .innerJoin('employees as e', 'e.id', 'a.employee_id')
    .select([
      sql<string | number>`count(*)`.as('answers'),
      sql<string | number | null>`sum(a.score)`.as('score_sum'),
      sql<string | number | null>`sum(case when a.score >= 9 then 1 else 0 end)`.as('promoters'),
      sql<string | number | null>`sum(case when a.score between 7 and 8 then 1 else 0 end)`.as('passives'),
      sql<string | number | null>`sum(case when a.score <= 6 then 1 else 0 end)`.as('detractors'),
      sql<string | number>`count(distinct a.employee_id)`.as('respondents'),
    ])
    .where('a.organization_id', '=', scope.organizationId)
    .where('a.question', '=', scope.question)
    .where('a.answered_at', '>=', scope.start)
    .where('a.answered_at', '<', scope.end);
  if (scope.department !== undefined) query = query.where('e.department', '=', scope.department);
  const row = await query.executeTakeFirstOrThrow();
  return {
    answers: Number(row.answers),
    scoreSum: Number(row.score_sum ?? 0),
    promoters: Number(row.promoters ?? 0),
    passives: Number(row.passives ?? 0),
    detractors: Number(row.detractors ?? 0),
    respondents: Number(row.respondents),
  };
}

/** Employees who could be surveyed at some point in [firstDay, lastDay]: started by its end, not separated before its start. */
export async function countInvited(db: Kysely<Database>, organizationId: string, firstDay: string, lastDay: string, department?: string): Promise<number> {
  let query = db
    .selectFrom('employees')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('organization_id', '=', organizationId)
    .where((eb) => eb.or([eb('start_date', 'is', null), eb('start_date', '<=', lastDay)]))
    .where((eb) => eb.or([eb('separation_date', 'is', null), eb('separation_date', '>=', firstDay)]));
  if (department !== undefined) query = query.where('department', '=', department);
  return Number((await query.executeTakeFirstOrThrow()).n);
}
