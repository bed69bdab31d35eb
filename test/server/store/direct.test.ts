import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { type Store, openStore } from '../../../server/src/store/database';
import { directSqlite } from '../../../server/src/store/direct';

// A direct transaction is a transaction like any other: all or nothing, and never inside one that
// Kysely has open on the same connection.
describe('direct transactions on an SQLite store', () => {
  let dir = '';
  let store: Store;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-direct-'));
    store = await openStore({ kind: 'sqlite', file: path.join(dir, 'peoplehub.db') });
    await sql`create table scratch (n integer not null)`.execute(store.db);
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rows = async () =>
    (await sql<{ n: number }>`select n from scratch order by n`.execute(store.db)).rows.map((r) => r.n);
  const insert = (n: number) => ({ sql: 'insert into scratch (n) values (?)', parameters: [n] });

  test('a batch that fails half-way leaves nothing behind; one that returns is all there', async () => {
    const direct = directSqlite(store.db);
    expect(direct).not.toBeNull();
    await expect(
      direct!.transaction((trx) => {
        trx.run(insert(1));
        trx.run(insert(2));
        throw new Error('cut off');
      }),
    ).rejects.toThrow('cut off');
    expect(await rows()).toEqual([]);
    expect(await direct!.transaction((trx) => trx.run(insert(3)) + trx.run(insert(4)))).toBe(2);
    expect(await rows()).toEqual([3, 4]);
  });

  test('waits for a Kysely transaction in progress, and is not part of it when that one rolls back', async () => {
    const direct = directSqlite(store.db)!;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (inside = resolve));
    const open = store.db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into scratch (n) values (10)`.execute(trx);
        inside();
        await held;
        throw new Error('rolled back');
      })
      .catch((error: Error) => error.message);
    await started;
    const batch = direct.transaction((trx) => trx.run(insert(20)));
    release();
    expect(await open).toBe('rolled back');
    await batch;
    expect(await rows()).toEqual([20]);
  });

  test('a transaction of Kysely has no direct access of its own (its statements must go through it)', async () => {
    await store.db.transaction().execute(async (trx) => {
      expect(directSqlite(trx)).toBeNull();
    });
  });
});
