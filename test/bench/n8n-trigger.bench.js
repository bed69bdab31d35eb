// The PeopleHub Trigger's webhook(): a signed batch of 10 events verified and fanned out, measured
// in-process (the compiled node from dist/), against the bare baseline in the same run: the HMAC
// check with createHmac and timingSafeEqual, and JSON.parse of the same body. The context hands
// webhook() the raw body and parses it once, as n8n does before calling the node.
const { createHmac, randomBytes, timingSafeEqual } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, table } = require('./lib');

const BATCH = 10;
const DURATION_MS = 3_000;
const ROUNDS = 3;

function signedBatch() {
  const sample = JSON.parse(fs.readFileSync(path.join(__dirname, 'sample-event.json'), 'utf8'));
  const events = Array.from({ length: BATCH }, (_, i) => ({ ...sample, id: `evt_${String(i).padStart(26, '0')}` }));
  const body = Buffer.from(JSON.stringify({ type: 'batch', timestamp: new Date().toISOString(), data: events }));
  const key = randomBytes(24);
  const secret = `whsec_${key.toString('base64')}`;
  const id = 'msg_bench';
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return {
    body,
    key,
    secret,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': `v1,${signature}`,
      'content-type': 'application/json',
    },
  };
}

/** Requests per second over DURATION_MS, best of ROUNDS (this is CPU-bound work in one thread). */
async function rate(once) {
  let best = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    let count = 0;
    const started = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < DURATION_MS) {
      for (let i = 0; i < 200; i += 1) await once();
      count += 200;
      elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    }
    best = Math.max(best, (count / elapsed) * 1000);
  }
  return best;
}

async function benchTrigger() {
  const { PeopleHubTrigger } = require(
    path.join(ROOT, 'dist', 'nodes', 'PeopleHubTrigger', 'PeopleHubTrigger.node.js'),
  );
  const trigger = new PeopleHubTrigger();
  const batch = signedBatch();
  const staticData = {
    subscriptions: { 'https://n8n.example/webhook/x/webhook': { id: 'whk_1', secret: batch.secret } },
  };
  let emitted = 0;
  const context = () => {
    let parsed;
    return {
      getWorkflowStaticData: () => staticData,
      // The node's defaults: Options empty (Simplify off), as a new trigger is.
      getNodeParameter: (name, fallback) => (name === 'options' ? {} : fallback),
      logger: { debug: () => undefined },
      getRequestObject: () => ({ headers: batch.headers, rawBody: batch.body }),
      getBodyData: () => (parsed ??= JSON.parse(batch.body.toString('utf8'))),
      getResponseObject: () => {
        throw new Error('the benchmark batch must verify');
      },
    };
  };

  const triggerRate = await rate(async () => {
    const result = await trigger.webhook.call(context());
    emitted += result.workflowData[0].length;
  });
  const expected = createHmac('sha256', batch.key)
    .update(`${batch.headers['webhook-id']}.${batch.headers['webhook-timestamp']}.`)
    .update(batch.body)
    .digest();
  const baselineRate = await rate(async () => {
    const given = Buffer.from(batch.headers['webhook-signature'].slice(3), 'base64');
    const actual = createHmac('sha256', batch.key)
      .update(`${batch.headers['webhook-id']}.${batch.headers['webhook-timestamp']}.`)
      .update(batch.body)
      .digest();
    if (!timingSafeEqual(given, actual) || !expected.equals(actual)) throw new Error('baseline signature');
    emitted += JSON.parse(batch.body.toString('utf8')).data.length > 0 ? 0 : 1;
  });
  if (emitted === 0) throw new Error('nothing was emitted');

  console.log(
    `\nPeopleHub Trigger webhook(): a signed ${BATCH}-event batch (${batch.body.length} bytes), in-process\n`,
  );
  console.log(
    table([
      ['measure', 'events/s', 'ratio', 'target'],
      [
        'baseline: createHmac verify + JSON.parse',
        Math.round(baselineRate * BATCH).toLocaleString('en-US'),
        '1.00',
        '',
      ],
      [
        'webhook(): verify, parse, one item per event',
        Math.round(triggerRate * BATCH).toLocaleString('en-US'),
        (triggerRate / baselineRate).toFixed(2),
        '≥ 0.5',
      ],
    ]),
  );
}

module.exports = { benchTrigger };

if (require.main === module) {
  benchTrigger().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
