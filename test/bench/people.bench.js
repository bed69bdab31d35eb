// People data on SQLite: creating 10,000 employees over the API, listing them with a filter and a
// sort against a bare node:http baseline, and the engagement overview over 100,000 answers.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { startProcess, load, table, json } = require('./lib');

const EMPLOYEES = 10_000;
const ANSWERS = 100_000;
const DEPARTMENTS = ['Engineering', 'Sales', 'Marketing', 'Operations', 'People', 'Finance', 'Support', 'Legal'];

function createEmployees(url, token) {
  let n = 0;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
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
              const body = { email: `bench${n}@bench.example`, firstName: `First${n % 97}`, lastName: `Last${n}`, department: DEPARTMENTS[n % DEPARTMENTS.length], title: 'Engineer' };
              return { ...req, body: JSON.stringify(body) };
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (result.non2xx > 0) return reject(new Error(`${result.non2xx} creates failed`));
        resolve({ perSecond: result.requests.total / seconds, total: result.requests.total, p99: result.latency.p99 });
      },
    );
  });
}

async function benchPeople() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-bench-'));
  const hub = await startProcess(
    ['server/bin/peoplehub.js', 'serve'],
    { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', PEOPLEHUB_RATE_LIMIT: '0', PEOPLEHUB_DEMO: 'false' },
    /PeopleHub is listening on (\S+)/,
  );
  const url = hub.match[1];
  const bare = { child: null };
  try {
    const init = await startProcess(['server/bin/peoplehub.js', 'init', '--org', 'Bench', '--owner-email', 'bench@bench.example', '--json'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, /"ownerKey":"(phu_[^"]+)"/);
    const ownerKey = init.match[1];
    const app = await json(`${url}/v1/apps`, {
      method: 'POST',
      headers: { 'x-api-key': ownerKey, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', permissions: ['employees:read', 'employees:write', 'engagement:read', 'engagement:write', 'audit:read'] }),
    });
    const token = app.data.token;

    const created = await createEmployees(url, token);
    const events = await json(`${url}/v1/events?type=employee.created&limit=1`, { headers: { 'x-api-key': token } });

    const listPath = '/v1/employees?limit=50&department=Engineering&sort=-lastName';
    const sample = await fetch(`${url}${listPath}`, { headers: { 'x-api-key': token } }).then((r) => r.text());
    const bodyFile = path.join(dataDir, 'page.json');
    fs.writeFileSync(bodyFile, sample);
    const bareProcess = await startProcess(['test/bench/bare-server.js', bodyFile], {}, /listening (\d+)/);
    bare.child = bareProcess.child;
    const baseline = await load(`http://127.0.0.1:${bareProcess.match[1]}${listPath}`, {});
    const listing = await load(`${url}${listPath}`, { 'x-api-key': token });

    // 100,000 answers in bulk, spread over the last twelve months.
    const ids = [];
    let cursor = null;
    do {
      const page = await json(`${url}/v1/employees?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: { 'x-api-key': token } });
      ids.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    const now = Date.now();
    for (let batch = 0; batch < ANSWERS / 1000; batch += 1) {
      const answers = Array.from({ length: 1000 }, (_, i) => {
        const k = batch * 1000 + i;
        return { employeeId: ids[k % ids.length], question: 'engagement', score: k % 11, answeredAt: new Date(now - (k % 360) * 86_400_000 - 3_600_000).toISOString() };
      });
      await json(`${url}/v1/engagement/answers`, { method: 'POST', headers: { 'x-api-key': token, 'content-type': 'application/json' }, body: JSON.stringify({ answers }) });
    }
    const timings = [];
    for (let i = 0; i < 40; i += 1) {
      const t = process.hrtime.bigint();
      const overview = await json(`${url}/v1/engagement/overview?interval=month`, { headers: { 'x-api-key': token } });
      timings.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (i === 0 && overview.data.hidden) throw new Error('the overview is hidden');
    }
    timings.sort((a, b) => a - b);
    const p50 = timings[Math.floor(timings.length / 2)];
    const p99 = timings[Math.floor(timings.length * 0.99)];

    console.log(`\nCreate ${EMPLOYEES} employees over the API (SQLite, keep-alive, 16 connections, each with its event in the same transaction)`);
    console.log(`  ${created.perSecond.toFixed(0)} employees/s (target >= 1000), p99 ${created.p99} ms; events recorded: ${events.data.length ? 'yes' : 'NO'}`);
    console.log(`\nGET ${listPath} over ${EMPLOYEES} employees, 32 connections, 10 s`);
    console.log(
      table([
        ['server', 'req/s', 'p50 ms', 'p99 ms', 'ratio vs bare'],
        ['bare node:http', baseline.rps.toFixed(0), baseline.p50, baseline.p99, '1.00'],
        ['PeopleHub', listing.rps.toFixed(0), listing.p50, listing.p99, (listing.rps / baseline.rps).toFixed(2)],
      ]),
    );
    console.log(`\nEngagement overview (month, 12-point trend) over ${ANSWERS} answers: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target p50 < 50 ms)`);
    return { created, baseline, listing, p50, p99 };
  } finally {
    hub.child.kill('SIGTERM');
    bare.child?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

module.exports = { benchPeople };
if (require.main === module) {
  benchPeople().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
