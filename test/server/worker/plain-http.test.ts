import { type TestServer, restartTestServer, startTestServer, storeKinds } from '../../helpers/harness';
import { createEmployee, get, post } from '../../helpers/people';
import { eventually, useReceiver } from '../../helpers/receiver';

const LOOPBACK = { PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8', PEOPLEHUB_WORKER_POLL_MS: '5' };

describe.each(storeKinds())('a stored http:// webhook after http is turned off [%s]', (kind) => {
  const receiver = useReceiver();
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind, { ...LOOPBACK, PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true' });
  });
  afterAll(async () => {
    await server.close();
  });

  test('sends nothing in plain text, records why, and goes out once http is allowed again', async () => {
    const hook = (
      await post(server, '/v1/webhooks', {
        name: 'Plain',
        url: `${receiver().url}/plain`,
        events: ['employee.created'],
      })
    ).body.data;
    expect(hook.url).toMatch(/^http:\/\//);

    server = await restartTestServer(server, LOOPBACK);
    await createEmployee(server);
    const [attempt] = await eventually(async () => {
      const list = (await get(server, `/v1/webhooks/${hook.id}/deliveries`)).body.data;
      return list.length > 0 ? list : undefined;
    });
    expect(attempt).toMatchObject({
      statusCode: null,
      error: expect.stringContaining('PEOPLEHUB_ALLOW_HTTP_WEBHOOKS=true'),
    });
    expect(receiver().requests.filter((r) => r.url === '/plain')).toHaveLength(0);

    // The message waits for its retry; with http allowed again it is delivered.
    server = await restartTestServer(server, { ...LOOPBACK, PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true' });
    server.clock.advance(10_000);
    await eventually(() => receiver().requests.some((r) => r.url === '/plain'));
  });
});
