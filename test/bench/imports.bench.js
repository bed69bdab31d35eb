// Snapshot imports: a CSV dry run of 10,000 people against a bare csv-parse of the same text (the
// baseline, in this run), 100,000 people against the 10,000 time, the server's peak RSS, and a
// no-change full import of 100,000 that must write and emit nothing. The server runs with its defaults.
const fs = require('node:fs');
const path = require('node:path');
const { startHub, pgQuery, table, verdict, json } = require('./lib');
const { csvOfPeople, bareParseMs, coldBareParseMs } = require('./csv-fixture');

function peakRssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

/** Sends a CSV import and returns the run and the milliseconds the whole request took. */
async function importCsv(hub, csv, query) {
  const started = performance.now();
  const res = await fetch(`${hub.url}/v1/imports?${query}`, {
    method: 'POST',
    headers: { 'x-api-key': hub.ownerKey, 'content-type': 'text/csv' },
    body: csv,
  });
  const body = await res.json();
  const ms = performance.now() - started;
  if (res.status !== 202) throw new Error(`import answered ${res.status}: ${JSON.stringify(body)}`);
  return { run: body.data, ms };
}

async function defineAttributes(hub) {
  const headers = { 'x-api-key': hub.ownerKey, 'content-type': 'application/json' };
  for (const body of [
    { name: 'Location', type: 'text' },
    { name: 'Level', type: 'option', options: ['L1', 'L2', 'L3'] },
  ])
    await json(`${hub.url}/v1/attributes`, { method: 'POST', headers, body: JSON.stringify(body) });
}

/** Rows in the tables a write would touch, and the newest change: equal before and after means nothing was written. */
async function footprint(hub) {
  const table = (name) => (hub.schema ? `"${hub.schema}".${name}` : name);
  const sql = `select (select count(*) from ${table('events')}) as events, (select count(*) from ${table('employees')}) as employees, (select max(updated_at) from ${table('employees')}) as newest, (select count(*) from ${table('audit_log')} where action <> 'import.started') as audits`;
  if (hub.schema) {
    const [row] = await pgQuery(sql);
    return {
      events: Number(row.events),
      employees: Number(row.employees),
      newest: row.newest,
      audits: Number(row.audits),
    };
  }
  const Database = require('better-sqlite3');
  const db = new Database(path.join(hub.dataDir, 'peoplehub.db'), { readonly: true });
  try {
    return db.prepare(sql).get();
  } finally {
    db.close();
  }
}

async function benchImports(store) {
  console.log(`\n## Snapshot imports (${store})`);
  const small = csvOfPeople(10_000, { seed: 7 });
  const large = csvOfPeople(100_000, { seed: 7 });
  const bare = bareParseMs(small);
  const bareLarge = bareParseMs(large, { runs: 3 });

  // 10,000: both sides warm, as a running server is. The bare parse is the median of five in this
  // process; the server's is the median of three dry runs after one that warms it up (that first,
  // cold run is reported too, beside a cold bare parse in a process of its own).
  const bareCold = coldBareParseMs(10_000, 7);
  let coldRun;
  const smallTimes = [];
  {
    const hub = await startHub(store);
    try {
      await defineAttributes(hub);
      for (let i = 0; i < 4; i += 1) {
        const { run, ms } = await importCsv(hub, small, 'source=bench&dryRun=true');
        if (run.status !== 'previewed' || run.created !== 10_000)
          throw new Error(`unexpected run ${JSON.stringify(run)}`);
        if (i === 0) coldRun = ms;
        else smallTimes.push(ms);
      }
    } finally {
      await hub.stop();
    }
  }
  smallTimes.sort((a, b) => a - b);
  const dry10 = smallTimes[1];

  const hub = await startHub(store);
  let dry100;
  let rssDry;
  let applyMs;
  let rssApply;
  let noChange;
  try {
    await defineAttributes(hub);
    // Warmed up as the 10,000 runs were, so that the ratio compares sizes rather than a cold start.
    await importCsv(hub, small, 'source=bench&dryRun=true');
    const dry = await importCsv(hub, large, 'source=bench&dryRun=true');
    if (dry.run.status !== 'previewed' || dry.run.created !== 100_000)
      throw new Error(`unexpected run ${JSON.stringify(dry.run)}`);
    dry100 = dry.ms;
    rssDry = peakRssMb(hub.child.pid);
    const applied = await importCsv(hub, large, 'source=bench');
    if (applied.run.status !== 'completed' || applied.run.created !== 100_000)
      throw new Error(`unexpected run ${JSON.stringify(applied.run)}`);
    applyMs = applied.ms;
    rssApply = peakRssMb(hub.child.pid);
    const before = await footprint(hub);
    const again = await importCsv(hub, large, 'source=bench');
    const after = await footprint(hub);
    noChange = {
      ms: again.ms,
      run: again.run,
      nothingWritten: JSON.stringify(before) === JSON.stringify(after),
      before,
      after,
    };
  } finally {
    await hub.stop();
  }

  const ratio10 = dry10 / bare;
  const ratio100 = dry100 / dry10;
  console.log(
    table([
      ['measure', 'ms', 'ratio', 'target', 'verdict'],
      ['bare csv-parse, 10,000 rows (baseline, warm)', bare.toFixed(0), '1', '', ''],
      ['bare csv-parse, 10,000 rows, cold (own process)', bareCold.toFixed(0), (bareCold / bare).toFixed(1), '', ''],
      ['bare csv-parse, 100,000 rows', bareLarge.toFixed(0), (bareLarge / bare).toFixed(1), '', ''],
      [
        'dry run, 10,000 (warm, median of 3)',
        dry10.toFixed(0),
        ratio10.toFixed(1),
        '≤ 10 × bare',
        verdict(ratio10 <= 10),
      ],
      [
        'first dry run on a fresh server ÷ cold bare parse',
        coldRun.toFixed(0),
        (coldRun / bareCold).toFixed(1),
        '',
        '',
      ],
      ['dry run, 100,000 (warm)', dry100.toFixed(0), ratio100.toFixed(1), '≤ 12 × 10,000', verdict(ratio100 <= 12)],
      ['import, 100,000 (writes, events)', applyMs.toFixed(0), (applyMs / dry10).toFixed(1), '', ''],
      ['no-change import, 100,000', noChange.ms.toFixed(0), (noChange.ms / dry10).toFixed(1), '', ''],
    ]),
  );
  console.log(
    `Peak RSS: ${rssDry.toFixed(0)} MB after the 100,000 dry run (target < 400 MB: ${verdict(rssDry < 400)}), ` +
      `${rssApply.toFixed(0)} MB after the 100,000 import (reported; the target is the dry run's)`,
  );
  const { run } = noChange;
  const counted = `${run.unchanged} unchanged, ${run.created} created, ${run.updated} updated, ${run.deleted} deleted`;
  console.log(
    `No-change full import of 100,000: ${counted}; rows and events before and after ${noChange.nothingWritten ? 'identical' : `DIFFER (${JSON.stringify(noChange.before)} → ${JSON.stringify(noChange.after)})`} (target: writes nothing, emits nothing: ${verdict(noChange.nothingWritten && run.unchanged === 100_000)})`,
  );
}

module.exports = { benchImports };

if (require.main === module) {
  const stores = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['sqlite', 'postgres'];
  (async () => {
    for (const store of stores) await benchImports(store);
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
