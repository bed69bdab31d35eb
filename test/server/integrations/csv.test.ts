import fc from 'fast-check';
import { type FieldError, HttpProblem } from '../../../server/src/core/problem';
import {
  BATCH_ROWS,
  type ColumnPlan,
  type ColumnRename,
  type CsvBatch,
  MAX_CELL_CHARS,
  MAX_COLUMNS,
  MAX_RENAMES,
  parseColumnRenames,
  planColumns,
  readCsvPeople,
} from '../../../server/src/integrations/imports/csv';

async function* chunked(parts: readonly (Buffer | string)[]): AsyncGenerator<Buffer | string> {
  for (const part of parts) yield part;
}

/** Cuts bytes at the given points (fractions), as a network would: through characters and line breaks alike. */
function cut(bytes: Buffer, points: readonly number[]): Buffer[] {
  const at = [...new Set(points.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let last = 0;
  for (const point of at) {
    parts.push(bytes.subarray(last, point));
    last = point;
  }
  parts.push(bytes.subarray(last));
  return parts;
}

interface Read {
  plan: ColumnPlan | null;
  batches: CsvBatch[];
  rows: CsvBatch['rows'];
  rejected: CsvBatch['rejected'];
}

async function read(input: string | readonly (Buffer | string)[], renames: ColumnRename[] = []): Promise<Read> {
  let plan: ColumnPlan | null = null;
  const batches: CsvBatch[] = [];
  const parts = typeof input === 'string' ? [input] : input;
  for await (const batch of readCsvPeople(chunked(parts), {
    renames,
    onHeader: (p) => {
      expect(plan).toBeNull();
      plan = p;
    },
  }))
    batches.push(batch);
  return {
    plan,
    batches,
    rows: batches.flatMap((b) => b.rows),
    rejected: batches.flatMap((b) => b.rejected),
  };
}

/** The messages of a validation problem, as `location path: message`. */
function problemMessages(error: unknown): string[] {
  expect(error).toBeInstanceOf(HttpProblem);
  const problem = error as HttpProblem;
  expect(problem.status).toBe(400);
  return (problem.extensions.errors as FieldError[]).map((e) => `${e.location} ${e.path}: ${e.message}`);
}

async function readFailure(input: string): Promise<string[]> {
  try {
    await read(input);
  } catch (error) {
    return problemMessages(error);
  }
  throw new Error('the CSV was read without an error');
}

function renameFailure(spec: string): string[] {
  try {
    parseColumnRenames(spec);
  } catch (error) {
    return problemMessages(error);
  }
  throw new Error('the renames were accepted');
}

const PEOPLE = [
  'External ID,Email,First Name,Last Name,Location,Level',
  'E1,ada@example.com,Ada,Lovelace,London,L3',
  'E2, grace@example.com ,Grace,,  ,',
  '',
];
const PEOPLE_ROWS = [
  {
    line: 2,
    fields: { externalId: 'E1', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
    attributes: { Location: 'London', Level: 'L3' },
  },
  {
    line: 3,
    fields: { externalId: 'E2', email: 'grace@example.com', firstName: 'Grace', lastName: null },
    attributes: { Location: null, Level: null },
  },
];

describe('the columns= renames', () => {
  test('pairs of names, trimmed, spaces inside kept', () => {
    expect(parseColumnRenames('Work Email:email, Dept : department,Site:Office Location')).toEqual([
      { from: 'Work Email', to: 'email' },
      { from: 'Dept', to: 'department' },
      { from: 'Site', to: 'Office Location' },
    ]);
    expect(parseColumnRenames('')).toEqual([]);
  });

  test('every malformed pair is named, with how to write it', () => {
    expect(renameFailure('Work Email,Dept:department')).toEqual([
      'query /columns: "Work Email" has no colon: write each rename as Column:name, e.g. Work Email:email',
    ]);
    expect(renameFailure(':email,Dept: ,a:b:c,x:y,,')).toEqual([
      'query /columns: ":email" has an empty column name',
      'query /columns: "Dept:" has an empty new name',
      'query /columns: "a:b:c" has more than one colon: a name holding ":" or "," cannot be renamed here',
      'query /columns: rename 5 is empty: separate renames with one comma',
      'query /columns: rename 6 is empty: separate renames with one comma',
    ]);
    expect(renameFailure('Dept:department,DEPT :title')).toEqual([
      'query /columns: the column "DEPT" is renamed more than once',
    ]);
  });

  test(`at most ${MAX_RENAMES} renames`, () => {
    const pairs = (n: number) => Array.from({ length: n }, (_, i) => `c${i}:a${i}`).join(',');
    expect(parseColumnRenames(pairs(MAX_RENAMES))).toHaveLength(MAX_RENAMES);
    expect(renameFailure(pairs(MAX_RENAMES + 1))).toEqual([
      `query /columns: has ${MAX_RENAMES + 1} renames; at most ${MAX_RENAMES} are allowed`,
    ]);
  });
});

describe('planning the columns of a header', () => {
  const targets = (plan: ColumnPlan) =>
    plan.columns.map(
      (c) => `${c.index}:${c.header}→${c.target.kind === 'field' ? c.target.field : `@${c.target.name}`}`,
    );

  test('fields by name in any case, with spaces, underscores or hyphens; anything else is an attribute', () => {
    const plan = planColumns(
      [
        ' EMAIL ',
        'first_name',
        'Last-Name',
        'display name',
        'EXTERNALID',
        'Manager E-mail',
        'start date',
        'Work Email',
        'Level',
      ],
      [],
    );
    expect(targets(plan)).toEqual([
      '0:EMAIL→email',
      '1:first_name→firstName',
      '2:Last-Name→lastName',
      '3:display name→displayName',
      '4:EXTERNALID→externalId',
      '5:Manager E-mail→managerEmail',
      '6:start date→startDate',
      '7:Work Email→@Work Email',
      '8:Level→@Level',
    ]);
    expect(plan.errors).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  test('renames apply first, matched ignoring case; a rename to no field makes an attribute of that name', () => {
    const renames = parseColumnRenames('work email:email,Dept:Department,Site:Office Location,Nowhere:title');
    const plan = planColumns(['Work Email', 'DEPT', 'Site', 'Email Address'], renames);
    expect(targets(plan)).toEqual([
      '0:Work Email→email',
      '1:DEPT→department',
      '2:Site→@Office Location',
      '3:Email Address→@Email Address',
    ]);
    expect(plan.errors).toEqual([]);
    expect(plan.warnings).toEqual([
      'the rename "Nowhere:title" names no column of the header; the header\'s columns are "Work Email", "DEPT", "Site", "Email Address"',
    ]);
  });

  test('two columns for one target are an error naming both; unnamed and reserved columns are skipped with a warning', () => {
    const plan = planColumns(
      ['Email', 'E-mail', 'Level', '', 'LEVEL', 'Site', ' ', 'constructor'],
      [{ from: 'Site', to: 'email' }],
    );
    expect(plan.errors).toEqual([
      'columns "Email" (column 1), "E-mail" (column 2) and "Site" (column 6) all map to the field email: keep one, or rename the others with columns=',
      'columns "Level" (column 3) and "LEVEL" (column 5) both map to the attribute "Level": keep one, or rename the others with columns=',
    ]);
    expect(plan.warnings).toEqual([
      'column 8 ("constructor") is skipped: its attribute name is a reserved name (constructor); choose another',
      'columns 4 and 7 have no name in the header, so their cells are ignored',
    ]);
  });

  test('a header naming no column, or too many, is an error', () => {
    const noHeader =
      'the CSV has no header row: its first line must name the columns, e.g. "Email,First Name,Last Name"';
    expect(planColumns([], []).errors).toEqual([noHeader]);
    expect(planColumns(['', ' '], []).errors).toEqual([noHeader]);
    const wide = Array.from({ length: MAX_COLUMNS + 1 }, (_, i) => `c${i}`);
    expect(planColumns(wide, []).errors).toEqual([`the header has 501 columns; a CSV may have at most ${MAX_COLUMNS}`]);
    expect(planColumns(wide.slice(1), []).errors).toEqual([]);
  });
});

describe('reading a CSV of people', () => {
  test('rows become fields and attributes; cells are trimmed and an empty one is null', async () => {
    const { plan, rows, rejected } = await read(PEOPLE.join('\n'));
    expect(rows).toEqual(PEOPLE_ROWS);
    expect(rejected).toEqual([]);
    expect(plan?.columns.map((c) => c.header)).toEqual([
      'External ID',
      'Email',
      'First Name',
      'Last Name',
      'Location',
      'Level',
    ]);
  });

  test('CRLF, a byte order mark, a lone CR and mixed line endings read the same as LF', async () => {
    expect((await read(PEOPLE.join('\r\n'))).rows).toEqual(PEOPLE_ROWS);
    expect((await read('\ufeff' + PEOPLE.join('\r\n'))).rows).toEqual(PEOPLE_ROWS);
    expect((await read([Buffer.from([0xef, 0xbb]), Buffer.from([0xbf]), PEOPLE.join('\n')])).rows).toEqual(PEOPLE_ROWS);
    expect((await read(PEOPLE.join('\r'))).rows).toEqual(PEOPLE_ROWS);
    expect((await read(`${PEOPLE[0]}\n${PEOPLE[1]}\r\n${PEOPLE[2]}\r`)).rows).toEqual(PEOPLE_ROWS);
  });

  test('quoted commas, quotes and line breaks; the line numbers after them stay right', async () => {
    const lines = [
      'Email,Title,Notes',
      'a@example.com,"VP, Sales","said ""hi"""',
      'b@example.com,"Head of',
      'People",two lines',
      'c@example.com,Engineer,"three',
      '',
      'lines"',
      'd@example.com,too,many,cells',
      'e@example.com,Ops,',
    ];
    for (const eol of ['\n', '\r\n']) {
      const { rows, rejected } = await read(lines.join(eol) + eol);
      expect(rows.map((r) => [r.line, r.fields.email, r.fields.title, r.attributes.Notes])).toEqual([
        [2, 'a@example.com', 'VP, Sales', 'said "hi"'],
        [3, 'b@example.com', `Head of${eol}People`, 'two lines'],
        [5, 'c@example.com', 'Engineer', `three${eol}${eol}lines`],
        [9, 'e@example.com', 'Ops', null],
      ]);
      expect(rejected).toEqual([
        { line: 8, reason: 'has 4 cells where the header has 3; a value holding a comma must be in double quotes' },
      ]);
    }
  });

  test('a line with the wrong number of cells is rejected by its line and the rows after it still come', async () => {
    const csv = ['Email,Title', 'a@example.com,A', 'b@example.com', '', 'c@example.com,C', 'd@example.com,D,'].join(
      '\n',
    );
    const { rows, rejected } = await read(csv);
    expect(rows.map((r) => [r.line, r.fields.email])).toEqual([
      [2, 'a@example.com'],
      [5, 'c@example.com'],
    ]);
    expect(rejected).toEqual([
      { line: 3, reason: 'has 1 cell where the header has 2' },
      { line: 6, reason: 'has 3 cells where the header has 2; a value holding a comma must be in double quotes' },
    ]);
  });

  test('a quote opened in the middle of the file takes the lines up to its closing quote with it, and says so', async () => {
    const csv = ['Email,Title', 'a@example.com,"Lead', 'b@example.com,B', 'c@example.com,C",extra', 'd@example.com,D'];
    const { rows, rejected } = await read(csv.join('\n'));
    expect(rows.map((r) => r.line)).toEqual([5]);
    expect(rejected).toEqual([
      { line: 2, reason: 'has 3 cells where the header has 2; it runs from line 2 to line 4: check the quotes in it' },
    ]);
  });

  test('a quote never closed is reported at its line and reading stops cleanly', async () => {
    const csv = ['Email,Title', 'a@example.com,A', 'b@example.com,"Unclosed', 'c@example.com,C', ''].join('\r\n');
    const { rows, rejected } = await read(csv);
    expect(rows.map((r) => r.fields.email)).toEqual(['a@example.com']);
    expect(rejected).toEqual([
      {
        line: 3,
        reason: 'opens a quote that is never closed before the end of the file, so lines 3 to 4 cannot be read',
      },
    ]);
  });

  test('a stray quote inside an unquoted cell is kept as text', async () => {
    const { rows } = await read('Email,Display Name\na@example.com,Robert "Bob" Smith\nb@example.com,5\'10"\n');
    expect(rows.map((r) => r.fields.displayName)).toEqual(['Robert "Bob" Smith', '5\'10"']);
  });

  test('blank lines and rows of empty cells are skipped, and still counted as lines', async () => {
    const csv = ['', 'Email,Title', '', 'a@example.com,A', ',', '  \t ', ' ,""', 'b@example.com,B', '', ''].join('\n');
    const { rows, rejected } = await read(csv);
    expect(rows.map((r) => [r.line, r.fields.email])).toEqual([
      [4, 'a@example.com'],
      [8, 'b@example.com'],
    ]);
    expect(rejected).toEqual([]);
  });

  test(`a cell over ${MAX_CELL_CHARS} characters or a row over ${MAX_COLUMNS} cells rejects its line`, async () => {
    const csv = [
      'Email,Title',
      `a@example.com,${'x'.repeat(MAX_CELL_CHARS)}`,
      `b@example.com,"${'y'.repeat(MAX_CELL_CHARS + 1)}"`,
      'c@example.com' + ','.repeat(MAX_COLUMNS),
      'd@example.com,D',
    ].join('\n');
    const { rows, rejected } = await read(csv);
    expect(rows.map((r) => [r.line, r.fields.email, r.fields.title?.length])).toEqual([
      [2, 'a@example.com', MAX_CELL_CHARS],
      [5, 'd@example.com', 1],
    ]);
    expect(rejected).toEqual([
      {
        line: 3,
        reason: `cell 2 ("Title") has ${MAX_CELL_CHARS + 1} characters; a cell may have at most ${MAX_CELL_CHARS}`,
      },
      { line: 4, reason: `has ${MAX_COLUMNS + 1} cells; a row may have at most ${MAX_COLUMNS}` },
    ]);
  });

  test('renamed and unknown columns; the header plan comes first, with its warnings', async () => {
    const renames = parseColumnRenames('Work Email:email,Dept:department,Cost Centre:costCenter');
    const { plan, rows } = await read('Work Email,Dept,Badge Colour,,\nann@example.com,Sales,Blue,ignored,\n', renames);
    expect(rows).toEqual([
      {
        line: 2,
        fields: { email: 'ann@example.com', department: 'Sales' },
        attributes: { 'Badge Colour': 'Blue' },
      },
    ]);
    expect(plan?.warnings).toEqual([
      'columns 4 and 5 have no name in the header, so their cells are ignored',
      'the rename "Cost Centre:costCenter" names no column of the header; the header\'s columns are "Work Email", "Dept", "Badge Colour"',
    ]);
  });

  test('a column named like an object property is skipped, and attributes never inherit one', async () => {
    const { plan, rows } = await read('Email,__proto__,Level\na@example.com,x,L1\n');
    expect(plan?.warnings).toEqual([
      'column 2 ("__proto__") is skipped: its attribute name is a reserved name (__proto__); choose another',
    ]);
    expect(rows[0]!.attributes).toEqual({ Level: 'L1' });
    expect(rows[0]!.attributes.toString).toBeUndefined();
  });

  test('a header that cannot be used refuses the file with a validation problem', async () => {
    const noHeader =
      'body : the CSV has no header row: its first line must name the columns, e.g. "Email,First Name,Last Name"';
    expect(await readFailure('')).toEqual(['body : the CSV has no header row: it is empty']);
    expect(await readFailure('\ufeff\r\n  \n\n')).toEqual(['body : the CSV has no header row: it is empty']);
    expect(await readFailure(',,\na,b,c\n')).toEqual([noHeader]);
    expect(await readFailure('"Email,Title\na,b\n')).toEqual([
      'body : the CSV has no header row: line 1 opens a quote that is never closed before the end of the file, so lines 1 to 2 cannot be read',
    ]);
    expect(await readFailure('Email,E-Mail\na,b\n')).toEqual([
      'body : columns "Email" (column 1) and "E-Mail" (column 2) both map to the field email: keep one, or rename the others with columns=',
    ]);
  });

  test('rows come in batches, each with the lines rejected among its rows', async () => {
    const lines = ['Email'];
    for (let i = 1; i <= 1_200; i += 1) lines.push(i === 100 ? 'x@example.com,extra' : `p${i}@example.com`);
    const { batches, rows, rejected } = await read(lines.join('\n'));
    expect(batches.map((b) => [b.rows.length, b.rejected.length])).toEqual([
      [BATCH_ROWS - 1, 1],
      [BATCH_ROWS, 0],
      [1_200 - 1 - (2 * BATCH_ROWS - 1), 0],
    ]);
    expect(rejected.map((r) => r.line)).toEqual([101]);
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: 1_200 }, (_, i) => i + 2).filter((l) => l !== 101));
  });

  test('input cut anywhere, through UTF-8 characters and CRLF pairs, reads the same as in one piece', async () => {
    const text =
      '\ufeffEmail,Prénom,Notes\r\n' +
      'zoë@example.com,Zoë,"日本語, 😀\r\nsecond line"\r\n' +
      '\r\n' +
      'émile@example.com,Émile,"""quoted"" ✓"\r\n' +
      'bad@example.com,"two\r\nlines",and,more\r\n' +
      'last@example.com,Åsa,😀😀\r\n';
    const bytes = Buffer.from(text);
    const whole = await read([bytes]);
    expect(whole.rows.map((r) => r.line)).toEqual([2, 5, 8]);
    expect(whole.rejected.map((r) => r.line)).toEqual([6]);
    const oneByteEach = Array.from(bytes, (byte) => Buffer.from([byte]));
    expect(await read(oneByteEach)).toEqual(whole);
    const sizes = [2, 3, 5, 7];
    const uneven: Buffer[] = [];
    for (let at = 0, i = 0; at < bytes.length; at += sizes[i % sizes.length]!, i += 1)
      uneven.push(bytes.subarray(at, at + sizes[i % sizes.length]!));
    expect(await read(uneven)).toEqual(whole);
  });

  test('a failing input fails the reading with its error', async () => {
    async function* broken() {
      yield Buffer.from('Email\na@example.com\n');
      throw new Error('connection reset');
    }
    const reading = (async () => {
      for await (const batch of readCsvPeople(broken(), { renames: [] })) void batch;
    })();
    await expect(reading).rejects.toThrow('connection reset');
  });

  test('a caller that stops early releases the input', async () => {
    let released = false;
    async function* endless() {
      try {
        yield 'Email\n';
        for (let i = 0; ; i += 1) yield `p${i}@example.com\n`;
      } finally {
        released = true;
      }
    }
    for await (const batch of readCsvPeople(endless(), { renames: [] })) {
      expect(batch.rows).toHaveLength(BATCH_ROWS);
      break;
    }
    for (let i = 0; i < 10 && !released; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(true);
  });
});

describe('any table written as CSV reads back the same', () => {
  const unit = fc.oneof(
    fc.constantFrom(',', '"', '\n', '\r', '\r\n', ' ', '\t', 'é', '😀'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  );
  const cell = fc.string({ unit, maxLength: 6 });
  const table = fc
    .integer({ min: 1, max: 4 })
    .chain((width) =>
      fc
        .array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 10 })
        .map((rows) => ({ width, rows })),
    );
  const breaks = (text: string) => text.match(/\r\n|\r|\n/g)?.length ?? 0;

  test('cells trimmed (empty as null), rows of blanks skipped, every row at the line it starts on', async () => {
    await fc.assert(
      fc.asyncProperty(
        table,
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        async ({ width, rows }, eol, bom, quoteAll, finalBreak, cuts) => {
          const header = Array.from({ length: width }, (_, i) => `Column ${i + 1}`);
          const quote = (value: string) =>
            quoteAll || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
          let text = (bom ? '\ufeff' : '') + header.join(',');
          const expected: unknown[] = [];
          for (const row of rows) {
            text += eol;
            const values = row.map((value) => value.trim());
            if (values.some((value) => value !== ''))
              expected.push({
                line: breaks(text) + 1,
                fields: {},
                attributes: Object.fromEntries(header.map((name, i) => [name, values[i] || null])),
              });
            text += row.map(quote).join(',');
          }
          if (finalBreak) text += eol;
          const got = await read(cut(Buffer.from(text), cuts));
          expect(got.rejected).toEqual([]);
          expect(got.rows).toEqual(expected);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
});
