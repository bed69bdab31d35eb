// What the bare delivery baselines share: a keep-alive node:http client over as many connections as
// PeopleHub opens to one destination, Standard Webhooks signing as PeopleHub signs (the same headers),
// and the store the baselines write to (SQLite with PeopleHub's pragmas, or a `pg` pool of its size),
// in a database that `peoplehub init` made.
const http = require('node:http');
const { createHmac, randomBytes } = require('node:crypto');
const { CONNECTIONS_PER_DESTINATION } = require('../../server/dist/net/outbound');

/** PeopleHub's PostgreSQL pool size (server/src/store/database.ts). */
const POOL_SIZE = 10;

/** A webhook secret as PeopleHub makes one, and the signing key it stands for. */
function newSecret() {
  return randomBytes(32);
}

/** The headers PeopleHub sends with a delivery (core/payload.ts deliveryHeaders), signed with `secret`. */
function signedHeaders(secret, messageId, body, now) {
  const timestamp = Math.floor(now.getTime() / 1000);
  const mac = createHmac('sha256', secret).update(`${messageId}.${timestamp}.${body}`, 'utf8').digest('base64');
  return {
    'content-type': 'application/json',
    'user-agent': 'PeopleHub-Webhooks/bare',
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${mac}`,
  };
}

/** A keep-alive client to the receiver; `post` resolves with the status, headers and body text. */
function client(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS_PER_DESTINATION });
  return {
    post: (path, headers, body) =>
      new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, agent, headers }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({ statusCode: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }),
          );
        });
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

const insertSql = (table, columns, marks) => `insert into ${table} (${columns.join(', ')}) values ${marks}`;

/** A database file `peoplehub init` made, opened for writing with PeopleHub's pragmas (server/src/store/database.ts). */
function openSqliteAsPeopleHub(file) {
  const Database = require('better-sqlite3');
  const db = new Database(file, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('cache_size = -32000');
  db.pragma('secure_delete = FAST');
  return db;
}

/**
 * The store: `insertRows(table, columns, rows)` inserts rows in one transaction (SQLite: one prepared
 * statement per row; PostgreSQL: one multi-row insert, a round trip per row would be the floor's
 * own cost), `insertOne` one row as its own transaction (prepared; by name on PostgreSQL), `exec`
 * DDL, `organizationId()` the organization init made.
 */
function openStore(kind, file) {
  if (kind === 'sqlite') {
    const db = openSqliteAsPeopleHub(file);
    const prepared = new Map();
    const statement = (table, columns) => {
      const sql = insertSql(table, columns, `(${columns.map(() => '?').join(', ')})`);
      if (!prepared.has(sql)) prepared.set(sql, db.prepare(sql));
      return prepared.get(sql);
    };
    const many = db.transaction((insert, rows) => {
      for (const row of rows) insert.run(row);
    });
    return {
      exec: async (sql) => db.exec(sql),
      insertRows: async (table, columns, rows) => many(statement(table, columns), rows),
      insertOne: async (table, columns, values) => statement(table, columns).run(values),
      organizationId: async () => db.prepare('select id from organizations limit 1').get().id,
      close: async () => db.close(),
    };
  }
  const pg = require('pg');
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: POOL_SIZE,
    options: `-c search_path="${process.env.DATABASE_SCHEMA}"`,
  });
  const marks = (count, width) =>
    Array.from(
      { length: count },
      (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
    ).join(', ');
  return {
    exec: async (sql) => pool.query(sql),
    insertRows: async (table, columns, rows) =>
      pool.query(insertSql(table, columns, marks(rows.length, columns.length)), rows.flat()),
    insertOne: async (table, columns, values) =>
      pool.query({ name: `insert ${table}`, text: insertSql(table, columns, marks(1, columns.length)), values }),
    organizationId: async () => (await pool.query('select id from organizations limit 1')).rows[0].id,
    close: () => pool.end(),
  };
}

/** Prints one JSON line for the benchmark to read, with this process's CPU µs per unit of work. */
function report(result, cpuBefore, units) {
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write(`result ${JSON.stringify({ ...result, cpuMicrosPer: (cpu.user + cpu.system) / units })}\n`);
}

module.exports = {
  newSecret,
  signedHeaders,
  client,
  openStore,
  openSqliteAsPeopleHub,
  report,
  CONNECTIONS_PER_DESTINATION,
};
