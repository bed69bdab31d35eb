// Everything a test server's store holds, as text, to search for what must never rest in clear.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestServer } from './harness';
import { TEST_DATABASE_URL } from './postgres';

/** Everything the store holds, as text: every file under DATA_DIR but the key file, or every PostgreSQL row. */
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
      const rows = await client.query(`select * from "${server.schema}"."${table_name}"`);
      dumps.push(JSON.stringify(rows.rows));
    }
    return dumps.join('\n');
  } finally {
    await client.end();
  }
}
