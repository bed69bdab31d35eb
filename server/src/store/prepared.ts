// Hot queries built and compiled once per shape. Kysely spends ~20 µs building and compiling a
// query, more than SQLite takes to run a small indexed read, and the busiest queries have the same
// SQL every time. A template is built with slots where the values go, compiled once per dialect and
// shape, and kept; each run only fills the slots. On PostgreSQL the kept SQL is also prepared once
// per connection, under a name (see database.ts), so the server does not parse and plan it again.
import type { Compilable, CompiledQuery, Insertable, Kysely } from 'kysely';
import { createHash } from 'node:crypto';
import type { Database } from './schema';

/** A placeholder for a value given at each run. */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * The value named `name` at run time. Typed as any value so it goes where the builder takes a value
 * (`where`, `values`, `limit`, a `sql` template); it must be used as a value as it is, not computed on.
 */
export function slot<T = never>(name: string): T {
  return new Slot(name) as unknown as T;
}

/** SQL with its parameters in order, ready to run. */
export interface CompiledSql {
  sql: string;
  parameters: readonly unknown[];
}

interface Template {
  sql: string;
  /** Each parameter of the compiled query: a slot's name, or a constant the template itself holds. */
  parameters: readonly ({ slot: string } | { constant: unknown })[];
  query: CompiledQuery['query'];
}

/** Shapes kept per template at most: a template with more shapes than this builds the rest every time. */
const MAX_SHAPES = 256;

/**
 * Set by the test suite (test/helpers/check-templates.ts): every run also builds its template again
 * and checks it against the kept one. Off in a server, where it would undo the saving.
 */
export const templateChecks = { enabled: false };

/** SQL texts PostgreSQL should keep prepared per connection, and their statement names. */
const namedStatements = new Map<string, string>();
const MAX_NAMED = 1_000;

/** The name the statement with this SQL is prepared under on PostgreSQL, or undefined (run unnamed). */
export function statementName(sql: string): string | undefined {
  return namedStatements.get(sql);
}

function dialectOf<DB>(db: Kysely<DB>): string {
  return db.getExecutor().adapter.constructor.name;
}

function compileTemplate(built: Compilable<unknown>): Template {
  const compiled = built.compile();
  return {
    sql: compiled.sql,
    parameters: compiled.parameters.map((p) => (p instanceof Slot ? { slot: p.name } : { constant: p })),
    query: compiled.query,
  };
}

function sameTemplate(a: Template, b: Template): boolean {
  return a.sql === b.sql && JSON.stringify(a.parameters) === JSON.stringify(b.parameters);
}

/**
 * One query whose SQL depends only on its shape: `shape` (what else decides the SQL, such as the
 * sort) and which of `values` are present (not undefined). `build` must use `slot(name)` for every
 * value and decide everything else from the shape alone; under test every run checks that (a value
 * built in where a slot belongs makes the kept SQL or constants differ, and the run fails).
 */
export class QueryTemplate {
  private readonly kept = new Map<string, Template>();

  constructor(private readonly name: string) {}

  /** The SQL for these values and its parameters, filled in; run by execute, or directly (direct.ts). */
  compile<DB, Row>(
    db: Kysely<DB>,
    shape: string,
    build: () => Compilable<Row>,
    values: Readonly<Record<string, unknown>>,
  ): CompiledQuery<Row> {
    // The values present are part of the shape: a filter given or not changes the SQL. (Built in one
    // pass: this runs for every row the delivery worker records.)
    let key = `${dialectOf(db)}\u0000${shape}\u0000`;
    for (const name in values) if (values[name] !== undefined) key += `${name},`;
    let template = this.kept.get(key);
    if (template === undefined) {
      template = compileTemplate(build());
      if (this.kept.size < MAX_SHAPES) this.kept.set(key, template);
      if (key.startsWith('Postgres') && namedStatements.size < MAX_NAMED && !namedStatements.has(template.sql))
        namedStatements.set(
          template.sql,
          `ph_${createHash('sha256').update(template.sql).digest('base64url').slice(0, 24)}`,
        );
    } else if (templateChecks.enabled) {
      const again = compileTemplate(build());
      if (!sameTemplate(template, again))
        throw new Error(`query template ${this.name} (${shape}) built different SQL or constants for the same shape`);
    }
    const parameters = template.parameters.map((p) => {
      if ('constant' in p) return p.constant;
      if (!(p.slot in values)) throw new Error(`query template ${this.name}: no value for slot ${p.slot}`);
      return values[p.slot];
    });
    return { sql: template.sql, parameters, query: template.query, queryId: { queryId: this.name } };
  }

  async execute<DB, Row>(
    db: Kysely<DB>,
    shape: string,
    build: () => Compilable<Row>,
    values: Readonly<Record<string, unknown>>,
  ): Promise<{ rows: Row[]; numAffectedRows?: bigint }> {
    const result = await db.executeQuery(this.compile(db, shape, build, values));
    return { rows: result.rows, numAffectedRows: result.numAffectedRows };
  }
}

const singleRowInserts = new QueryTemplate('insert one row');

/**
 * The insert of one row through a template kept per table and set of columns (undefined values are
 * left out, as Kysely leaves them out).
 */
export function insertOneSql<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  row: Insertable<Database[T]>,
): CompiledQuery {
  const values = row as Readonly<Record<string, unknown>>;
  return singleRowInserts.compile(
    db,
    table,
    () => {
      const slots: Record<string, unknown> = {};
      for (const column of Object.keys(values)) if (values[column] !== undefined) slots[column] = slot(column);
      return db.insertInto(table).values(slots as Insertable<Database[T]>);
    },
    values,
  );
}

/** Inserts one row (see insertOneSql): the single-row writes of every API request. */
export async function insertOne<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  row: Insertable<Database[T]>,
): Promise<void> {
  await db.executeQuery(insertOneSql(db, table, row));
}
