// GET /v1/users with JWT and with app-token auth, against a bare node:http server with the same JSON.
const fs = require('node:fs');
const path = require('node:path');
const { STORE_NAMES, startHub, startProcess, rssMb, load, table, verdict, json } = require('./lib');

/**
 * An earlier issue's targets, still printed as "earlier target": PeopleHub at half the rate of a
 * server writing fixed bytes, and a small idle footprint. same-work.bench.js holds the reads to the
 * same work done bare instead.
 */
const TARGET_RATIO = 0.5;
const TARGET_IDLE_RSS_MB = 90;

/**
 * On SQLite (the default) or PostgreSQL (`store: 'postgres'`, in a schema of its own). The rate limit
 * is off for the load generator; nothing else is tuned. The app-token load runs three times back to
 * back, with the server's RSS read after each, to see whether memory grows with use.
 */
async function benchAuth(store = 'sqlite') {
  const hub = await startHub(store, { demo: true });
  const { url, ownerKey, dataDir } = hub;
  const idleRss = rssMb(hub.child.pid);
  let bare = null;
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
    bare = await startProcess(['test/bench/bare-server.js', bodyFile], {}, /listening (\d+)/);
    const bareUrl = `http://127.0.0.1:${bare.match[1]}/v1/users`;

    const baseline = await load(bareUrl, {});
    const viaJwt = await load(`${url}/v1/users`, { authorization: `Bearer ${exchanged.data.token}` });
    const viaToken = await load(`${url}/v1/users`, { 'x-api-key': app.data.token });
    const loadedRss = rssMb(hub.child.pid);
    const laterRss = [];
    for (let i = 0; i < 2; i += 1) {
      await load(`${url}/v1/users`, { 'x-api-key': app.data.token });
      laterRss.push(rssMb(hub.child.pid));
    }

    const ratio = (r) => r.rps / baseline.rps;
    const row = (label, r) => [
      label,
      r.rps.toFixed(0),
      r.p50,
      r.p99,
      ratio(r).toFixed(2),
      verdict(ratio(r) >= TARGET_RATIO),
    ];
    console.log(
      `\nGET /v1/users on ${STORE_NAMES[store]}, keep-alive, 32 connections, 10 s, load from a separate process`,
    );
    console.log(
      table([
        ['server', 'req/s', 'p50 ms', 'p99 ms', 'ratio vs bare', `earlier target >= ${TARGET_RATIO}`],
        ['bare node:http', baseline.rps.toFixed(0), baseline.p50, baseline.p99, '1.00', 'baseline'],
        row('PeopleHub, JWT', viaJwt),
        row('PeopleHub, app token', viaToken),
      ]),
    );
    console.log(
      `PeopleHub RSS: ${idleRss.toFixed(1)} MB idle after start (target < ${TARGET_IDLE_RSS_MB} MB: ${verdict(idleRss < TARGET_IDLE_RSS_MB)}); after each of three app-token loads: ${[loadedRss, ...laterRss].map((r) => r.toFixed(1)).join(', ')} MB (target: no growth)`,
    );
    return { store, baseline, viaJwt, viaToken, idleRss, loadedRss, laterRss };
  } finally {
    await bare?.stop();
    await hub.stop();
  }
}

module.exports = { benchAuth };
if (require.main === module)
  benchAuth(process.argv[2] === 'postgres' ? 'postgres' : 'sqlite').catch((e) => {
    console.error(e);
    process.exit(1);
  });
