import type { IDataObject } from 'n8n-workflow';
import { PeopleHub } from '../../../nodes/PeopleHub/PeopleHub.node';
import { type TestServer, startTestServer } from '../../helpers/harness';
import { ALL_PERMISSIONS, appCredentials, n8nContext } from '../../helpers/n8n-context';
import { post } from '../../helpers/people';

/** What n8n stores for a resource locator. */
const rl = (mode: string, value: string) => ({ __rl: true, mode, value });

// Webhooks, deliveries and the HiBob sync in version 2, run through the node against a real server.
describe('PeopleHub node: webhooks in version 2', () => {
  let server: TestServer;
  let credentials: IDataObject;
  const node = new PeopleHub();

  async function run(parameters: Record<string, unknown>, typeVersion = 2): Promise<IDataObject[]> {
    const context = n8nContext({ credentials, parameters, typeVersion });
    const [output] = await node.execute.call(context.self);
    return output.map((item) => item.json);
  }

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    credentials = await appCredentials(server, ALL_PERMISSIONS);
  });
  afterAll(() => server?.close());

  test('Recover names the webhook picked with the locator by its id', async () => {
    const hook = (
      await post(server, '/v1/webhooks', { name: 'Recovered', url: 'https://hooks.example.com/r', events: ['*'] })
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
