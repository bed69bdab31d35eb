// Everything a test server's store holds, as text, for tests that a secret is never stored in clear.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestServer } from './harness';
import { TEST_DATABASE_URL } from './postgres';

/**
 * Every file under DATA_DIR but the key file (the database, its WAL and shared-memory files), read
 * as raw bytes; or every row of every table of the server's PostgreSQL schema, each row as text.
 */
export async function storeContents(server: TestServer): Promise<string> {
  if (server.schema === null) {
    return fs
      .readdirSync(server.dataDir)
      .filter((name) => name !== 'master.key')
      .map((name) => fs.readFileSync(path.join(server.dataDir, name)).toString('latin1'))
      .join('\n');
  }
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = $1',
      [server.schema],
    );
    expect(tables.rows.length).toBeGreaterThan(5);
    const dumps = [];
    for (const { table_name } of tables.rows) {
      // A row as PostgreSQL writes it as text (bytea as hex), and as the driver reads it.
      const rows = await client.query<{ row: string }>(
        `select t::text as row from "${server.schema}"."${table_name}" t`,
      );
      dumps.push(rows.rows.map((r) => r.row).join('\n'));
      dumps.push(JSON.stringify((await client.query(`select * from "${server.schema}"."${table_name}"`)).rows));
    }
    return dumps.join('\n');
  } finally {
    await client.end();
  }
}
