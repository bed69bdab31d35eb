import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { storeKinds } from '../../helpers/harness';
import { call } from '../../helpers/http';
import { TEST_DATABASE_URL, dropSchema, uniqueSchema } from '../../helpers/postgres';
import { type Running, cli, stop } from '../../helpers/process';
import { type Receiver, eventually, startReceiver } from '../../helpers/receiver';

const SUBSCRIPTIONS = 40;
const EMPLOYEES = 50;
const LISTENING = /PeopleHub is listening on (http:\/\/\S+)/;

/**
 * kill -9 in the middle of 2,000 deliveries to a slow receiver: after a restart every delivery
 * arrives at least once, and a delivery that arrives twice carries the same webhook-id.
 */
describe.each(storeKinds())('a server killed mid-delivery loses nothing [%s]', (kind) => {
  let receiver: Receiver;
  const servers: Running[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-crash-'));
  const schema = kind === 'postgres' ? uniqueSchema() : null;
  const env = {
    DATA_DIR: dataDir,
    PORT: '0',
    PEOPLEHUB_DEMO: 'false',
    PEOPLEHUB_RATE_LIMIT: '0',
    PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true',
    PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
    PEOPLEHUB_WEBHOOK_TIMEOUT_MS: '1000',
    PEOPLEHUB_WORKER_LEASE_MS: '2000',
    PEOPLEHUB_WORKER_POLL_MS: '20',
    ...(schema ? { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema } : {}),
  };

  const serve = async (): Promise<string> => {
    const server = cli(['serve'], env);
    servers.push(server);
    return (await server.waitFor(LISTENING))[1];
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    receiver.respond = (_req, res) => {
      setTimeout(() => {
        res.writeHead(200);
        res.end();
      }, 15);
    };
  });

  afterAll(async () => {
    for (const server of servers) await stop(server, 'SIGKILL');
    await receiver.close();
    if (schema) await dropSchema(schema);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test(
    kind === 'postgres'
      ? 'two processes on one PostgreSQL; one is killed'
      : 'one process on SQLite; killed and restarted',
    async () => {
      const init = cli(['init', '--org', 'Crash', '--owner-email', 'crash@test.example', '--json'], env);
      expect(await init.exited).toBe(0);
      const { ownerKey } = JSON.parse(init.output());
      const first = await serve();
      const survivor = kind === 'postgres' ? await serve() : null;
      for (let i = 0; i < SUBSCRIPTIONS; i += 1) {
        const res = await call(first, '/v1/webhooks', {
          key: ownerKey,
          body: { name: `Hook ${i}`, url: `${receiver.url}/h${i}`, events: ['employee.created'] },
        });
        expect(res.status).toBe(201);
      }
      for (let i = 0; i < EMPLOYEES; i += 1) {
        const res = await call(first, '/v1/employees', {
          key: ownerKey,
          body: { email: `crash${i}@test.example`, firstName: 'Crash', lastName: `Test${i}` },
        });
        expect(res.status).toBe(201);
      }
      await eventually(() => receiver.requests.length >= 300, 30_000);
      await stop(servers[0], 'SIGKILL');
      const before = receiver.requests.length;
      expect(before).toBeLessThan(SUBSCRIPTIONS * EMPLOYEES);
      if (survivor === null) await serve();

      const key = (r: { url: string; body: string }) => `${r.url} ${(JSON.parse(r.body) as { id: string }).id}`;
      await eventually(() => new Set(receiver.requests.map(key)).size === SUBSCRIPTIONS * EMPLOYEES, 60_000);
      const ids = new Map<string, Set<string>>();
      for (const r of receiver.requests)
        ids.set(key(r), (ids.get(key(r)) ?? new Set()).add(String(r.headers['webhook-id'])));
      expect(ids.size).toBe(SUBSCRIPTIONS * EMPLOYEES);
      expect([...ids.values()].every((set) => set.size === 1)).toBe(true);
      if (process.env.CRASH_STATS)
        process.stderr.write(
          `${kind}: ${before} received before the kill, ${receiver.requests.length} in all, ${receiver.requests.length - ids.size} duplicates\n`,
        );
    },
    120_000,
  );
});
