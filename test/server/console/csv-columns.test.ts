// The console reads a CSV header the way the server does: each header name going where the server
// would put it, and an upload the console plans read by the server's own CSV reader exactly as the
// person mapped it, with every line keeping its number.
import {
  type ColumnTarget,
  type HeaderColumn,
  inferTarget,
  planUpload,
  readHeader,
} from '../../../server/console/src/csv-columns';
import {
  type CsvBatch,
  type ColumnPlan,
  parseColumnRenames,
  planColumns,
  readCsvPeople,
} from '../../../server/src/integrations/imports/csv';

async function* chunks(text: string) {
  yield Buffer.from(text, 'utf8');
}

/** What the server's reader makes of an upload: its header plan and every batch. */
async function readOnServer(text: string, columns: string) {
  let plan: ColumnPlan | null = null;
  const batches: CsvBatch[] = [];
  for await (const batch of readCsvPeople(chunks(text), {
    renames: parseColumnRenames(columns),
    onHeader: (p) => (plan = p),
  }))
    batches.push(batch);
  return {
    plan: plan as ColumnPlan | null,
    rows: batches.flatMap((b) => b.rows),
    rejected: batches.flatMap((b) => b.rejected),
  };
}

function columnsOf(text: string): HeaderColumn[] {
  const header = readHeader(text);
  if ('problem' in header) throw new Error(header.problem);
  return header.columns;
}

describe('the console reads a CSV header as the server does', () => {
  test('each header name goes to the field or attribute the server would fill', () => {
    for (const name of ['Work Email', 'First Name', 'manager-external-id', 'Dept', 'Location', 'E-Mail']) {
      const target = planColumns([name], []).columns[0].target;
      const server: ColumnTarget = target.kind === 'field' ? target.field : 'attribute';
      expect({ name, target: inferTarget(name) }).toEqual({ name, target: server });
    }
  });

  test('the header is the first line that is not blank, after a byte order mark, quotes unwrapped', () => {
    const text =
      '\uFEFF\r\n  \r\nExternal ID, "Name, full","Say ""hi""",Work Email,,Dept\r\nE-1,Ann,hi,ann@x.example,,Sales\r\n';
    const columns = columnsOf(text);
    expect(columns.map((c) => [c.name, c.inferred])).toEqual([
      ['External ID', 'externalId'],
      ['Name, full', 'attribute'],
      ['Say "hi"', 'attribute'],
      ['Work Email', 'attribute'],
      ['', 'skip'],
      ['Dept', 'attribute'],
    ]);
    // Each column knows where its name sits in the file.
    expect(text.slice(columns[1].start, columns[1].end)).toBe(' "Name, full"');
  });

  test('a file with no usable header says why', () => {
    expect(readHeader('')).toEqual({ problem: expect.stringMatching(/empty/) });
    expect(readHeader('\uFEFF\n \n')).toEqual({ problem: expect.stringMatching(/empty/) });
    expect(readHeader(',,\nx,y,z\n')).toEqual({ problem: expect.stringMatching(/names no columns/) });
    expect(readHeader('email,"Name\nann@x.example,Ann\n')).toEqual({ problem: expect.stringMatching(/never closed/) });
  });
});

describe('an upload planned in the console', () => {
  const text =
    'External ID,Work Email,"Notes\non two lines",Name: Display,Dept,Shoe Size,Location\r\n' +
    'E-1,ann@x.example,likes tea,Ann A.,Sales,38,Lisbon\r\n' +
    'E-2,bob@x.example,"a note\nthat runs on",Bob B.,Design,44,Porto\r\n' +
    'E-3,broken\r\n';

  test('renames, skips and keeps the attributes as mapped, and the server reads it so', async () => {
    const columns = columnsOf(text);
    const chosen: ColumnTarget[] = columns.map((c) => c.inferred);
    chosen[1] = 'email';
    chosen[2] = 'skip';
    chosen[3] = 'displayName';
    chosen[4] = 'department';
    chosen[5] = 'skip';
    const plan = planUpload(text, columns, chosen);
    expect(plan.conflicts).toEqual([]);
    expect(plan.skipped).toEqual(['Notes\non two lines', 'Shoe Size']);
    // A name holding a colon cannot be named in columns=, so the header says the field instead.
    expect(plan.columns).toBe('Work Email:email,Dept:department');
    expect(plan.text.split('\r\n').slice(1)).toEqual(text.split('\r\n').slice(1));

    const read = await readOnServer(plan.text, plan.columns);
    // The header's quoted name runs over two lines, so the rows start on line 3.
    expect(read.rows.map((r) => [r.line, r.fields, { ...r.attributes }])).toEqual([
      [
        3,
        { externalId: 'E-1', email: 'ann@x.example', displayName: 'Ann A.', department: 'Sales' },
        { Location: 'Lisbon' },
      ],
      [
        4,
        { externalId: 'E-2', email: 'bob@x.example', displayName: 'Bob B.', department: 'Design' },
        { Location: 'Porto' },
      ],
    ]);
    // The two-line name still counts as two lines: the broken row is reported on its line of the file.
    expect(read.rejected).toEqual([{ line: 6, reason: expect.stringMatching(/2 cells where the header has 7/) }]);
    expect(read.plan?.warnings).toEqual([expect.stringMatching(/columns 3 and 6 have no name/)]);
  });

  test('with nothing changed, the file goes as it is and no rename is asked for', () => {
    const columns = columnsOf(text);
    const plan = planUpload(
      text,
      columns,
      columns.map((c) => c.inferred),
    );
    expect(plan).toEqual({ columns: '', text, skipped: [], conflicts: [] });
  });

  test('two columns filling one field or one attribute are a conflict, named', () => {
    const both = 'Email,Work Email,Location,location\n';
    const columns = columnsOf(both);
    const plan = planUpload(both, columns, ['email', 'email', 'attribute', 'attribute']);
    expect(plan.conflicts).toEqual([
      '"Email" and "Work Email" both fill the field E-mail: keep one, skip the others.',
      '"Location" and "location" both fill the attribute "Location": keep one, skip the others.',
    ]);
  });
});
