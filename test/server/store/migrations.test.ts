import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { openStore } from '../../../server/src/store/database';
import { migrateToLatest } from '../../../server/src/store/migrations';
import type { Database } from '../../../server/src/store/schema';

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
      await db.insertInto('organizations').values({ id: 'org_1', name: 'Old', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' }).execute();
      await db
        .insertInto('idempotency_keys')
        .values({ organization_id: 'org_1', credential_id: 'usr_1', key: 'k1', request_hash: 'x', status: 201, response: JSON.stringify({ body: { data: { token } }, problem: false }), created_at: '2026-01-01T00:00:00.000Z' })
        .execute();
      await db.destroy();
      fs.chmodSync(file, 0o644);
      const contents = () => fs.readdirSync(dir).map((name) => fs.readFileSync(path.join(dir, name)).toString('latin1')).join('\n');
      expect(contents()).toContain(token);

      const store = await openStore({ kind: 'sqlite', file });
      expect(await store.migrate()).toContain('0004_hardening');
      expect(await store.db.selectFrom('idempotency_keys').selectAll().execute()).toEqual([]);
      await store.close();
      expect(contents()).not.toContain(token);
      for (const name of fs.readdirSync(dir)) expect({ name, mode: fs.statSync(path.join(dir, name)).mode & 0o077 }).toEqual({ name, mode: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
