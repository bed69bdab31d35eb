// The read baseline: what GET /v1/users and the employee page cost done by hand on node:http, on
// PeopleHub's own database (SQLite opened read-only with the store's pragmas, or the same PostgreSQL
// schema through one `pg` pool of the store's size). Per request: the SHA-256 of the app token looked
// up in a map (loaded once at start), one prepared statement for the page, the rows shaped as the
// API shapes them, JSON.stringify. Nothing else: no validation, logging, metrics or cache checks.
// GET /_cpu answers this process's CPU time and the pages it served, for CPU µs per request.
//   node bare-read-server.js sqlite <database file>
//   DATABASE_URL=… DATABASE_SCHEMA=… node bare-read-server.js postgres
const http = require('node:http');
const { createHash } = require('node:crypto');
const { employeeStatus, calendarDate } = require('../../server/dist/core/employee-status');
const { tenureMonths } = require('../../server/dist/core/tenure');

/** PeopleHub's PostgreSQL pool size (server/src/store/database.ts). */
const POOL_SIZE = 10;
const LIMIT = 50;

/**
 * The two pages' statements, as PeopleHub's store builds them: keyset order, one row more than the
 * limit, the limit written into the SQL (bound, SQLite would plan the statement again at every run).
 */
const SQL = {
  sqlite: {
    users: `select * from users where organization_id = ? order by created_at asc, id asc limit ${LIMIT + 1}`,
    employees: `select * from employees where organization_id = ? and department = ? order by last_name desc, id desc limit ${LIMIT + 1}`,
  },
  postgres: {
    users: `select * from users where organization_id = $1 order by created_at asc, id asc limit ${LIMIT + 1}`,
    employees: `select * from employees where organization_id = $1 and department = $2 order by last_name desc, id desc limit ${LIMIT + 1}`,
  },
};

/** The store behind the pages: `query(name, params)` resolves with rows, `apps()` with the live app tokens. */
function openSqlite(file) {
  const Database = require('better-sqlite3');
  const db = new Database(file, { readonly: true, fileMustExist: true });
  // The store's read-side pragmas (WAL and synchronous belong to the writer; the file is in WAL mode).
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -32000');
  const statements = { users: db.prepare(SQL.sqlite.users), employees: db.prepare(SQL.sqlite.employees) };
  return {
    query: async (name, params) => statements[name].all(...params),
    apps: async () =>
      db.prepare('select token_hash, organization_id, permissions from apps where revoked_at is null').all(),
  };
}

function openPostgres() {
  const pg = require('pg');
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: POOL_SIZE,
    options: `-c search_path="${process.env.DATABASE_SCHEMA}"`,
  });
  return {
    // A named query is prepared once per connection and then only executed.
    query: async (name, values) => (await pool.query({ name, text: SQL.postgres[name], values })).rows,
    apps: async () =>
      (await pool.query('select token_hash, organization_id, permissions from apps where revoked_at is null')).rows,
  };
}

const cursor = (sort, value, id) => Buffer.from(JSON.stringify({ s: sort, v: value, i: id })).toString('base64url');

/** The users page as presentUser and reply.list shape it. */
function usersPage(rows) {
  const items = rows.slice(0, LIMIT);
  const last = rows.length > LIMIT ? items[items.length - 1] : null;
  return {
    data: items.map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      phone: u.phone,
      accessRight: u.access_right,
      createdAt: u.created_at,
      updatedAt: u.updated_at,
    })),
    nextCursor: last === null ? null : cursor('createdAt', last.created_at, last.id),
  };
}

/** The employee page as presentEmployee and reply.list shape it (status and tenure as of today). */
function employeesPage(rows, today) {
  const items = rows.slice(0, LIMIT);
  const last = rows.length > LIMIT ? items[items.length - 1] : null;
  return {
    data: items.map((e) => ({
      id: e.id,
      externalId: e.external_id,
      email: e.email,
      firstName: e.first_name,
      lastName: e.last_name,
      displayName: e.display_name,
      title: e.title,
      department: e.department,
      managerId: e.manager_id,
      phone: e.phone,
      startDate: e.start_date,
      separationDate: e.separation_date,
      separationReason: e.separation_reason,
      attributes: JSON.parse(e.attributes),
      source: e.source,
      createdAt: e.created_at,
      updatedAt: e.updated_at,
      status: employeeStatus({ startDate: e.start_date, separationDate: e.separation_date }, today),
      tenureMonths: tenureMonths(e.start_date, e.separation_date, today),
    })),
    nextCursor: last === null ? null : cursor('-lastName', last.last_name, last.id),
  };
}

function send(res, status, body) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function main() {
  const store = process.argv[2] === 'postgres' ? openPostgres() : openSqlite(process.argv[3]);
  const tokens = new Map();
  for (const app of await store.apps())
    tokens.set(app.token_hash, { organizationId: app.organization_id, scopes: new Set(JSON.parse(app.permissions)) });
  let served = 0;

  async function page(req, url) {
    const token = req.headers['x-api-key'];
    const app = typeof token === 'string' ? tokens.get(createHash('sha256').update(token).digest('hex')) : undefined;
    if (app === undefined) return [401, '{"title":"Unauthorized"}'];
    if (url.pathname === '/v1/users' && app.scopes.has('users:read')) {
      const rows = await store.query('users', [app.organizationId]);
      return [200, JSON.stringify(usersPage(rows))];
    }
    if (url.pathname === '/v1/employees' && app.scopes.has('employees:read')) {
      const department = url.searchParams.get('department');
      const rows = await store.query('employees', [app.organizationId, department]);
      return [200, JSON.stringify(employeesPage(rows, calendarDate(new Date())))];
    }
    return [404, '{"title":"Not Found"}'];
  }

  const server = http.createServer((req, res) => {
    if (req.url === '/_cpu') {
      const { user, system } = process.cpuUsage();
      return send(res, 200, JSON.stringify({ cpuMicros: user + system, requests: served }));
    }
    served += 1;
    page(req, new URL(req.url, 'http://bare')).then(
      ([status, body]) => send(res, status, body),
      (error) => send(res, 500, JSON.stringify({ error: String(error) })),
    );
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
