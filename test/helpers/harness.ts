// Starts the real server in-process on port 0, on SQLite in a temp dir or on PostgreSQL in a fresh schema.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type PeopleHub, startPeopleHub } from '../../server/src/app';
import { type NewOrganization, createOrganizationWithOwner } from '../../server/src/bootstrap';
import { ManualClock } from '../../server/src/clock';
import { loadConfig } from '../../server/src/config';
import { TEST_DATABASE_URL, dropSchema, uniqueSchema } from './postgres';

export type StoreKind = 'sqlite' | 'postgres';

/** The stores this run covers: SQLite always, PostgreSQL when global setup found it. */
export function storeKinds(): StoreKind[] {
  return process.env.PEOPLEHUB_TEST_PG === '1' ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestServer {
  kind: StoreKind;
  hub: PeopleHub;
  url: string;
  clock: ManualClock;
  dataDir: string;
  /** The PostgreSQL schema, for the postgres kind. */
  schema: string | null;
  org: NewOrganization;
  /** Another organization, for isolation tests. */
  other: NewOrganization;
  close(): Promise<void>;
}

export async function startTestServer(kind: StoreKind, env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-test-'));
  const schema = kind === 'postgres' ? uniqueSchema() : null;
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'silent',
    PEOPLEHUB_DEMO: 'false',
    PEOPLEHUB_RATE_LIMIT: '0',
    ...(schema ? { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema } : {}),
    ...env,
  });
  const clock = new ManualClock('2026-11-22T10:00:00.000Z');
  const hub = await startPeopleHub(config, { clock, processMetrics: false });
  const org = await createOrganizationWithOwner(hub.services.store, clock, {
    name: 'Test Org',
    ownerEmail: 'owner@test.example',
    ownerName: 'Olga Owner',
  });
  const other = await createOrganizationWithOwner(hub.services.store, clock, { name: 'Other Org', ownerEmail: 'owner@other.example' });
  return {
    kind,
    hub,
    url: hub.url,
    clock,
    dataDir,
    schema,
    org,
    other,
    close: async () => {
      await hub.close();
      if (schema) await dropSchema(schema);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Declares the same suite once per store. `server()` is valid inside tests; the server starts in
 * beforeAll and stops in afterAll.
 */
export function eachStore(title: string, suite: (server: () => TestServer) => void, env: Record<string, string> = {}): void {
  describe.each(storeKinds())(`${title} [%s]`, (kind) => {
    let current: TestServer | null = null;
    beforeAll(async () => {
      current = await startTestServer(kind, env);
    });
    afterAll(async () => {
      await current?.close();
    });
    suite(() => {
      if (current === null) throw new Error('the test server is not running');
      return current;
    });
  });
}
