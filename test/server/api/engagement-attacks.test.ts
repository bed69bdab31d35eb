// Subtraction attacks on engagement results, replayed through the API against a seeded random
// organization full of small groups: whatever an attacker subtracts from what is shown (a total
// minus the visible rows, a segment minus its combination with another, the overview minus a
// heatmap row, a team minus the teams inside it) must never isolate between 1 and threshold - 1
// respondents. Every segment kind is attacked.
import { eachStore } from '../../helpers/harness';
import { createEmployee, get, post } from '../../helpers/people';

const T = 5;
const QUESTIONS = ['engagement', 'Growth', 'Workload'];

/** A small seeded generator (mulberry32), so every run builds the same organization. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Cell {
  hidden: boolean;
  hiddenReason: string | null;
  score: number | null;
  n: number | null;
}
interface Row {
  segment: string | null;
  label: string;
  cells: (Cell & { question: string })[];
}

/** A difference an attacker can compute; it must not single out a group smaller than the threshold. */
const leaks = (difference: number) => difference > 0 && difference < T;

eachStore('engagement: subtraction attacks on every segment kind', (server) => {
  const segmentsByKind: Record<string, string[]> = {};
  const visible = new Map<string, number>(); // `${question}|${segments}` → respondents, for what is shown
  const findings: string[] = [];
  let checks = 0;

  const overview = async (question: string, segments: string[]) => {
    const query = segments.map((s) => `&segment=${encodeURIComponent(s)}`).join('');
    const res = await get(server(), `/v1/engagement/overview?question=${question}${query}`);
    expect(res.status).toBe(200);
    const data = res.body.data;
    if (data.hidden) expect({ score: data.score, nps: data.nps }).toEqual({ score: null, nps: null });
    else visible.set(`${question}|${segments.join('&')}`, data.participation.responded);
    return data as {
      hidden: boolean;
      hiddenReason: string | null;
      score: number | null;
      participation: { responded: number };
    };
  };
  const expectSafe = (what: string, difference: number) => {
    checks += 1;
    if (leaks(difference)) findings.push(`${what}: ${difference} respondent(s)`);
  };

  beforeAll(async () => {
    const next = random(20261122);
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
    await post(server(), '/v1/attributes', { name: 'Office', type: 'option', options: ['Berlin', 'Paris', 'Lagos'] });
    await post(server(), '/v1/attributes', { name: 'Skills', type: 'multi_option', options: ['Go', 'SQL', 'Design'] });
    await post(server(), '/v1/attributes', { name: 'Remote', type: 'boolean' });
    await post(server(), '/v1/attributes', { name: 'Certified', type: 'date' });
    const root = (await post(server(), '/v1/groups', { name: 'Company' })).body.data.id;
    const product = (await post(server(), '/v1/groups', { name: 'Product', parentId: root })).body.data.id;
    const platform = (await post(server(), '/v1/groups', { name: 'Platform', parentId: product })).body.data.id;
    const ops = (await post(server(), '/v1/groups', { name: 'Operations', parentId: root })).body.data.id;
    const roles = [];
    for (const group of [root, product, platform, ops])
      roles.push((await post(server(), '/v1/roles', { name: `Role in ${group}`, groupId: group })).body.data.id);

    // Departments and titles of very different sizes, so some are always below the threshold.
    const departments = [
      'Sales',
      'Sales',
      'Sales',
      'Engineering',
      'Engineering',
      'Engineering',
      'Support',
      'Support',
      'Legal',
      'Exec',
    ];
    const titles = ['Associate', 'Associate', 'Associate', 'Lead', 'Lead', 'Director'];
    const ids: string[] = [];
    for (let i = 0; i < 64; i += 1) {
      const year = 2014 + Math.floor(next() * 12);
      const month = String(1 + Math.floor(next() * 12)).padStart(2, '0');
      const skills = ['Go', 'SQL', 'Design'].filter(() => next() < 0.4);
      const employee = await createEmployee(server(), {
        firstName: `P${i}`,
        lastName: 'Random',
        department: pick(departments),
        title: pick(titles),
        startDate: `${year}-${month}-${pick(['01', '15', '28'])}`,
        managerId: i === 0 ? null : ids[Math.floor(Math.pow(next(), 2) * Math.min(i, 12))],
        attributes: {
          Office: pick(['Berlin', 'Berlin', 'Paris', 'Lagos']),
          Skills: skills,
          Remote: next() < 0.3,
          Certified: `${pick(['2023', '2024', '2025'])}-06-01`,
        },
      });
      ids.push(employee.id);
      if (next() < 0.6) await post(server(), `/v1/roles/${pick(roles)}/assignments`, { employeeId: employee.id });
    }
    const answers = [];
    for (const employeeId of ids) {
      for (const question of QUESTIONS) {
        if (next() < 0.8)
          answers.push({
            employeeId,
            question,
            score: Math.floor(next() * 11),
            answeredAt: '2026-11-10T09:00:00.000Z',
          });
      }
    }
    expect((await post(server(), '/v1/engagement/answers', { answers })).status).toBe(201);

    const people = (await get(server(), '/v1/employees?limit=200')).body.data as {
      id: string;
      managerId: string | null;
    }[];
    const managers = [...new Set(people.map((p) => p.managerId).filter((m): m is string => m !== null))];
    segmentsByKind.department = [...new Set(departments)].map((d) => `department:${d}`);
    segmentsByKind.title = [...new Set(titles)].map((t) => `title:${t}`);
    segmentsByKind.tenure = ['<6m', '6-12m', '1-2y', '2-5y', '5y+'].map((b) => `tenure:${b}`);
    segmentsByKind.manager = managers.map((m) => `manager:${m}`);
    segmentsByKind.group = [root, product, platform, ops].map((g) => `group:${g}`);
    segmentsByKind.attribute = [
      'Office:Berlin',
      'Office:Paris',
      'Office:Lagos',
      'Skills:Go',
      'Skills:SQL',
      'Skills:Design',
      'Remote:true',
      'Remote:false',
      'Certified:2023',
      'Certified:2024',
      'Certified:2025',
    ].map((a) => `attribute:${a}`);
  }, 120_000);

  test('one segment of each kind: the organization minus it, and what its family leaves, never isolate a small group', async () => {
    const shownReasons = new Set<string>();
    for (const question of QUESTIONS) {
      const total = (await overview(question, [])).participation.responded;
      for (const segments of Object.values(segmentsByKind)) {
        for (const segment of segments) {
          const result = await overview(question, [segment]);
          if (result.hiddenReason) shownReasons.add(result.hiddenReason);
          if (!result.hidden)
            expectSafe(`${question}: everyone minus ${segment}`, total - result.participation.responded);
        }
      }
    }
    // The organization really has small groups to protect, and complementary partners protect them.
    expect([...shownReasons].sort()).toEqual(['belowThreshold', 'protectsAnother']);
    expect(findings).toEqual([]);
  }, 120_000);

  test('a combination minus its parts', async () => {
    const kinds = Object.keys(segmentsByKind);
    let combinations = 0;
    for (const [a, kindA] of kinds.entries()) {
      for (const kindB of kinds.slice(a + 1)) {
        for (const s1 of segmentsByKind[kindA].slice(0, 3)) {
          for (const s2 of segmentsByKind[kindB].slice(0, 3)) {
            const both = await overview('engagement', [s1, s2]);
            if (both.hidden) continue;
            combinations += 1;
            for (const part of [s1, s2]) {
              // Test one asked for every single segment: what is shown of it is in `visible`.
              const alone = visible.get(`engagement|${part}`);
              if (alone !== undefined)
                expectSafe(`${part} minus ${s1} AND ${s2}`, alone - both.participation.responded);
            }
          }
        }
      }
    }
    expect(combinations).toBeGreaterThan(5);
    expect(findings).toEqual([]);
  }, 120_000);

  test('heatmaps: the total minus the visible rows per column, and the overview minus each row', async () => {
    const partitions = ['department', 'title', 'tenure', 'attribute:Office', 'attribute:Remote', 'attribute:Certified'];
    for (const by of [...partitions, 'attribute:Skills', 'manager']) {
      const h = (await get(server(), `/v1/engagement/heatmap?by=${encodeURIComponent(by)}`)).body.data as {
        columns: string[];
        total: Row;
        rows: Row[];
      };
      h.columns.forEach((question, c) => {
        const total = h.total.cells[c];
        const org = visible.get(`${question}|`);
        for (const row of h.rows) {
          const cell = row.cells[c];
          if (cell.hidden) {
            expect({ score: cell.score, n: cell.n, change: (cell as unknown as { change: unknown }).change }).toEqual({
              score: null,
              n: null,
              change: null,
            });
            // Hidden here, hidden in the overview too: neither gives away what the other withholds.
            expect({ question, row: row.segment, shownInOverview: visible.has(`${question}|${row.segment}`) }).toEqual({
              question,
              row: row.segment,
              shownInOverview: false,
            });
            continue;
          }
          // The heatmap agrees with the overview for the same segment, and the overview minus the row is safe.
          expect(visible.get(`${question}|${row.segment}`)).toBe(cell.n);
          if (org !== undefined)
            expectSafe(`${question}: everyone minus heatmap row ${row.segment}`, org - (cell.n as number));
        }
        if (partitions.includes(by) && !total.hidden) {
          const shown = h.rows.reduce((sum, row) => sum + (row.cells[c].hidden ? 0 : (row.cells[c].n as number)), 0);
          expectSafe(`${question} by ${by}: total minus the visible rows`, (total.n as number) - shown);
        }
      });
    }
    expect(findings).toEqual([]);
  }, 120_000);

  test('teams: a team minus the visible teams reporting into it, and everyone else beside a segment', async () => {
    const people = (await get(server(), '/v1/employees?limit=200')).body.data as {
      id: string;
      managerId: string | null;
    }[];
    const bossOf = new Map(people.map((p) => [p.id, p.managerId]));
    for (const question of QUESTIONS) {
      const managers = segmentsByKind.manager.map((s) => s.slice('manager:'.length));
      for (const boss of [...managers, null]) {
        const above = boss === null ? visible.get(`${question}|`) : visible.get(`${question}|manager:${boss}`);
        if (above === undefined) continue;
        const inside = managers.filter((m) => bossOf.get(m) === boss || (boss === null && !bossOf.get(m)));
        const shown = inside.reduce((sum, m) => sum + (visible.get(`${question}|manager:${m}`) ?? 0), 0);
        if (shown > 0) expectSafe(`${question}: ${boss ?? 'everyone'} minus the visible teams inside`, above - shown);
        for (const m of inside) {
          const team = visible.get(`${question}|manager:${m}`);
          if (team !== undefined) expectSafe(`${question}: ${boss ?? 'everyone'} minus the team of ${m}`, above - team);
        }
      }
    }
    for (const segment of [...segmentsByKind.department, ...segmentsByKind.group]) {
      const h = (await get(server(), `/v1/engagement/heatmap?by=title&segment=${encodeURIComponent(segment)}`)).body
        .data as { total: Row; everyoneElse: Row };
      h.total.cells.forEach((cell, c) => {
        const other = h.everyoneElse.cells[c];
        if (cell.hidden) expect(other.hidden).toBe(true);
        if (!other.hidden) expect(other.n as number).toBeGreaterThanOrEqual(T);
      });
    }
    expect(checks).toBeGreaterThan(100);
    expect(findings).toEqual([]);
  }, 120_000);
});
