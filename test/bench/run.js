// `npm run bench`: every benchmark in test/bench, one after another (not part of the CI tests); the
// API benchmarks on SQLite and on PostgreSQL (PEOPLEHUB_TEST_DATABASE_URL, a fresh schema per run).
const { benchAuth } = require('./auth.bench');
const { benchPeople } = require('./people.bench');
const { benchWrite } = require('./write.bench');
const { benchDelivery } = require('./delivery.bench');
const { benchSameWork } = require('./same-work.bench');
const { benchEngagement } = require('./engagement.bench');
const { benchHeatmap } = require('./heatmap.bench');
const { benchSlowEndpoint } = require('./slow-endpoint.bench');
const { benchHibob } = require('./hibob.bench');
const { benchTrigger } = require('./n8n-trigger.bench');
const { benchReceiverFlood } = require('./receiver-flood.bench');
const { benchImports } = require('./imports.bench');

const STORES = ['sqlite', 'postgres'];

const failed = [];

/** Runs one benchmark and says how long it took; a failure is reported and the others still run. */
async function timed(label, run) {
  const started = performance.now();
  try {
    await run();
  } catch (error) {
    console.error(`\n${label} failed:`, error);
    failed.push(label);
  }
  console.log(`  (${label}: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

async function main() {
  const started = performance.now();
  for (const [name, bench] of [
    ['auth', benchAuth],
    ['people', benchPeople],
    ['write', benchWrite],
    ['delivery', benchDelivery],
    ['same work bare', benchSameWork],
    ['engagement', benchEngagement],
    ['heatmap', benchHeatmap],
    ['HiBob receiver flood', benchReceiverFlood],
    ['snapshot imports', benchImports],
  ]) {
    for (const store of STORES) await timed(`${name} on ${store}`, () => bench(store));
  }
  await timed('slow endpoint', benchSlowEndpoint);
  await timed('HiBob sync', benchHibob);
  await timed('n8n trigger', benchTrigger);
  console.log(`\nnpm run bench took ${((performance.now() - started) / 60_000).toFixed(1)} min`);
  if (failed.length > 0) {
    console.error(`failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
