// Engagement results depend only on the calendar periods they cover, never on where a request cuts
// them: moving `to` or `from` one day at a time across month boundaries must not change any result
// for a period both requests cover. Otherwise two visible results can differ by exactly one person
// (someone whose tenure band, or whose invitation, changes between the two days), and subtraction
// recovers that person's answers. Both the probe's own attack and a property over random
// organizations are replayed through the API on both stores.
import fc from 'fast-check';
import { createOrganizationWithOwner } from '../../../server/src/domain/organization';
import { eachStore } from '../../helpers/harness';
import { call } from '../../helpers/http';

const DRIVER = 'Growth';
const BANDS = ['<6m', '6-12m', '1-2y', '2-5y', '5y+'];

/** The same day `months` earlier, or that month's last day when it is shorter: (2026-10-31, 6) is 2026-04-30. */
function monthsBefore(day: string, months: number): string {
  const index = Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1 - months;
  const [year, month] = [Math.floor(index / 12), (index % 12) + 1];
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(Number(day.slice(8, 10)), last)).padStart(2, '0')}`;
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Every day from `first` to `last`, inclusive. */
function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) days.push(d);
  return days;
}

eachStore('engagement: results do not depend on where a request cuts a period', (server) => {
  const getAs = async (key: string, path: string) => {
    const res = await call(server().url, path, { key });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.text}`);
    return res.body.data;
  };
  const postAs = async (key: string, path: string, body: unknown) => {
    const res = await call(server().url, path, { key, body });
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${res.text}`);
    return res.body.data;
  };
  const newOrganization = async (name: string) =>
    createOrganizationWithOwner(server().hub.context.store, server().clock, {
      name,
      ownerEmail: `owner-${name.toLowerCase().replace(/\W+/g, '-')}@periods.example`,
    });

  test("the probe's attack: moving `to` from 10 to 11 November no longer moves one person between tenure bands", async () => {
    // The clock stands at 2026-11-22. X started on 2024-11-11: 23 months on 10 November, 24 (2-5y)
    // on the 11th. Every band holds enough respondents to be shown, so the old rule (tenure on `to`)
    // showed 2-5y with 21 respondents on the 10th and 22 on the 11th: X's answer by subtraction.
    const { ownerKey } = await newOrganization('Probe Replay');
    const starts: Record<string, string[]> = {
      '<6m': Array(6).fill('2026-07-01'),
      '6-12m': Array(6).fill('2026-02-01'),
      '1-2y': Array(6).fill('2025-06-01'),
      '2-5y': Array(21).fill('2023-05-01'),
      '5y+': Array(6).fill('2019-01-01'),
    };
    const answers: { employeeId: string; question: string; score: number; answeredAt: string }[] = [];
    let n = 0;
    const hire = async (startDate: string, score: number) => {
      n += 1;
      const e = await postAs(ownerKey, '/v1/employees', {
        email: `p${n}@probe.example`,
        firstName: `P${n}`,
        lastName: 'Probe',
        startDate,
      });
      for (const question of ['engagement', DRIVER])
        answers.push({ employeeId: e.id, question, score, answeredAt: '2026-11-05T09:00:00.000Z' });
    };
    for (const [band, dates] of Object.entries(starts))
      for (const [i, d] of dates.entries()) await hire(d, band === '2-5y' ? [9, 7, 3][i % 3] : 7);
    await hire('2024-11-11', 10);
    await postAs(ownerKey, '/v1/engagement/answers', { answers });

    for (const question of ['engagement', DRIVER]) {
      const overview = (to: string) =>
        getAs(
          ownerKey,
          `/v1/engagement/overview?interval=month&to=${to}&question=${question}&segment=${encodeURIComponent('tenure:2-5y')}`,
        );
      const [before, after] = [await overview('2026-11-10'), await overview('2026-11-11')];
      // Visible both times (hiding more is not the fix), and the same: tenure is taken on 1 November.
      expect({ hidden: before.hidden, responded: before.participation.responded }).toEqual({
        hidden: false,
        responded: 21,
      });
      expect(after).toEqual(before);
      const heatmap = (to: string) => getAs(ownerKey, `/v1/engagement/heatmap?by=tenure&interval=month&to=${to}`);
      const [h10, h11] = [await heatmap('2026-11-10'), await heatmap('2026-11-11')];
      expect(h11).toEqual(h10);
      const cells = Object.fromEntries(
        h10.rows.map((r: { label: string; cells: { n: number | null }[] }) => [r.label, r.cells.map((c) => c.n)]),
      );
      expect(cells).toEqual({ '<6m': [6, 6], '6-12m': [6, 6], '1-2y': [7, 7], '2-5y': [21, 21], '5y+': [6, 6] });
    }
  }, 60_000);

  /**
   * A random organization whose people cross tenure boundaries, start and leave all through
   * September to November 2026: start dates are drawn around each band boundary's anniversary in
   * those months, plus new hires and leavers in them.
   */
  const personArb = fc.record({
    start: fc.oneof(
      fc
        .record({
          boundary: fc.constantFrom(6, 12, 24, 60),
          day: fc.constantFrom(...daysBetween('2026-08-28', '2026-11-22')),
        })
        .map(({ boundary, day }) => monthsBefore(day, boundary)),
      fc.constantFrom(...daysBetween('2026-09-01', '2026-11-20')),
      fc.constantFrom('2015-03-01', '2020-10-10', '2023-09-30', '2025-10-31'),
    ),
    leaves: fc.option(fc.constantFrom(...daysBetween('2026-09-10', '2026-11-30')), { freq: 4 }),
    department: fc.constantFrom('Sales', 'Engineering', 'Support'),
    title: fc.constantFrom('Associate', 'Lead'),
    manager: fc.nat(),
    group: fc.nat({ max: 2 }),
    office: fc.constantFrom('Berlin', 'Paris'),
    scores: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 6, maxLength: 6 }),
    answers: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    day: fc.integer({ min: 1, max: 28 }),
  });
  const orgArb = fc.array(personArb, { minLength: 25, maxLength: 45 });

  const MONTHS = ['2026-09', '2026-10', '2026-11'];
  /** `to` days: across both month boundaries, and the last days up to today. */
  const TO_DAYS = [
    ...daysBetween('2026-09-27', '2026-10-03'),
    ...daysBetween('2026-10-28', '2026-11-03'),
    '2026-11-21',
    '2026-11-22',
  ];
  /** `from` days, with `to` fixed at today: across the same boundaries. */
  const FROM_DAYS = [...daysBetween('2026-08-30', '2026-09-02'), ...daysBetween('2026-09-29', '2026-10-02')];

  let pairs = 0;

  test('a property over random organizations: every result for the same calendar period is identical, whatever the days asked for', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(orgArb, async (people) => {
        run += 1;
        const { ownerKey } = await newOrganization(`Periods ${run}`);
        const groups = [];
        for (const name of ['Company', 'Product', 'Operations']) {
          const group = await postAs(ownerKey, '/v1/groups', {
            name,
            ...(groups.length > 0 ? { parentId: groups[0] } : {}),
          });
          groups.push(group.id);
        }
        const roles = [];
        for (const groupId of groups)
          roles.push((await postAs(ownerKey, '/v1/roles', { name: `Role ${groupId}`, groupId })).id);
        await postAs(ownerKey, '/v1/attributes', { name: 'Office', type: 'option', options: ['Berlin', 'Paris'] });
        const ids: string[] = [];
        const answers: { employeeId: string; question: string; score: number; answeredAt: string }[] = [];
        for (const [i, p] of people.entries()) {
          const separationDate = p.leaves !== null && p.leaves >= p.start ? p.leaves : null;
          const e = await postAs(ownerKey, '/v1/employees', {
            email: `p${i}@periods.example`,
            firstName: `P${i}`,
            lastName: 'Random',
            startDate: p.start,
            ...(separationDate ? { separationDate } : {}),
            department: p.department,
            title: p.title,
            managerId: i === 0 ? null : ids[p.manager % Math.min(i, 6)],
            attributes: { Office: p.office },
          });
          ids.push(e.id);
          const assigned = await call(server().url, `/v1/roles/${roles[p.group]}/assignments`, {
            key: ownerKey,
            body: { employeeId: e.id },
          });
          expect([200, 201]).toContain(assigned.status);
          MONTHS.forEach((month, m) => {
            const day = `${month}-${String(month === '2026-11' ? Math.min(p.day, 22) : p.day).padStart(2, '0')}`;
            const surveyable = p.start <= day && (separationDate === null || separationDate >= day);
            if (!p.answers[m] || !surveyable) return;
            answers.push({
              employeeId: e.id,
              question: 'engagement',
              score: p.scores[m * 2],
              answeredAt: `${day}T09:00:00.000Z`,
            });
            answers.push({
              employeeId: e.id,
              question: DRIVER,
              score: p.scores[m * 2 + 1],
              answeredAt: `${day}T09:00:00.000Z`,
            });
          });
        }
        if (answers.length > 0) await postAs(ownerKey, '/v1/engagement/answers', { answers });

        const segments = [
          [],
          ['department:Sales'],
          ['title:Lead'],
          [`manager:${ids[0]}`],
          [`group:${groups[1]}`],
          ['attribute:Office:Berlin'],
          ...BANDS.map((b) => [`tenure:${b}`]),
          ['tenure:1-2y', 'department:Engineering'],
        ];
        const seen = new Map<string, { json: string; where: string }>();
        const differences: string[] = [];
        const record = (key: string, value: unknown, where: string) => {
          const json = JSON.stringify(value);
          const first = seen.get(key);
          if (first === undefined) {
            seen.set(key, { json, where });
            return;
          }
          pairs += 1;
          if (first.json !== json) differences.push(`${key}\n  ${first.where}: ${first.json}\n  ${where}: ${json}`);
        };
        const query = (list: string[]) => list.map((s) => `&segment=${encodeURIComponent(s)}`).join('');
        const ask = async (window: string) => {
          for (const interval of ['month', 'quarter']) {
            for (const list of segments) {
              for (const question of ['engagement', DRIVER]) {
                const o = await getAs(
                  ownerKey,
                  `/v1/engagement/overview?interval=${interval}&question=${question}${window}${query(list)}`,
                );
                const name = `overview ${interval} ${question} [${list.join(' & ')}]`;
                for (const point of o.trend) record(`${name} ${point.period}`, point, window);
                const { trend: _trend, ...current } = o;
                record(`${name} ${o.period} (with change)`, current, window);
              }
            }
            const d = await getAs(
              ownerKey,
              `/v1/engagement/drivers?interval=${interval}${window}${query(['department:Sales'])}`,
            );
            for (const driver of d.drivers)
              for (const point of driver.trend)
                record(`drivers ${interval} ${driver.question} ${point.period}`, point, window);
            for (const by of ['tenure', 'department', 'manager', 'title', 'attribute:Office']) {
              for (const inside of [[], ['department:Engineering']]) {
                const h = await getAs(
                  ownerKey,
                  `/v1/engagement/heatmap?by=${encodeURIComponent(by)}&interval=${interval}${window}${query(inside)}`,
                );
                record(`heatmap ${interval} by ${by} [${inside.join('')}] ${h.period}`, h, window);
              }
            }
          }
        };
        for (const to of TO_DAYS) await ask(`&to=${to}&from=2026-09-01`);
        for (const from of FROM_DAYS) await ask(`&from=${from}&to=2026-11-22`);
        expect({ differing: differences.length, first: differences.slice(0, 3) }).toEqual({ differing: 0, first: [] });
      }),
      { numRuns: 3, endOnFailure: true },
    );
    // Each result was compared with the first one asked for the same period.
    process.stdout.write(
      `engagement periods [${server().kind}]: ${pairs} pairs of results for the same calendar period compared, all identical\n`,
    );
    expect(pairs).toBeGreaterThan(5_000);
  }, 600_000);
});
