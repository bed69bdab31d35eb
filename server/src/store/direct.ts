// Synchronous transactions on the SQLite connection, for the delivery worker's busiest writes.
// Through Kysely every statement is a chain of promises (connection, executor, driver), which on
// the 100 × 100 delivery load added about half again to what SQLite took to run them. Here a batch
// (a recorder's attempts, their messages' verdicts, their webhooks' marks) runs as plain calls in one
// transaction, with the same SQL the query templates compile, on the same connection, once Kysely
// has handed it over: no Kysely transaction is open meanwhile, and none starts until this one has
// committed or rolled back.
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { CompiledSql } from './prepared';

/** Runs statements inside a direct transaction. */
export interface DirectStatements {
  /** Runs a write; returns the rows it changed. */
  run(query: CompiledSql): number;
}

export interface DirectSqlite {
  /**
   * Runs `work` in one transaction once no other query holds the connection: committed when it
   * returns, rolled back when it throws. `work` must not await: the transaction ends when it returns.
   */
  transaction<T>(work: (statements: DirectStatements) => T): Promise<T>;
}

/** Direct access per Kysely instance of an SQLite store; a transaction's own instance has none. */
const direct = new WeakMap<object, DirectSqlite>();

/**
 * Gives `db` (an SQLite store's Kysely) direct transactions on `connection`; `prepare` is the store's
 * statement cache, shared with Kysely's queries.
 */
export function allowDirect<DB>(
  db: Kysely<DB>,
  connection: SQLite.Database,
  prepare: (sql: string) => SQLite.Statement,
): void {
  const statements: DirectStatements = {
    run: (query) => prepare(query.sql).run(query.parameters).changes,
  };
  const inTransaction = connection.transaction((work: (s: DirectStatements) => unknown) => work(statements));
  direct.set(db, {
    transaction: <T>(work: (s: DirectStatements) => T) => db.connection().execute(async () => inTransaction(work) as T),
  });
}

/**
 * Direct transactions for `db`, or null: on PostgreSQL (every statement is a round trip anyway), and
 * inside a Kysely transaction, whose statements must go through it.
 */
export function directSqlite(db: object): DirectSqlite | null {
  return direct.get(db) ?? null;
}
