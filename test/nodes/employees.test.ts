import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { PeopleHub } from '../../nodes/PeopleHub/PeopleHub.node';
import { type TestServer, startTestServer } from '../helpers/harness';
import { ALL_PERMISSIONS, type Context, appCredentials, n8nContext } from '../helpers/n8n-context';
import { createEmployee, get, post } from '../helpers/people';
import { rl } from '../helpers/node-under-test';

// The employee operations of version 2 (Create or Update, custom attributes, sparse updates, the
// new list options) against a real server.
describe('PeopleHub node: employees, version 2', () => {
  let server: TestServer;
  let credentials: IDataObject;
  const node = new PeopleHub();

  async function run(
    parameters: Record<string, unknown>,
    typeVersion = 2,
  ): Promise<{ output: INodeExecutionData[]; context: Context }> {
    const context = n8nContext({ credentials, parameters, typeVersion });
    const [output] = await node.execute.call(context.self);
    return { output, context };
  }
  const upsert = (match: ReturnType<typeof rl>, extra: Record<string, unknown> = {}) =>
    run({ resource: 'employee', operation: 'upsert', match, additionalFields: {}, ...extra });

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    credentials = await appCredentials(server, ALL_PERMISSIONS);
    await post(server, '/v1/attributes', { name: 'Desk', type: 'number' });
    await post(server, '/v1/attributes', { name: 'Remote', type: 'boolean' });
    await post(server, '/v1/attributes', { name: 'Skills', type: 'multi_option', options: ['Go', 'SQL', 'TS'] });
    await post(server, '/v1/attributes', { name: 'Badge Date', type: 'date' });
  });
  afterAll(() => server?.close());

  test('Create or Update by email: created, then unchanged, then updated, with the result in the output', async () => {
    const fields = { firstName: 'Ada', lastName: 'Lovelace', additionalFields: { title: 'Engineer' } };
    const { output: created } = await upsert(rl('email', 'ada.upsert@acme.example'), fields);
    expect(created[0].json).toMatchObject({ email: 'ada.upsert@acme.example', title: 'Engineer', result: 'created' });
    expect(created[0].pairedItem).toEqual({ item: 0 });
    const { output: same } = await upsert(rl('email', 'ADA.upsert@acme.example'), fields);
    expect(same[0].json).toMatchObject({ id: created[0].json.id, result: 'unchanged' });
    const { output: changed } = await upsert(rl('email', 'ada.upsert@acme.example'), {
      firstName: '',
      lastName: '',
      additionalFields: { title: 'Principal Engineer', department: '' },
    });
    expect(changed[0].json).toMatchObject({
      id: created[0].json.id,
      firstName: 'Ada',
      title: 'Principal Engineer',
      result: 'updated',
    });
  });

  test("Create or Update by external ID, and a missing name for a new person is the server's clear 400", async () => {
    const { output: created } = await upsert(rl('externalId', 'HR-77'), {
      firstName: 'Grace',
      lastName: 'Hopper',
      additionalFields: { email: 'grace.upsert@acme.example' },
    });
    expect(created[0].json).toMatchObject({ externalId: 'HR-77', result: 'created' });
    const { output: again } = await upsert(rl('externalId', 'HR-77'), { fieldsToClear: [] });
    expect(again[0].json).toMatchObject({ id: created[0].json.id, result: 'unchanged' });
    const refused = (await upsert(rl('email', 'nameless@acme.example')).catch((e: unknown) => e)) as Error & {
      httpCode?: string;
      description?: string;
    };
    expect(refused.httpCode).toBe('400');
    expect(refused.description).toMatch(/firstName|lastName/);
  });

  test('custom attributes by name and value, converted by type; a value of the wrong type is a clear error', async () => {
    const { output } = await run({
      resource: 'employee',
      operation: 'create',
      email: 'attributes@acme.example',
      firstName: 'Attr',
      lastName: 'Ibutes',
      additionalFields: {},
      customAttributes: {
        attribute: [
          { name: 'Desk', value: '42' },
          { name: 'Remote', value: 'yes' },
          { name: 'Skills', value: 'Go, TS' },
          { name: 'Badge Date', value: '2026-03-01T00:00:00' },
          { name: 'Desk', value: '' },
        ],
      },
    });
    expect(output[0].json.attributes).toEqual({
      Desk: 42,
      Remote: true,
      Skills: ['Go', 'TS'],
      'Badge Date': '2026-03-01',
    });
    const wrong = (await run({
      resource: 'employee',
      operation: 'update',
      employeeId: rl('id', String(output[0].json.id)),
      updateFields: {},
      customAttributes: { attribute: [{ name: 'Desk', value: 'by the window' }] },
    }).catch((e: unknown) => e)) as NodeOperationError;
    expect(wrong).toBeInstanceOf(NodeOperationError);
    expect(wrong.message).toContain('Desk');
  });

  test('Update sends only the fields filled in; Fields to Clear and attributes to clear empty them on purpose', async () => {
    const e = await createEmployee(server, {
      email: 'sparse@acme.example',
      title: 'Analyst',
      department: 'Finance',
      phone: '+49 30 1234',
      attributes: { Desk: 7, Remote: false },
    });
    const employeeId = rl('list', e.id);
    const { output: updated } = await run({
      resource: 'employee',
      operation: 'update',
      employeeId,
      // An added field left empty, or an expression giving '', leaves the value alone.
      updateFields: { title: 'Senior Analyst', department: '', phone: '', managerId: rl('list', '') },
    });
    expect(updated[0].json).toMatchObject({ title: 'Senior Analyst', department: 'Finance', phone: '+49 30 1234' });
    const { output: cleared } = await run({
      resource: 'employee',
      operation: 'update',
      employeeId,
      updateFields: {},
      fieldsToClear: ['department', 'phone'],
      attributesToClear: ['Desk'],
    });
    expect(cleared[0].json).toMatchObject({ title: 'Senior Analyst', department: null, phone: null });
    expect(cleared[0].json.attributes).toEqual({ Remote: false });
    const nothing = (await run({
      resource: 'employee',
      operation: 'update',
      employeeId,
      updateFields: { title: '' },
    }).catch((error: unknown) => error)) as NodeOperationError;
    expect(nothing).toBeInstanceOf(NodeOperationError);
    expect(nothing.message).toMatch(/Nothing to update/);
  });

  test('an expression giving null changes nothing in version 2: Update, Create or Update, and attributes', async () => {
    const e = await createEmployee(server, {
      email: 'null.expression@acme.example',
      title: 'Kept Title',
      department: 'Kept Department',
      phone: '+49 30 5555',
      attributes: { Desk: 7 },
    });
    const { output: updated } = await run({
      resource: 'employee',
      operation: 'update',
      employeeId: rl('list', e.id),
      updateFields: { title: null, department: 'Moved' },
      customAttributes: { attribute: [{ name: 'Desk', value: null }] },
    });
    expect(updated[0].json).toMatchObject({ title: 'Kept Title', department: 'Moved', attributes: { Desk: 7 } });
    const { output: upserted } = await upsert(rl('email', 'null.expression@acme.example'), {
      firstName: 'Still',
      additionalFields: { phone: null, title: null },
    });
    expect(upserted[0].json).toMatchObject({
      result: 'updated',
      firstName: 'Still',
      phone: '+49 30 5555',
      title: 'Kept Title',
    });
    // Version 1 sends null as it always did.
    const { output: v1 } = await run(
      { resource: 'employee', operation: 'update', employeeId: e.id, updateFields: { title: null } },
      1,
    );
    expect(v1[0].json.title).toBeNull();
  });

  test('Get Many: sort, tenure band, surveyable and the day they are taken on', async () => {
    const today = server.clock.now();
    const monthsAgo = (months: number) => {
      const d = new Date(today);
      d.setUTCMonth(d.getUTCMonth() - months);
      return d.toISOString().slice(0, 10);
    };
    await createEmployee(server, { lastName: 'Zed', department: 'Tenure', startDate: monthsAgo(18) });
    await createEmployee(server, { lastName: 'Amos', department: 'Tenure', startDate: monthsAgo(30) });
    await createEmployee(server, { lastName: 'Future', department: 'Tenure', startDate: monthsAgo(-2) });
    const names = async (filters: Record<string, unknown>) =>
      (
        await run({
          resource: 'employee',
          operation: 'getAll',
          returnAll: true,
          filters: { department: 'Tenure', ...filters },
        })
      ).output.map((item) => item.json.lastName);
    expect(await names({ sort: '-lastName' })).toEqual(['Zed', 'Future', 'Amos']);
    expect(await names({ sort: 'startDate', surveyable: true })).toEqual(['Amos', 'Zed']);
    expect(await names({ surveyable: false, sort: 'lastName' })).toEqual(['Amos', 'Future', 'Zed']);
    expect(await names({ tenure: '1-2y' })).toEqual(['Zed']);
    // On a day three years from now, the future hire has started and all three are surveyable.
    const later = new Date(today.getTime() + 3 * 365 * 86_400_000).toISOString().slice(0, 19);
    expect(await names({ surveyable: true, on: later, sort: 'lastName' })).toEqual(['Amos', 'Future', 'Zed']);
  });

  test('version 1 has no Create or Update and keeps the JSON attributes', async () => {
    const operations = node.description.properties.filter(
      (p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('employee'),
    );
    const values = operations.map((p) => (p.options as { value: string }[]).map((o) => o.value));
    expect(values).toEqual([
      ['create', 'upsert', 'delete', 'get', 'getAll', 'update'],
      ['create', 'delete', 'get', 'getAll', 'update'],
    ]);
    const { output } = await run(
      {
        resource: 'employee',
        operation: 'create',
        email: 'version.one.attrs@acme.example',
        firstName: 'V',
        lastName: 'One',
        additionalFields: { attributes: '{"Desk": 3}' },
      },
      1,
    );
    expect(output[0].json.attributes).toEqual({ Desk: 3 });
    expect((await get(server, `/v1/employees/${String(output[0].json.id)}`)).body.data.attributes).toEqual({ Desk: 3 });
  });
});
