import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { PeopleHub } from '../../nodes/PeopleHub/PeopleHub.node';
import { type TestServer, startTestServer } from '../helpers/harness';
import { ALL_PERMISSIONS, appCredentials, n8nContext } from '../helpers/n8n-context';
import { createEmployee, post } from '../helpers/people';
import { rl } from '../helpers/node-under-test';

// Recognitions in version 2 name people by email or ID; version 1 takes IDs only, as before.
describe('PeopleHub node: recognitions by email or ID', () => {
  let server: TestServer;
  let credentials: IDataObject;
  const node = new PeopleHub();
  let giver: { id: string };
  let first: { id: string };
  let second: { id: string };

  async function run(parameters: Record<string, unknown>, typeVersion = 2): Promise<INodeExecutionData[]> {
    const context = n8nContext({ credentials, parameters, typeVersion });
    const [output] = await node.execute.call(context.self);
    return output;
  }
  const recognize = (giverId: unknown, recipientIds: string, typeVersion = 2, additionalFields: IDataObject = {}) =>
    run({ resource: 'recognition', operation: 'create', giverId, recipientIds, additionalFields }, typeVersion);

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    credentials = await appCredentials(server, ALL_PERMISSIONS);
    giver = await createEmployee(server, { email: 'giver@acme.example' });
    first = await createEmployee(server, { email: 'First.Recipient@acme.example' });
    second = await createEmployee(server, { email: 'second.recipient@acme.example' });
  });
  afterAll(() => server?.close());

  test('the giver by email, recipients by email and ID mixed; a program picked from the list', async () => {
    const program = (await post(server, '/v1/programs', { name: 'Kudos' })).body.data;
    const [item] = await recognize(rl('email', 'giver@acme.example'), `first.recipient@acme.example, ${second.id}`, 2, {
      note: 'Thanks!',
      programId: rl('list', program.id),
    });
    expect(item.json).toMatchObject({ giverId: giver.id, programId: program.id });
    expect(JSON.stringify(item.json)).toContain(first.id);
    expect(JSON.stringify(item.json)).toContain(second.id);
    const [byId] = await recognize(rl('list', giver.id), first.id);
    expect(byId.json.giverId).toBe(giver.id);
  });

  test('an unknown email is an error naming it, before anything is sent', async () => {
    const error = (await recognize(rl('id', giver.id), 'nobody@acme.example').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toContain('nobody@acme.example');
  });

  test('version 1: text IDs, comma-separated, as before', async () => {
    const [item] = await recognize(giver.id, `${first.id}, ${second.id},`, 1);
    expect(item.json.giverId).toBe(giver.id);
    expect(JSON.stringify(item.json)).toContain(second.id);
  });
});
