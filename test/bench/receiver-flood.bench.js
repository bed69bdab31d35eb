// HiBob's receiver under a flood of forged notices: 2,000 bodies of 64 KB of nested `[` with a wrong
// Bob-Signature, beside 2,000 flat ones of the same size, against a real server process. Every one
// must be refused (401); the figures are the refusal rate of each kind and GET /healthz p50 while it
// is sent. A nested body must cost no more than a flat one: nothing parses an unsigned body.
// PeopleHub runs on its defaults; as in the other benchmarks the rate limit is off, and the HiBob
// simulator (its own process, for the connection check only) is reached over http on loopback.
const http = require('node:http');
const autocannon = require('autocannon');
const { STORE_NAMES, startHub, startProcess, table, verdict, json } = require('./lib');

const REQUESTS = 2_000;
const BODY_BYTES = 64 * 1024;
const CONNECTIONS = 32;
/** The targets: nested refused at half the flat rate or better, health p50 at most twice the flat one. */
const TARGET_RATE_RATIO = 0.5;
const TARGET_HEALTH_RATIO = 2;

const BODIES = {
  flat: `"${'x'.repeat(BODY_BYTES - 2)}"`,
  nested: '['.repeat(BODY_BYTES),
};
// A well-formed signature of the right length that matches nothing.
const FORGED_SIGNATURE = Buffer.alloc(64, 7).toString('base64');

/** GET /healthz one after another on one keep-alive connection until `stop()`; resolves with the latencies in ms. */
function probeHealth(url) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      await new Promise((resolve, reject) => {
        http
          .get(`${url}/healthz`, { agent }, (res) => {
            res.resume();
            res.on('end', resolve);
          })
          .on('error', reject);
      });
      latencies.push(performance.now() - started);
    }
    agent.destroy();
    return latencies;
  })();
  return {
    stop() {
      running = false;
      return done;
    },
  };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

const median = (values) => percentile(values, 0.5);

/** One flood of `amount` forged notices with `body`; every answer must be a 401. */
async function flood(receiverUrl, body, amount) {
  const started = performance.now();
  let last = started;
  const instance = autocannon({
    url: receiverUrl,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'bob-signature': FORGED_SIGNATURE },
    body,
    connections: CONNECTIONS,
    amount,
  });
  // autocannon settles on its next one-second tick; the flood ends with its last answer.
  instance.on('response', () => {
    last = performance.now();
  });
  const result = await instance;
  const seconds = (last - started) / 1000;
  const refused = result.statusCodeStats?.['401']?.count ?? 0;
  if (refused !== amount || result.errors > 0)
    throw new Error(
      `expected ${amount} answers of 401, got ${JSON.stringify(result.statusCodeStats)} and ${result.errors} errors`,
    );
  return { seconds };
}

/**
 * Each kind's 2,000 in two floods of 1,000, in the order flat, nested, nested, flat, so that neither
 * kind gains from going second (a warmer server, a quieter machine); /healthz is probed during each.
 */
async function measure(hubUrl, receiverUrl) {
  const totals = { flat: { seconds: 0, latencies: [] }, nested: { seconds: 0, latencies: [] } };
  for (const kind of ['flat', 'nested', 'nested', 'flat']) {
    const probe = probeHealth(hubUrl);
    const { seconds } = await flood(receiverUrl, BODIES[kind], REQUESTS / 2);
    // Only the probes that ran during the flood (the last may have started just after it).
    totals[kind].latencies.push(...(await probe.stop()).slice(0, -1));
    totals[kind].seconds += seconds;
  }
  const summary = ({ seconds, latencies }) => ({
    rate: REQUESTS / seconds,
    seconds,
    healthP50: median(latencies),
    healthP99: percentile(latencies, 0.99),
    probes: latencies.length,
  });
  return { flat: summary(totals.flat), nested: summary(totals.nested) };
}

async function benchReceiverFlood(store = 'sqlite') {
  const sim = await startProcess(
    ['test/bench/hibob-sim-process.js'],
    { HIBOB_SIM_PEOPLE: '1' },
    /simulator on (\S+) (\{.*\})/,
  );
  const hub = await startHub(store, {
    env: { PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true', PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8' },
  });
  try {
    const connected = await json(`${hub.url}/v1/integrations/hibob`, {
      method: 'PUT',
      headers: { 'x-api-key': hub.ownerKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...JSON.parse(sim.match[2]),
        baseUrl: sim.match[1],
        hookSecret: 'bench-hook-secret-0123456789',
      }),
    });
    const receiverUrl = connected.data.receiverUrl;
    const idle = probeHealth(hub.url);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idleP50 = median(await idle.stop());
    // Warm-up: both kinds, so neither flood pays for the server's first requests.
    for (const body of Object.values(BODIES)) await flood(receiverUrl, body, 200);
    const { flat, nested } = await measure(hub.url, receiverUrl);

    const rateRatio = nested.rate / flat.rate;
    const healthRatio = nested.healthP50 / flat.healthP50;
    const ms = (v) => `${v.toFixed(1)} ms`;
    console.log(
      `\nHiBob receiver flood on ${STORE_NAMES[store]}: ${REQUESTS} forged notices of ${BODY_BYTES / 1024} KB each, ${CONNECTIONS} connections; /healthz probed one at a time beside it (idle p50 ${ms(idleP50)})`,
    );
    console.log(
      table([
        ['body', 'refused (401) per s', 'floods took', '/healthz p50 during them', 'p99 (reported)', 'probes'],
        [
          'flat',
          flat.rate.toFixed(0),
          `${flat.seconds.toFixed(2)} s`,
          ms(flat.healthP50),
          ms(flat.healthP99),
          flat.probes,
        ],
        [
          'nested [[[…',
          nested.rate.toFixed(0),
          `${nested.seconds.toFixed(2)} s`,
          ms(nested.healthP50),
          ms(nested.healthP99),
          nested.probes,
        ],
        [
          'nested ÷ flat',
          rateRatio.toFixed(2),
          '',
          healthRatio.toFixed(2),
          (nested.healthP99 / flat.healthP99).toFixed(2),
          '',
        ],
      ]),
    );
    console.log(
      `refusal rate nested ÷ flat ${rateRatio.toFixed(2)} (target >= ${TARGET_RATE_RATIO}: ${verdict(rateRatio >= TARGET_RATE_RATIO)}); /healthz p50 nested ÷ flat ${healthRatio.toFixed(2)} (target <= ${TARGET_HEALTH_RATIO}: ${verdict(healthRatio <= TARGET_HEALTH_RATIO)})`,
    );
    return { store, idleP50, flat, nested, rateRatio, healthRatio };
  } finally {
    await hub.stop();
    await sim.stop();
  }
}

module.exports = { benchReceiverFlood };

if (require.main === module) {
  benchReceiverFlood(process.argv[2] === 'postgres' ? 'postgres' : 'sqlite').catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
