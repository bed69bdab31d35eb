import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { type Store, openStore } from '../../../server/src/store/database';
import { migrateToLatest } from '../../../server/src/store/migrations';
import type { Database } from '../../../server/src/store/schema';
import { pruneReceipts, recordReceipt } from '../../../server/src/store/hibob-notices';
import { deleteIntegration } from '../../../server/src/store/integrations';
import { DEFAULT_RUN_OPTIONS, findRun } from '../../../server/src/store/sync-runs';
import { type StoreKind, storeKinds } from '../../helpers/harness';
import { TEST_DATABASE_URL, dropSchema, migrateStoreTo, uniqueSchema } from '../../helpers/postgres';

/** A fresh store of this kind brought up to `target` only, for an upgrade test; removed afterwards. */
async function atMigration(kind: StoreKind, target: string, test: (store: Store) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-upgrade-'));
  const schema = kind === 'postgres' ? uniqueSchema() : null;
  const store = await openStore(
    schema === null
      ? { kind: 'sqlite', file: path.join(dir, 'peoplehub.db') }
      : { kind: 'postgres', url: TEST_DATABASE_URL, schema },
  );
  try {
    await migrateStoreTo(store, schema, target);
    await test(store);
  } finally {
    await store.close();
    if (schema !== null) await dropSchema(schema);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('upgrading an SQLite store made before the hardening', () => {
  test('answers stored in clear by older versions are gone, bytes and all, and the files become private', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-upgrade-'));
    const file = path.join(dir, 'peoplehub.db');
    const token = `pha_${'Q'.repeat(43)}`;
    try {
      // An older server: schema up to 0003, an idempotent "create app" answer kept as plain JSON, a 0644 file.
      const old = new SQLite(file);
      old.pragma('journal_mode = WAL');
      const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: old }) });
      await migrateToLatest(db, undefined, '0003_webhooks');
      await db
        .insertInto('organizations')
        .values({
          id: 'org_1',
          name: 'Old',
          created_at: '2026-01-01T00:00:00.000Z',
          updated_at: '2026-01-01T00:00:00.000Z',
        })
        .execute();
      await db
        .insertInto('idempotency_keys')
        .values({
          organization_id: 'org_1',
          credential_id: 'usr_1',
          key: 'k1',
          request_hash: 'x',
          status: 201,
          response: JSON.stringify({ body: { data: { token } }, problem: false }),
          created_at: '2026-01-01T00:00:00.000Z',
        })
        .execute();
      await db.destroy();
      fs.chmodSync(file, 0o644);
      const contents = () =>
        fs
          .readdirSync(dir)
          .map((name) => fs.readFileSync(path.join(dir, name)).toString('latin1'))
          .join('\n');
      expect(contents()).toContain(token);

      const store = await openStore({ kind: 'sqlite', file });
      expect(await store.migrate()).toContain('0004_hardening');
      expect(await store.db.selectFrom('idempotency_keys').selectAll().execute()).toEqual([]);
      await store.close();
      expect(contents()).not.toContain(token);
      for (const name of fs.readdirSync(dir))
        expect({ name, mode: fs.statSync(path.join(dir, name)).mode & 0o077 }).toEqual({ name, mode: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(storeKinds())('upgrading a store with a HiBob connection to notice receipts [%s]', (kind) => {
  test('the connection keeps working; receipts refuse a repeat until they expire, and go with the connection', async () => {
    await atMigration(kind, '0009_department_rollups', async (store) => {
      const at = '2026-11-22T10:00:00.000Z';
      await store.db
        .insertInto('organizations')
        .values({ id: 'org_1', name: 'Old', created_at: at, updated_at: at })
        .execute();
      await store.db
        .insertInto('integrations')
        .values({
          id: 'int_1',
          organization_id: 'org_1',
          kind: 'hibob',
          base_url: 'https://api.hibob.com',
          service_user_id: 'SU',
          token: 'sealed',
          hook_secret: null,
          receiver_id: 'r1',
          auto_sync_minutes: null,
          next_auto_sync_at: null,
          created_at: at,
          updated_at: at,
        })
        .execute();

      expect(await store.migrate()).toEqual([
        '0010_hibob_receipts',
        '0011_imports',
        '0012_surveys',
        '0013_lean_message_indexes',
        '0014_pending_message_indexes',
      ]);
      const db = store.db;
      expect(await db.selectFrom('integrations').select(['id', 'receiver_id']).execute()).toEqual([
        { id: 'int_1', receiver_id: 'r1' },
      ]);
      const expires = '2026-11-22T10:05:00.000Z';
      expect(await recordReceipt(db, 'int_1', 'hash-a', expires, at)).toBe(true);
      expect(await recordReceipt(db, 'int_1', 'hash-a', expires, at)).toBe(false);
      // At its expiry the receipt still counts; a millisecond later it no longer does.
      expect(await recordReceipt(db, 'int_1', 'hash-a', expires, expires)).toBe(false);
      expect(await recordReceipt(db, 'int_1', 'hash-a', '2026-11-22T10:10:00.001Z', '2026-11-22T10:05:00.001Z')).toBe(
        true,
      );
      expect(await recordReceipt(db, 'int_1', 'hash-b', expires, at)).toBe(true);
      await pruneReceipts(db, '2026-11-22T10:05:00.001Z');
      expect(
        (await db.selectFrom('hibob_receipts').select('signature_hash').execute()).map((r) => r.signature_hash),
      ).toEqual(['hash-a']);
      await db.transaction().execute((trx) => deleteIntegration(trx, 'org_1'));
      expect(await db.selectFrom('hibob_receipts').selectAll().execute()).toEqual([]);
    });
  });
});

describe.each(storeKinds())('upgrading a store with HiBob runs to the import engine [%s]', (kind) => {
  test('past runs, finished or going, become HiBob runs with the default options', async () => {
    await atMigration(kind, '0010_hibob_receipts', async (store) => {
      const at = '2026-11-22T10:00:00.000Z';
      await store.db
        .insertInto('organizations')
        .values({ id: 'org_1', name: 'Old', created_at: at, updated_at: at })
        .execute();
      const run = {
        organization_id: 'org_1',
        trigger: 'manual',
        phase: 'done',
        processed: 3,
        total: 3,
        created: 3,
        updated: 0,
        deleted: 0,
        unchanged: 0,
        report: JSON.stringify({ skippedFields: [], skippedPeople: [], addedOptions: [], warnings: [] }),
        error: null,
        started_at: at,
        heartbeat_at: at,
        finished_at: at,
      };
      // Written as the old schema had it: no source, no options.
      await (store.db as unknown as Kysely<Record<string, Record<string, unknown>>>)
        .insertInto('sync_runs')
        .values([
          { ...run, id: 'run_old', status: 'completed' },
          { ...run, id: 'run_going', status: 'running', finished_at: null },
        ])
        .execute();

      expect(await store.migrate()).toEqual([
        '0011_imports',
        '0012_surveys',
        '0013_lean_message_indexes',
        '0014_pending_message_indexes',
      ]);
      const runs = await findRun(store.db, 'org_1', 'run_old');
      expect(runs).toMatchObject({ source: 'hibob', skipped: 0, options: DEFAULT_RUN_OPTIONS, created: 3 });
      expect(await findRun(store.db, 'org_1', 'run_going')).toMatchObject({ source: 'hibob', status: 'running' });
    });
  });
});

describe.each(storeKinds())('upgrading a store with engagement answers to surveys [%s]', (kind) => {
  test('past answers stay and belong to no invitation; no round exists yet', async () => {
    await atMigration(kind, '0011_imports', async (store) => {
      const at = '2026-11-22T10:00:00.000Z';
      const old = store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      await old
        .insertInto('organizations')
        .values({ id: 'org_1', name: 'Old', created_at: at, updated_at: at })
        .execute();
      await old
        .insertInto('engagement_answers')
        .values({
          id: 'ans_old',
          organization_id: 'org_1',
          employee_id: 'emp_1',
          question: 'engagement',
          score: 8,
          answered_at: at,
          created_at: at,
        })
        .execute();
      expect(await store.migrate()).toEqual([
        '0012_surveys',
        '0013_lean_message_indexes',
        '0014_pending_message_indexes',
      ]);
      const answers = await store.db.selectFrom('engagement_answers').selectAll().execute();
      expect(answers).toEqual([expect.objectContaining({ id: 'ans_old', score: 8, invitation_id: null })]);
      expect(await store.db.selectFrom('surveys').selectAll().execute()).toEqual([]);
    });
  });
});
