import type { IDataObject } from 'n8n-workflow';
import { PeopleHub } from '../../../nodes/PeopleHub/PeopleHub.node';
import { type TestServer, startTestServer } from '../../helpers/harness';
import { ALL_PERMISSIONS, appCredentials, n8nContext } from '../../helpers/n8n-context';
import { post } from '../../helpers/people';

/** What n8n stores for a resource locator. */
const rl = (mode: string, value: string) => ({ __rl: true, mode, value });

// Users changed through the node against a real server: version 2 sends only what was filled in.
describe('PeopleHub node: users', () => {
  let server: TestServer;
  let credentials: IDataObject;
  const node = new PeopleHub();

  async function run(parameters: Record<string, unknown>, typeVersion = 2): Promise<IDataObject> {
    const context = n8nContext({ credentials, parameters, typeVersion });
    const [output] = await node.execute.call(context.self);
    return output[0].json;
  }

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    credentials = await appCredentials(server, ALL_PERMISSIONS);
  });
  afterAll(() => server?.close());

  test('user Update in version 2: an empty name is left alone, the phone cleared on purpose', async () => {
    const user = (
      await post(server, '/v1/users', {
        email: 'kept.user@acme.example',
        accessRight: 'member',
        name: 'Kept Name',
        phone: '+49 30 1234',
      })
    ).body.data;
    const updated = await run({
      resource: 'user',
      operation: 'update',
      userId: rl('list', user.id),
      updateFields: { name: '', accessRight: 'admin' },
      fieldsToClear: ['phone'],
    });
    expect(updated).toMatchObject({ name: 'Kept Name', phone: null, accessRight: 'admin' });
  });

  test('user Update in version 1 still clears an emptied name', async () => {
    const user = (
      await post(server, '/v1/users', { email: 'v1.user@acme.example', accessRight: 'member', name: 'Old Name' })
    ).body.data;
    const updated = await run(
      { resource: 'user', operation: 'update', userId: user.id, updateFields: { name: '' } },
      1,
    );
    expect(updated).toMatchObject({ name: null });
  });
});
