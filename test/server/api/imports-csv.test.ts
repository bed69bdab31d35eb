// CSV snapshots over the real API: a spreadsheet's export as it really comes (a BOM, CRLF, quoted
// commas, renamed and unknown columns, a broken line), and what is refused outright.
import { eachStore, type TestServer } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';
import { get, post } from '../../helpers/people';

function importCsv(server: TestServer, csv: string | Buffer, query: string, contentType = 'text/csv') {
  return call(server.url, `/v1/imports?${query}`, {
    key: server.org.ownerKey,
    body: csv,
    headers: { 'content-type': contentType },
  });
}

async function bySource(server: TestServer, source: string) {
  const res = await get(server, `/v1/employees?source=${source}&limit=200&sort=email`);
  expect(res.status).toBe(200);
  return res.body.data as Record<string, unknown>[];
}

eachStore('CSV imports', (server) => {
  test('a spreadsheet export with a BOM, CRLF, quoted commas, a renamed and an unknown column, and a broken line', async () => {
    expect((await post(server(), '/v1/attributes', { name: 'Location', type: 'text' })).status).toBe(201);
    const csv =
      '\uFEFFExternal ID,Work Email,First Name,Last Name,Title,Dept,Location,Shoe Size\r\n' +
      'C-1,ann@csv.example,Ann,Archer,"Director, Sales",Sales,Lisbon,38\r\n' +
      'C-2,bob@csv.example,Bob,"Baker, Jr.",Engineer,Engineering,"Porto",44\r\n' +
      'C-3,cat@csv.example,Cat,Cole,Engineer\r\n' +
      'C-4,dan@csv.example,Dan,Dale,Designer,Design,,\r\n';
    const res = await importCsv(
      server(),
      csv,
      `source=sheet&columns=${encodeURIComponent('Work Email:email,Dept:department')}`,
    );
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ status: 'completed', created: 3, skipped: 1 });
    expect(res.body.data.skippedPeople).toEqual([
      { externalId: null, reason: expect.stringMatching(/^line 4: .*(cells|columns|fields)/) },
    ]);
    expect(res.body.data.skippedFields).toEqual([
      expect.objectContaining({ field: 'Shoe Size', reason: expect.stringMatching(/no attribute is named/) }),
    ]);
    const people = await bySource(server(), 'sheet');
    expect(people.map((p) => [p.email, p.title, p.department, p.lastName])).toEqual([
      ['ann@csv.example', 'Director, Sales', 'Sales', 'Archer'],
      ['bob@csv.example', 'Engineer', 'Engineering', 'Baker, Jr.'],
      ['dan@csv.example', 'Designer', 'Design', 'Dale'],
    ]);
    expect(people[0].attributes).toEqual({ Location: 'Lisbon' });
    expect(people[2].attributes).toEqual({});
  });

  test('a CSV dry run previews, and apply writes the same', async () => {
    const csv =
      'email,firstName,lastName,managerEmail\nm@dry.example,Mo,Manager,\nr@dry.example,Ro,Report,m@dry.example\n';
    const preview = await importCsv(server(), csv, 'source=dry-csv&match=email&dryRun=true');
    expect(preview.body.data).toMatchObject({ status: 'previewed', created: 2, match: 'email' });
    expect(await bySource(server(), 'dry-csv')).toEqual([]);
    const applied = await post(server(), `/v1/imports/${preview.body.data.id}/apply`, {});
    expect(applied.body.data).toMatchObject({ status: 'completed', created: 2 });
    const [manager, report] = await bySource(server(), 'dry-csv');
    expect(report.managerId).toBe(manager.id);
  });

  test('refused outright, changing nothing: no header, an unknown match, a bad source, the wrong content type', async () => {
    const before = (await get(server(), '/v1/employees?limit=200')).body.data.length;
    const noHeader = expectProblem(await importCsv(server(), '', 'source=empty-csv'), 400);
    expect(noHeader.detail).toMatch(/header/);
    expectProblem(await importCsv(server(), '\r\n\r\n', 'source=empty-csv'), 400);
    const match = expectProblem(await importCsv(server(), 'email\nx@y.example\n', 'source=ok-csv&match=name'), 400);
    expect(JSON.stringify(match)).toMatch(/externalId, email/);
    const reserved = expectProblem(await importCsv(server(), 'email\nx@y.example\n', 'source=hibob'), 400);
    expect(JSON.stringify(reserved)).toMatch(/reserved/);
    expectProblem(await importCsv(server(), 'email\nx@y.example\n', 'source=BAD'), 400);
    const type = expectProblem(await importCsv(server(), 'email\nx@y.example\n', 'source=ok-csv', 'text/plain'), 415);
    expect(type.detail).toMatch(/application\/json or text\/csv/);
    const columns = expectProblem(
      await importCsv(server(), 'email\nx@y.example\n', `source=ok-csv&columns=${encodeURIComponent('no colon here')}`),
      400,
    );
    expect(JSON.stringify(columns)).toMatch(/columns/);
    expect((await get(server(), '/v1/employees?limit=200')).body.data.length).toBe(before);
  });
});
