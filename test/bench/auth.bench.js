// GET /v1/users with JWT and with app-token auth, against a bare node:http server with the same JSON.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startProcess, rssMb, load, table, json } = require('./lib');

async function benchAuth() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-bench-'));
  const hub = await startProcess(['server/bin/peoplehub.js', 'serve'], { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', PEOPLEHUB_RATE_LIMIT: '0' }, /PeopleHub is listening on (\S+)/);
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

    const ratio = (r) => (r.rps / baseline.rps).toFixed(2);
    console.log('\nGET /v1/users, keep-alive, 32 connections, 10 s, load from a separate process');
    console.log(
      table([
        ['server', 'req/s', 'p50 ms', 'p99 ms', 'ratio vs bare'],
        ['bare node:http', baseline.rps.toFixed(0), baseline.p50, baseline.p99, '1.00'],
        ['PeopleHub, JWT', viaJwt.rps.toFixed(0), viaJwt.p50, viaJwt.p99, ratio(viaJwt)],
        ['PeopleHub, app token', viaToken.rps.toFixed(0), viaToken.p50, viaToken.p99, ratio(viaToken)],
      ]),
    );
    console.log(`PeopleHub RSS: ${idleRss.toFixed(1)} MB idle after start, ${loadedRss.toFixed(1)} MB after the load (target idle < 120 MB)`);
    return { baseline, viaJwt, viaToken, idleRss, loadedRss };
  } finally {
    hub.child.kill('SIGTERM');
    bare.child?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

module.exports = { benchAuth };
if (require.main === module) benchAuth().catch((e) => {
  console.error(e);
  process.exit(1);
});
