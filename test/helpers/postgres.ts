// PostgreSQL for tests: each test server gets its own schema, so runs and files never collide.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SCHEMA_LOCK, type Store } from '../../server/src/store/database';
import { migrateToLatest } from '../../server/src/store/migrations';

export const TEST_DATABASE_URL = process.env.PEOPLEHUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function uniqueSchema(): string {
  return `t_${process.pid}_${randomBytes(5).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    // Never while a migration somewhere is scanning the catalog (see store/database.ts).
    await client.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** Migrates a store to `target` (an upgrade test's starting point) the way the store does: on PostgreSQL under the lock that keeps schema drops apart. */
export async function migrateStoreTo(store: Store, schema: string | null, target: string): Promise<void> {
  if (schema === null) {
    await migrateToLatest(store.db, undefined, target);
    return;
  }
  const lock = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
    await migrateToLatest(store.db, schema, target);
  } finally {
    await lock.end();
  }
}
