import type { IDataObject } from 'n8n-workflow';
import { peopleHubNode, rl } from '../../helpers/node-under-test';
import { post } from '../../helpers/people';

// Webhooks, deliveries and the HiBob sync in version 2, run through the node against a real server.
describe('PeopleHub node: webhooks in version 2', () => {
  const hub = peopleHubNode();
  const server = () => hub.server();
  const run = async (parameters: Record<string, unknown>, typeVersion = 2): Promise<IDataObject[]> =>
    (await hub.run(parameters, typeVersion)).map((item) => item.json);

  test('Recover names the webhook picked with the locator by its id', async () => {
    const hook = (
      await post(server(), '/v1/webhooks', { name: 'Recovered', url: 'https://hooks.example.com/r', events: ['*'] })
    ).body.data;
    for (const webhookId of [rl('list', hook.id), rl('id', ` ${hook.id} `)]) {
      const [recovered] = await run({
        resource: 'webhook',
        operation: 'recover',
        webhookId,
        since: '2026-11-01T00:00:00Z',
      });
      expect(recovered).toEqual({ webhookId: hook.id, since: '2026-11-01T00:00:00.000Z', requeued: 0 });
    }
  });
});
