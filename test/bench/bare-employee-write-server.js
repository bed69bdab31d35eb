// The write baseline: what POST /v1/employees writes, done by hand on node:http, in a database that
// `peoplehub init` made (PeopleHub's own schema, indexes and foreign keys, its own organization).
// Per request: parse the JSON body, then in one transaction with prepared statements insert the
// employee row, its employee.created event in the outbox and its audit entry, the columns filled as
// PeopleHub fills them; answer 201 with the employee as the API shows it. Nothing else: no
// validation, no uniqueness read, no logging. SQLite with the store's pragmas (WAL, synchronous
// NORMAL, foreign keys, busy timeout), or PostgreSQL through one `pg` pool of the store's size.
// GET /_cpu answers this process's CPU time and the requests it served.
//   node bare-employee-write-server.js sqlite <database file>
//   DATABASE_URL=… DATABASE_SCHEMA=… node bare-employee-write-server.js postgres
const http = require('node:http');
const { openSqliteAsPeopleHub } = require('./bare-delivery');
const { newId } = require('../../server/dist/core/ids');
const { calendarDate, employeeStatus } = require('../../server/dist/core/employee-status');
const { tenureMonths } = require('../../server/dist/core/tenure');

/** PeopleHub's PostgreSQL pool size (server/src/store/database.ts). */
const POOL_SIZE = 10;
/** The actor PeopleHub records for an app token's write. */
const ACTOR = { type: 'app', id: 'app_bench', name: 'bench' };

const EMPLOYEE_COLUMNS = [
  'id',
  'organization_id',
  'external_id',
  'email',
  'email_lower',
  'first_name',
  'last_name',
  'display_name',
  'search_text',
  'title',
  'department',
  'manager_id',
  'phone',
  'start_date',
  'separation_date',
  'separation_reason',
  'attributes',
  'source',
  'sync_hash',
  'created_at',
  'updated_at',
];
const EVENT_COLUMNS = ['id', 'organization_id', 'type', 'actor', 'data', 'created_at', 'fanned_out_at'];
const AUDIT_COLUMNS = [
  'id',
  'organization_id',
  'actor_type',
  'actor_id',
  'actor_name',
  'action',
  'target_type',
  'target_id',
  'details',
  'created_at',
];

function insertSql(table, columns, dialect) {
  const marks = columns.map((_, i) => (dialect === 'postgres' ? `$${i + 1}` : '?'));
  return `insert into ${table} (${columns.join(', ')}) values (${marks.join(', ')})`;
}

/** The three rows of one create, as arrays in column order, and the employee as the API answers it. */
function rowsFor(organizationId, body, now) {
  const at = now.toISOString();
  const id = newId('emp', now);
  const displayName = body.displayName ?? `${body.firstName} ${body.lastName}`;
  const title = body.title ?? null;
  const startDate = body.startDate ?? null;
  const separationDate = body.separationDate ?? null;
  const employee = {
    id,
    externalId: body.externalId ?? null,
    email: body.email,
    firstName: body.firstName,
    lastName: body.lastName,
    displayName,
    title,
    department: body.department ?? null,
    managerId: body.managerId ?? null,
    phone: body.phone ?? null,
    startDate,
    separationDate,
    separationReason: body.separationReason ?? null,
    attributes: {},
    source: 'api',
    createdAt: at,
    updatedAt: at,
    status: employeeStatus({ startDate, separationDate }, calendarDate(now)),
    tenureMonths: tenureMonths(startDate, separationDate, calendarDate(now)),
  };
  const searchText = [body.firstName, body.lastName, displayName, body.email, title ?? ''].join(' ').toLowerCase();
  return {
    employee,
    employeeRow: [
      id,
      organizationId,
      employee.externalId,
      employee.email,
      employee.email.toLowerCase(),
      employee.firstName,
      employee.lastName,
      displayName,
      searchText,
      title,
      employee.department,
      employee.managerId,
      employee.phone,
      startDate,
      separationDate,
      employee.separationReason,
      '{}',
      'api',
      null,
      at,
      at,
    ],
    eventRow: [
      newId('evt', now),
      organizationId,
      'employee.created',
      JSON.stringify(ACTOR),
      JSON.stringify({ object: employee }),
      at,
      null,
    ],
    auditRow: [
      newId('aud', now),
      organizationId,
      ACTOR.type,
      ACTOR.id,
      ACTOR.name,
      'employee.created',
      'employee',
      id,
      null,
      at,
    ],
  };
}

function openSqlite(file) {
  const db = openSqliteAsPeopleHub(file);
  const employee = db.prepare(insertSql('employees', EMPLOYEE_COLUMNS, 'sqlite'));
  const event = db.prepare(insertSql('events', EVENT_COLUMNS, 'sqlite'));
  const audit = db.prepare(insertSql('audit_log', AUDIT_COLUMNS, 'sqlite'));
  const write = db.transaction((rows) => {
    employee.run(rows.employeeRow);
    event.run(rows.eventRow);
    audit.run(rows.auditRow);
  });
  return {
    organizationId: async () => db.prepare('select id from organizations limit 1').get().id,
    write: async (rows) => write(rows),
  };
}

function openPostgres() {
  const pg = require('pg');
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: POOL_SIZE,
    options: `-c search_path="${process.env.DATABASE_SCHEMA}"`,
  });
  const statements = {
    employee: insertSql('employees', EMPLOYEE_COLUMNS, 'postgres'),
    event: insertSql('events', EVENT_COLUMNS, 'postgres'),
    audit: insertSql('audit_log', AUDIT_COLUMNS, 'postgres'),
  };
  return {
    organizationId: async () => (await pool.query('select id from organizations limit 1')).rows[0].id,
    async write(rows) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        // Named queries are prepared once per connection and then only executed.
        await client.query({ name: 'employee', text: statements.employee, values: rows.employeeRow });
        await client.query({ name: 'event', text: statements.event, values: rows.eventRow });
        await client.query({ name: 'audit', text: statements.audit, values: rows.auditRow });
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
    },
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
  const organizationId = await store.organizationId();
  let served = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/_cpu') {
      const { user, system } = process.cpuUsage();
      return send(res, 200, JSON.stringify({ cpuMicros: user + system, requests: served }));
    }
    served += 1;
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let rows;
      try {
        rows = rowsFor(organizationId, JSON.parse(Buffer.concat(chunks).toString('utf8')), new Date());
      } catch (error) {
        return send(res, 400, JSON.stringify({ error: String(error) }));
      }
      store.write(rows).then(
        () => send(res, 201, JSON.stringify({ data: rows.employee })),
        (error) => send(res, 500, JSON.stringify({ error: String(error) })),
      );
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
