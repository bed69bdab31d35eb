import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { PeopleHub } from '../../../nodes/PeopleHub/PeopleHub.node';
import { personOf } from '../../../nodes/PeopleHub/operations/imports';
import { type TestServer, startTestServer } from '../../helpers/harness';
import { ALL_PERMISSIONS, type Context, appCredentials, n8nContext } from '../../helpers/n8n-context';
import { get } from '../../helpers/people';

// Import → Sync Snapshot, Apply, Get and Get Many, run through the node against a real server.
describe('PeopleHub node: imports', () => {
  let server: TestServer;
  let credentials: IDataObject;
  const node = new PeopleHub();

  async function run(
    parameters: Record<string, unknown>,
    options: { items?: INodeExecutionData[]; continueOnFail?: boolean } = {},
  ): Promise<{ output: INodeExecutionData[]; context: Context }> {
    const context = n8nContext({
      credentials,
      parameters,
      items: options.items,
      continueOnFail: options.continueOnFail,
    });
    const [output] = await node.execute.call(context.self);
    return { output, context };
  }

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    credentials = await appCredentials(server, ALL_PERMISSIONS);
  });
  afterAll(() => server?.close());

  /** Three people as a read node gives them: n8n's own fields beside theirs, dates as timestamps. */
  const people: INodeExecutionData[] = [
    {
      json: {
        externalId: 'BH-1',
        email: 'ada.snapshot@acme.example',
        firstName: 'Ada',
        lastName: 'Lovelace',
        department: 'Engineering',
        startDate: '2025-03-01T00:00:00.000Z',
        row_number: 2,
      },
    },
    {
      json: {
        externalId: 'BH-2',
        email: 'grace.snapshot@acme.example',
        firstName: 'Grace',
        lastName: 'Hopper',
        managerExternalId: 'BH-1',
        row_number: 3,
      },
    },
    {
      json: {
        externalId: 'BH-3',
        email: 'alan.snapshot@acme.example',
        firstName: 'Alan',
        lastName: 'Turing',
        title: 'Researcher',
        row_number: 4,
      },
    },
  ];
  const snapshot = {
    resource: 'import',
    operation: 'syncSnapshot',
    source: 'bamboohr',
    match: 'externalId',
    mode: 'full',
    dryRun: true,
    snapshotOptions: { otherFields: 'drop' },
  };

  test('three input items become one snapshot, sent once: a dry run, then applied, read and listed', async () => {
    const { output, context } = await run(snapshot, { items: people });
    expect(context.trace.requests.filter((r) => r.url.startsWith('/v1/imports')).map((r) => r.method)).toEqual([
      'POST',
    ]);
    expect(output).toHaveLength(1);
    expect(output[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
    const preview = output[0].json;
    expect(preview).toMatchObject({
      source: 'bamboohr',
      status: 'previewed',
      mode: 'full',
      match: 'externalId',
      dryRun: true,
      created: 3,
      skipped: 0,
      warnings: [],
    });
    expect((await get(server, '/v1/employees?source=bamboohr')).body.data).toEqual([]);

    const applied = (await run({ resource: 'import', operation: 'apply', importId: preview.id })).output[0].json;
    expect(applied).toMatchObject({ id: preview.id, status: 'completed', created: 3 });
    const imported = (await get(server, '/v1/employees?source=bamboohr&sort=lastName')).body.data as IDataObject[];
    expect(imported.map((e) => [e.lastName, e.startDate])).toEqual([
      ['Hopper', null],
      ['Lovelace', '2025-03-01'],
      ['Turing', null],
    ]);
    expect(imported.find((e) => e.lastName === 'Hopper')?.managerId).toBe(
      imported.find((e) => e.lastName === 'Lovelace')?.id,
    );

    const fetched = (await run({ resource: 'import', operation: 'get', importId: ` ${String(preview.id)} ` })).output;
    expect(fetched[0].json).toMatchObject({ id: preview.id, status: 'completed' });
    const listed = (
      await run({
        resource: 'import',
        operation: 'getAll',
        returnAll: true,
        filters: { source: 'bamboohr', status: 'completed' },
      })
    ).output.map((item) => item.json.id);
    expect(listed).toEqual([preview.id]);

    // Applied already: the server's 409 comes through as the node's error.
    await expect(run({ resource: 'import', operation: 'apply', importId: preview.id })).rejects.toMatchObject({
      httpCode: '409',
    });
  });

  test('by default other fields are left out, and the output names them', async () => {
    const items = people.map((item, index) => ({
      json: { ...item.json, externalId: `WD-${index}`, email: `wd${index}@acme.example`, id: index + 10 },
    }));
    const { output } = await run({ ...snapshot, source: 'workday', snapshotOptions: {} }, { items });
    expect(output[0].json).toMatchObject({
      status: 'previewed',
      created: 3,
      skipped: 0,
      leftOutFields: ['id', 'row_number'],
    });
    const notice = node.description.properties.find(
      (p) => p.type === 'notice' && p.displayOptions?.show?.operation?.includes('syncSnapshot'),
    );
    expect(notice?.displayName).toContain('left out');
  });

  test('other fields are sent as they are (the person is skipped and the run says why), or as attributes', async () => {
    const asIs = (
      await run(
        { ...snapshot, source: 'personio', mode: 'partial', snapshotOptions: { otherFields: 'skip' } },
        { items: people.slice(0, 1) },
      )
    ).output[0].json;
    expect(asIs).not.toHaveProperty('leftOutFields');
    expect(asIs).toMatchObject({ status: 'previewed', created: 0, skipped: 1 });
    expect(JSON.stringify(asIs.skippedPeople)).toContain('row_number');

    expect(personOf({ email: 'a@x.example', Office: 'Berlin', attributes: { Team: 'Core' } }, 'attributes')).toEqual({
      email: 'a@x.example',
      attributes: { Office: 'Berlin', Team: 'Core' },
    });
    expect(personOf({ email: 'a@x.example', separationDate: '2026-12-31T00:00:00.000Z', id: 7 }, 'drop')).toEqual({
      email: 'a@x.example',
      separationDate: '2026-12-31',
    });
  });

  test('a refused snapshot is one error, paired with every item; continueOnFail turns it into one item', async () => {
    await expect(run({ ...snapshot, source: 'api' }, { items: people })).rejects.toMatchObject({
      httpCode: '400',
      description: expect.stringMatching(/source/),
    });
    const { output } = await run({ ...snapshot, source: 'api' }, { items: people, continueOnFail: true });
    expect(output).toEqual([
      { json: { error: expect.any(String) }, pairedItem: [{ item: 0 }, { item: 1 }, { item: 2 }] },
    ]);
  });
});
