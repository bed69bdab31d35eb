// The latency floor, in a process of its own: a paced bare sender at a given rate of events. Each
// event (an employee.created event shaped as PeopleHub's, timestamped when it is made) is committed
// to the outbox (the events table of a database `peoplehub init` made) in its own transaction, as an
// API write commits, and then sent as a signed POST to each of the `fanOut` subscriptions
// (/h0 … /h<fanOut-1>) over as many keep-alive connections as PeopleHub opens to one destination.
// Open loop: the next event does not wait for this one's sends. The receiver measures arrival minus
// the event's timestamp. 100 untracked events go first to warm up. Prints
// `result {"events":…,"cpuMicrosPer":…}` (CPU µs per event).
//   node bare-paced-sender.js <receiver port> <events per second> <seconds> <fan-out> <run> sqlite|postgres [database file]
const { newId } = require('../../server/dist/core/ids');
const { newSecret, signedHeaders, client, openStore, report } = require('./bare-delivery');

const EVENT_COLUMNS = ['id', 'organization_id', 'type', 'actor', 'data', 'created_at', 'fanned_out_at'];
const ACTOR = { type: 'app', id: 'app_bench', name: 'bench' };

/** Events sent before the measured ones, unpaced and untracked. */
const WARM_UP_EVENTS = 100;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const [port, rateText, secondsText, fanOutText, run, kind, file] = process.argv.slice(2);
  const rate = Number(rateText);
  const fanOut = Number(fanOutText);
  const total = Math.max(1, Math.round(rate * Number(secondsText)));
  const store = openStore(kind, file);
  const organizationId = await store.organizationId();
  const secrets = Array.from({ length: fanOut }, newSecret);
  const http = client(Number(port));
  const sends = [];
  /** Commits event `i` of `run` to the outbox, then starts its signed POSTs. */
  async function emit(prefix, i) {
    const now = new Date();
    const at = now.toISOString();
    const event = {
      id: newId('evt', now),
      type: 'employee.created',
      timestamp: at,
      organizationId,
      actor: ACTOR,
      data: {
        // The fields PeopleHub's employee.created carries for the same write.
        object: {
          id: newId('emp', now),
          externalId: null,
          email: `${prefix}-${i}@bench.example`,
          firstName: 'Lat',
          lastName: `Ency${i}`,
          displayName: `Lat Ency${i}`,
          title: null,
          department: null,
          managerId: null,
          phone: null,
          startDate: null,
          separationDate: null,
          separationReason: null,
          attributes: {},
          source: 'api',
          createdAt: at,
          updatedAt: at,
          status: 'active',
          tenureMonths: null,
        },
      },
    };
    await store.insertOne('events', EVENT_COLUMNS, [
      event.id,
      organizationId,
      event.type,
      JSON.stringify(ACTOR),
      JSON.stringify(event.data),
      at,
      null,
    ]);
    const body = JSON.stringify(event);
    for (let h = 0; h < fanOut; h += 1) {
      const messageId = newId('msg', now);
      sends.push(http.post(`/h${h}`, signedHeaders(secrets[h], messageId, body, new Date()), body));
    }
  }
  // Warm up as the server is warm when it is measured: connections open, code compiled. The
  // receiver does not track these (their emails do not start with "lat").
  for (let i = 0; i < WARM_UP_EVENTS; i += 1) await emit('warm', i);
  await Promise.all(sends.splice(0));
  await sleep(200);

  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < total; i += 1) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    await emit(`lat${run}`, i);
  }
  await Promise.all(sends);
  report({ events: total }, cpuBefore, total);
  http.close();
  await store.close();
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
