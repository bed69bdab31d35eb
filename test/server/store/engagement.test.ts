import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import {
  type Interval,
  type Period,
  type PeriodResult,
  bandOf,
  changeBetween,
  monthOf,
  periodsBetween,
  previousPeriod,
  summarizePeriod,
} from '../../../server/src/core/engagement';
import { openStore } from '../../../server/src/store/database';
import { type AnswerCounts, rebuildEngagementRollups } from '../../../server/src/store/engagement';
import type { Database, EngagementMonthlyTable } from '../../../server/src/store/schema';
import { eachStore, storeKinds } from '../../helpers/harness';
import { expectProblem } from '../../helpers/http';
import { TEST_DATABASE_URL, dropSchema, migrateStoreTo, uniqueSchema } from '../../helpers/postgres';
import { createEmployee, del, get, patch, post } from '../../helpers/people';
import { members } from '../../../server/src/core/bitmap';

interface Answer {
  employee_id: string;
  question: string;
  score: number;
  answered_at: string;
}

const keyOf = (r: Pick<EngagementMonthlyTable, 'question' | 'month' | 'employee_id'>) =>
  `${r.question}|${r.month}|${r.employee_id}`;

/** What the rollups must hold: the raw answers added up by question, month and employee. */
function rollupsFrom(organizationId: string, answers: Answer[]): EngagementMonthlyTable[] {
  const byKey = new Map<string, EngagementMonthlyTable>();
  for (const a of answers) {
    const row = {
      organization_id: organizationId,
      question: a.question,
      month: monthOf(a.answered_at),
      employee_id: a.employee_id,
    };
    const rollup = byKey.get(keyOf(row)) ?? {
      ...row,
      answers: 0,
      score_sum: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
    };
    rollup.answers += 1;
    rollup.score_sum += Number(a.score);
    rollup[bandOf(Number(a.score))] += 1;
    byKey.set(keyOf(row), rollup);
  }
  return [...byKey.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

async function rawAnswers(db: Kysely<Database>, organizationId: string): Promise<Answer[]> {
  return db
    .selectFrom('engagement_answers')
    .select(['employee_id', 'question', 'score', 'answered_at'])
    .where('organization_id', '=', organizationId)
    .execute();
}

async function storedRollups(db: Kysely<Database>, organizationId: string): Promise<EngagementMonthlyTable[]> {
  const rows = await db
    .selectFrom('engagement_monthly')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .execute();
  // PostgreSQL may hand integers back as strings; compare numbers.
  const numeric = rows.map((r) => ({
    ...r,
    answers: Number(r.answers),
    score_sum: Number(r.score_sum),
    promoters: Number(r.promoters),
    passives: Number(r.passives),
    detractors: Number(r.detractors),
  }));
  return numeric.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

async function expectRollupsMatchAnswers(db: Kysely<Database>, organizationId: string): Promise<void> {
  expect(await storedRollups(db, organizationId)).toEqual(
    rollupsFrom(organizationId, await rawAnswers(db, organizationId)),
  );
  await expectDepartmentsMatchRollups(db, organizationId);
}

/** The department totals must be the employee rollups added up by each employee's current department, bits and all. */
async function expectDepartmentsMatchRollups(db: Kysely<Database>, organizationId: string): Promise<void> {
  const numbers = new Map(
    (
      await db
        .selectFrom('engagement_respondents')
        .select(['employee_id', 'number'])
        .where('organization_id', '=', organizationId)
        .execute()
    ).map((r) => [r.employee_id, Number(r.number)]),
  );
  expect(new Set(numbers.values()).size).toBe(numbers.size);
  const departments = new Map(
    (
      await db
        .selectFrom('employees')
        .select(['id', 'department'])
        .where('organization_id', '=', organizationId)
        .execute()
    ).map((e) => [e.id, e.department ?? '']),
  );
  const expected = new Map<
    string,
    { answers: number; score_sum: number; promoters: number; passives: number; detractors: number; numbers: number[] }
  >();
  for (const r of await storedRollups(db, organizationId)) {
    const key = `${r.month}|${r.question}|${departments.get(r.employee_id) ?? ''}`;
    const t = expected.get(key) ?? { answers: 0, score_sum: 0, promoters: 0, passives: 0, detractors: 0, numbers: [] };
    t.answers += r.answers;
    t.score_sum += r.score_sum;
    t.promoters += r.promoters;
    t.passives += r.passives;
    t.detractors += r.detractors;
    t.numbers.push(numbers.get(r.employee_id) as number);
    expected.set(key, t);
  }
  const stored = await db
    .selectFrom('engagement_departments')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .execute();
  const actual = new Map(
    stored.map((r) => [
      `${r.month}|${r.question}|${r.department}`,
      {
        answers: Number(r.answers),
        score_sum: Number(r.score_sum),
        promoters: Number(r.promoters),
        passives: Number(r.passives),
        detractors: Number(r.detractors),
        numbers: members(r.respondents),
      },
    ]),
  );
  for (const t of expected.values()) t.numbers.sort((a, b) => a - b);
  expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));
}

/** A period's counts the long way, from the raw answers (as the overview counted them before rollups). */
function countsOf(
  answers: Answer[],
  period: Period,
  department: string | undefined,
  departments: Map<string, string | null>,
): AnswerCounts {
  const inPeriod = answers.filter(
    (a) =>
      a.answered_at >= period.start &&
      a.answered_at < period.end &&
      (department === undefined || departments.get(a.employee_id) === department),
  );
  const count = (band: string) => inPeriod.filter((a) => bandOf(Number(a.score)) === band).length;
  return {
    answers: inPeriod.length,
    scoreSum: inPeriod.reduce((sum, a) => sum + Number(a.score), 0),
    promoters: count('promoters'),
    passives: count('passives'),
    detractors: count('detractors'),
    respondents: new Set(inPeriod.map((a) => a.employee_id)).size,
  };
}

/** One trend point's respondents and eNPS counts, as the raw answers say they should be. */
function expectedPoint(
  answers: Answer[],
  period: Period,
  department: string | undefined,
  departments: Map<string, string | null>,
) {
  const counts = countsOf(answers, period, department, departments);
  return {
    responded: counts.respondents,
    nps:
      counts.answers === 0
        ? null
        : { promoters: counts.promoters, passives: counts.passives, detractors: counts.detractors },
  };
}

// Times near month ends, also with offsets that move them into the next or previous UTC month.
const BOUNDARIES = [
  '2026-05-01T00:00:00.000Z',
  '2026-05-31T23:59:59.999Z',
  '2026-06-01T00:30:00+02:00',
  '2026-10-31T23:30:00-01:00',
  '2025-12-31T23:59:59Z',
  '2026-01-01T00:00:00Z',
];
const answeredAt = fc.oneof(
  fc.constantFrom(...BOUNDARIES),
  // Up to an hour before the test clock (2026-11-22T10:00Z): answers may not be in the future.
  fc
    .integer({ min: Date.parse('2025-10-01T00:00:00Z'), max: Date.parse('2026-11-22T09:00:00Z') })
    .map((ms) => new Date(ms).toISOString()),
);
const operation = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('answers' as const),
      answers: fc.array(
        fc.record({
          who: fc.nat(),
          question: fc.constantFrom('engagement', 'Growth'),
          score: fc.integer({ min: 0, max: 10 }),
          answeredAt,
        }),
        { minLength: 1, maxLength: 25 },
      ),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), who: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('hire' as const), department: fc.constantFrom('Eng', 'Ops', null) }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      who: fc.nat(),
      department: fc.constantFrom('Eng', 'Ops', 'Sales', null),
    }),
    weight: 1,
  },
);

// A threshold of 1 shows every result, so each trend point can be compared with the raw answers.
eachStore(
  'engagement rollups',
  (server) => {
    const departments = new Map<string, string | null>();
    const live: string[] = [];
    const hire = async (department: string | null) => {
      const employee = await createEmployee(server(), { department, startDate: '2020-01-01' });
      departments.set(employee.id, department);
      live.push(employee.id);
    };

    beforeAll(async () => {
      for (const department of ['Eng', 'Eng', 'Ops', 'Ops', null]) await hire(department);
    });

    test('after random answers, hires and deletions, the rollups equal the raw answers added up, and so does every overview', async () => {
      const { db } = server().hub.context.store;
      const org = server().org.organizationId;
      await fc.assert(
        fc.asyncProperty(
          fc.array(operation, { minLength: 1, maxLength: 6 }),
          fc.constantFrom<Interval>('month', 'quarter', 'year', 'all'),
          fc.constantFrom(undefined, 'Eng', 'Ops'),
          async (operations, interval, department) => {
            for (const op of operations) {
              if (op.kind === 'hire' || live.length === 0) {
                await hire(op.kind === 'hire' ? op.department : 'Eng');
              } else if (op.kind === 'delete') {
                const [id] = live.splice(op.who % live.length, 1);
                expect((await del(server(), `/v1/employees/${id}`)).status).toBe(204);
              } else if (op.kind === 'move') {
                const id = live[op.who % live.length];
                expect((await patch(server(), `/v1/employees/${id}`, { department: op.department })).status).toBe(200);
                departments.set(id, op.department);
              } else {
                const answers = op.answers.map((a) => ({
                  employeeId: live[a.who % live.length],
                  question: a.question,
                  score: a.score,
                  answeredAt: a.answeredAt,
                }));
                expect((await post(server(), '/v1/engagement/answers', { answers })).status).toBe(201);
              }
            }
            await expectRollupsMatchAnswers(db, org);

            const res = await get(
              server(),
              `/v1/engagement/overview?interval=${interval}${department ? `&segment=department:${department}` : ''}`,
            );
            // A department nobody is in is refused to a caller who may read employees; no answers can be in it.
            const staffed = department === undefined || live.some((id) => departments.get(id) === department);
            if (!staffed) {
              expect(expectProblem(res, 400).errors).toEqual([
                expect.objectContaining({ path: '/segment/0', message: expect.stringContaining('matches no one') }),
              ]);
              expect((await rawAnswers(db, org)).filter((a) => departments.get(a.employee_id) === department)).toEqual(
                [],
              );
              return;
            }
            expect(res.status).toBe(200);
            const periods = periodsBetween(interval, undefined, '2026-11-22');
            const before = previousPeriod(interval, periods[0]);
            const answers = (await rawAnswers(db, org)).filter((a) => a.question === 'engagement');
            const actual = res.body.data.trend.map(
              (p: {
                participation: { responded: number };
                nps: { promoters: number; passives: number; detractors: number } | null;
              }) => ({
                responded: p.participation.responded,
                nps: p.nps && { promoters: p.nps.promoters, passives: p.nps.passives, detractors: p.nps.detractors },
              }),
            );
            expect(actual).toEqual(periods.map((p) => expectedPoint(answers, p, department, departments)));
            // `change` compares the last two periods (the one before the window, for a window of one).
            const [previous, current] = [before, ...periods].slice(-2);
            const result = (p: Period | null) =>
              p === null
                ? null
                : summarizePeriod(p, { ...countsOf(answers, p, department, departments), invited: 0 }, 1);
            expect(res.body.data.change).toEqual(changeBetween(result(current) as PeriodResult, result(previous)));
          },
        ),
        { numRuns: 20 },
      );
    }, 120_000);

    test('answer batches written at once, with department moves among them, all land and add up', async () => {
      const { db } = server().hub.context.store;
      const org = server().org.organizationId;
      const team: { id: string }[] = [];
      for (let i = 0; i < 8; i += 1)
        team.push(await createEmployee(server(), { department: i % 2 === 0 ? 'Eng' : 'Ops', startDate: '2020-01-01' }));
      const batch = (k: number) =>
        team.map((e, i) => ({
          employeeId: e.id,
          question: k % 2 === 0 ? 'engagement' : 'Growth',
          score: (i + k) % 11,
          answeredAt: `2026-1${k % 2}-0${1 + (k % 5)}T10:00:00Z`,
        }));
      const writes = [
        ...Array.from({ length: 8 }, (_, k) => post(server(), '/v1/engagement/answers', { answers: batch(k) })),
        patch(server(), `/v1/employees/${team[0].id}`, { department: 'Sales' }),
        patch(server(), `/v1/employees/${team[1].id}`, { department: null }),
      ];
      expect((await Promise.all(writes)).map((res) => res.status)).toEqual([...Array(8).fill(201), 200, 200]);
      await expectRollupsMatchAnswers(db, org);
    }, 60_000);

    test('rebuilding writes the same rows, for one organization or all, and leaves the other organization alone', async () => {
      const { db, dialect } = server().hub.context.store;
      const org = server().org.organizationId;
      const other = server().other.organizationId;
      // Answers of its own, whatever the random test above left behind (it may have deleted everyone).
      const member = await createEmployee(server(), { startDate: '2020-01-01' });
      const mine = [
        { employeeId: member.id, question: 'engagement', score: 6, answeredAt: '2026-10-02T10:00:00Z' },
        { employeeId: member.id, question: 'engagement', score: 10, answeredAt: '2026-11-02T10:00:00Z' },
        { employeeId: member.id, question: 'growth', score: 8, answeredAt: '2026-11-03T10:00:00Z' },
      ];
      expect((await post(server(), '/v1/engagement/answers', { answers: mine })).status).toBe(201);
      const colleague = await createEmployee(server(), { startDate: '2020-01-01' }, server().other.ownerKey);
      const theirs = [
        { employeeId: colleague.id, question: 'engagement', score: 9, answeredAt: '2026-11-02T10:00:00Z' },
      ];
      expect(
        (await post(server(), '/v1/engagement/answers', { answers: theirs }, server().other.ownerKey)).status,
      ).toBe(201);
      const ours = await storedRollups(db, org);
      const others = await storedRollups(db, other);
      expect(ours.length).toBeGreaterThanOrEqual(3);

      // Damage both organizations' rollups, then rebuild only ours.
      await db.updateTable('engagement_monthly').set({ answers: 999 }).execute();
      await db
        .deleteFrom('engagement_monthly')
        .where('organization_id', '=', org)
        .where('question', '=', 'engagement')
        .execute();
      expect(await rebuildEngagementRollups(db, dialect, org)).toBe(ours.length);
      expect(await storedRollups(db, org)).toEqual(ours);
      expect((await storedRollups(db, other))[0].answers).toBe(999);

      expect(await rebuildEngagementRollups(db, dialect)).toBe(ours.length + others.length);
      expect(await storedRollups(db, org)).toEqual(ours);
      expect(await storedRollups(db, other)).toEqual(others);
    });
  },
  { PEOPLEHUB_ANONYMITY_THRESHOLD: '1' },
);

describe.each(storeKinds())('upgrading a store that already holds answers [%s]', (kind) => {
  test('the migration fills the rollups from the answers, as a rebuild would', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-rollups-'));
    const schema = kind === 'postgres' ? uniqueSchema() : null;
    const store = await openStore(
      schema === null
        ? { kind: 'sqlite', file: path.join(dir, 'peoplehub.db') }
        : { kind: 'postgres', url: TEST_DATABASE_URL, schema },
    );
    try {
      await migrateStoreTo(store, schema, '0006_concurrency_and_pages');
      const at = '2026-01-01T00:00:00.000Z';
      for (const id of ['org_a', 'org_b'])
        await store.db.insertInto('organizations').values({ id, name: id, created_at: at, updated_at: at }).execute();
      // Written by an older version: answers only.
      const answers = Array.from({ length: 300 }, (_, i) => ({
        id: `ans_${i}`,
        organization_id: i % 3 === 0 ? 'org_b' : 'org_a',
        employee_id: `emp_${i % 17}`,
        question: i % 5 === 0 ? 'Growth' : 'engagement',
        score: (i * 7) % 11,
        answered_at: new Date(Date.parse('2025-06-30T23:00:00Z') + i * 3 * 86_400_000).toISOString(),
        created_at: at,
      }));
      await store.db.insertInto('engagement_answers').values(answers).execute();

      expect(await store.migrate()).toEqual(
        expect.arrayContaining(['0007_engagement_rollups', '0008_segments', '0009_department_rollups']),
      );
      for (const org of ['org_a', 'org_b']) await expectRollupsMatchAnswers(store.db, org);
      const filled = [...(await storedRollups(store.db, 'org_a')), ...(await storedRollups(store.db, 'org_b'))];
      expect(await rebuildEngagementRollups(store.db, store.dialect)).toBe(filled.length);
      expect([...(await storedRollups(store.db, 'org_a')), ...(await storedRollups(store.db, 'org_b'))]).toEqual(
        filled,
      );
    } finally {
      await store.close();
      if (schema !== null) await dropSchema(schema);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
