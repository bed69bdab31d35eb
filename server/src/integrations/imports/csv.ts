// Reads a CSV snapshot of people for the import engine: the `columns=` renames, which column fills
// which employee field or custom attribute, and the rows, streamed in batches with every line that
// cannot be read reported by its line number. csv-parse does the parsing; this module only maps.
import { once } from 'node:events';
import { type CsvError, type Parser, parse } from 'csv-parse';
import { type ImportField, fieldNamed } from '../../core/import-columns';
import { reservedNameProblem } from '../../core/map-keys';
import { type FieldError, type HttpProblem, problems } from '../../core/problem';

/** Renames one `columns=` parameter may hold; more is a mistake, not a spreadsheet. */
export const MAX_RENAMES = 200;
/** Columns a CSV may have; a row with more cells is rejected, a header with more refuses the file. */
export const MAX_COLUMNS = 500;
/** Characters (UTF-16 units, as `String.length` counts them) one cell may hold, after trimming. */
export const MAX_CELL_CHARS = 10_000;
/** Rows per batch handed to the engine: enough to write in bulk, small enough to stay young garbage. */
export const BATCH_ROWS = 500;

/** One `columns=` rename: the header's column `from` (any case) is read as `to`. */
export interface ColumnRename {
  from: string;
  to: string;
}

export type ColumnTarget = { kind: 'field'; field: ImportField } | { kind: 'attribute'; name: string };

/** A header column that is read, and where its cells go. */
export interface MappedColumn {
  /** Position in the header, from 0. */
  index: number;
  /** The column's name as the header spells it, trimmed. */
  header: string;
  target: ColumnTarget;
}

/** How a header is read: the columns that are, and what is wrong with it (errors refuse the file). */
export interface ColumnPlan {
  columns: MappedColumn[];
  errors: string[];
  warnings: string[];
}

export interface CsvRow {
  /** The line of the file the row starts on, as an editor numbers it: the header is line 1 when it comes first. */
  line: number;
  /** Employee fields of the mapped columns; an empty cell is null ("no value"), a field with no column is absent. */
  fields: Partial<Record<ImportField, string | null>>;
  /** Custom attributes by name as the header (or its rename) spells it; an empty cell is null. A null-prototype object. */
  attributes: Record<string, string | null>;
}

/** A line that could not be read as a row, and why. */
export interface CsvRejection {
  line: number;
  reason: string;
}

/** What one step of reading yields: up to BATCH_ROWS rows and the lines rejected among them, in file order. */
export interface CsvBatch {
  rows: CsvRow[];
  rejected: CsvRejection[];
}

export interface CsvReadOptions {
  renames: readonly ColumnRename[];
  /** Called once the header is read and usable, before the first batch: its warnings belong in the report. */
  onHeader?(plan: ColumnPlan): void;
}

const renameError = (message: string): FieldError => ({ location: 'query', path: '/columns', message });

/**
 * Parses `columns=Work Email:email,Dept:department`. Names are trimmed and may hold spaces; a comma
 * or a colon inside a name is not supported (there is no escape): such a column is renamed in the
 * file itself. An empty parameter renames nothing. Every problem is reported at once.
 */
export function parseColumnRenames(spec: string): ColumnRename[] {
  if (spec.trim() === '') return [];
  const pairs = spec.split(',');
  if (pairs.length > MAX_RENAMES)
    throw problems.validation([renameError(`has ${pairs.length} renames; at most ${MAX_RENAMES} are allowed`)]);
  const renames: ColumnRename[] = [];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  pairs.forEach((pair, i) => {
    const parts = pair.split(':').map((part) => part.trim());
    const [from = '', to = ''] = parts;
    if (pair.trim() === '') errors.push(renameError(`rename ${i + 1} is empty: separate renames with one comma`));
    else if (parts.length === 1)
      errors.push(
        renameError(`"${pair.trim()}" has no colon: write each rename as Column:name, e.g. Work Email:email`),
      );
    else if (parts.length > 2)
      errors.push(
        renameError(`"${pair.trim()}" has more than one colon: a name holding ":" or "," cannot be renamed here`),
      );
    else if (from === '' || to === '')
      errors.push(renameError(`"${pair.trim()}" has an empty ${from === '' ? 'column' : 'new'} name`));
    else if (seen.has(from.toLowerCase())) errors.push(renameError(`the column "${from}" is renamed more than once`));
    else {
      seen.add(from.toLowerCase());
      renames.push({ from, to });
    }
  });
  if (errors.length > 0) throw problems.validation(errors);
  return renames;
}

function targetOf(name: string): ColumnTarget {
  const field = fieldNamed(name);
  return field ? { kind: 'field', field } : { kind: 'attribute', name };
}

function describeTarget(target: ColumnTarget): string {
  return target.kind === 'field' ? `the field ${target.field}` : `the attribute "${target.name}"`;
}

/** "A", "A and B", "A, B and C". */
function listed(items: string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The header's names for a message, the first 50 of them. */
function headerNames(names: string[]): string {
  const shown = names.filter((name) => name !== '').map((name) => `"${name}"`);
  return shown.length > 50 ? `${shown.slice(0, 50).join(', ')} and ${shown.length - 50} more` : shown.join(', ');
}

/**
 * Maps each header column to an employee field or a custom attribute. A rename applies first (its
 * `from` matched ignoring case); a name that spells a field (ignoring case, spaces, underscores and
 * hyphens) is that field, and any other name is an attribute of that name, which the engine checks.
 */
export function planColumns(header: readonly string[], renames: readonly ColumnRename[]): ColumnPlan {
  const names = header.map((cell) => cell.trim());
  const errors: string[] = [];
  const warnings: string[] = [];
  if (names.length > MAX_COLUMNS)
    errors.push(`the header has ${names.length} columns; a CSV may have at most ${MAX_COLUMNS}`);
  const renameOf = new Map(renames.map((rename) => [rename.from.toLowerCase(), rename]));
  const used = new Set<ColumnRename>();
  const unnamed: number[] = [];
  const columns: MappedColumn[] = [];
  names.forEach((name, index) => {
    if (name === '') {
      unnamed.push(index + 1);
      return;
    }
    const rename = renameOf.get(name.toLowerCase());
    if (rename) used.add(rename);
    const target = targetOf(rename ? rename.to : name);
    const reserved = target.kind === 'attribute' ? reservedNameProblem(target.name) : null;
    if (reserved) warnings.push(`column ${index + 1} ("${name}") is skipped: its attribute name ${reserved}`);
    else columns.push({ index, header: name, target });
  });
  if (columns.length === 0)
    errors.push('the CSV has no header row: its first line must name the columns, e.g. "Email,First Name,Last Name"');
  if (unnamed.length === 1) warnings.push(`column ${unnamed[0]} has no name in the header, so its cells are ignored`);
  if (unnamed.length > 1)
    warnings.push(`columns ${listed(unnamed.map(String))} have no name in the header, so their cells are ignored`);
  for (const rename of renames)
    if (!used.has(rename))
      warnings.push(
        `the rename "${rename.from}:${rename.to}" names no column of the header; the header's columns are ${headerNames(names)}`,
      );
  const byTarget = new Map<string, MappedColumn[]>();
  for (const column of columns) {
    const key = column.target.kind === 'field' ? `f:${column.target.field}` : `a:${column.target.name.toLowerCase()}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), column]);
  }
  for (const same of byTarget.values())
    if (same.length > 1)
      errors.push(
        `columns ${listed(same.map((c) => `"${c.header}" (column ${c.index + 1})`))} ${same.length === 2 ? 'both' : 'all'} map to ${describeTarget(same[0]!.target)}: keep one, or rename the others with columns=`,
      );
  return { columns, errors, warnings };
}

/** A record as csv-parse hands it over: the cells, and the source text read since the previous record. */
interface ParsedRecord {
  record: string[];
  raw: string;
}

/** Where a record sits in the file, and its place among everything csv-parse reported. */
interface Placed {
  seq: number;
  first: number;
  last: number;
}

const CR = 13;
const LF = 10;

/**
 * Numbers lines from csv-parse's raw text, as an editor does (CRLF, LF or a lone CR each end a
 * line, inside quotes too). Each record's raw text is what was read since the record before it: the
 * blank lines skipped in between, the record, and the first character of its line break (csv-parse
 * leaves out the LF of a CRLF that ends a record, and counts a quoted CRLF as two lines, so its own
 * `info.lines` would drift).
 */
class LineCounter {
  private next = 1;
  private seq = 0;

  place(raw: string): Placed {
    let breaks = 0;
    let first = 0;
    for (let i = 0; i < raw.length; i += 1) {
      const c = raw.charCodeAt(i);
      if (c === CR || c === LF) {
        if (c === CR && raw.charCodeAt(i + 1) === LF) i += 1;
        breaks += 1;
      } else if (first === 0 && c !== 0x20 && c !== 0x09 && c !== 0x0c) {
        // Spaces, tabs and form feeds are what csv-parse trims from a line it then skips as blank.
        first = this.next + breaks;
      }
    }
    const end = raw.charCodeAt(raw.length - 1);
    const last = this.next + breaks - (end === CR || end === LF ? 1 : 0);
    this.next += breaks;
    this.seq += 1;
    return { seq: this.seq, first: first === 0 ? last : first, last };
  }
}

type Skipped = Placed & { error: CsvError };

const counted = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const isBlank = (cells: readonly string[]) => cells.every((cell) => cell.trim() === '');

function rejectionOf(skipped: Skipped, width: number): CsvRejection | null {
  const { error, first, last } = skipped;
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    const rest = last > first ? `, so lines ${first} to ${last} cannot be read` : '';
    return { line: first, reason: `opens a quote that is never closed before the end of the file${rest}` };
  }
  if (error.code !== 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH')
    return { line: first, reason: `cannot be read as CSV (${error.code})` };
  const cells = Array.isArray(error.record) ? (error.record as string[]) : [];
  if (isBlank(cells)) return null;
  if (cells.length > MAX_COLUMNS)
    return { line: first, reason: `has ${cells.length} cells; a row may have at most ${MAX_COLUMNS}` };
  const hint =
    last > first
      ? `; it runs from line ${first} to line ${last}: check the quotes in it`
      : cells.length > width
        ? '; a value holding a comma must be in double quotes'
        : '';
  return { line: first, reason: `has ${counted(cells.length, 'cell')} where the header has ${width}${hint}` };
}

function rowOf(
  cells: readonly string[],
  line: number,
  plan: ColumnPlan,
  header: readonly string[],
): CsvRow | CsvRejection | null {
  const values = cells.map((cell) => cell.trim());
  if (values.every((value) => value === '')) return null;
  const long = values.findIndex((value) => value.length > MAX_CELL_CHARS);
  if (long !== -1) {
    const name = header[long]?.trim();
    const cell = name ? `cell ${long + 1} ("${name}")` : `cell ${long + 1}`;
    return {
      line,
      reason: `${cell} has ${values[long]!.length} characters; a cell may have at most ${MAX_CELL_CHARS}`,
    };
  }
  const fields: CsvRow['fields'] = {};
  const attributes = Object.create(null) as CsvRow['attributes'];
  for (const { index, target } of plan.columns) {
    const value = values[index] || null;
    if (target.kind === 'field') fields[target.field] = value;
    else attributes[target.name] = value;
  }
  return { line, fields, attributes };
}

function headerProblem(errors: string[]): HttpProblem {
  return problems.validation(errors.map((message) => ({ location: 'body', path: '', message })));
}

/** Writes the input into the parser as the parser takes it, then ends it; stops when `signal` aborts. */
async function feed(input: AsyncIterable<Buffer | string>, parser: Parser, signal: AbortSignal): Promise<void> {
  for await (const chunk of input) {
    if (signal.aborted) return;
    if (chunk.length > 0 && !parser.write(chunk)) await once(parser, 'drain', { signal });
  }
  parser.end();
}

/**
 * Reads a CSV of people as it arrives: the first non-blank line is the header (planned with
 * `planColumns`; a plan with errors throws a validation problem), then batches of rows. Cells are
 * trimmed; rows of blank cells and blank lines are skipped. A line with the wrong number of cells or
 * an over-long cell is rejected and reading goes on; a quote left open runs to the end of the file,
 * so that is the last thing reported. A stray quote inside an unquoted cell is kept as text.
 *
 * Pass Buffers (a request body's chunks), not strings cut from a longer text: a character split
 * between two Buffers is read whole, one split between two strings is not. Leaving early (an error,
 * or a caller that stops iterating) returns the input's iterator the way `for await` does; a request
 * that must still be answered is handed in as `req.iterator({ destroyOnReturn: false })`.
 */
export async function* readCsvPeople(
  input: AsyncIterable<Buffer | string>,
  options: CsvReadOptions,
): AsyncGenerator<CsvBatch, void, undefined> {
  const lines = new LineCounter();
  const skipped: Skipped[] = [];
  const parser = parse({
    bom: true,
    // Any line ending, and a file that mixes them (rows appended by another program).
    record_delimiter: ['\r\n', '\n', '\r'],
    // Only leading blanks: trimming after a closing quote makes csv-parse 5 drop the rest of its
    // buffer when a stray character follows; the cells are trimmed here instead.
    ltrim: true,
    // A quote inside an unquoted cell (Robert "Bob" Smith, 5'10") is text, as spreadsheets read it.
    // Strict quoting would reject such rows, and its errors arrive mid-record, before the record's
    // raw text is whole, so the lines after them could no longer be numbered.
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // Each record comes with its source text, to number lines. (An on_record hook would have
    // csv-parse build an info object and decode that text a second time for every record.)
    raw: true,
  });
  // A skipped line is numbered in file order when the records before it have been: csv-parse has
  // pushed `parser.info.records` of them when it skips one.
  const waiting: { before: number; raw: string; error: CsvError }[] = [];
  parser.on('skip', (error: CsvError, raw: string | undefined) => {
    waiting.push({ before: parser.info.records, raw: raw ?? '', error });
  });
  let read = 0;
  const placeSkipped = (upTo: number) => {
    while (waiting.length > 0 && waiting[0]!.before <= upTo) {
      const { raw, error } = waiting.shift()!;
      skipped.push({ ...lines.place(raw), error });
    }
  };
  const stop = new AbortController();
  void feed(input, parser, stop.signal).catch((error: unknown) => parser.destroy(error as Error));
  let header: string[] | null = null;
  let plan: ColumnPlan | null = null;
  let batch: CsvBatch = { rows: [], rejected: [] };
  /** Moves the lines csv-parse skipped before record `seq` into the batch, in file order. */
  const takeSkipped = (seq: number) => {
    while (skipped.length > 0 && skipped[0]!.seq < seq) {
      const rejection = rejectionOf(skipped.shift()!, header?.length ?? 0);
      if (rejection) batch.rejected.push(rejection);
    }
  };
  try {
    for await (const parsed of parser as AsyncIterable<ParsedRecord>) {
      placeSkipped(read);
      read += 1;
      const placed = lines.place(parsed.raw);
      takeSkipped(placed.seq);
      if (plan === null || header === null) {
        header = parsed.record;
        plan = planColumns(header, options.renames);
        if (plan.errors.length > 0) throw headerProblem(plan.errors);
        options.onHeader?.(plan);
        continue;
      }
      const row = rowOf(parsed.record, placed.first, plan, header);
      if (row === null) continue;
      if ('reason' in row) batch.rejected.push(row);
      else batch.rows.push(row);
      if (batch.rows.length + batch.rejected.length >= BATCH_ROWS) {
        yield batch;
        batch = { rows: [], rejected: [] };
      }
    }
    placeSkipped(Infinity);
    takeSkipped(Infinity);
    if (plan === null) {
      const why = batch.rejected[0] ? `: line ${batch.rejected[0].line} ${batch.rejected[0].reason}` : '';
      throw headerProblem([`the CSV has no header row${why || ': it is empty'}`]);
    }
    if (batch.rows.length > 0 || batch.rejected.length > 0) yield batch;
  } finally {
    stop.abort();
    parser.destroy();
  }
}
