// Starts the real server in-process on port 0, on SQLite in a temp dir or on PostgreSQL in a fresh schema.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type PeopleHub, type StartOptions, startPeopleHub } from '../../server/src/app';
import { type NewOrganization, createOrganizationWithOwner } from '../../server/src/domain/organization';
import { ManualClock } from '../../server/src/clock';
import { loadConfig } from '../../server/src/config';
import { TEST_DATABASE_URL, dropSchema, uniqueSchema } from './postgres';

export type StoreKind = 'sqlite' | 'postgres';

/** Where every test server's clock starts. */
export const CLOCK_START = '2026-11-22T10:00:00.000Z';

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

function startHub(
  dataDir: string,
  schema: string | null,
  clock: ManualClock,
  env: Record<string, string>,
  options: StartOptions,
) {
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'silent',
    PEOPLEHUB_DEMO: 'false',
    PEOPLEHUB_RATE_LIMIT: '0',
    PEOPLEHUB_AUTH_RATE_LIMIT: '0',
    ...(schema ? { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema } : {}),
    ...env,
  });
  return startPeopleHub(config, { clock, processMetrics: false, ...options });
}

function testServer(
  kind: StoreKind,
  hub: PeopleHub,
  clock: ManualClock,
  dataDir: string,
  schema: string | null,
  org: NewOrganization,
  other: NewOrganization,
): TestServer {
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

export async function startTestServer(
  kind: StoreKind,
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-test-'));
  const schema = kind === 'postgres' ? uniqueSchema() : null;
  const clock = new ManualClock(CLOCK_START);
  const hub = await startHub(dataDir, schema, clock, env, options);
  const org = await createOrganizationWithOwner(hub.context.store, clock, {
    name: 'Test Org',
    ownerEmail: 'owner@test.example',
    ownerName: 'Olga Owner',
  });
  const other = await createOrganizationWithOwner(hub.context.store, clock, {
    name: 'Other Org',
    ownerEmail: 'owner@other.example',
  });
  return testServer(kind, hub, clock, dataDir, schema, org, other);
}

/**
 * Another server on the same store and clock, as in a multi-process deployment: on PostgreSQL the
 * same schema, on SQLite its own connection to the same file (as a second process would have).
 */
export async function startPeer(server: TestServer, env: Record<string, string> = {}): Promise<PeopleHub> {
  return startHub(server.dataDir, server.schema, server.clock, env, {});
}

/** Stops the server and starts it again on the same store and clock, with another environment. */
export async function restartTestServer(
  server: TestServer,
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestServer> {
  await server.hub.close();
  const hub = await startHub(server.dataDir, server.schema, server.clock, env, options);
  return testServer(server.kind, hub, server.clock, server.dataDir, server.schema, server.org, server.other);
}

/**
 * Declares the same suite once per store. `server()` is valid inside tests; the server starts in
 * beforeAll and stops in afterAll. `kind` lets the suite choose tests per store (see `testOn`).
 */
export function eachStore(
  title: string,
  suite: (server: () => TestServer, kind: StoreKind) => void,
  env: Record<string, string> = {},
): void {
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
    }, kind);
  });
}

/**
 * `test` on the stores named, `test.skip` on the others: a test that does not apply to a store is
 * reported as skipped there, never counted as passed.
 */
export function testOn(kind: StoreKind, ...applies: StoreKind[]): jest.It {
  return applies.includes(kind) ? test : test.skip;
}

/**
 * Puts the clock back after every test, passed or failed, to where it stood before the test, so
 * that a test that jumps in time and fails half-way leaves no jump behind for the tests after it.
 */
export function restoreClockAfterEach(clock: () => ManualClock): void {
  let before: Date | null = null;
  beforeEach(() => {
    before = clock().now();
  });
  afterEach(() => {
    if (before !== null) clock().set(before);
  });
}
