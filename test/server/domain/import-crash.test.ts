// kill -9 in the middle of an import's writes: whole batches only are left, the run is marked failed
// when the server comes back (or, beside another process, once its heartbeat stops), and sending the
// same snapshot again converges on exactly the snapshot, each person once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../server/src/config';
import { openStore } from '../../../server/src/store/database';
import { storeKinds } from '../../helpers/harness';
import { call } from '../../helpers/http';
import { TEST_DATABASE_URL, dropSchema, uniqueSchema } from '../../helpers/postgres';
import { type Running, cli, stop } from '../../helpers/process';
import { eventually } from '../../helpers/receiver';

const PEOPLE = 40_000;
/** People per transaction in a run (domain/imports/engine.ts). */
const BATCH = 2_000;
const LISTENING = /PeopleHub is listening on (http:\/\/\S+)/;

describe.each(storeKinds())('an import cut off by kill -9 converges when run again [%s]', (kind) => {
  const servers: Running[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-import-crash-'));
  const schema = kind === 'postgres' ? uniqueSchema() : null;
  const env = {
    DATA_DIR: dataDir,
    PORT: '0',
    PEOPLEHUB_DEMO: 'false',
    PEOPLEHUB_RATE_LIMIT: '0',
    PEOPLEHUB_RUN_STALE_MS: '2000',
    ...(schema ? { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema } : {}),
  };
  const serve = async (): Promise<string> => {
    const server = cli(['serve'], env);
    servers.push(server);
    return (await server.waitFor(LISTENING))[1];
  };

  afterAll(async () => {
    for (const server of servers) await stop(server, 'SIGKILL');
    if (schema) await dropSchema(schema);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** What the store holds for the source: how many people, and how many creation events. */
  async function stored(): Promise<{ people: number; created: number; distinct: number }> {
    const store = await openStore(loadConfig(env).store);
    try {
      const { db } = store;
      const people = await db
        .selectFrom('employees')
        .select([db.fn.countAll().as('n'), db.fn.count('external_id').distinct().as('d')])
        .where('source', '=', 'crash-hris')
        .executeTakeFirstOrThrow();
      const created = await db
        .selectFrom('events')
        .select(db.fn.countAll().as('n'))
        .where('type', '=', 'employee.created')
        .executeTakeFirstOrThrow();
      return { people: Number(people.n), created: Number(created.n), distinct: Number(people.d) };
    } finally {
      await store.close();
    }
  }

  test('whole batches only, the run failed, and the rerun writes the rest once', async () => {
    const init = cli(['init', '--org', 'Crash', '--owner-email', 'crash@test.example', '--json'], env);
    expect(await init.exited).toBe(0);
    const { ownerKey } = JSON.parse(init.output());
    const first = await serve();
    const snapshot = JSON.stringify({
      source: 'crash-hris',
      people: Array.from({ length: PEOPLE }, (_, i) => ({
        externalId: `X-${i}`,
        email: `x${i}@crash.example`,
        firstName: 'Cut',
        lastName: `Off${i}`,
        department: `Dept ${i % 40}`,
      })),
    });
    const send = (base: string) =>
      call(base, '/v1/imports', { key: ownerKey, body: snapshot, headers: { 'content-type': 'application/json' } });
    const cutOff = send(first).catch(() => null);
    // Killed once the run has written something and before it has written everything.
    let last: unknown;
    const running = await eventually(async () => {
      const runs = (await call(first, '/v1/imports?source=crash-hris', { key: ownerKey })).body?.data ?? [];
      const run = runs[0];
      last = run;
      return run?.phase === 'applying' && run.processed >= BATCH ? run : undefined;
    }, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}; the run was last seen as ${JSON.stringify(last)}`);
    });
    await stop(servers[0], 'SIGKILL');
    await cutOff;
    const after = await stored();
    expect(after.people).toBeGreaterThan(0);
    expect(after.people).toBeLessThan(PEOPLE);
    // Each batch is one transaction: the rows and their events went in together, whole batches at a time.
    expect(after.people % BATCH).toBe(0);
    expect(after.created).toBe(after.people);

    const second = await serve();
    // SQLite: the run is failed as the server starts. PostgreSQL: once its heartbeat is older than the stale limit.
    const failed = await eventually(async () => {
      const run = (await call(second, `/v1/imports/${running.id}`, { key: ownerKey })).body?.data;
      return run?.status === 'failed' ? run : undefined;
    }, 30_000);
    expect(failed.error).toMatch(/interrupted/);

    const rerun = await send(second);
    expect(rerun.status).toBe(202);
    expect(rerun.body.data).toMatchObject({
      status: 'completed',
      created: PEOPLE - after.people,
      unchanged: after.people,
    });
    expect(await stored()).toEqual({ people: PEOPLE, created: PEOPLE, distinct: PEOPLE });
  }, 180_000);
});
