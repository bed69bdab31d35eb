// The PostgreSQL write baseline: a bare node:http server that parses each JSON body and inserts one
// row through a `pg` pool of the size PeopleHub's store uses (10), in the schema DATABASE_SCHEMA, with
// the server's default durability (synchronous_commit on), and answers 201 with the row as JSON.
const http = require('node:http');
const pg = require('pg');

/** PeopleHub's PostgreSQL pool size (server/src/store/database.ts), so both sides wait on as many connections. */
const POOL_SIZE = 10;

async function main() {
  const schema = process.env.DATABASE_SCHEMA;
  const bootstrap = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await bootstrap.connect();
  try {
    await bootstrap.query(`create schema if not exists "${schema}"`);
    await bootstrap.query(
      `create table if not exists "${schema}".people (id bigserial primary key, email text not null unique, first_name text not null, last_name text not null)`,
    );
  } finally {
    await bootstrap.end();
  }
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: POOL_SIZE,
    options: `-c search_path="${schema}"`,
  });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const { rows } = await pool.query(
          'insert into people (email, first_name, last_name) values ($1, $2, $3) returning id',
          [body.email, body.firstName, body.lastName],
        );
        const out = JSON.stringify({
          data: { id: Number(rows[0].id), email: body.email, firstName: body.firstName, lastName: body.lastName },
        });
        res.writeHead(201, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(out),
        });
        res.end(out);
      } catch (error) {
        res.writeHead(400);
        res.end(String(error));
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
  process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
