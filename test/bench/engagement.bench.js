// The engagement overview as answers pile up: 2,000 employees in 8 departments answering over 12
// months, the overview's latency at 10,000, 100,000 and 1,000,000 answers. It reads monthly
// rollups, one row per employee and month, so its cost follows the employee-months that have an
// answer (about 8,000 at 10,000 answers, 26,000 from 100,000 on), not the answers.
const fs = require('node:fs');
const path = require('node:path');
const autocannon = require('autocannon');
const { startHub, startProcess, exited, pgQuery, table, json } = require('./lib');

const EMPLOYEES = 2_000;
const DEPARTMENTS = ['Engineering', 'Sales', 'Marketing', 'Operations', 'People', 'Finance', 'Support', 'Legal'];
const SIZES = [10_000, 100_000, 1_000_000];
const BATCH = 1_000; // the most POST /v1/engagement/answers takes
const IN_FLIGHT = 4; // batches posted at once, so parsing one overlaps writing another
const SAMPLES = 100;
const DAY = 86_400_000;

/** A small seeded generator, so every run loads the same answers. */
function random(seed) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function createEmployees(url, token, prefix) {
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/v1/employees`,
        connections: 16,
        amount: EMPLOYEES,
        method: 'POST',
        headers: { 'x-api-key': token, 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (req) => {
              n += 1;
              const body = {
                email: `${prefix}${n}@bench.example`,
                firstName: `First${n}`,
                lastName: `Last${n}`,
                department: DEPARTMENTS[n % DEPARTMENTS.length],
                startDate: '2020-01-01',
              };
              return { ...req, body: JSON.stringify(body) };
            },
          },
        ],
      },
      (error, result) =>
        error ? reject(error) : result.non2xx > 0 ? reject(new Error(`${result.non2xx} creates failed`)) : resolve(),
    );
  });
}

async function employeeIds(url, token) {
  const ids = [];
  let cursor = null;
  do {
    const page = await json(`${url}/v1/employees?limit=200${cursor ? `&cursor=${cursor}` : ''}`, {
      headers: { 'x-api-key': token },
    });
    ids.push(...page.data.map((e) => e.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

/**
 * Posts `count` answers over the API, BATCH at a time with IN_FLIGHT requests open. Each is a
 * random employee's random score on a random day of the last 360; `expected` keeps this month's
 * answers and respondents, to check the overview against.
 */
async function postAnswers(url, token, ids, count, next, expected, questions = ['engagement']) {
  const now = Date.now();
  const thisMonth = new Date(now).toISOString().slice(0, 7);
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      const size = Math.min(BATCH, count - sent);
      sent += size;
      const answers = Array.from({ length: size }, () => {
        const employeeId = ids[Math.floor(next() * ids.length)];
        const question = questions.length === 1 ? questions[0] : questions[Math.floor(next() * questions.length)];
        const answeredAt = new Date(now - 3_600_000 - Math.floor(next() * 360 * DAY)).toISOString();
        // Mostly 6–9, some at both ends: every eNPS band is used.
        const score = Math.min(10, Math.max(0, Math.round(7.5 + (next() + next() + next() - 1.5) * 3)));
        if (answeredAt.slice(0, 7) === thisMonth && question === 'engagement') {
          expected.answers += 1;
          expected.respondents.add(employeeId);
        }
        return { employeeId, question, score, answeredAt };
      });
      await json(`${url}/v1/engagement/answers`, {
        method: 'POST',
        headers: { 'x-api-key': token, 'content-type': 'application/json' },
        body: JSON.stringify({ answers }),
      });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** p50 and p99 of a list of timings, in ms. */
function percentiles(timings) {
  const sorted = [...timings].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)], p99: sorted[Math.floor(sorted.length * 0.99)] };
}

async function timed(url, token, query) {
  const started = process.hrtime.bigint();
  const body = await json(`${url}/v1/engagement/overview${query}`, { headers: { 'x-api-key': token } });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, data: body.data };
}

/** An organization of the hub's store with its app token and EMPLOYEES employees, created over the API. */
async function createOrganization(hub, name) {
  const init = await startProcess(
    [
      'server/bin/peoplehub.js',
      'init',
      '--org',
      name,
      '--owner-email',
      `owner@${name.toLowerCase()}.example`,
      '--json',
    ],
    hub.env,
    /"ownerKey":"(phu_[^"]+)"/,
  );
  await exited(init.child); // it may still be closing the store
  fs.rmSync(path.dirname(init.logFile), { recursive: true, force: true });
  const url = hub.url;
  const app = await json(`${url}/v1/apps`, {
    method: 'POST',
    headers: { 'x-api-key': init.match[1], 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench',
      permissions: ['employees:read', 'employees:write', 'engagement:read', 'engagement:write'],
    }),
  });
  const token = app.data.token;
  await createEmployees(url, token, name.toLowerCase());
  const ids = await employeeIds(url, token);
  if (ids.length !== EMPLOYEES) throw new Error(`expected ${EMPLOYEES} employees, found ${ids.length}`);
  return { token, ids };
}

/**
 * On SQLite (default) or PostgreSQL (`store: 'postgres'`, in a schema of its own, dropped after).
 * Defaults everywhere but the rate limit, off for the loading client. Each size is an organization of
 * its own on one server, and the requests go round the sizes in turn, so a busy moment on the machine
 * falls on every size alike.
 */
async function benchEngagement(store = 'sqlite') {
  const hub = await startHub(store);
  const { url, schema } = hub;
  try {
    const next = random(20261122);
    const orgs = [];
    let loadSeconds = 0;
    for (const size of SIZES) {
      const org = await createOrganization(hub, `Bench${size}`);
      const expected = { answers: 0, respondents: new Set() };
      const started = process.hrtime.bigint();
      await postAnswers(url, org.token, org.ids, size, next, expected);
      loadSeconds += Number(process.hrtime.bigint() - started) / 1e9;
      orgs.push({ ...org, size, expected, whole: [], department: [] });
    }
    const loaded = SIZES.reduce((a, b) => a + b, 0);
    // Fresh statistics, as autovacuum would gather after a bulk load (it is off on this machine's
    // PostgreSQL); without any, the planner takes the new tables for empty.
    if (store === 'postgres') await pgQuery(`analyze "${schema}".engagement_monthly, "${schema}".employees`);

    const wholeQuery = '';
    const departmentQuery = `?segment=department:${DEPARTMENTS[0]}`;
    for (const org of orgs) {
      for (let i = 0; i < 5; i += 1)
        for (const query of [wholeQuery, departmentQuery]) await timed(url, org.token, query);
      // The numbers must be right, not only fast: this month as posted.
      const { data } = await timed(url, org.token, wholeQuery);
      const counted = data.nps === null ? 0 : data.nps.promoters + data.nps.passives + data.nps.detractors;
      if (
        data.hidden ||
        counted !== org.expected.answers ||
        data.participation.responded !== org.expected.respondents.size
      ) {
        throw new Error(
          `the overview at ${org.size} answers is wrong: ${JSON.stringify(data)} (expected ${org.expected.answers} answers from ${org.expected.respondents.size} people)`,
        );
      }
    }
    for (let i = 0; i < SAMPLES; i += 1) {
      for (const org of orgs) {
        org.whole.push((await timed(url, org.token, wholeQuery)).ms);
        org.department.push((await timed(url, org.token, departmentQuery)).ms);
      }
    }

    const rows = orgs.map((org) => ({
      size: org.size,
      whole: percentiles(org.whole),
      department: percentiles(org.department),
    }));
    const first = rows[0];
    const last = rows[rows.length - 1];
    const ratio = last.whole.p50 / first.whole.p50;
    const departmentRatio = last.department.p50 / first.department.p50;
    const met = (ok) => (ok ? 'met' : 'MISSED');
    const ms = (value) => value.toFixed(1);
    console.log(
      `\nEngagement overview on ${store === 'postgres' ? 'PostgreSQL' : 'SQLite'}: per size an organization of ${EMPLOYEES} employees in ${DEPARTMENTS.length} departments, answers over 12 months; month interval (12-point trend), ${SAMPLES} requests per size and query, taken in turn`,
    );
    if (store === 'postgres') console.log('  tables analyzed after loading');
    console.log(
      `  answers loaded over the API at ${(loaded / loadSeconds).toFixed(0)} answers/s (${loadSeconds.toFixed(0)} s for ${loaded}, ${BATCH} a request, ${IN_FLIGHT} in flight)`,
    );
    console.log(
      table([
        ['answers', 'p50 ms', 'p99 ms', `department:${DEPARTMENTS[0]} p50 ms`, 'p99 ms'],
        ...rows.map((r) => [
          r.size.toLocaleString('en'),
          ms(r.whole.p50),
          ms(r.whole.p99),
          ms(r.department.p50),
          ms(r.department.p99),
        ]),
      ]),
    );
    console.log(
      `  1,000,000 / 10,000 p50: ${ratio.toFixed(2)} × (target ≤ 2 ×: ${met(ratio <= 2)}); with the department segment ${departmentRatio.toFixed(2)} × (${met(departmentRatio <= 2)})`,
    );
    console.log(
      `  p50 at 1,000,000: ${ms(last.whole.p50)} ms, with the department segment ${ms(last.department.p50)} ms (target < 50 ms: ${met(last.whole.p50 < 50)}, ${met(last.department.p50 < 50)})`,
    );
    return {
      store,
      rows: rows.map((r) => ({
        size: r.size,
        ...r.whole,
        departmentP50: r.department.p50,
        departmentP99: r.department.p99,
      })),
      ratio,
      departmentRatio,
      answersPerSecond: loaded / loadSeconds,
    };
  } finally {
    await hub.stop();
  }
}

module.exports = { benchEngagement, random, percentiles, createOrganization, postAnswers, EMPLOYEES, DEPARTMENTS };
// `node test/bench/engagement.bench.js [sqlite|postgres|both]` (after `npm run build`).
if (require.main === module) {
  const which = process.argv[2] ?? 'sqlite';
  const stores = which === 'both' ? ['sqlite', 'postgres'] : [which];
  (async () => {
    for (const store of stores) await benchEngagement(store);
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
