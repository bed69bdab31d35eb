import { eachStore } from '../../helpers/harness';
import { expectProblem } from '../../helpers/http';
import { createEmployee, get, post } from '../../helpers/people';

// Hand-computed fixture (the clock stands at 2026-11-22):
// Sales S1..S6 (started 2025), a Sales leaver L (separated 2026-09-30), a Sales future hire H (2027),
// Ops O1..O3, Support P1..P8.
// November: Sales 10 9 9 8 6 3, Ops 7 7 10 → 9 answers, sum 69, mean 7.67 → 7.7;
//   promoters 4, passives 3, detractors 2 → eNPS (4-2)/9 = 22.2 → 22; invited 17 (Sales 6, Ops 3, Support 8;
//   not L, who left before November, nor H, not started), responded 9, rate 0.529.
// October: Sales 9 9 9 7 2 → mean 7.2, eNPS (3-1)/5 = 40, responded 5 (= threshold), invited 17.
// change November vs October: score +0.5, eNPS -18.
// September: S1 10, L 5 → 2 respondents: hidden; invited 18 (L still counts in September).
// August, Support: 10 6 5 7 7 8 8 7 → mean 7.25 → 7.3, eNPS (1-2)/8 = -12.5 → -13 (half away from zero).
eachStore('engagement overview', (server) => {
  const people: Record<string, string> = {};

  beforeAll(async () => {
    const make = async (name: string, department: string, extra: Record<string, unknown> = {}) => {
      people[name] = (
        await createEmployee(server(), {
          firstName: name,
          lastName: 'Fixture',
          department,
          startDate: '2025-01-01',
          ...extra,
        })
      ).id;
    };
    for (let i = 1; i <= 6; i += 1) await make(`S${i}`, 'Sales');
    await make('L', 'Sales', { separationDate: '2026-09-30' });
    await make('H', 'Sales', { startDate: '2027-01-04' });
    for (let i = 1; i <= 3; i += 1) await make(`O${i}`, 'Ops');
    for (let i = 1; i <= 8; i += 1) await make(`P${i}`, 'Support');
    const answers: { employeeId: string; question: string; score: number; answeredAt: string }[] = [];
    const add = (who: string[], scores: number[], day: string) =>
      who.forEach((w, i) =>
        answers.push({
          employeeId: people[w],
          question: 'engagement',
          score: scores[i],
          answeredAt: `${day}T09:00:00.000Z`,
        }),
      );
    add(['S1', 'S2', 'S3', 'S4', 'S5', 'S6'], [10, 9, 9, 8, 6, 3], '2026-11-10');
    add(['O1', 'O2', 'O3'], [7, 7, 10], '2026-11-12');
    add(['S1', 'S2', 'S3', 'S4', 'S5'], [9, 9, 9, 7, 2], '2026-10-15');
    add(['S1', 'L'], [10, 5], '2026-09-20');
    add(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8'], [10, 6, 5, 7, 7, 8, 8, 7], '2026-08-03');
    answers.push({ employeeId: people.O1, question: 'Growth', score: 2, answeredAt: '2026-11-12T09:00:00.000Z' });
    const res = await post(server(), '/v1/engagement/answers', { answers });
    expect(res.status).toBe(201);
    expect(res.body.data.accepted).toBe(answers.length);
  });

  test('the month overview matches the hand-computed numbers, with change against the previous month', async () => {
    const res = await get(server(), '/v1/engagement/overview?interval=month');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      period: '2026-11',
      start: '2026-11-01',
      end: '2026-11-30',
      hidden: false,
      score: 7.7,
      nps: { score: 22, promoters: 4, passives: 3, detractors: 2 },
      participation: { responded: 9, invited: 17, rate: 0.529 },
      change: { score: 0.5, nps: -18 },
      anonymityThreshold: 5,
    });
    const trend = res.body.data.trend;
    expect(trend).toHaveLength(12);
    expect(
      trend
        .slice(-4)
        .map((p: { period: string; hidden: boolean; score: number | null }) => [p.period, p.hidden, p.score]),
    ).toEqual([
      ['2026-08', false, 7.3],
      ['2026-09', true, null],
      ['2026-10', false, 7.2],
      ['2026-11', false, 7.7],
    ]);
    expect(trend[10]).toMatchObject({ nps: { score: 40 }, participation: { responded: 5, invited: 17, rate: 0.294 } });
    expect(trend[9]).toMatchObject({ nps: null, participation: { responded: 2, invited: 18 } });
    expect(trend[8]).toMatchObject({ nps: { score: -13, promoters: 1, passives: 5, detractors: 2 } });
  });

  test('segments, hidden results below the threshold, drivers, quarters and ranges', async () => {
    const ops = await get(server(), '/v1/engagement/overview?segment=department:Ops');
    expect(ops.body.data).toMatchObject({
      hidden: true,
      score: null,
      nps: null,
      participation: { responded: 3, invited: 3, rate: 1 },
      change: null,
    });
    // Sales alone is above the threshold in November, but the total minus Sales would be Ops: Sales is withheld too.
    const sales = await get(server(), '/v1/engagement/overview?segment=department:Sales');
    expect(sales.body.data).toMatchObject({
      hidden: true,
      hiddenReason: 'protectsAnother',
      score: null,
      nps: null,
      participation: { responded: 6, invited: 6 },
      change: null,
    });
    expect(
      sales.body.data.trend
        .slice(-2)
        .map((p: { period: string; hiddenReason: string | null; score: number | null }) => [
          p.period,
          p.hiddenReason,
          p.score,
        ]),
    ).toEqual([
      ['2026-10', null, 7.2],
      ['2026-11', 'protectsAnother', null],
    ]);
    expect(ops.body.data.hiddenReason).toBe('belowThreshold');
    const growth = await get(server(), '/v1/engagement/overview?question=Growth');
    expect(growth.body.data).toMatchObject({ hidden: true, participation: { responded: 1 } });
    const quarter = await get(server(), '/v1/engagement/overview?interval=quarter&from=2026-07-01');
    expect(quarter.body.data.trend.map((p: { period: string }) => p.period)).toEqual(['2026-Q3', '2026-Q4']);
    expect(quarter.body.data).toMatchObject({
      period: '2026-Q4',
      score: 7.5,
      nps: { score: 29, promoters: 7, passives: 4, detractors: 3 },
    });
    const all = await get(server(), '/v1/engagement/overview?interval=all');
    expect(all.body.data).toMatchObject({
      period: 'all',
      hidden: false,
      change: null,
      nps: { promoters: 9, passives: 9, detractors: 6 },
    });
    expectProblem(await get(server(), '/v1/engagement/overview?from=2026-12-01&to=2026-11-01'), 400);
    expectProblem(await get(server(), '/v1/engagement/overview?segment=team:x'), 400);
    expectProblem(await get(server(), '/v1/engagement/overview?interval=week'), 400);
  });

  test('answers from employees who are not surveyable then are refused with 422, and nothing is recorded', async () => {
    const before = (await get(server(), '/v1/engagement/overview?interval=all')).body.data.participation.responded;
    const at = (day: string) => `${day}T12:00:00.000Z`;
    const refused = await post(server(), '/v1/engagement/answers', {
      answers: [
        { employeeId: people.S1, question: 'engagement', score: 8, answeredAt: at('2026-11-20') },
        { employeeId: people.H, question: 'engagement', score: 8, answeredAt: at('2026-11-20') },
        { employeeId: people.L, question: 'engagement', score: 8, answeredAt: at('2026-10-01') },
      ],
    });
    const problem = expectProblem(refused, 422);
    expect((problem.refused as { index: number }[]).map((r) => r.index)).toEqual([1, 2]);
    expectProblem(
      await post(server(), '/v1/engagement/answers', {
        answers: [{ employeeId: people.S1, question: 'engagement', score: 11, answeredAt: at('2026-11-20') }],
      }),
      400,
    );
    expectProblem(
      await post(server(), '/v1/engagement/answers', {
        answers: [{ employeeId: people.S1, question: 'engagement', score: 5, answeredAt: at('2026-12-20') }],
      }),
      422,
    );
    expectProblem(
      await post(server(), '/v1/engagement/answers', {
        answers: [{ employeeId: 'emp_missing', question: 'engagement', score: 5, answeredAt: at('2026-11-20') }],
      }),
      400,
    );
    expect((await get(server(), '/v1/engagement/overview?interval=all')).body.data.participation.responded).toBe(
      before,
    );
  });
});

// Complementary suppression, attacked the way a member with engagement:read would: the total minus
// every visible department. Hand-made months (the clock stands at 2026-11-22):
// October: Eng 12 respondents, Sales 8, Ops 6, Legal 3 → Legal is below 5; the smallest visible, Ops, is withheld with it (9).
// November: Eng 10, Legal 2, and 5 people without a department → Legal and the no-department group are withheld (7).
eachStore('engagement anonymity: subtraction finds nothing', (server) => {
  const departments = ['Eng', 'Sales', 'Ops', 'Legal'];
  const truth: Record<
    string,
    Record<string, { promoters: number; passives: number; detractors: number; respondents: number }>
  > = { '2026-10': {}, '2026-11': {} };

  beforeAll(async () => {
    const answers: { employeeId: string; question: string; score: number; answeredAt: string }[] = [];
    const group = async (month: string, department: string | null, scores: number[]) => {
      const key = department ?? '(none)';
      truth[month][key] = { promoters: 0, passives: 0, detractors: 0, respondents: scores.length };
      for (const score of scores) {
        const person = await createEmployee(server(), { department, startDate: '2024-01-01' });
        answers.push({ employeeId: person.id, question: 'engagement', score, answeredAt: `${month}-10T09:00:00.000Z` });
        const band = score >= 9 ? 'promoters' : score >= 7 ? 'passives' : 'detractors';
        truth[month][key][band] += 1;
      }
    };
    await group('2026-10', 'Eng', [9, 8, 7, 10, 6, 9, 8, 7, 9, 5, 8, 9]);
    await group('2026-10', 'Sales', [7, 7, 8, 9, 6, 5, 10, 8]);
    await group('2026-10', 'Ops', [9, 9, 8, 7, 6, 10]);
    await group('2026-10', 'Legal', [0, 1, 2]);
    await group('2026-11', 'Eng', [8, 8, 9, 7, 6, 10, 9, 9, 4, 7]);
    await group('2026-11', 'Legal', [10, 0]);
    await group('2026-11', null, [7, 7, 8, 9, 3]);
    expect((await post(server(), '/v1/engagement/answers', { answers })).status).toBe(201);
  });

  test('the total minus every visible department never isolates a group smaller than the threshold', async () => {
    type Point = {
      period: string;
      hidden: boolean;
      hiddenReason: string | null;
      nps: { promoters: number; passives: number; detractors: number } | null;
      participation: { responded: number };
    };
    const trend = async (segment?: string): Promise<Point[]> =>
      (
        await get(
          server(),
          `/v1/engagement/overview?interval=month&from=2026-10-01${segment ? `&segment=department:${segment}` : ''}`,
        )
      ).body.data.trend;
    const org = await trend();
    const bySegment = Object.fromEntries(await Promise.all(departments.map(async (d) => [d, await trend(d)] as const)));
    for (const [i, point] of org.entries()) {
      expect(point.hidden).toBe(false);
      const visible = departments.filter((d) => !bySegment[d][i].hidden);
      const hidden = departments.filter((d) => bySegment[d][i].hidden && bySegment[d][i].participation.responded > 0);
      // The attack: what is left after subtracting every visible department from the total.
      const left = {
        promoters: point.nps!.promoters,
        passives: point.nps!.passives,
        detractors: point.nps!.detractors,
        respondents: point.participation.responded,
      };
      for (const d of visible) {
        left.promoters -= bySegment[d][i].nps!.promoters;
        left.passives -= bySegment[d][i].nps!.passives;
        left.detractors -= bySegment[d][i].nps!.detractors;
        left.respondents -= bySegment[d][i].participation.responded;
      }
      // What is left covers at least the threshold of people, and is not any one hidden department.
      expect({ period: point.period, enough: left.respondents >= 5 }).toEqual({ period: point.period, enough: true });
      for (const d of hidden)
        expect({
          period: point.period,
          department: d,
          recovered: JSON.stringify(left) === JSON.stringify(truth[point.period][d]),
        }).toEqual({ period: point.period, department: d, recovered: false });
    }
    // And the suppression is the one worked out by hand.
    const reasons = (i: number) => Object.fromEntries(departments.map((d) => [d, bySegment[d][i].hiddenReason]));
    expect(reasons(0)).toEqual({ Eng: null, Sales: null, Ops: 'protectsAnother', Legal: 'belowThreshold' });
    expect(reasons(1)).toEqual({ Eng: null, Sales: 'belowThreshold', Ops: 'belowThreshold', Legal: 'belowThreshold' });
    expect(bySegment.Eng[1]).toMatchObject({ hidden: false, nps: { promoters: 4, passives: 4, detractors: 2 } });
  });

  test('windows are whole periods: "all" rounds its dates out to whole months', async () => {
    const partial = (await get(server(), '/v1/engagement/overview?interval=all&from=2026-10-11&to=2026-11-09')).body
      .data;
    const whole = (await get(server(), '/v1/engagement/overview?interval=all&from=2026-10-01&to=2026-11-30')).body.data;
    expect(partial).toMatchObject({ start: '2026-10-01', end: '2026-11-30' });
    expect(partial.nps).toEqual(whole.nps);
    expect(partial.participation.responded).toBe(46);
  });
});
