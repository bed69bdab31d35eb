import type { IDataObject } from 'n8n-workflow';
import { peopleHubNode, rl } from '../../helpers/node-under-test';
import { post } from '../../helpers/people';

// Users changed through the node against a real server: version 2 sends only what was filled in.
describe('PeopleHub node: users', () => {
  const hub = peopleHubNode();
  const server = () => hub.server();
  const run = async (parameters: Record<string, unknown>, typeVersion = 2): Promise<IDataObject> =>
    (await hub.run(parameters, typeVersion))[0]!.json;

  test('user Update in version 2: an empty name is left alone, the phone cleared on purpose', async () => {
    const user = (
      await post(server(), '/v1/users', {
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
      await post(server(), '/v1/users', { email: 'v1.user@acme.example', accessRight: 'member', name: 'Old Name' })
    ).body.data;
    const updated = await run(
      { resource: 'user', operation: 'update', userId: user.id, updateFields: { name: '' } },
      1,
    );
    expect(updated).toMatchObject({ name: null });
  });
});
