// GET /v1/users with JWT and with app-token auth, against a bare node:http server with the same JSON.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startProcess, rssMb, load, table, json } = require('./lib');

const PG_URL = process.env.PEOPLEHUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs `sql` on the benchmark's PostgreSQL (the schema PeopleHub made, dropped afterwards). */
async function pgQuery(sql) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * On SQLite (the default) or PostgreSQL (`store: 'postgres'`, in a schema of its own). The rate limit
 * is off for the load generator; nothing else is tuned. The app-token load runs three times back to
 * back, with the server's RSS read after each, to see whether memory grows with use.
 */
async function benchAuth(store = 'sqlite') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-bench-'));
  const schema = `bench_${process.pid}_${Date.now()}`;
  const storeEnv = store === 'postgres' ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {};
  const hub = await startProcess(['server/bin/peoplehub.js', 'serve'], { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', PEOPLEHUB_RATE_LIMIT: '0', ...storeEnv }, /PeopleHub is listening on (\S+)/);
  const url = hub.match[1];
  const ownerKey = /Owner key \(shown once, keep it\): (\S+)/.exec(hub.text)[1];
  const idleRss = rssMb(hub.child.pid);
  const bare = { child: null };
  try {
    const app = await json(`${url}/v1/apps`, {
      method: 'POST',
      headers: { 'x-api-key': ownerKey, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', permissions: ['users:read'] }),
    });
    const exchanged = await json(`${url}/v1/auth/application`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: app.data.token }),
    });
    const sample = await fetch(`${url}/v1/users`, { headers: { 'x-api-key': app.data.token } }).then((r) => r.text());
    const bodyFile = path.join(dataDir, 'users.json');
    fs.writeFileSync(bodyFile, sample);
    const bareProcess = await startProcess(['test/bench/bare-server.js', bodyFile], {}, /listening (\d+)/);
    bare.child = bareProcess.child;
    const bareUrl = `http://127.0.0.1:${bareProcess.match[1]}/v1/users`;

    const baseline = await load(bareUrl, {});
    const viaJwt = await load(`${url}/v1/users`, { authorization: `Bearer ${exchanged.data.token}` });
    const viaToken = await load(`${url}/v1/users`, { 'x-api-key': app.data.token });
    const loadedRss = rssMb(hub.child.pid);
    const laterRss = [];
    for (let i = 0; i < 2; i += 1) {
      await load(`${url}/v1/users`, { 'x-api-key': app.data.token });
      laterRss.push(rssMb(hub.child.pid));
    }

    const ratio = (r) => (r.rps / baseline.rps).toFixed(2);
    console.log(`\nGET /v1/users on ${store === 'postgres' ? 'PostgreSQL' : 'SQLite'}, keep-alive, 32 connections, 10 s, load from a separate process`);
    console.log(
      table([
        ['server', 'req/s', 'p50 ms', 'p99 ms', 'ratio vs bare'],
        ['bare node:http', baseline.rps.toFixed(0), baseline.p50, baseline.p99, '1.00'],
        ['PeopleHub, JWT', viaJwt.rps.toFixed(0), viaJwt.p50, viaJwt.p99, ratio(viaJwt)],
        ['PeopleHub, app token', viaToken.rps.toFixed(0), viaToken.p50, viaToken.p99, ratio(viaToken)],
      ]),
    );
    console.log(`PeopleHub RSS: ${idleRss.toFixed(1)} MB idle after start (target < 90 MB); after each of three app-token loads: ${[loadedRss, ...laterRss].map((r) => r.toFixed(1)).join(', ')} MB (target: no growth)`);
    return { store, baseline, viaJwt, viaToken, idleRss, loadedRss, laterRss };
  } finally {
    hub.child.kill('SIGTERM');
    bare.child?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (store === 'postgres') await pgQuery(`drop schema if exists "${schema}" cascade`);
  }
}

module.exports = { benchAuth };
if (require.main === module) benchAuth(process.argv[2] === 'postgres' ? 'postgres' : 'sqlite').catch((e) => {
  console.error(e);
  process.exit(1);
});
