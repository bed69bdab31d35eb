// HiBob sync: a full sync from the simulator (in its own process) at 10,000 and 100,000 people, with
// time and peak RSS, against the baseline of downloading and JSON.parse-ing the same people/search
// answer in this run; a no-change resync; and how long the 10,000 employee.created events take to
// reach a subscribed webhook. The one setting changed from the defaults lets webhooks and HiBob calls
// reach loopback over http (PEOPLEHUB_DEV), where the simulator and the receiver run.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { startProcess, table, json } = require('./lib');

const FIELDS = [
  'root.id',
  'root.email',
  'root.firstName',
  'root.surname',
  'root.displayName',
  'work.title',
  'work.department',
  'work.reportsTo',
  'work.startDate',
  'internal.terminationDate',
  'internal.terminationReason',
];

function peakRssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

function currentRssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

async function startSimulator(people) {
  const sim = await startProcess(
    ['test/bench/hibob-sim-process.js'],
    { HIBOB_SIM_PEOPLE: String(people) },
    /simulator on (\S+) (\{.*\})/,
  );
  return { child: sim.child, url: sim.match[1], credentials: JSON.parse(sim.match[2]) };
}

/** The baseline: the same answer downloaded and parsed in one piece, best of three. */
async function downloadAndParse(sim) {
  let best = Infinity;
  let count = 0;
  for (let i = 0; i < 3; i += 1) {
    const started = process.hrtime.bigint();
    const res = await fetch(`${sim.url}/v1/people/search`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sim.credentials.serviceUserId}:${sim.credentials.token}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ fields: FIELDS, showInactive: true, humanReadable: 'REPLACE' }),
    });
    count = JSON.parse(await res.text()).employees.length;
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { ms: best, count };
}

async function startHub() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-bench-hibob-'));
  // The server's default log level, as deployed; BENCH_LOG_LEVEL only for looking into a run.
  const logLevel = process.env.BENCH_LOG_LEVEL ? { LOG_LEVEL: process.env.BENCH_LOG_LEVEL } : {};
  const env = { DATA_DIR: dataDir, PORT: '0', PEOPLEHUB_DEMO: 'false', PEOPLEHUB_DEV: 'true', ...logLevel };
  const hub = await startProcess(['server/bin/peoplehub.js', 'serve'], env, /PeopleHub is listening on (\S+)/);
  const init = await startProcess(
    ['server/bin/peoplehub.js', 'init', '--org', 'Bench', '--owner-email', 'bench@bench.example', '--json'],
    { DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    /"ownerKey":"(phu_[^"]+)"/,
  );
  return { child: hub.child, url: hub.match[1], key: init.match[1], dataDir, logFile: hub.logFile };
}

async function sync(hub) {
  const started = process.hrtime.bigint();
  const run = (
    await json(`${hub.url}/v1/integrations/hibob/sync`, { method: 'POST', headers: { 'x-api-key': hub.key } })
  ).data;
  for (;;) {
    const current = (
      await json(`${hub.url}/v1/integrations/hibob/runs/${run.id}`, { headers: { 'x-api-key': hub.key } })
    ).data;
    if (current.status !== 'running')
      return { run: current, ms: Number(process.hrtime.bigint() - started) / 1e6, startedAt: started };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function countEvents(hub, since) {
  let total = 0;
  let cursor = null;
  do {
    const page = await json(
      `${hub.url}/v1/events?limit=200&since=${encodeURIComponent(since)}${cursor ? `&cursor=${cursor}` : ''}`,
      { headers: { 'x-api-key': hub.key } },
    );
    total += page.data.length;
    cursor = page.nextCursor;
  } while (cursor);
  return total;
}

/** A receiver in this process that counts deliveries and notes when the last one came. */
async function startReceiver() {
  const receiver = { count: 0, lastAt: 0n };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      receiver.count += 1;
      receiver.lastAt = process.hrtime.bigint();
      res.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${server.address().port}/hook`;
  receiver.close = () => new Promise((resolve) => server.close(resolve));
  return receiver;
}

async function scenario(people, withDelivery) {
  const sim = await startSimulator(people);
  const hub = await startHub();
  const receiver = withDelivery ? await startReceiver() : null;
  // BENCH_RSS_TRACE=1 prints the server's RSS once a second: where in a run the peak comes.
  const rssTrace = [];
  const sampler = process.env.BENCH_RSS_TRACE
    ? setInterval(() => rssTrace.push(currentRssMb(hub.child.pid)), 1000)
    : null;
  try {
    const baseline = await downloadAndParse(sim);
    await json(`${hub.url}/v1/integrations/hibob`, {
      method: 'PUT',
      headers: { 'x-api-key': hub.key, 'content-type': 'application/json' },
      body: JSON.stringify({ ...sim.credentials, baseUrl: sim.url }),
    });
    if (receiver) {
      await json(`${hub.url}/v1/webhooks`, {
        method: 'POST',
        headers: { 'x-api-key': hub.key, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench', url: receiver.url, events: ['employee.created'] }),
      });
    }
    const first = await sync(hub);
    if (first.run.status !== 'completed' || first.run.created !== people)
      throw new Error(`first sync: ${JSON.stringify(first.run)}`);
    const rss = peakRssMb(hub.child.pid);
    let lastDelivery = null;
    if (receiver) {
      while (receiver.count < people) await new Promise((resolve) => setTimeout(resolve, 50));
      lastDelivery = Number(receiver.lastAt - first.startedAt) / 1e6;
    }
    const since = new Date().toISOString();
    const again = await sync(hub);
    const events = await countEvents(hub, since);
    const writes = again.run.created + again.run.updated + again.run.deleted;
    return { people, baseline, first, rss, again, events, writes, lastDelivery };
  } finally {
    if (sampler) {
      clearInterval(sampler);
      process.stderr.write(
        `server RSS each second (MB), ${people} people: ${rssTrace.map((mb) => mb.toFixed(0)).join(' ')}\n`,
      );
    }
    // SIGTERM, and wait: a profile (BENCH_NODE_ARGS=--cpu-prof) is written on a clean exit only.
    const exited = new Promise((resolve) => hub.child.once('exit', resolve));
    hub.child.kill('SIGTERM');
    await exited;
    sim.child.kill('SIGKILL');
    await receiver?.close();
    if (process.env.BENCH_LOG_LEVEL) process.stderr.write(fs.readFileSync(hub.logFile, 'utf8'));
    fs.rmSync(hub.dataDir, { recursive: true, force: true });
  }
}

async function benchHibob() {
  const small = await scenario(10_000, false);
  const large = await scenario(100_000, false);
  // Again with a webhook subscribed to employee.created: the sync shares the process with 10,000 deliveries.
  const delivered = await scenario(10_000, true);
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log('\nHiBob sync (simulator in its own process; SQLite; PEOPLEHUB_DEV for loopback)\n');
  console.log(
    table([
      ['measure', '10,000 people', '100,000 people', 'target'],
      ['download + JSON.parse baseline (best of 3)', s(small.baseline.ms), s(large.baseline.ms), 'baseline'],
      [
        'first sync',
        s(small.first.ms),
        s(large.first.ms),
        '≤ 10 × baseline and < 10 s (10k); ≤ 12 × the 10k time (100k)',
      ],
      [
        'first sync ÷ baseline',
        (small.first.ms / small.baseline.ms).toFixed(1),
        (large.first.ms / large.baseline.ms).toFixed(1),
        '≤ 10 (10k)',
      ],
      ['100k ÷ 10k', '', (large.first.ms / small.first.ms).toFixed(1), '≤ 12'],
      ['peak RSS of the server', `${small.rss.toFixed(0)} MB`, `${large.rss.toFixed(0)} MB`, '< 400 MB (100k)'],
      ['no-change resync', s(small.again.ms), s(large.again.ms), '≤ 0.3 × the first sync'],
      [
        'resync ÷ first sync',
        (small.again.ms / small.first.ms).toFixed(2),
        (large.again.ms / large.first.ms).toFixed(2),
        '≤ 0.3',
      ],
      ['resync writes / events', `${small.writes} / ${small.events}`, `${large.writes} / ${large.events}`, '0 / 0'],
      ['last of 10,000 employee.created delivered (from the sync request)', s(delivered.lastDelivery), '', 'reported'],
      ['  that sync, with the deliveries under way', s(delivered.first.ms), '', ''],
    ]),
  );
}

module.exports = { benchHibob, scenario };

if (require.main === module) {
  benchHibob().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
