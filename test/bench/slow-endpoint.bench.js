// One slow endpoint: a single webhook whose receiver answers after 50 ms, and 2,000 employee.created
// events. At the default maxConcurrency of 10 the ideal is 2,000 x 50 ms / 10 = 10 s. Also run with
// maxConcurrency 1 (strict order: the ideal is 100 s) and with maxEventsPerRequest 100. PeopleHub runs
// with its defaults (SQLite, default poll interval); only the rate limit is off for the load
// generator. Every event is counted where it arrives (a batch counts as its events).
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { startProcess, json, table } = require('./lib');

const EVENTS = 2_000;
const DELAY_MS = 50;

function startSlowReceiver() {
  const state = { events: 0, requests: 0, last: 0, inFlight: 0, maxInFlight: 0, onEvents: null };
  const server = http.createServer((req, res) => {
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const body = JSON.parse(Buffer.concat(chunks).toString());
        state.events += body.type === 'batch' ? body.data.length : 1;
        state.requests += 1;
        state.last = performance.now();
        state.inFlight -= 1;
        res.writeHead(204);
        res.end();
        if (state.onEvents) state.onEvents();
      }, DELAY_MS);
    });
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, state, port: server.address().port })),
  );
}

async function scenario(label, settings, timeoutMs) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-bench-'));
  const receiver = await startSlowReceiver();
  const env = {
    DATA_DIR: dataDir,
    PORT: '0',
    PEOPLEHUB_DEMO: 'false',
    PEOPLEHUB_RATE_LIMIT: '0',
    PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true',
    PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
  };
  const init = await startProcess(
    ['server/bin/peoplehub.js', 'init', '--org', 'Bench', '--owner-email', 'bench@bench.example', '--json'],
    env,
    /"ownerKey":"(phu_[^"]+)"/,
  );
  const hub = await startProcess(['server/bin/peoplehub.js', 'serve'], env, /PeopleHub is listening on (\S+)/);
  const url = hub.match[1];
  const headers = { 'x-api-key': init.match[1], 'content-type': 'application/json' };
  try {
    await json(`${url}/v1/webhooks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: label,
        url: `http://127.0.0.1:${receiver.port}/slow`,
        events: ['employee.created'],
        ...settings,
      }),
    });
    const started = performance.now();
    let next = 0;
    const writer = async () => {
      while (next < EVENTS) {
        const i = next++;
        await json(`${url}/v1/employees`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ email: `slow${i}@bench.example`, firstName: 'Slow', lastName: `End${i}` }),
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    const written = performance.now() - started;
    const deliveredWhileWriting = receiver.state.events;
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${label}: only ${receiver.state.events} of ${EVENTS} events arrived`)),
        timeoutMs,
      );
      const check = () => {
        if (receiver.state.events >= EVENTS) {
          clearTimeout(timer);
          receiver.state.onEvents = null;
          resolve();
        }
      };
      receiver.state.onEvents = check;
      check();
    });
    const seconds = (receiver.state.last - started) / 1000;
    return {
      label,
      seconds,
      written: written / 1000,
      deliveredWhileWriting,
      requests: receiver.state.requests,
      maxInFlight: receiver.state.maxInFlight,
    };
  } finally {
    hub.child.kill('SIGTERM');
    receiver.server.closeAllConnections();
    receiver.server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function benchSlowEndpoint() {
  const results = [
    await scenario('maxConcurrency 10 (default)', {}, 120_000),
    await scenario('maxConcurrency 1 (ordered)', { maxConcurrency: 1 }, 400_000),
    await scenario('maxEventsPerRequest 100', { maxEventsPerRequest: 100 }, 120_000),
  ];
  console.log(
    `\nOne slow endpoint (answers after ${DELAY_MS} ms), ${EVENTS} events to one webhook, defaults otherwise`,
  );
  console.log(
    table([
      ['settings', 'last event after', 'writes took', 'delivered by then', 'requests', 'most in flight'],
      ...results.map((r) => [
        r.label,
        `${r.seconds.toFixed(1)} s`,
        `${r.written.toFixed(1)} s`,
        r.deliveredWhileWriting,
        r.requests,
        r.maxInFlight,
      ]),
    ]),
  );
  console.log(`  default: ${results[0].seconds.toFixed(1)} s (ideal 10 s, target <= 13 s)`);
  return results;
}

module.exports = { benchSlowEndpoint, scenario };
if (require.main === module) {
  benchSlowEndpoint().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
