// Opens the store: SQLite (better-sqlite3, WAL) by default, PostgreSQL when configured; one Kysely API.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type pgModule from 'pg';
import type { Logger } from 'pino';
import type { StoreLocation } from '../config';
import {
  type CredentialWatch,
  PostgresCredentialWatch,
  announceCredentialChange,
  watchSqliteCredentials,
} from './credential-changes';
import { type CheckpointListener, Checkpointer } from './checkpointer';
import { allowDirect } from './direct';
import { migrateToLatest } from './migrations';
import { statementName } from './prepared';
import type { Database } from './schema';

export type Dialect = 'sqlite' | 'postgres';

/** The advisory lock key held while migrating (and while dropping schemas, see above). */
export const SCHEMA_LOCK = 73_120_011;

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, for messages: a file path, or a schema name. */
  describe: string;
  ping(): Promise<void>;
  migrate(): Promise<string[]>;
  /** Calls `onChange` whenever another process may have changed credentials (see credential-changes.ts). */
  watchCredentials(onChange: () => void, logger: Logger): Promise<CredentialWatch>;
  /** Inside a transaction that revokes or changes credentials: tells the other processes once it commits. */
  announceCredentialChange(db: Kysely<Database>): Promise<void>;
  close(): Promise<void>;
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query afresh; preparing costs more than running a small indexed read, so
 * statements are kept by SQL text (bounded, least recently used out first). Kysely runs one query
 * at a time on SQLite and reads results eagerly, and a direct transaction (direct.ts) holds the
 * connection while it runs, so sharing a statement is safe.
 */
function statementCache(connection: SQLite.Database): (text: string) => SQLite.Statement {
  const cache = new Map<string, SQLite.Statement>();
  return (text: string) => {
    let statement = cache.get(text);
    if (statement === undefined) {
      statement = connection.prepare(text);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    } else {
      cache.delete(text);
    }
    cache.set(text, statement);
    return statement;
  };
}

/** Takes group and other access away from a file this process owns; leaves anything else alone. */
export function restrictToOwner(path: string): void {
  const stat = fs.statSync(path, { throwIfNoEntry: false });
  if (stat && (stat.mode & 0o077) !== 0 && stat.uid === process.getuid?.()) fs.chmodSync(path, stat.mode & 0o700);
}

function openSqlite(file: string, options: StoreOptions): Store {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // The database holds sealed secrets and personal data: for the server's user only, also when an
  // older version created it more open. SQLite gives the -wal and -shm files the database file's mode.
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) restrictToOwner(path);
  const connection = new SQLite(file);
  connection.pragma('journal_mode = WAL');
  // NORMAL is durable across a process crash (kill -9) in WAL mode; only a power cut can lose
  // the newest commit, which is the usual embedded trade-off.
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  // This connection checkpoints the WAL itself only past ~40 MB, a fallback: once the log has passed
  // 4 MB, the checkpoint thread (checkpointer.ts) folds it in every 50 ms without stalling this one.
  connection.pragma('wal_autocheckpoint = 10000');
  // A 32 MB page cache rather than SQLite's 2 MB: the employee table's indexes outgrow 2 MB at a few
  // thousand rows, and every miss is a read from the OS.
  connection.pragma('cache_size = -32000');
  // Deleted rows are zeroed where that costs no extra I/O, so pruned history does not linger in free space.
  connection.pragma('secure_delete = FAST');
  const prepare = statementCache(connection);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: { close: () => connection.close(), prepare } }),
  });
  allowDirect(db, connection, prepare);
  /** Started once the store is migrated: a migration's own final checkpoint (below) runs alone. */
  let checkpointer: Checkpointer | null = null;
  return {
    db,
    dialect: 'sqlite',
    describe: file,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    migrate: async () => {
      // A migration may delete what must not linger (answers stored in clear before 0004): zero it
      // completely, then fold the WAL into the file and empty it, so no old page image remains.
      connection.pragma('secure_delete = ON');
      try {
        const applied = await migrateToLatest(db, undefined);
        if (applied.length > 0) connection.pragma('wal_checkpoint(TRUNCATE)');
        checkpointer ??= new Checkpointer(file, options.checkpoints);
        return applied;
      } finally {
        connection.pragma('secure_delete = FAST');
      }
    },
    watchCredentials: async (onChange) => watchSqliteCredentials(connection, onChange),
    // Other processes on this file see the commit itself (data_version); nothing to send.
    announceCredentialChange: async () => undefined,
    close: async () => {
      // The checkpoint thread's connection goes first, so this one, the last, empties the log.
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

async function openPostgres(url: string, schema: string): Promise<Store> {
  // Loaded only here, so the embedded store does not carry the PostgreSQL driver in memory.
  const pg: typeof pgModule = (await import('pg')).default;
  // The schema is checked against an identifier pattern in config.ts, so quoting it here is safe.
  const bootstrap = new pg.Client({ connectionString: url });
  await bootstrap.connect();
  try {
    await bootstrap.query(`create schema if not exists "${schema}"`);
  } finally {
    await bootstrap.end();
  }
  /**
   * Runs the SQL of a query template as a named statement: parsed and planned once per connection,
   * then only bound and executed, as a hand-written server with prepared statements would.
   */
  class PreparingClient extends pg.Client {
    /**
     * Statements this connection no longer runs by name: a newer version's migration changed a table
     * under one (PostgreSQL then refuses it, "cached plan must not change result type", 0A000).
     */
    private readonly stale = new Set<string>();

    // pg's query() has many overloads; only Kysely's (text, values) is changed, the rest passes on.
    override query(...args: unknown[]): never {
      const [text, values] = args;
      const name =
        typeof text === 'string' && Array.isArray(values) && args.length === 2 ? statementName(text) : undefined;
      const call = super.query as (...a: unknown[]) => Promise<unknown>;
      if (name === undefined || this.stale.has(name)) return call.apply(this, args) as never;
      return call.call(this, { name, text, values }).catch((error: { code?: string }) => {
        if (error.code !== '0A000') throw error;
        // Run it unnamed from now on, on this connection. Outside a transaction this run succeeds;
        // inside one the transaction is already aborted and its request fails, once per connection.
        this.stale.add(name);
        return call.call(this, text, values);
      }) as never;
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    options: `-c search_path="${schema}"`,
    Client: PreparingClient,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    describe: `${new URL(url).host}${new URL(url).pathname} (schema ${schema})`,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    migrate: async () => {
      // Kysely's migrator inspects every schema in the database; a schema dropped meanwhile (another
      // tenant's, or a test's) would fail that scan. This lock, also taken by whoever drops schemas,
      // keeps the two apart; concurrent migrations of one schema are serialised too.
      const lock = new pg.Client({ connectionString: url });
      await lock.connect();
      try {
        await lock.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
        return await migrateToLatest(db, schema);
      } finally {
        await lock.end();
      }
    },
    watchCredentials: async (onChange, logger) => {
      const watch = new PostgresCredentialWatch(pg, url, schema, onChange, logger);
      await watch.start();
      return watch;
    },
    announceCredentialChange: (trx) => announceCredentialChange(trx, schema),
    close: () => db.destroy(),
  };
}

export interface StoreOptions {
  /** SQLite, once migrated: told of each background checkpoint (see checkpointer.ts), and of any that failed. */
  checkpoints?: CheckpointListener;
}

export async function openStore(location: StoreLocation, options: StoreOptions = {}): Promise<Store> {
  return location.kind === 'sqlite' ? openSqlite(location.file, options) : openPostgres(location.url, location.schema);
}
