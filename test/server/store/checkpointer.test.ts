import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { CheckpointResult } from '../../../server/src/store/checkpointer';
import { openStore } from '../../../server/src/store/database';

const MB = 1024 * 1024;

describe('the background checkpoint of an SQLite store', () => {
  test('folds a growing log into the database file from its own thread, and the log starts over', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-checkpoint-'));
    const file = path.join(dir, 'peoplehub.db');
    const results: CheckpointResult[] = [];
    let copied: (result: CheckpointResult) => void = () => undefined;
    const whole = new Promise<CheckpointResult>((resolve) => (copied = resolve));
    const failures: Error[] = [];
    const store = await openStore(
      { kind: 'sqlite', file },
      {
        checkpoints: {
          checkpointed: (result) => {
            results.push(result);
            if (!result.busy && result.log > 0 && result.checkpointed === result.log) copied(result);
          },
          failed: (error) => failures.push(error),
        },
      },
    );
    try {
      await store.migrate();
      await sql`create table scratch (body text not null)`.execute(store.db);
      const sizeBefore = fs.statSync(file).size;
      // 6 MB in six commits: past the thread's 4 MB, far below the 40 MB at which the store's own
      // connection would checkpoint inline, so only the thread can have copied it.
      const body = 'x'.repeat(2048);
      for (let commit = 0; commit < 6; commit += 1)
        await store.db.transaction().execute(async (trx) => {
          for (let row = 0; row < 512; row += 1) await sql`insert into scratch (body) values (${body})`.execute(trx);
        });
      expect(fs.statSync(file).size - sizeBefore).toBeLessThan(MB);

      const result = await whole;
      expect(result.log).toBeGreaterThan((4 * MB) / 4096);
      expect(fs.statSync(file).size - sizeBefore).toBeGreaterThanOrEqual(6 * MB);
      expect(failures).toEqual([]);

      // Copied whole, the log is written from its start again: its file does not grow with more writes.
      const logSize = fs.statSync(`${file}-wal`).size;
      await store.db.transaction().execute(async (trx) => {
        for (let row = 0; row < 128; row += 1) await sql`insert into scratch (body) values (${body})`.execute(trx);
      });
      expect(fs.statSync(`${file}-wal`).size).toBe(logSize);
      const counted = await sql<{ n: number }>`select count(*) as n from scratch`.execute(store.db);
      expect(counted.rows[0].n).toBe(6 * 512 + 128);
    } finally {
      await store.close();
    }
    // The thread's connection closed first, so the store's, the last one, removed the log.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a thread that cannot start is reported once, and the store goes on writing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-checkpoint-'));
    const file = path.join(dir, 'peoplehub.db');
    let reported: (error: Error) => void = () => undefined;
    const failure = new Promise<Error>((resolve) => (reported = resolve));
    const failures: Error[] = [];
    const store = await openStore(
      { kind: 'sqlite', file },
      {
        checkpoints: {
          failed: (error) => {
            failures.push(error);
            reported(error);
          },
        },
      },
    );
    try {
      await store.migrate();
      await sql`create table scratch (body text not null)`.execute(store.db);
      // The file's name gone (this connection keeps it open): a new connection to it cannot open.
      fs.unlinkSync(file);
      const body = 'x'.repeat(2048);
      for (let commit = 0; commit < 3; commit += 1)
        await store.db.transaction().execute(async (trx) => {
          for (let row = 0; row < 1024; row += 1) await sql`insert into scratch (body) values (${body})`.execute(trx);
        });
      const error = await failure;
      expect(error.message).toMatch(/^checkpoint failed: cannot open the database: .*(not exist|unable to open)/i);
      await store.db.transaction().execute(async (trx) => {
        await sql`insert into scratch (body) values (${body})`.execute(trx);
      });
      const counted = await sql<{ n: number }>`select count(*) as n from scratch`.execute(store.db);
      expect(counted.rows[0].n).toBe(3 * 1024 + 1);
      expect(failures).toHaveLength(1);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a running checkpoint thread never keeps the process alive', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-checkpoint-'));
    // The built store (npm test builds first), in a process of its own that leaves the store open
    // once the thread has checkpointed: the process must still end by itself.
    const script = `
      const { openStore } = require('./server/dist/store/database');
      const { sql } = require('kysely');
      (async () => {
        let seen;
        const checkpointed = new Promise((resolve) => (seen = resolve));
        // Alive until the thread has checkpointed (the store's own timers never hold the process).
        const waiting = setInterval(() => undefined, 1000);
        const store = await openStore({ kind: 'sqlite', file: process.argv[1] }, { checkpoints: { checkpointed: seen } });
        await store.migrate();
        await sql\`create table scratch (body text not null)\`.execute(store.db);
        const body = 'x'.repeat(2048);
        for (let commit = 0; commit < 6; commit += 1)
          await store.db.transaction().execute(async (trx) => {
            for (let row = 0; row < 512; row += 1) await sql\`insert into scratch (body) values (\${body})\`.execute(trx);
          });
        console.log(JSON.stringify(await checkpointed));
        clearInterval(waiting);
      })();
    `;
    try {
      const run = spawnSync(process.execPath, ['-e', script, path.join(dir, 'peoplehub.db')], {
        cwd: path.join(__dirname, '../../..'),
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(run.stderr).toBe('');
      expect(run.signal).toBeNull();
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(expect.objectContaining({ busy: false }));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
