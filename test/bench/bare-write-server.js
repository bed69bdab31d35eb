// The write baseline: a bare node:http server that parses each JSON body and inserts one row into a
// better-sqlite3 table, with the pragmas PeopleHub's store uses (WAL, synchronous NORMAL), and
// answers 201 with the row as JSON.
const http = require('node:http');
const path = require('node:path');
const Database = require('better-sqlite3');

const db = new Database(path.join(process.argv[2], 'bare.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(
  'create table if not exists people (id integer primary key, email text not null unique, first_name text not null, last_name text not null)',
);
const insert = db.prepare('insert into people (email, first_name, last_name) values (?, ?, ?)');

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const { lastInsertRowid } = insert.run(body.email, body.firstName, body.lastName);
      const out = JSON.stringify({
        data: { id: Number(lastInsertRowid), email: body.email, firstName: body.firstName, lastName: body.lastName },
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
process.on('SIGTERM', () => server.close(() => process.exit(0)));
