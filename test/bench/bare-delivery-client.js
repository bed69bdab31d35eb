// The delivery baselines, in a process of their own: `total` signed POSTs of the same body to the
// receiver's 100 subscription paths (/h0 … /h99, one secret each), from 100 senders over as many
// keep-alive connections as PeopleHub opens to one destination.
// - `none`: nothing recorded; the absolute ceiling (bare signed POSTs).
// - `sqlite` / `postgres`: one attempt row per delivery (the columns of PeopleHub's delivery_attempts,
//   with its two indexes, no foreign keys), recorded with group commits: each commit takes every
//   attempt that finished in the 10 ms since the first of them. This is the floor of a delivery
//   that is recorded durably. The rate runs from the first send to the last commit.
// 500 deliveries go first to warm up, unmeasured. Prints `result {"perSecond":…,"cpuMicrosPer":…}`
// (CPU µs of this process per measured delivery).
//   node bare-delivery-client.js <receiver port> <total> <body file> none|sqlite|postgres [database file]
const fs = require('node:fs');
const { newId } = require('../../server/dist/core/ids');
const { newSecret, signedHeaders, client, openStore, report } = require('./bare-delivery');

const SUBSCRIPTIONS = 100;
const SENDERS = 100;
/** Deliveries sent (and recorded) before the measured ones. */
const WARM_UP = 500;
/** PeopleHub's recorder lingers this long for more attempts before it commits (worker/dispatcher.ts). */
const RECORD_LINGER_MS = 10;
/** Rows per insert at most on PostgreSQL (14 values each, under its parameter limit). */
const RECORD_BATCH = 500;
const ATTEMPT_COLUMNS = [
  'id',
  'organization_id',
  'webhook_id',
  'message_id',
  'url',
  'request_headers',
  'request_body',
  'status_code',
  'response_headers',
  'response_body',
  'error',
  'duration_ms',
  'trigger',
  'sent_at',
];
const INTEGER_COLUMNS = new Set(['status_code', 'duration_ms']);

async function main() {
  const [port, totalText, bodyFile, kind, file] = process.argv.slice(2);
  const total = Number(totalText);
  const body = fs.readFileSync(bodyFile, 'utf8');
  const secrets = Array.from({ length: SUBSCRIPTIONS }, newSecret);
  const store = kind === 'none' ? null : openStore(kind, file);
  let organizationId = null;
  if (store) {
    await store.exec(
      `create table if not exists bare_delivery_attempts (${ATTEMPT_COLUMNS.map((c) => `${c} ${INTEGER_COLUMNS.has(c) ? 'integer' : 'text'}`).join(', ')})`,
    );
    await store.exec(
      'create index if not exists bare_attempts_webhook_sent on bare_delivery_attempts (webhook_id, sent_at, id)',
    );
    await store.exec('create index if not exists bare_attempts_message on bare_delivery_attempts (message_id)');
    organizationId = await store.organizationId();
  }
  const http = client(Number(port));

  let waiting = [];
  let timer = null;
  let flushing = Promise.resolve();
  let commits = 0;
  const flush = () => {
    timer = null;
    const batch = waiting;
    waiting = [];
    flushing = flushing.then(async () => {
      for (let i = 0; i < batch.length; i += RECORD_BATCH)
        await store.insertRows('bare_delivery_attempts', ATTEMPT_COLUMNS, batch.slice(i, i + RECORD_BATCH));
      commits += 1;
    });
  };
  const record = (row) => {
    waiting.push(row);
    timer ??= setTimeout(flush, RECORD_LINGER_MS);
  };

  let next = 0;
  let end = 0;
  async function sender() {
    while (next < end) {
      const n = next;
      next += 1;
      const now = new Date();
      const messageId = newId('msg', now);
      const path = `/h${n % SUBSCRIPTIONS}`;
      const headers = signedHeaders(secrets[n % SUBSCRIPTIONS], messageId, body, now);
      const res = await http.post(path, headers, body);
      if (res.statusCode >= 300) throw new Error(`${path}: ${res.statusCode}`);
      if (store) {
        const sentAt = new Date();
        record([
          newId('dlv', sentAt),
          organizationId,
          `wh_${n % SUBSCRIPTIONS}`,
          messageId,
          `http://127.0.0.1:${port}${path}`,
          JSON.stringify(headers),
          body,
          res.statusCode,
          JSON.stringify(res.headers),
          res.body,
          null,
          sentAt.getTime() - now.getTime(),
          'scheduled',
          sentAt.toISOString(),
        ]);
      }
    }
  }
  /** Sends (and records) deliveries up to number `until`, and waits for their last commit. */
  async function deliverUpTo(until) {
    end = until;
    await Promise.all(Array.from({ length: SENDERS }, sender));
    if (timer !== null) {
      clearTimeout(timer);
      flush();
    }
    await flushing;
  }
  // Warm up as PeopleHub is warm when it delivers: connections open, code compiled.
  await deliverUpTo(WARM_UP);
  commits = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await deliverUpTo(WARM_UP + total);
  const seconds = (performance.now() - started) / 1000;
  report({ perSecond: total / seconds, commits }, cpuBefore, total);
  http.close();
  await store?.close();
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
