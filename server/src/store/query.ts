// Query pieces shared by the repositories: keyset pagination and case-insensitive search.
import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { slot } from './prepared';

export interface Keyset {
  /** Qualified column to sort by, e.g. `users.email_lower`. Must never come from user input. */
  column: string;
  /** The column may be null: sort nulls as '' (first ascending), so the order stays total. */
  nullable?: boolean;
  /** What a null sorts as when the column is not text (e.g. 0 for a status code). */
  nullAs?: number;
  /** Qualified id column that breaks ties, so the order is total. */
  idColumn: string;
  direction: 'asc' | 'desc';
  /** The last row of the previous page; rows after it are returned. */
  after: { value: string; id: string } | null;
  limit: number;
}

/**
 * Applies a keyset page: rows strictly after the cursor, in a total order, one row more than the
 * limit so the caller knows whether another page exists. Inserts between pages never cause a row
 * to be repeated or skipped, unlike offsets.
 */
export function pageBy<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  keyset: Keyset,
  values: 'inline' | 'slots' = 'inline',
): SelectQueryBuilder<DB, TB, O> {
  const column = keyset.nullable
    ? sql`coalesce(${sql.ref(keyset.column)}, ${keyset.nullAs ?? ''})`
    : sql.ref(keyset.column);
  const id = sql.ref(keyset.idColumn);
  const op = sql.raw(keyset.direction === 'asc' ? '>' : '<');
  const given = keysetValues(keyset);
  const value = <K extends keyof typeof given>(name: K) =>
    values === 'slots' ? slot<(typeof given)[K]>(name) : given[name];
  let paged = query;
  if (keyset.after !== null) {
    const after = value('pageAfterValue');
    const afterId = value('pageAfterId');
    paged = paged.where(sql<SqlBool>`(${column} ${op} ${after} or (${column} = ${after} and ${id} ${op} ${afterId}))`);
  }
  return paged.orderBy(column, keyset.direction).orderBy(id, keyset.direction).limit(pageLimit(keyset));
}

/**
 * The page's LIMIT, written into the SQL rather than bound. SQLite plans with a bound LIMIT's value,
 * so binding one marks the statement expired and every run parses and plans it again: about 8 µs
 * on a users page that then takes 16 µs to run. The limit is an integer (1 to 200 from the API), so
 * a page shape has as many texts as limits in use, and the statement cache keeps the recent ones.
 */
function pageLimit(keyset: Keyset) {
  const limit = keyset.limit + 1;
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new Error(`a page limit must be a positive integer, not ${limit}`);
  return sql.lit(limit);
}

/** What a keyset page's SQL depends on besides which values are present, for a QueryTemplate's shape. */
export function keysetShape(keyset: Keyset): string {
  return [
    keyset.column,
    keyset.nullable === true,
    keyset.nullAs ?? '',
    keyset.idColumn,
    keyset.direction,
    keyset.limit,
  ].join('|');
}

/** The values of a keyset page's slots (pageBy with 'slots'); the cursor's are absent on a first page. */
export function keysetValues(keyset: Keyset) {
  return {
    // Cursors carry text; a numeric sort compares numbers (SQLite orders every number before any text).
    pageAfterValue:
      keyset.after === null
        ? undefined
        : typeof keyset.nullAs === 'number'
          ? Number(keyset.after.value)
          : keyset.after.value,
    pageAfterId: keyset.after?.id,
  };
}

export interface Page<T> {
  items: T[];
  /** The last returned row, when another page follows. */
  last: T | null;
}

/** Splits the limit+1 rows of pageBy into the page and whether there is more. */
export function takePage<T>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, last: rows.length > limit ? items[items.length - 1] : null };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** True when the column's text contains `text` exactly (case-sensitive), e.g. an id inside a JSON array. */
export function containsLiteral(column: string, text: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} like ${`%${escapeLike(text)}%`} escape '\\'`;
}

/** The LIKE pattern containsText matches with: the text lower-cased, escaped, anywhere. */
export function searchPattern(text: string): string {
  return `%${escapeLike(text.toLowerCase())}%`;
}

/** `q` search: true when any of the columns contains the text, ignoring case. */
export function containsText(columns: string[], text: string): Expression<SqlBool> {
  return containsPattern(columns, searchPattern(text));
}

/** containsText with its pattern given (a template's slot). */
export function containsPattern(columns: string[], pattern: string): Expression<SqlBool> {
  const tests = columns.map((c) => sql<SqlBool>`lower(coalesce(${sql.ref(c)}, '')) like ${pattern} escape '\\'`);
  return sql<SqlBool>`(${sql.join(tests, sql` or `)})`;
}
