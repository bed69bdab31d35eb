// Many rows as one statement parameter: a JSON array read as a table, for set-wise inserts and updates.
import { type RawBuilder, sql } from 'kysely';
import type { Dialect } from './database';

export type JsonColumnType = 'text' | 'integer';

/**
 * The objects in `rows` as a table named `x` with these columns, for `from ${jsonRows(…)}` in either
 * dialect (SQLite's json_each, PostgreSQL's json_to_recordset). One parameter whatever the number of
 * rows, so a batch costs one statement to build instead of one per row, and never meets a limit on
 * bound parameters. Column names must be the caller's constants: they go into the SQL as they are.
 */
export function jsonRows(
  dialect: Dialect,
  rows: object[],
  columns: Record<string, JsonColumnType>,
): RawBuilder<unknown> {
  const json = JSON.stringify(rows);
  const names = Object.keys(columns);
  if (dialect === 'postgres')
    return sql`json_to_recordset(${json}::json) as x(${sql.raw(names.map((n) => `${n} ${columns[n]}`).join(', '))})`;
  const picked = names.map((n) => `json_extract(value, '$.${n}') as ${n}`).join(', ');
  return sql`(select ${sql.raw(picked)} from json_each(${json})) as x`;
}
