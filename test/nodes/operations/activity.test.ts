import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { PeopleHub } from '../../../nodes/PeopleHub/PeopleHub.node';
import { type TestServer, startTestServer } from '../../helpers/harness';
import { ALL_PERMISSIONS, appCredentials, n8nContext } from '../../helpers/n8n-context';
import { createEmployee } from '../../helpers/people';

// Event → Get and Get Many, and Audit Log → Get Many, run through the node against a real server.
describe('PeopleHub node: events and the audit log', () => {
  let server: TestServer;
  let credentials: IDataObject;
  const node = new PeopleHub();

  async function run(parameters: Record<string, unknown>): Promise<IDataObject[]> {
    const context = n8nContext({ credentials, parameters });
    const [output] = await node.execute.call(context.self);
    return output.map((item: INodeExecutionData) => item.json);
  }

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    credentials = await appCredentials(server, ALL_PERMISSIONS);
  });
  afterAll(() => server?.close());

  test('events: get many by type and time, oldest first, and one by ID', async () => {
    const first = await createEmployee(server, { email: 'event.one@acme.example' });
    const second = await createEmployee(server, { email: 'event.two@acme.example' });
    const events = await run({
      resource: 'event',
      operation: 'getAll',
      returnAll: true,
      filters: { type: 'employee.created', since: '2026-11-01T00:00:00' },
    });
    expect(events.map((e) => (e.data as { object: { id: string } }).object.id)).toEqual([first.id, second.id]);
    expect(events.every((e) => e.type === 'employee.created')).toBe(true);
    const [one] = await run({ resource: 'event', operation: 'get', eventId: events[1].id });
    expect(one).toEqual(events[1]);
    expect(await run({ resource: 'event', operation: 'getAll', returnAll: false, limit: 1, filters: {} })).toHaveLength(
      1,
    );
  });

  test('audit log: get many about one object, between two times', async () => {
    const employee = await createEmployee(server, { email: 'audited@acme.example' });
    const entries = await run({
      resource: 'audit',
      operation: 'getAll',
      returnAll: true,
      filters: { targetId: employee.id, since: '2026-11-01T00:00:00Z', until: '2027-01-01T00:00:00Z' },
    });
    expect(entries).toEqual([
      expect.objectContaining({ action: 'employee.created', target: expect.objectContaining({ id: employee.id }) }),
    ]);
    expect(
      await run({
        resource: 'audit',
        operation: 'getAll',
        returnAll: true,
        filters: { targetId: employee.id, until: '2026-11-01T00:00:00Z' },
      }),
    ).toEqual([]);
  });
});
