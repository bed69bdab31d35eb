// Webhook delivery on SQLite: throughput of 10,000 signed deliveries (100 subscriptions x 100 events)
// against the same POSTs sent by a bare node:http client, and commit-to-receiver latency at a
// steady 200 events/s to 10 subscriptions (every delivery's latency, not the first of each fan-out).
// PeopleHub runs on its defaults (only the rate limit off). The receiver runs in this process,
// PeopleHub in its own.
const { createHmac, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { startProcess, json } = require('./lib');
const { CONNECTIONS_PER_DESTINATION } = require('../../server/dist/worker/outbound');

function startReceiver() {
  const state = { count: 0, arrivals: new Map(), onCount: null };
  const agentServer = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      state.count += 1;
      if (state.track) {
        const body = Buffer.concat(chunks).toString();
        const email = /"email":"(lat[^"]+)"/.exec(body);
        // Every delivery counts: one arrival per subscription and event, not the first of a fan-out.
        const key = email && `${req.url} ${email[1]}`;
        if (key && !state.arrivals.has(key)) state.arrivals.set(key, performance.now());
      }
      res.writeHead(204);
      res.end();
      if (state.onCount) state.onCount(state.count);
    });
  });
  agentServer.keepAliveTimeout = 65_000;
  return new Promise((resolve) => agentServer.listen(0, '127.0.0.1', () => resolve({ server: agentServer, state, port: agentServer.address().port })));
}

function waitForCount(state, target, timeoutMs) {
  return new Promise((resolve, reject) => {
    if (state.count >= target) return resolve();
    const timer = setTimeout(() => reject(new Error(`only ${state.count} of ${target} arrived`)), timeoutMs);
    state.onCount = (n) => {
      if (n >= target) {
        clearTimeout(timer);
        state.onCount = null;
        resolve();
      }
    };
  });
}

/**
 * The baseline: the same signed POSTs from a bare keep-alive client, 100 at a time, over as many
 * connections as PeopleHub opens to one destination.
 */
async function rawPosts(port, total, body) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS_PER_DESTINATION });
  const secret = randomBytes(32);
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < total) {
      next += 1;
      const id = `msg_${next}`;
      const ts = Math.floor(Date.now() / 1000);
      const signature = `v1,${createHmac('sha256', secret).update(`${id}.${ts}.${body}`).digest('base64')}`;
      await new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/raw', agent, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature } }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end(body);
      });
    }
  }
  await Promise.all(Array.from({ length: 100 }, worker));
  agent.destroy();
  return total / ((performance.now() - started) / 1000);
}

async function benchDelivery() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-bench-'));
  const receiver = await startReceiver();
  const env = {
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'warn',
    PEOPLEHUB_DEMO: 'false',
    PEOPLEHUB_RATE_LIMIT: '0',
    PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true',
    PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
  };
  const init = await startProcess(['server/bin/peoplehub.js', 'init', '--org', 'Bench', '--owner-email', 'bench@bench.example', '--json'], env, /"ownerKey":"(phu_[^"]+)"/);
  const key = init.match[1];
  const hub = await startProcess(['server/bin/peoplehub.js', 'serve'], env, /PeopleHub is listening on (\S+)/);
  const url = hub.match[1];
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  try {
    const hooks = [];
    for (let i = 0; i < 100; i += 1) {
      hooks.push((await json(`${url}/v1/webhooks`, { method: 'POST', headers, body: JSON.stringify({ name: `bench ${i}`, url: `http://127.0.0.1:${receiver.port}/h${i}`, events: ['employee.created'] }) })).data.id);
    }
    const started = performance.now();
    for (let i = 0; i < 100; i += 1) {
      await json(`${url}/v1/employees`, { method: 'POST', headers, body: JSON.stringify({ email: `tp${i}@bench.example`, firstName: 'Through', lastName: `Put${i}` }) });
    }
    await waitForCount(receiver.state, 10_000, 300_000);
    const deliveriesPerSecond = 10_000 / ((performance.now() - started) / 1000);
    const history = await json(`${url}/v1/webhooks/${hooks[0]}/deliveries?limit=200`, { headers });
    const sample = fs.readFileSync(path.join(__dirname, 'sample-event.json'), 'utf8');
    const raw = await rawPosts(receiver.port, 10_000, sample);

    // Latency: 10 subscriptions, 200 events/s for 10 s.
    const latencyHooks = 10;
    for (const id of hooks.slice(latencyHooks)) await json(`${url}/v1/webhooks/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ status: 'inactive' }) });
    receiver.state.track = true;
    const committed = new Map();
    const total = 2000;
    const t0 = performance.now();
    const pending = [];
    for (let i = 0; i < total; i += 1) {
      const due = t0 + i * 5;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const email = `lat${i}@bench.example`;
      pending.push(
        fetch(`${url}/v1/employees`, { method: 'POST', headers, body: JSON.stringify({ email, firstName: 'Lat', lastName: `Ency${i}` }) }).then(async (res) => {
          await res.arrayBuffer();
          committed.set(email, performance.now());
        }),
      );
    }
    await Promise.all(pending);
    const deadline = performance.now() + 60_000;
    const expected = total * latencyHooks;
    while (receiver.state.arrivals.size < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const latencies = [...committed]
      .flatMap(([email, at]) => Array.from({ length: latencyHooks }, (_, h) => (receiver.state.arrivals.get(`/h${h} ${email}`) ?? Infinity) - at))
      .sort((a, b) => a - b);
    const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))];

    console.log('\nWebhook delivery (SQLite, signed, every attempt recorded)');
    console.log(`  100 subscriptions x 100 events: ${deliveriesPerSecond.toFixed(0)} deliveries/s (target >= 3000); history of one webhook: ${history.data.length} attempts`);
    console.log(`  the same 10,000 signed POSTs from a bare node:http client: ${raw.toFixed(0)}/s; ratio ${(deliveriesPerSecond / raw).toFixed(2)} (target >= 0.5)`);
    console.log(`  commit -> receiver at 200 events/s to 10 subscriptions: p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms (targets 10 / 50 ms); ${receiver.state.arrivals.size}/${expected} deliveries seen, every one counted`);
    return { deliveriesPerSecond, raw, p50: p(0.5), p99: p(0.99) };
  } finally {
    hub.child.kill('SIGTERM');
    receiver.server.closeAllConnections();
    receiver.server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

module.exports = { benchDelivery };
if (require.main === module) {
  benchDelivery().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
