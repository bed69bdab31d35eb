// The engagement heatmap as answers pile up: 2,000 employees in 8 departments answering engagement
// and six drivers over 12 months; the heatmap by department over those 12 months (interval=all from
// the month 11 months back) and for the latest month, at 10,000 and 1,000,000 answers. It reads the
// department totals (a row per department, question and month, with a respondent bitmap), so its
// cost does not follow the answers.
const { startHub, pgQuery, table, json } = require('./lib');
const { random, percentiles, createOrganization, postAnswers, EMPLOYEES, DEPARTMENTS } = require('./engagement.bench');

const SIZES = [10_000, 1_000_000];
const QUESTIONS = ['engagement', 'Growth', 'Autonomy', 'Recognition', 'Workload', 'Management', 'Purpose'];
const SAMPLES = 50;

async function timed(url, token, query) {
  const started = process.hrtime.bigint();
  const body = await json(`${url}/v1/engagement/heatmap${query}`, { headers: { 'x-api-key': token } });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, data: body.data };
}

/** The first day of the month `months` before this one, for a window of whole months. */
function monthsBack(months) {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1)).toISOString().slice(0, 10);
}

/**
 * On SQLite (default) or PostgreSQL. Defaults everywhere but the rate limit, off for the loading
 * client. Each size is an organization of its own on one server; requests go round the sizes in turn.
 */
async function benchHeatmap(store = 'sqlite') {
  const hub = await startHub(store);
  const { url, schema } = hub;
  try {
    const next = random(20261123);
    const orgs = [];
    for (const size of SIZES) {
      const org = await createOrganization(hub, `Heat${size}`);
      await postAnswers(url, org.token, org.ids, size, next, { answers: 0, respondents: new Set() }, QUESTIONS);
      orgs.push({ ...org, size, year: [], month: [] });
    }
    if (store === 'postgres') await pgQuery(`analyze "${schema}".engagement_departments, "${schema}".employees`);

    const yearQuery = `?by=department&interval=all&from=${monthsBack(11)}`;
    const monthQuery = '?by=department&interval=month';
    for (const org of orgs) {
      for (let i = 0; i < 5; i += 1) for (const query of [yearQuery, monthQuery]) await timed(url, org.token, query);
      // Right, not only fast: every department is a row, every question a column, and the rows of a
      // column add up to the total where nothing is hidden.
      const { data } = await timed(url, org.token, yearQuery);
      const respondents = data.rows.reduce((sum, row) => sum + (row.cells[0].n ?? 0), 0);
      if (
        data.rows.length !== DEPARTMENTS.length ||
        data.columns.length !== QUESTIONS.length ||
        respondents !== data.total.cells[0].n
      ) {
        throw new Error(
          `the heatmap at ${org.size} answers is wrong: ${JSON.stringify({ rows: data.rows.length, columns: data.columns, respondents, total: data.total.cells[0] })}`,
        );
      }
    }
    for (let i = 0; i < SAMPLES; i += 1) {
      for (const org of orgs) {
        org.year.push((await timed(url, org.token, yearQuery)).ms);
        org.month.push((await timed(url, org.token, monthQuery)).ms);
      }
    }
    const rows = orgs.map((org) => ({ size: org.size, year: percentiles(org.year), month: percentiles(org.month) }));
    const [first, last] = [rows[0], rows[rows.length - 1]];
    const ratio = last.year.p50 / first.year.p50;
    const monthRatio = last.month.p50 / first.month.p50;
    const met = (ok) => (ok ? 'met' : 'MISSED');
    const ms = (value) => value.toFixed(1);
    console.log(
      `\nEngagement heatmap by department on ${store === 'postgres' ? 'PostgreSQL' : 'SQLite'}: per size an organization of ${EMPLOYEES} employees in ${DEPARTMENTS.length} departments, ${QUESTIONS.length} questions answered over 12 months; ${SAMPLES} requests per size and query, taken in turn`,
    );
    console.log(
      table([
        ['answers', '12 months p50 ms', 'p99 ms', 'latest month p50 ms', 'p99 ms'],
        ...rows.map((r) => [
          r.size.toLocaleString('en'),
          ms(r.year.p50),
          ms(r.year.p99),
          ms(r.month.p50),
          ms(r.month.p99),
        ]),
      ]),
    );
    console.log(
      `  12 months, 1,000,000 / 10,000 p50: ${ratio.toFixed(2)} × (target ≤ 2 ×: ${met(ratio <= 2)}); p50 at 1,000,000 ${ms(last.year.p50)} ms (target < 100 ms: ${met(last.year.p50 < 100)})`,
    );
    console.log(`  latest month: ${monthRatio.toFixed(2)} ×, ${ms(last.month.p50)} ms at 1,000,000`);
    return { store, rows, ratio, monthRatio };
  } finally {
    await hub.stop();
  }
}

module.exports = { benchHeatmap };
// `node test/bench/heatmap.bench.js [sqlite|postgres|both]` (after `npm run build`).
if (require.main === module) {
  const which = process.argv[2] ?? 'sqlite';
  const stores = which === 'both' ? ['sqlite', 'postgres'] : [which];
  (async () => {
    for (const store of stores) await benchHeatmap(store);
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
