import { eachStore } from '../../helpers/harness';
import { expectProblem } from '../../helpers/http';
import { createEmployee, get, patch, post } from '../../helpers/people';

// Hand-computed fixture (the clock stands at 2026-11-22; threshold 5; bands <6m 6-12m 1-2y 2-5y 5y+).
//
// Reporting tree, three levels under A:   A (Exec, no office, started 2018-01-01)
//   ├─ B (Sales, Berlin, 2019-03-01)  ├─ B1 (Sales, Berlin, 2022-02-01) ─ B1a (Berlin, 2026-01-10), B1b (Berlin, 2026-06-15),
//   │                                 │                                   B1c (Paris, 2025-12-01),  B1d (Paris, 2025-11-30)
//   │                                 ├─ B2 (Sales, Berlin, 2024-12-01)
//   │                                 └─ B3 (Sales, Paris, 2025-06-01)
//   └─ C (Engineering, Paris, 2020-06-01) ─ C1, C2 (Berlin), C3 (Paris) started 2023-01-15; C4, C5, C6 (Paris) started 2025-09-01
// Also L (left 2025-12-31 after starting 2024-01-01) and H (starts 2027-01-04): neither answers nor is invited in November.
//
// Tenure on 2026-11-30: 5y+ A B C · 2-5y B1 C1 C2 C3 · 1-2y B2 B3 B1d (12 months to the day) C4 C5 C6 ·
//   6-12m B1a B1c · <6m B1b. On 2026-11-22 (today) B1d has 11 months: 6-12m. L's tenure stopped at
//   23 months (1-2y) on both days. Segments take tenure on the period's first day, whatever day `to`
//   names: for November, on 2026-11-01, where the bands are those of 2026-11-22 (B1d: 11 months).
//
// November engagement (A does not answer): B 8, B1 7, B2 6, B3 9, B1a 10, B1b 5, B1c 8, B1d 7 (Sales: 60 over 8)
//   C 6, C1 7, C2 8, C3 9, C4 10, C5 4, C6 6 (Engineering: 50 over 7) → everyone 110 / 15 = 7.3.
// manager:A = everyone under A, three levels down = the 15 respondents → 7.3 (the organization minus it is empty).
// manager:B = B1 B2 B3 B1a-d = 52 / 7 = 7.4. manager:C = 44 / 6 would show, but the organization minus the teams of B
//   and C is {B, C}: 2 people, so the smaller team (C's, 6) is withheld to protect them (protectsAnother).
// manager:B1 = 4 respondents: belowThreshold.
// attribute:Office:Berlin = B B1 B2 B1a B1b C1 C2 = 51 / 7 = 7.3.
// Berlin AND Sales = B B1 B2 B1a B1b = 5 respondents, but Sales (8) minus it is 3 people: protectsAnother.
// Paris AND manager:A = the 8 Paris people = 59 / 8 = 7.375 → 7.4 (both differences are 0 or 7).
// tenure:1-2y (on 2026-11-01) = B2 B3 C4 C5 C6 = 35 / 5 = 7.0, also with to=2026-11-30 (B1d's anniversary
//   does not move them within November); tenure:2-5y = 4 respondents: hidden; the other bands hold
//   1 + 3 + 2 = 6 more hidden respondents, enough to need no complementary partner.
//
// Drivers (from 2026-10-01): Growth Oct: Sales 8 × 5, Engineering 7 × 7 → 89 / 15 = 5.9;
//   Nov: A 9, Sales 8 × 6, Engineering 7 × 8 → 113 / 16 = 7.1; change +1.2.
//   Workload Oct: C..C5 4 5 6 7 8 9 → 39 / 6 = 6.5; Nov: B B1 B2 B3 × 7 → 4 respondents: hidden, change null.
// Heatmap by department, November: engagement Engineering 7.1 (n 7), Sales 7.5 (n 8), Exec: nobody answered (hidden).
//   Growth: Exec has 1 respondent (belowThreshold); everyone minus the visible rows would then be A alone, so the
//   smallest visible row, Engineering (7), is withheld as its complementary partner; Sales 6.0 (n 8), change +1.0.
//   Workload: Sales 4 respondents, hidden; the total 4: hidden.
eachStore('engagement segments: a hand-computed fixture', (server) => {
  const id: Record<string, string> = {};

  beforeAll(async () => {
    await post(server(), '/v1/attributes', { name: 'Office', type: 'option', options: ['Berlin', 'Paris'] });
    await post(server(), '/v1/attributes', { name: 'Parking', type: 'text' });
    const make = async (
      name: string,
      department: string,
      startDate: string,
      manager: string | null,
      office: string | null,
      extra: Record<string, unknown> = {},
    ) => {
      id[name] = (
        await createEmployee(server(), {
          firstName: name,
          lastName: 'Fixture',
          department,
          startDate,
          managerId: manager === null ? null : id[manager],
          attributes: office === null ? {} : { Office: office },
          ...extra,
        })
      ).id;
    };
    await make('A', 'Exec', '2018-01-01', null, null, { title: 'Chief Executive', attributes: { Parking: 'P1' } });
    await make('B', 'Sales', '2019-03-01', 'A', 'Berlin');
    await make('C', 'Engineering', '2020-06-01', 'A', 'Paris');
    await make('B1', 'Sales', '2022-02-01', 'B', 'Berlin');
    await make('B2', 'Sales', '2024-12-01', 'B', 'Berlin');
    await make('B3', 'Sales', '2025-06-01', 'B', 'Paris');
    await make('B1a', 'Sales', '2026-01-10', 'B1', 'Berlin');
    await make('B1b', 'Sales', '2026-06-15', 'B1', 'Berlin');
    await make('B1c', 'Sales', '2025-12-01', 'B1', 'Paris');
    await make('B1d', 'Sales', '2025-11-30', 'B1', 'Paris');
    for (const [n, office] of [
      ['C1', 'Berlin'],
      ['C2', 'Berlin'],
      ['C3', 'Paris'],
    ])
      await make(n, 'Engineering', '2023-01-15', 'C', office);
    for (const n of ['C4', 'C5', 'C6']) await make(n, 'Engineering', '2025-09-01', 'C', 'Paris');
    await make('L', 'Sales', '2024-01-01', null, null, { separationDate: '2025-12-31' });
    await make('H', 'Sales', '2027-01-04', null, null);

    const answers: { employeeId: string; question: string; score: number; answeredAt: string }[] = [];
    const add = (question: string, day: string, scores: Record<string, number>) => {
      for (const [who, score] of Object.entries(scores))
        answers.push({ employeeId: id[who], question, score, answeredAt: `${day}T09:00:00.000Z` });
    };
    const sales = ['B', 'B1', 'B2', 'B3', 'B1a', 'B1b', 'B1c', 'B1d'];
    const engineering = ['C', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6'];
    const all = (names: string[], score: number) => Object.fromEntries(names.map((n) => [n, score]));
    add('engagement', '2026-11-10', {
      B: 8,
      B1: 7,
      B2: 6,
      B3: 9,
      B1a: 10,
      B1b: 5,
      B1c: 8,
      B1d: 7,
      C: 6,
      C1: 7,
      C2: 8,
      C3: 9,
      C4: 10,
      C5: 4,
      C6: 6,
    });
    add('Growth', '2026-10-12', { ...all(sales, 5), ...all(engineering, 7) });
    add('Growth', '2026-11-10', { A: 9, ...all(sales, 6), ...all(engineering, 8) });
    add('Workload', '2026-10-12', { C: 4, C1: 5, C2: 6, C3: 7, C4: 8, C5: 9 });
    add('Workload', '2026-11-10', { B: 7, B1: 7, B2: 7, B3: 7 });
    const res = await post(server(), '/v1/engagement/answers', { answers });
    expect(res.status).toBe(201);
  });

  /** A 400 whose errors name this parameter (and say this). */
  const refused = (res: Parameters<typeof expectProblem>[0], path: string, message: RegExp = /./) => {
    const body = expectProblem(res, 400);
    expect(body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]),
    );
  };
  const overview = async (...segments: string[]) => {
    const query = segments.map((s) => `&segment=${encodeURIComponent(s)}`).join('');
    const res = await get(server(), `/v1/engagement/overview?interval=month${query}`);
    expect(res.status).toBe(200);
    return res.body.data;
  };
  const shown = (o: {
    hidden: boolean;
    hiddenReason: string | null;
    score: number | null;
    participation: { responded: number };
  }) => ({
    hidden: o.hidden,
    reason: o.hiddenReason,
    score: o.score,
    n: o.participation.responded,
  });

  test('tenure bands at two dates: the list filters and shows tenureMonths as of `on`', async () => {
    const band = async (tenure: string, on: string) =>
      (
        await get(server(), `/v1/employees?tenure=${encodeURIComponent(tenure)}&on=${on}&limit=100&sort=firstName`)
      ).body.data
        .map((e: { firstName: string }) => e.firstName)
        .sort();
    expect(await band('1-2y', '2026-11-30')).toEqual(['B1d', 'B2', 'B3', 'C4', 'C5', 'C6', 'L']);
    expect(await band('1-2y', '2026-11-22')).toEqual(['B2', 'B3', 'C4', 'C5', 'C6', 'L']);
    expect(await band('6-12m', '2026-11-22')).toEqual(['B1a', 'B1c', 'B1d']);
    expect(await band('<6m', '2026-11-22')).toEqual(['B1b']);
    expect(await band('5y+', '2026-11-22')).toEqual(['A', 'B', 'C']);
    const months = async (on: string) =>
      Object.fromEntries(
        (await get(server(), `/v1/employees?on=${on}&limit=100`)).body.data.map(
          (e: { firstName: string; tenureMonths: number | null }) => [e.firstName, e.tenureMonths],
        ),
      );
    expect(await months('2026-11-22')).toMatchObject({ A: 106, B1d: 11, B1b: 5, L: 23, H: null, C4: 14 });
    expect(await months('2026-11-30')).toMatchObject({ A: 106, B1d: 12, B1b: 5, L: 23, H: null, C4: 14 });
    // Today by default, on a single employee too.
    expect((await get(server(), `/v1/employees/${id.B1d}`)).body.data.tenureMonths).toBe(11);
  });

  describe('own tenure bands', () => {
    // The later tests read the default bands.
    afterEach(async () => {
      await patch(server(), '/v1/organization', { tenureBoundaries: null });
    });

    test('an organization redefines its bands; the filter and segments follow', async () => {
      const org = (await get(server(), '/v1/organization')).body.data;
      expect(org.tenureBands.map((b: { name: string }) => b.name)).toEqual(['<6m', '6-12m', '1-2y', '2-5y', '5y+']);
      const changed = await patch(server(), '/v1/organization', { tenureBoundaries: [3, 12, 36] });
      expect(changed.status).toBe(200);
      expect(changed.body.data.tenureBands).toEqual([
        { name: '<3m', fromMonths: 0, toMonths: 3 },
        { name: '3-12m', fromMonths: 3, toMonths: 12 },
        { name: '1-3y', fromMonths: 12, toMonths: 36 },
        { name: '3y+', fromMonths: 36, toMonths: null },
      ]);
      const names = (await get(server(), '/v1/employees?tenure=3-12m&on=2026-11-22&limit=100')).body.data
        .map((e: { firstName: string }) => e.firstName)
        .sort();
      expect(names).toEqual(['B1a', 'B1b', 'B1c', 'B1d']);
      refused(await get(server(), '/v1/employees?tenure=1-2y'), '/tenure', /<3m, 3-12m, 1-3y, 3y\+/);
      refused(
        await patch(server(), '/v1/organization', { tenureBoundaries: [12, 6] }),
        '/tenureBoundaries',
        /increase/,
      );
      expect(
        (await patch(server(), '/v1/organization', { tenureBoundaries: null })).body.data.tenureBoundaries,
      ).toEqual([6, 12, 24, 60]);
    });
  });

  test('the organization, and a manager tree three levels deep', async () => {
    expect(shown(await overview())).toEqual({ hidden: false, reason: null, score: 7.3, n: 15 });
    expect(shown(await overview(`manager:${id.A}`))).toEqual({ hidden: false, reason: null, score: 7.3, n: 15 });
    expect(shown(await overview(`manager:${id.B}`))).toEqual({ hidden: false, reason: null, score: 7.4, n: 7 });
    expect(shown(await overview(`manager:${id.C}`))).toEqual({
      hidden: true,
      reason: 'protectsAnother',
      score: null,
      n: 6,
    });
    expect(shown(await overview(`manager:${id.B1}`))).toEqual({
      hidden: true,
      reason: 'belowThreshold',
      score: null,
      n: 4,
    });
    const b = await overview(`manager:${id.B}`);
    expect(b.participation.invited).toBe(7);
    expect(b.nps).toEqual({ score: 0, promoters: 2, passives: 3, detractors: 2 });
  });

  test('an attribute segment, and AND combinations', async () => {
    expect(shown(await overview('attribute:Office:Berlin'))).toEqual({ hidden: false, reason: null, score: 7.3, n: 7 });
    expect(shown(await overview('attribute:office:Berlin', 'department:Sales'))).toEqual({
      hidden: true,
      reason: 'protectsAnother',
      score: null,
      n: 5,
    });
    const paris = await overview('attribute:Office:Paris', `manager:${id.A}`);
    expect(shown(paris)).toEqual({ hidden: false, reason: null, score: 7.4, n: 8 });
    expect(paris.segments).toEqual(['attribute:Office:Paris', `manager:${id.A}`]);
    expect(shown(await overview('tenure:1-2y'))).toEqual({ hidden: false, reason: null, score: 7, n: 5 });
    // B1d has 12 months on 30 November, but November's bands are taken on its first day.
    const endOfMonth = (
      await get(
        server(),
        `/v1/engagement/overview?interval=month&to=2026-11-30&segment=${encodeURIComponent('tenure:1-2y')}`,
      )
    ).body.data;
    expect(shown(endOfMonth)).toEqual({ hidden: false, reason: null, score: 7, n: 5 });
    expect(shown(await overview('tenure:6-12m'))).toEqual({
      hidden: true,
      reason: 'belowThreshold',
      score: null,
      n: 3,
    });
    expect(shown(await overview('tenure:2-5y'))).toEqual({ hidden: true, reason: 'belowThreshold', score: null, n: 4 });
  });

  test('segments that name nothing real are refused, saying which', async () => {
    refused(await get(server(), '/v1/engagement/overview?segment=team:Sales'), '/segment/0', /not a segment kind/);
    refused(await get(server(), '/v1/engagement/overview?segment=manager:emp_nobody'), '/segment/0', /not an employee/);
    refused(
      await get(server(), '/v1/engagement/overview?segment=tenure:7y'),
      '/segment/0',
      /<6m, 6-12m, 1-2y, 2-5y, 5y\+/,
    );
    refused(
      await get(server(), '/v1/engagement/overview?segment=department:Sales&segment=attribute:Desk:3'),
      '/segment/1',
      /names no attribute/,
    );
    refused(await get(server(), '/v1/engagement/heatmap?by=colour'), '/by');
  });

  test('a value no employee has is a 400 naming the segment, to a caller who may read employees', async () => {
    const says = (segment: string, field: string, value: string) =>
      `${segment} matches no one: no employee has ${field} "${value}"`;
    // One department alone reads the department totals; with another segment, the people.
    for (const query of ['segment=department:Salez', 'segment=tenure:1-2y&segment=department:Salez']) {
      const index = query.startsWith('segment=tenure') ? 1 : 0;
      for (const path of ['overview', 'drivers', 'heatmap?by=tenure&']) {
        const url = `/v1/engagement/${path.includes('?') ? path : `${path}?`}${query}`;
        const problem = expectProblem(await get(server(), url), 400);
        expect({ url, errors: problem.errors }).toEqual({
          url,
          errors: [
            {
              location: 'query',
              path: `/segment/${index}`,
              message: says('department:Salez', 'department', 'Salez'),
            },
          ],
        });
      }
    }
    refused(
      await get(server(), '/v1/engagement/overview?segment=title:Chef'),
      '/segment/0',
      /no employee has title "Chef"/,
    );
    refused(
      await get(server(), '/v1/engagement/heatmap?by=department&segment=attribute:office:Lisbon'),
      '/segment/0',
      /^attribute:Office:Lisbon matches no one: no employee has Office "Lisbon"$/,
    );
    refused(
      await get(server(), '/v1/engagement/drivers?segment=attribute:Parking:P9'),
      '/segment/0',
      /no employee has Parking "P9"/,
    );
    // A value someone has is no error, however few have it.
    for (const segment of ['department:Exec', 'title:Chief Executive', 'attribute:Parking:P1'])
      expect((await overview(segment)).hidden).toBe(true);
  });

  test('to a caller that may not read employees, a value no one has answers exactly as a real but small segment', async () => {
    const app = (await post(server(), '/v1/apps', { name: 'Survey reader', permissions: ['engagement:read'] })).body
      .data as { token: string };
    const read = async (url: string) => {
      const res = await get(server(), url, app.token);
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      return res.body.data;
    };
    const pairs: [string, string][] = [
      ['department:Salez', 'department:Exec'],
      ['title:Chef', 'title:Chief Executive'],
      ['attribute:Parking:P9', 'attribute:Parking:P1'],
      ['attribute:Office:Lisbon', `manager:${id.B1}`],
      ['manager:emp_nobody', `manager:${id.B1}`],
    ];
    for (const [unknown, small] of pairs) {
      for (const path of ['overview?interval=month&', 'drivers?from=2026-10-01&', 'heatmap?by=tenure&']) {
        const url = (segment: string) => `/v1/engagement/${path}segment=${encodeURIComponent(segment)}`;
        const made = JSON.stringify(await read(url(unknown)))
          .split(unknown)
          .join('<segment>');
        const real = JSON.stringify(await read(url(small)))
          .split(small)
          .join('<segment>');
        expect({ url: url(unknown), answer: made }).toEqual({ url: url(unknown), answer: real });
      }
    }
    // Hidden results carry no head counts for it; visible ones do, and the owner sees both.
    const hidden = await read('/v1/engagement/overview?segment=department:Exec');
    expect(hidden).toMatchObject({ hidden: true, participation: { responded: null, invited: null, rate: null } });
    expect(hidden.trend.every((p: { participation: { invited: unknown } }) => p.participation.invited === null)).toBe(
      true,
    );
    expect((await read('/v1/engagement/overview?segment=department:Sales')).participation).toEqual({
      responded: 8,
      invited: 8,
      rate: 1,
    });
    expect((await overview('department:Exec')).participation).toEqual({ responded: 0, invited: 1, rate: 0 });
  });

  test('the drivers list', async () => {
    const res = await get(server(), '/v1/engagement/drivers?interval=month&from=2026-10-01');
    expect(res.status).toBe(200);
    const { drivers, period } = res.body.data;
    expect(period).toBe('2026-11');
    expect(drivers).toEqual([
      {
        question: 'Growth',
        period: '2026-11',
        hidden: false,
        hiddenReason: null,
        score: 7.1,
        respondents: 16,
        change: 1.2,
        trend: [
          { period: '2026-10', hidden: false, hiddenReason: null, score: 5.9, respondents: 15 },
          { period: '2026-11', hidden: false, hiddenReason: null, score: 7.1, respondents: 16 },
        ],
      },
      {
        question: 'Workload',
        period: '2026-11',
        hidden: true,
        hiddenReason: 'belowThreshold',
        score: null,
        respondents: null,
        change: null,
        trend: [
          { period: '2026-10', hidden: false, hiddenReason: null, score: 6.5, respondents: 6 },
          { period: '2026-11', hidden: true, hiddenReason: 'belowThreshold', score: null, respondents: null },
        ],
      },
    ]);
  });

  test('a heatmap by department with one hidden cell and its complementary partner', async () => {
    const res = await get(server(), '/v1/engagement/heatmap?by=department');
    expect(res.status).toBe(200);
    const h = res.body.data;
    expect(h.columns).toEqual(['engagement', 'Growth', 'Workload']);
    const table = (row: {
      cells: {
        hidden: boolean;
        hiddenReason: string | null;
        score: number | null;
        n: number | null;
        change: number | null;
      }[];
    }) =>
      row.cells.map((c) =>
        c.hidden
          ? c.hiddenReason
          : `${c.score} n${c.n}${c.change === null ? '' : ` ${c.change > 0 ? '+' : ''}${c.change}`}`,
      );
    expect(Object.fromEntries(h.rows.map((r: { label: string }) => [r.label, table(r as never)]))).toEqual({
      Engineering: ['7.1 n7', 'protectsAnother', 'belowThreshold'],
      Exec: ['belowThreshold', 'belowThreshold', 'belowThreshold'],
      Sales: ['7.5 n8', '6 n8 +1', 'belowThreshold'],
    });
    expect(table(h.total)).toEqual(['7.3 n15', '7.1 n16 +1.2', 'belowThreshold']);
    expect(h.rows.map((r: { segment: string }) => r.segment)).toEqual([
      'department:Engineering',
      'department:Exec',
      'department:Sales',
    ]);
    expect(h.everyoneElse).toBeNull();
    // The overview agrees with the heatmap, cell for cell.
    const growth = async (department: string) =>
      (await get(server(), `/v1/engagement/overview?question=Growth&segment=department:${department}`)).body.data;
    expect(shown(await growth('Engineering'))).toEqual({ hidden: true, reason: 'protectsAnother', score: null, n: 7 });
    expect(shown(await growth('Sales'))).toEqual({ hidden: false, reason: null, score: 6, n: 8 });
  });

  test('a heatmap inside a segment compares with everyone else', async () => {
    const res = await get(server(), `/v1/engagement/heatmap?by=tenure&segment=department:Sales`);
    const h = res.body.data;
    expect(h.total.cells[0]).toMatchObject({ hidden: false, score: 7.5, n: 8 });
    // Everyone outside Sales: Engineering's 7 (A did not answer engagement) = 50 / 7.
    expect(h.everyoneElse.cells[0]).toMatchObject({ hidden: false, score: 7.1, n: 7 });
    // Sales by band (on 2026-11-01): <6m B1b, 6-12m B1a B1c B1d, 1-2y B2 B3, 2-5y B1, 5y+ B: all below the threshold.
    expect(h.rows.map((r: { cells: { hiddenReason: string }[] }) => r.cells[0].hiddenReason)).toEqual([
      'belowThreshold',
      'belowThreshold',
      'belowThreshold',
      'belowThreshold',
      'belowThreshold',
    ]);
    // Inside a team of 4, everything is hidden, and so is everyone else (the organization minus it would tell).
    const small = (await get(server(), `/v1/engagement/heatmap?by=department&segment=manager:${id.B1}`)).body.data;
    expect(small.total.cells[0]).toMatchObject({ hidden: true, hiddenReason: 'belowThreshold', score: null, n: null });
    expect(small.everyoneElse.cells[0]).toMatchObject({
      hidden: true,
      hiddenReason: 'protectsAnother',
      score: null,
      n: null,
    });
  });
});
