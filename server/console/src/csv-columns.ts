// Reads a CSV file's header row in the browser and plans its upload to POST /v1/imports: where each
// column goes (by the server's own rule, core/import-columns.ts), the `columns=` renames for the
// columns a person re-mapped, and the header of the copy that is sent.
import { IMPORT_FIELDS, type ImportField, fieldNamed } from '../../src/core/import-columns';

export const FIELD_LABELS: Record<ImportField, string> = {
  externalId: 'External ID',
  email: 'E-mail',
  firstName: 'First name',
  lastName: 'Last name',
  displayName: 'Display name',
  title: 'Title',
  department: 'Department',
  phone: 'Phone',
  startDate: 'Start date',
  separationDate: 'Separation date',
  separationReason: 'Separation reason',
  managerEmail: "Manager's e-mail",
  managerExternalId: "Manager's external ID",
};

/** Where a column's cells go: an employee field, the custom attribute its header names, or nowhere. */
export type ColumnTarget = ImportField | 'attribute' | 'skip';

export interface HeaderColumn {
  /** Position in the header, from 0. */
  index: number;
  /** The name as the header spells it, trimmed; '' when the header leaves the column unnamed. */
  name: string;
  /** Where the server puts the column when nothing renames it; an unnamed column is skipped. */
  inferred: ColumnTarget;
  /** Where the cell's text sits in the file (leading blanks and quotes included), to rewrite it. */
  start: number;
  end: number;
}

export type HeaderReading = { columns: HeaderColumn[] } | { problem: string };

/** The field a header name spells (`Work Email` spells none: it needs a rename), else its attribute. */
export function inferTarget(name: string): ColumnTarget {
  return fieldNamed(name) ?? 'attribute';
}

/** What a column may be set to: any field, its own attribute when its name spells no field, or skip. */
export function targetsFor(column: HeaderColumn): ColumnTarget[] {
  const own: ColumnTarget[] = column.inferred === 'attribute' ? ['attribute'] : [];
  return [...IMPORT_FIELDS, ...own, 'skip'];
}

interface Cell {
  value: string;
  start: number;
  end: number;
}

const isLineBreak = (c: string | undefined) => c === '\r' || c === '\n';

/**
 * One record from `from`: its cells and where the next record starts. Blanks before a cell are
 * dropped (as the server's `ltrim`), a quoted cell may hold commas, line breaks and doubled quotes,
 * and any of CRLF, LF or CR ends the record. `open` is true when a quote is never closed.
 */
function readRecord(text: string, from: number): { cells: Cell[]; end: number; next: number; open: boolean } {
  const cells: Cell[] = [];
  let i = from;
  for (;;) {
    const start = i;
    while (text[i] === ' ' || text[i] === '\t') i += 1;
    let value = '';
    if (text[i] === '"') {
      let closed = false;
      for (i += 1; i < text.length; i += 1) {
        if (text[i] !== '"') value += text[i];
        else if (text[i + 1] === '"') {
          value += '"';
          i += 1;
        } else {
          closed = true;
          i += 1;
          break;
        }
      }
      if (!closed) return { cells: [...cells, { value, start, end: i }], end: i, next: i, open: true };
    }
    while (i < text.length && text[i] !== ',' && !isLineBreak(text[i])) value += text[i++];
    cells.push({ value, start, end: i });
    if (text[i] === ',') {
      i += 1;
      continue;
    }
    const next = text[i] === '\r' && text[i + 1] === '\n' ? i + 2 : Math.min(i + 1, text.length);
    return { cells, end: i, next, open: false };
  }
}

/**
 * The header: the first line that is not blank, as the server reads it. Nothing past it is read, so
 * a large file costs nothing here; the rows are the server's to read and to report on.
 */
export function readHeader(text: string): HeaderReading {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (at < text.length) {
    const record = readRecord(text, at);
    if (record.open)
      return { problem: 'The first line opens a quote that is never closed, so its column names cannot be read.' };
    const blank = /^[ \t\f]*$/.test(text.slice(at, record.end));
    if (!blank) {
      const columns = record.cells.map((cell, index): HeaderColumn => {
        const name = cell.value.trim();
        return { index, name, inferred: name === '' ? 'skip' : inferTarget(name), start: cell.start, end: cell.end };
      });
      if (columns.every((c) => c.name === ''))
        return { problem: 'The first line names no columns: it must name them, e.g. "Email,First Name,Last Name".' };
      return { columns };
    }
    at = record.next;
  }
  return { problem: 'The file is empty: its first line must name the columns, e.g. "Email,First Name,Last Name".' };
}

export interface UploadPlan {
  /** The `columns=` parameter: `Header:field` for each re-mapped column whose name can be written there. */
  columns: string;
  /**
   * The text to send: the file as read, but for the header names of skipped columns, blanked (the
   * server then ignores their cells and says so in the run's warnings), and of re-mapped columns whose
   * name holds a comma or colon (which `columns=` cannot name), replaced by their field. Every line
   * keeps its number, so what the run reports by line matches the file.
   */
  text: string;
  /** Names of the columns left out. */
  skipped: string[];
  /** What stops the mapping from being sent (two columns filling one field), in words. */
  conflicts: string[];
}

/** The cell's new text, keeping the line breaks a quoted name held so the lines after it keep their numbers. */
function rewrite(raw: string, value: string): string {
  const breaks = (raw.match(/\r\n|\r|\n/g) ?? []).join('');
  return breaks === '' ? value : `"${value}${breaks}"`;
}

/** Plans the upload of `text` (whose header `columns` describes) with each column sent to `chosen[index]`. */
export function planUpload(text: string, columns: HeaderColumn[], chosen: ColumnTarget[]): UploadPlan {
  const renames: string[] = [];
  const edits: { start: number; end: number; value: string }[] = [];
  const skipped: string[] = [];
  const conflicts: string[] = [];
  const filled = new Map<string, { label: string; names: string[] }>();
  for (const column of columns) {
    if (column.name === '') continue;
    const target = chosen[column.index] ?? column.inferred;
    const raw = text.slice(column.start, column.end);
    if (target === 'skip') {
      skipped.push(column.name);
      edits.push({ start: column.start, end: column.end, value: rewrite(raw, '') });
      continue;
    }
    if (target === 'attribute' && column.inferred !== 'attribute')
      conflicts.push(`"${column.name}" spells the field ${column.inferred}, so it cannot be an attribute.`);
    else if (target !== column.inferred) {
      if (/[,:]/.test(column.name)) edits.push({ start: column.start, end: column.end, value: rewrite(raw, target) });
      else renames.push(`${column.name}:${target}`);
    }
    // Attribute names are matched ignoring case, as the server matches them.
    const key = target === 'attribute' ? `attribute:${column.name.toLowerCase()}` : target;
    const label = target === 'attribute' ? `the attribute "${column.name}"` : `the field ${FIELD_LABELS[target]}`;
    const same = filled.get(key) ?? { label, names: [] };
    same.names.push(`"${column.name}"`);
    filled.set(key, same);
  }
  for (const { label, names } of filled.values())
    if (names.length > 1)
      conflicts.push(
        `${names.join(' and ')} ${names.length === 2 ? 'both' : 'all'} fill ${label}: keep one, skip the others.`,
      );
  let sent = '';
  let at = 0;
  for (const edit of edits) {
    sent += text.slice(at, edit.start) + edit.value;
    at = edit.end;
  }
  sent += text.slice(at);
  return { columns: renames.join(','), text: sent, skipped, conflicts };
}
