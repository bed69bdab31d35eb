// Shared pieces of the benchmarks: start processes and PeopleHub on either store, drive load with
// autocannon, read RSS, print tables and verdicts.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');

const ROOT = path.resolve(__dirname, '../..');

/** The PostgreSQL the benchmarks use; each run gets a schema of its own there and drops it after. */
const PG_URL = process.env.PEOPLEHUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const STORE_NAMES = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/**
 * Starts a process and resolves once its output (written to a file, not a pipe) matches `pattern`
 * (within `timeoutMs`); `stop()` ends it and removes that file.
 */
async function startProcess(args, env, pattern, { timeoutMs = 30_000 } = {}) {
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-bench-log-')), 'out.log');
  const fd = fs.openSync(logFile, 'w');
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the processes under test.
  const extra = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const child = spawn(process.execPath, [...extra, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  for (let i = 0; i < timeoutMs / 100; i += 1) {
    const text = fs.readFileSync(logFile, 'utf8');
    const match = pattern.exec(text);
    if (match)
      return {
        child,
        match,
        text,
        logFile,
        stop: () => stopProcess(child).then(() => fs.rmSync(path.dirname(logFile), { recursive: true, force: true })),
      };
    if (child.exitCode !== null) throw new Error(`process exited early:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${pattern}`);
}

/** Resolves once `child` has exited; SIGKILL after `graceMs` if SIGTERM was not enough. */
function stopProcess(child, graceMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Resolves once `child` has exited by itself. */
function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', resolve));
}

/** Runs one statement on the benchmarks' PostgreSQL and returns its rows. */
async function pgQuery(sql, params = []) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

let schemaCount = 0;
/** A schema name no other run uses (PeopleHub creates it on start; the caller drops it). */
function freshSchema() {
  schemaCount += 1;
  return `bench_${process.pid}_${Date.now()}_${schemaCount}`;
}

/**
 * Starts `peoplehub serve` on `store` ('sqlite': a file in a temporary DATA_DIR; 'postgres': a fresh
 * schema) with the default configuration, except that the per-credential rate limit is off (the
 * load generator's key would hit it; the README says so) and, unless `demo`, no demo data: then an
 * organization comes from `peoplehub init`. `env` adds what a benchmark needs to reach its own
 * receivers on loopback. Resolves with the URL and the owner key; `stop()` ends the server and
 * removes its data (the schema on PostgreSQL).
 */
async function startHub(store, { env = {}, demo = false } = {}) {
  if (!(store in STORE_NAMES)) throw new Error(`unknown store ${store}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-bench-'));
  const schema = store === 'postgres' ? freshSchema() : null;
  const hubEnv = {
    DATA_DIR: dataDir,
    PORT: '0',
    PEOPLEHUB_RATE_LIMIT: '0',
    PEOPLEHUB_DEMO: demo ? 'true' : 'false',
    ...(schema ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {}),
    ...env,
  };
  const logs = [];
  let child = null;
  const stop = async () => {
    if (child) {
      if (child.exitCode !== null)
        console.log(`  PeopleHub had exited (code ${child.exitCode}) before the end:\n${tail(logs.at(-1))}`);
      await stopProcess(child);
      reportErrors(logs.at(-1));
    }
    for (const file of logs) fs.rmSync(path.dirname(file), { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (schema) await pgQuery(`drop schema if exists "${schema}" cascade`);
  };
  try {
    let ownerKey = null;
    if (!demo) {
      const init = await startProcess(
        ['server/bin/peoplehub.js', 'init', '--org', 'Bench', '--owner-email', 'bench@bench.example', '--json'],
        hubEnv,
        /"ownerKey":"(phu_[^"]+)"/,
      );
      logs.push(init.logFile);
      await exited(init.child); // it may still be closing the store
      ownerKey = init.match[1];
    }
    const hub = await startProcess(['server/bin/peoplehub.js', 'serve'], hubEnv, /PeopleHub is listening on (\S+)/);
    child = hub.child;
    logs.push(hub.logFile);
    if (demo) ownerKey = /Owner key \(shown once, keep it\): (\S+)/.exec(hub.text)[1];
    return { store, url: hub.match[1], ownerKey, child, dataDir, env: hubEnv, schema, logFile: hub.logFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function tail(file, lines = 20) {
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Says how many error lines PeopleHub logged during a benchmark, and the first, so none go unseen. */
function reportErrors(file) {
  const errors = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /"level":(50|60)\b/.test(line));
  if (errors.length > 0)
    console.log(`  PeopleHub logged ${errors.length} error(s); the first: ${errors[0].slice(0, 500)}`);
}

/** Creates an app with `permissions` and returns its token. */
async function appToken(hub, permissions) {
  const app = await json(`${hub.url}/v1/apps`, {
    method: 'POST',
    headers: { 'x-api-key': hub.ownerKey, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', permissions }),
  });
  return app.data.token;
}

/**
 * A fresh database made by `peoplehub init` on `store` (a file in a temporary DATA_DIR, or a fresh
 * schema), for a bare baseline to write to: PeopleHub's schema and one organization, no server.
 * Resolves with its file (SQLite), the env that names it, and `drop()`.
 */
async function initStore(store) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-bench-bare-'));
  const schema = store === 'postgres' ? freshSchema() : null;
  const env = { DATA_DIR: dataDir, ...(schema ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {}) };
  const drop = async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (schema) await pgQuery(`drop schema if exists "${schema}" cascade`);
  };
  try {
    const init = await startProcess(
      ['server/bin/peoplehub.js', 'init', '--org', 'Bare', '--owner-email', 'bare@bench.example', '--json'],
      env,
      /"ownerKey":"(phu_[^"]+)"/,
    );
    await exited(init.child);
    fs.rmSync(path.dirname(init.logFile), { recursive: true, force: true });
  } catch (error) {
    await drop();
    throw error;
  }
  return { file: path.join(dataDir, 'peoplehub.db'), env, schema, drop };
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat times (`getconf CLK_TCK`), 100 on every common build. */
const CLOCK_TICKS = 100;

/** CPU time (user + system) a process has used so far, in µs, from /proc (clock-tick resolution). */
function cpuMicros(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are the 14th and 15th fields of the line, the 12th and 13th after the name.
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}

function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

/** Keep-alive load from this process (the servers run in their own). */
async function load(url, headers, { connections = 32, duration = 10, method = 'GET', body } = {}) {
  await autocannon({ url, headers, connections, duration: 2, method, body }); // warm-up
  const result = await autocannon({ url, headers, connections, duration, method, body });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
  };
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ')).join('\n');
}

/** How a figure compares with its target, as printed after it. */
function verdict(met) {
  return met ? 'met' : 'MISSED';
}

/** Milliseconds on the monotonic clock every process on this machine shares (for cross-process latency). */
function monotonicMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

async function json(url, options = {}) {
  const res = await fetch(url, options);
  const body = await res.json();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

module.exports = {
  ROOT,
  PG_URL,
  STORE_NAMES,
  startProcess,
  stopProcess,
  exited,
  pgQuery,
  freshSchema,
  startHub,
  appToken,
  initStore,
  cpuMicros,
  rssMb,
  load,
  table,
  verdict,
  monotonicMs,
  json,
};
