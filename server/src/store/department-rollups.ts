// Totals per department, question and month (engagement_departments), as of each employee's current
// department, with each month's respondents as a bitmap over respondent numbers. Kept in the same
// transactions as the employee rollups they add up: answers recorded, an employee moved to another
// department, an employee deleted. On PostgreSQL each of those first locks the organization's row,
// so two writers never merge a bitmap from the same stale copy; SQLite has one writer at a time.
import { type Kysely, PostgresAdapter } from 'kysely';
import { members, union, withBit } from '../core/bitmap';
import { type Period, monthsOf } from '../core/engagement';
import type { Database, EngagementDepartmentsTable, EngagementMonthlyTable } from './schema';

const SUMS = ['answers', 'score_sum', 'promoters', 'passives', 'detractors'] as const;

/** One employee's month of one question moving in or out of a department. */
interface Delta {
  question: string;
  month: string;
  department: string;
  number: number;
  sums: Record<(typeof SUMS)[number], number>;
  sign: 1 | -1;
  /** Taking answers out, the employee still has others that month: their respondent bit stays. */
  stillAnswered?: boolean;
}

/** The organization row, locked until the transaction ends (PostgreSQL; SQLite writes one at a time). */
async function lockOrganization(db: Kysely<Database>, organizationId: string): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  // NO KEY UPDATE: writers of one organization queue here, while inserts that only reference the row
  // (their foreign-key checks take KEY SHARE) are not blocked, and so cannot deadlock with it.
  await db.selectFrom('organizations').select('id').where('id', '=', organizationId).forNoKeyUpdate().execute();
}

/** Each employee's respondent number, given on first need and never reused. */
async function numbersFor(
  db: Kysely<Database>,
  organizationId: string,
  employeeIds: string[],
  assign: boolean,
): Promise<Map<string, number>> {
  const numbers = new Map<string, number>();
  for (let i = 0; i < employeeIds.length; i += 500) {
    const rows = await db
      .selectFrom('engagement_respondents')
      .select(['employee_id', 'number'])
      .where('organization_id', '=', organizationId)
      .where('employee_id', 'in', employeeIds.slice(i, i + 500))
      .execute();
    for (const row of rows) numbers.set(row.employee_id, Number(row.number));
  }
  const missing = employeeIds.filter((id) => !numbers.has(id)).sort();
  if (!assign || missing.length === 0) return numbers;
  const counted = await db
    .updateTable('organizations')
    .set((eb) => ({ respondent_count: eb('respondent_count', '+', missing.length) }))
    .where('id', '=', organizationId)
    .returning('respondent_count')
    .executeTakeFirstOrThrow();
  const first = Number(counted.respondent_count) - missing.length + 1;
  missing.forEach((id, i) => numbers.set(id, first + i));
  for (let i = 0; i < missing.length; i += 500) {
    await db
      .insertInto('engagement_respondents')
      .values(
        missing
          .slice(i, i + 500)
          .map((id) => ({ organization_id: organizationId, employee_id: id, number: numbers.get(id) as number })),
      )
      .execute();
  }
  return numbers;
}

/** The department an employee's months count in now ('' for none, or for someone gone). */
async function departmentOf(db: Kysely<Database>, organizationId: string, employeeId: string): Promise<string> {
  const employee = await db
    .selectFrom('employees')
    .select('department')
    .where('organization_id', '=', organizationId)
    .where('id', '=', employeeId)
    .executeTakeFirst();
  return employee?.department ?? '';
}

/** Adds the deltas to their department rows: sums moved, bits set or cleared, empty rows deleted. */
async function apply(db: Kysely<Database>, organizationId: string, deltas: Delta[]): Promise<void> {
  if (deltas.length === 0) return;
  const key = (d: { month: string; question: string; department: string }) =>
    `${d.month}\u0000${d.question}\u0000${d.department}`;
  const months = [...new Set(deltas.map((d) => d.month))];
  const questions = [...new Set(deltas.map((d) => d.question))];
  const departments = [...new Set(deltas.map((d) => d.department))];
  const existing = await db
    .selectFrom('engagement_departments')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('month', 'in', months)
    .where('question', 'in', questions)
    .where('department', 'in', departments)
    .execute();
  const rows = new Map<string, Omit<EngagementDepartmentsTable, 'respondents'> & { respondents: Buffer }>(
    existing.map((row) => [key(row), { ...row, respondents: Buffer.from(row.respondents) }]),
  );
  const touched = new Set<string>();
  for (const d of deltas) {
    const k = key(d);
    let row = rows.get(k);
    if (!row) {
      row = {
        organization_id: organizationId,
        month: d.month,
        question: d.question,
        department: d.department,
        answers: 0,
        score_sum: 0,
        promoters: 0,
        passives: 0,
        detractors: 0,
        respondents: Buffer.alloc(0),
      };
      rows.set(k, row);
    }
    for (const sum of SUMS) row[sum] = Number(row[sum]) + d.sign * d.sums[sum];
    row.respondents = withBit(row.respondents, d.number, d.sign > 0 || d.stillAnswered === true);
    touched.add(k);
  }
  // In key order, so that writers lock shared rows in the same order.
  for (const k of [...touched].sort()) {
    const row = rows.get(k) as EngagementDepartmentsTable;
    const where = db
      .deleteFrom('engagement_departments')
      .where('organization_id', '=', organizationId)
      .where('month', '=', row.month)
      .where('question', '=', row.question)
      .where('department', '=', row.department);
    if (Number(row.answers) === 0) {
      await where.execute();
      continue;
    }
    await db
      .insertInto('engagement_departments')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['organization_id', 'month', 'question', 'department']).doUpdateSet((eb) => ({
          answers: eb.ref('excluded.answers'),
          score_sum: eb.ref('excluded.score_sum'),
          promoters: eb.ref('excluded.promoters'),
          passives: eb.ref('excluded.passives'),
          detractors: eb.ref('excluded.detractors'),
          respondents: eb.ref('excluded.respondents'),
        })),
      )
      .execute();
  }
}

const sumsOf = (row: EngagementMonthlyTable) => ({
  answers: Number(row.answers),
  score_sum: Number(row.score_sum),
  promoters: Number(row.promoters),
  passives: Number(row.passives),
  detractors: Number(row.detractors),
});

/** Adds a batch's employee rollups (one organization's) to the departments the employees are in now. */
export async function addToDepartments(
  db: Kysely<Database>,
  organizationId: string,
  batch: EngagementMonthlyTable[],
): Promise<void> {
  if (batch.length === 0) return;
  await lockOrganization(db, organizationId);
  const ids = [...new Set(batch.map((r) => r.employee_id))];
  const numbers = await numbersFor(db, organizationId, ids, true);
  const departments = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('employees')
      .select(['id', 'department'])
      .where('organization_id', '=', organizationId)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) departments.set(row.id, row.department ?? '');
  }
  await apply(
    db,
    organizationId,
    batch.map((r) => ({
      question: r.question,
      month: r.month,
      department: departments.get(r.employee_id) ?? '',
      number: numbers.get(r.employee_id) as number,
      sums: sumsOf(r),
      sign: 1,
    })),
  );
}

/**
 * Takes some of an employee's answers back out of their department (a survey response replaced):
 * `batch` holds the sums taken out; `remaining` says, per question and month, whether the employee
 * still has answers there, so their respondent bit stays set.
 */
export async function subtractFromDepartments(
  db: Kysely<Database>,
  organizationId: string,
  employeeId: string,
  batch: EngagementMonthlyTable[],
  remaining: (question: string, month: string) => boolean,
): Promise<void> {
  if (batch.length === 0) return;
  await lockOrganization(db, organizationId);
  const number = (await numbersFor(db, organizationId, [employeeId], true)).get(employeeId) as number;
  const department = await departmentOf(db, organizationId, employeeId);
  await apply(
    db,
    organizationId,
    batch.map((r) => ({
      question: r.question,
      month: r.month,
      department,
      number,
      sums: sumsOf(r),
      sign: -1,
      stillAnswered: remaining(r.question, r.month),
    })),
  );
}

/** An employee's rollups, for moving or removing them. */
function rollupsOf(db: Kysely<Database>, organizationId: string, employeeId: string) {
  return db
    .selectFrom('engagement_monthly')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('employee_id', '=', employeeId)
    .execute();
}

/** Moves an employee's months from one department to another (call it when their department changes). */
export async function moveDepartment(
  db: Kysely<Database>,
  organizationId: string,
  employeeId: string,
  from: string | null,
  to: string | null,
): Promise<void> {
  if ((from ?? '') === (to ?? '')) return;
  await lockOrganization(db, organizationId);
  const rows = await rollupsOf(db, organizationId, employeeId);
  if (rows.length === 0) return;
  const number = (await numbersFor(db, organizationId, [employeeId], false)).get(employeeId) as number;
  const delta = (r: EngagementMonthlyTable, department: string, sign: 1 | -1): Delta => ({
    question: r.question,
    month: r.month,
    department,
    number,
    sums: sumsOf(r),
    sign,
  });
  await apply(db, organizationId, [
    ...rows.map((r) => delta(r, from ?? '', -1)),
    ...rows.map((r) => delta(r, to ?? '', 1)),
  ]);
}

/** Takes an employee's months out of their department (call it before their rollups are deleted). */
export async function removeFromDepartments(
  db: Kysely<Database>,
  organizationId: string,
  employeeId: string,
): Promise<void> {
  await lockOrganization(db, organizationId);
  const rows = await rollupsOf(db, organizationId, employeeId);
  if (rows.length === 0) return;
  const number = (await numbersFor(db, organizationId, [employeeId], false)).get(employeeId) as number;
  const department = await departmentOf(db, organizationId, employeeId);
  await apply(
    db,
    organizationId,
    rows.map((r) => ({ question: r.question, month: r.month, department, number, sums: sumsOf(r), sign: -1 })),
  );
  await db
    .deleteFrom('engagement_respondents')
    .where('organization_id', '=', organizationId)
    .where('employee_id', '=', employeeId)
    .execute();
}

/** Recomputes one organization's department rows from its employee rollups (inside the rebuild's transaction). */
export async function rebuildDepartments(db: Kysely<Database>, organizationId: string): Promise<void> {
  await db.deleteFrom('engagement_departments').where('organization_id', '=', organizationId).execute();
  const rows = await db
    .selectFrom('engagement_monthly')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .execute();
  for (let i = 0; i < rows.length; i += 2000) await addToDepartments(db, organizationId, rows.slice(i, i + 2000));
}

/** A department's figures for one question and one period: sums, and the respondents' numbers. */
export interface DepartmentTotals {
  question: string;
  period: number;
  department: string | null;
  answers: number;
  scoreSum: number;
  promoters: number;
  passives: number;
  detractors: number;
  respondents: number[];
}

/**
 * Every department's totals per question and period, from the department rows of the periods'
 * months: a few rows per month whatever the number of answers; distinct respondents over several
 * months are the union of the months' bitmaps.
 */
export async function departmentTotals(
  db: Kysely<Database>,
  organizationId: string,
  periods: Period[],
  question?: string,
): Promise<DepartmentTotals[]> {
  let query = db
    .selectFrom('engagement_departments')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('month', '>=', monthsOf(periods[0]).first)
    .where('month', '<', monthsOf(periods[periods.length - 1]).end);
  if (question !== undefined) query = query.where('question', '=', question);
  const rows = await query.execute();
  const spans = periods.map(monthsOf);
  const totals = new Map<string, DepartmentTotals & { bitmap: Buffer }>();
  for (const row of rows) {
    const period = spans.findIndex((m) => row.month >= m.first && row.month < m.end);
    if (period < 0) continue;
    const key = `${row.question}\u0000${period}\u0000${row.department}`;
    let t = totals.get(key);
    if (!t) {
      t = {
        question: row.question,
        period,
        department: row.department === '' ? null : row.department,
        answers: 0,
        scoreSum: 0,
        promoters: 0,
        passives: 0,
        detractors: 0,
        respondents: [],
        bitmap: Buffer.alloc(0),
      };
      totals.set(key, t);
    }
    t.answers += Number(row.answers);
    t.scoreSum += Number(row.score_sum);
    t.promoters += Number(row.promoters);
    t.passives += Number(row.passives);
    t.detractors += Number(row.detractors);
    t.bitmap = union(t.bitmap, row.respondents);
  }
  return [...totals.values()].map(({ bitmap, ...t }) => ({ ...t, respondents: members(bitmap) }));
}
