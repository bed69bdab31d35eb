// Writes: POST /v1/employees (the employee, its employee.created event in the outbox and its audit
// entry, in one transaction) against a bare node:http server that parses the same JSON and inserts
// one row into better-sqlite3 with the same WAL and synchronous settings. Same load in the same run:
// autocannon from this process, 16 connections, 10 s after a 2 s warm-up, a unique email per request.
// PeopleHub runs on its defaults (SQLite, no demo data); only the rate limit is off.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { startProcess, json, table } = require('./lib');

let sequence = 0;

async function post(url, headers) {
  // A unique email per request, made as each request is set up.
  const requests = [{ method: 'POST', setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: `w${(sequence += 1)}-${process.pid}@bench.example`, firstName: 'Write', lastName: 'Bench' }) }) }];
  const options = { url, headers: { 'content-type': 'application/json', ...headers }, requests, connections: 16 };
  await autocannon({ ...options, duration: 2 });
  const result = await autocannon({ ...options, duration: 10 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function benchWrite() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-bench-'));
  const bareDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-bench-bare-'));
  const env = { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', PEOPLEHUB_RATE_LIMIT: '0', PEOPLEHUB_DEMO: 'false' };
  const hub = await startProcess(['server/bin/peoplehub.js', 'serve'], env, /PeopleHub is listening on (\S+)/);
  const bare = await startProcess(['test/bench/bare-write-server.js', bareDir], {}, /listening (\d+)/);
  try {
    const init = await startProcess(['server/bin/peoplehub.js', 'init', '--org', 'Bench', '--owner-email', 'bench@bench.example', '--json'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, /"ownerKey":"(phu_[^"]+)"/);
    const app = await json(`${hub.match[1]}/v1/apps`, {
      method: 'POST',
      headers: { 'x-api-key': init.match[1], 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', permissions: ['employees:write'] }),
    });
    const baseline = await post(`http://127.0.0.1:${bare.match[1]}/people`, {});
    const writes = await post(`${hub.match[1]}/v1/employees`, { 'x-api-key': app.data.token });
    console.log('\nWrites: POST /v1/employees (row + event + audit in one transaction) vs a bare JSON-parse-and-insert server, SQLite WAL, 16 connections, 10 s');
    console.log(
      table([
        ['server', 'writes/s', 'p50 ms', 'p99 ms', 'ratio vs bare'],
        ['bare node:http + better-sqlite3', baseline.rps.toFixed(0), baseline.p50, baseline.p99, '1.00'],
        ['PeopleHub', writes.rps.toFixed(0), writes.p50, writes.p99, (writes.rps / baseline.rps).toFixed(2)],
      ]),
    );
    console.log('  target: ratio >= 0.5');
    return { baseline, writes };
  } finally {
    hub.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(bareDir, { recursive: true, force: true });
  }
}

module.exports = { benchWrite };
if (require.main === module) {
  benchWrite().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
