import type { IDataObject } from 'n8n-workflow';
import { Webhook } from 'standardwebhooks';
import { PeopleHubTrigger } from '../../nodes/PeopleHubTrigger/PeopleHubTrigger.node';
import { type TestServer, startTestServer } from '../helpers/harness';
import { SIMULATOR_ENV } from '../helpers/hibob';
import { appCredentials, n8nContext } from '../helpers/n8n-context';
import { createEmployee, del, get, patch } from '../helpers/people';
import { type Received, type Receiver, eventually, startReceiver } from '../helpers/receiver';

// The webhook trigger against a real server: its webhook's lifecycle on the server, and real signed
// deliveries (caught on loopback where n8n would listen) fed to webhook().
describe('PeopleHub Trigger', () => {
  let server: TestServer;
  let credentials: IDataObject;
  let receiver: Receiver;
  const trigger = new PeopleHubTrigger();
  const staticData: IDataObject = {};
  let productionUrl: string;
  let testUrl: string;

  const hooks = (context: ReturnType<typeof n8nContext>) => ({
    checkExists: () => trigger.webhookMethods.default.checkExists.call(context.self),
    create: () => trigger.webhookMethods.default.create.call(context.self),
    delete: () => trigger.webhookMethods.default.delete.call(context.self),
  });
  const lifecycle = (url: string, events = ['employee.created'], data = staticData) => {
    const context = n8nContext({
      credentials,
      parameters: { events },
      staticData: data,
      webhookUrl: url,
      workflowName: 'Onboarding',
    });
    return { context, ...hooks(context) };
  };
  const remoteAt = async (url: string) =>
    (
      (await get(server, '/v1/webhooks?limit=200')).body.data as {
        id: string;
        url: string;
        events: string[];
        format: string;
        signing: boolean;
      }[]
    ).filter((h) => h.url === url);
  /** webhook() on one captured request. */
  const receive = (request: Received, data = staticData, options: IDataObject = {}) => {
    const context = n8nContext({
      credentials,
      parameters: { events: ['employee.created'], options },
      staticData: data,
      request: {
        headers: request.headers as Record<string, string>,
        rawBody: Buffer.from(request.body),
        body: JSON.parse(request.body),
      },
    });
    return trigger.webhook
      .call(context.self)
      .then((result) => ({ result, response: context.response, logged: context.logged }));
  };
  const arrivals = (url: string) => receiver.requests.filter((r) => url.endsWith(r.url));

  beforeAll(async () => {
    server = await startTestServer('sqlite', SIMULATOR_ENV);
    // Deliveries carry the server's time, and the trigger checks it against real time.
    server.clock.set(new Date());
    credentials = await appCredentials(server, ['webhooks:manage', 'employees:read']);
    receiver = await startReceiver();
    productionUrl = `${receiver.url.replace(/\/$/, '')}/webhook/0c0ffee0-0000-4000-8000-000000000001/webhook`;
    testUrl = `${receiver.url.replace(/\/$/, '')}/webhook-test/0c0ffee0-0000-4000-8000-000000000001/webhook`;
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  /**
   * The production webhook, activated by the first test; a later stage makes sure it is there, so a
   * failed check in an earlier test does not fail the ones after it.
   */
  const activated = async () => {
    const production = lifecycle(productionUrl);
    if (!(await production.checkExists())) await production.create();
  };
  /** A delivery to the production URL, caused here if none has arrived yet. */
  const aDelivery = async (): Promise<Received> => {
    await activated();
    if (arrivals(productionUrl).length === 0)
      await createEmployee(server, { email: 'triggered@acme.example', firstName: 'Trig' });
    const [delivery] = await eventually(() =>
      arrivals(productionUrl).length > 0 ? arrivals(productionUrl) : undefined,
    );
    return delivery;
  };

  test('activation creates one signed JSON webhook for the chosen events, and knows it exists', async () => {
    const production = lifecycle(productionUrl);
    expect(await production.checkExists()).toBe(false);
    expect(await production.create()).toBe(true);
    const [remote, ...others] = await remoteAt(productionUrl);
    expect(others).toEqual([]);
    expect(remote).toMatchObject({
      url: productionUrl,
      events: ['employee.created'],
      format: 'json',
      signing: true,
      name: 'n8n: Onboarding',
    });
    expect(staticData.subscriptions).toEqual({
      [productionUrl]: { id: remote.id, secret: expect.stringMatching(/^whsec_/) },
    });
    expect(await production.checkExists()).toBe(true);
    expect(await remoteAt(productionUrl)).toHaveLength(1);
  });

  test('a real delivery is verified and becomes one item per event', async () => {
    const delivery = await aDelivery();
    const { result, response } = await receive(delivery);
    expect(response).toBeNull();
    expect(result.workflowData?.[0]).toEqual([
      {
        json: expect.objectContaining({
          type: 'employee.created',
          data: { object: expect.objectContaining({ email: 'triggered@acme.example' }) },
        }),
      },
    ]);
  });

  test('Simplify gives the changed object with the event type and its changes beside it', async () => {
    const delivery = await aDelivery();
    const { result } = await receive(delivery, staticData, { simple: true });
    const event = JSON.parse(delivery.body) as { type: string; data: { object: IDataObject } };
    expect(result.workflowData?.[0]).toEqual([
      { json: { ...event.data.object, event: 'employee.created', changes: [] } },
    ]);
    // Turned off, or left out (as in workflows made before the option), the whole event comes out.
    for (const options of [{ simple: false }, {}])
      expect((await receive(delivery, staticData, options)).result.workflowData?.[0]).toEqual([{ json: event }]);
  });

  test('a bad signature, a changed body, a missing header or an old timestamp gets 401 and no execution', async () => {
    const delivery = await aDelivery();
    const tampered = { ...delivery, body: delivery.body.replace('triggered@', 'attacker@') };
    const unsigned = { ...delivery, headers: { ...delivery.headers, 'webhook-signature': undefined } };
    const forged = {
      ...delivery,
      headers: { ...delivery.headers, 'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
    };
    for (const request of [tampered, unsigned, forged] as Received[]) {
      const { result, response } = await receive(request);
      expect(result).toEqual({ noWebhookResponse: true });
      // A plain 401: nothing in the body tells a forger what was wrong.
      expect(response).toEqual({ status: 401, body: undefined });
    }
    // Signed with the right secret, but ten minutes ago: a replay.
    const secret = (Object.values(staticData.subscriptions as object)[0] as { secret: string }).secret;
    const signer = new Webhook(secret);
    const old = new Date(Date.now() - 10 * 60 * 1000);
    const body = delivery.body;
    const replay = {
      ...delivery,
      headers: {
        ...delivery.headers,
        'webhook-id': 'msg_replay',
        'webhook-timestamp': String(Math.floor(old.getTime() / 1000)),
        'webhook-signature': signer.sign('msg_replay', old, body),
      },
    };
    const replayed = await receive(replay as Received);
    expect(replayed.response).toEqual({ status: 401, body: undefined });
    // The reason goes to n8n's log instead, for whoever runs it.
    expect(replayed.logged).toEqual([
      expect.objectContaining({ level: 'debug', meta: { reason: expect.stringMatching(/timestamp/) } }),
    ]);
    // The same, signed now, is accepted: the timestamp alone made the difference.
    const now = new Date();
    const fresh = {
      ...replay,
      headers: {
        ...replay.headers,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signer.sign('msg_replay', now, body),
      },
    };
    expect((await receive(fresh as Received)).result.workflowData).toHaveLength(1);
  });

  test('a batch fans out to one item per event', async () => {
    await activated();
    const [remote] = await remoteAt(productionUrl);
    expect((await patch(server, `/v1/webhooks/${remote.id}`, { maxEventsPerRequest: 10 })).status).toBe(200);
    const seen = arrivals(productionUrl).length;
    await Promise.all(['b1', 'b2', 'b3'].map((name) => createEmployee(server, { email: `${name}@acme.example` })));
    // A batch waits a moment (on the server's clock) for events that come close together.
    server.clock.advance(1_000);
    const batches = await eventually(() => {
      const fresh = arrivals(productionUrl).slice(seen);
      const count = fresh.reduce(
        (n, r) => n + (JSON.parse(r.body).type === 'batch' ? JSON.parse(r.body).data.length : 1),
        0,
      );
      return count >= 3 ? fresh : undefined;
    });
    const items = [];
    for (const request of batches) items.push(...((await receive(request)).result.workflowData?.[0] ?? []));
    expect(
      items.map((item) => (item.json as { data: { object: { email: string } } }).data.object.email).sort(),
    ).toEqual(['b1@acme.example', 'b2@acme.example', 'b3@acme.example']);
    expect(batches.some((r) => JSON.parse(r.body).type === 'batch')).toBe(true);
  });

  test('the test URL gets its own webhook; both verify; removing one leaves the other', async () => {
    await activated();
    const testing = lifecycle(testUrl);
    expect(await testing.checkExists()).toBe(false);
    await testing.create();
    expect(await remoteAt(testUrl)).toHaveLength(1);
    expect(await remoteAt(productionUrl)).toHaveLength(1);
    await createEmployee(server, { email: 'both@acme.example' });
    const [toTest] = await eventually(() => (arrivals(testUrl).length > 0 ? arrivals(testUrl) : undefined));
    expect((await receive(toTest)).result.workflowData?.[0]).toHaveLength(1);
    expect(await testing.delete()).toBe(true);
    expect(await remoteAt(testUrl)).toEqual([]);
    expect(await remoteAt(productionUrl)).toHaveLength(1);
    expect(Object.keys(staticData.subscriptions as object)).toEqual([productionUrl]);
  });

  test("All Events subscribes with the server's *, which brings events not picked by name", async () => {
    const everything = `${receiver.url.replace(/\/$/, '')}/webhook/0c0ffee0-0000-4000-8000-00000000000a/webhook`;
    const all = lifecycle(everything, ['*'], {});
    expect(await all.checkExists()).toBe(false);
    await all.create();
    const [remote] = await remoteAt(everything);
    expect(remote.events).toEqual(['*']);
    // The opt-in survey.invited is never part of *: picked beside it, both are kept.
    const withInvites = lifecycle(everything, ['*', 'survey.invited'], all.context.staticData);
    expect(await withInvites.checkExists()).toBe(true);
    expect((await remoteAt(everything))[0].events.sort()).toEqual(['*', 'survey.invited']);

    const person = await createEmployee(server, { email: 'everything@acme.example', firstName: 'Eve' });
    expect((await patch(server, `/v1/employees/${person.id}`, { title: 'Analyst' })).status).toBe(200);
    const updated = await eventually(() =>
      arrivals(everything).find((r) => JSON.parse(r.body).type === 'employee.updated'),
    );
    const { result } = await receive(updated, all.context.staticData, { simple: true });
    expect(result.workflowData?.[0]).toEqual([
      {
        json: expect.objectContaining({
          id: person.id,
          title: 'Analyst',
          event: 'employee.updated',
          changes: [expect.objectContaining({ field: 'title', new: 'Analyst' })],
        }),
      },
    ]);
    expect(await withInvites.delete()).toBe(true);
    expect(await remoteAt(everything)).toEqual([]);
  });

  test('changed events are applied to the existing webhook on re-activation, without a second webhook', async () => {
    const production = lifecycle(productionUrl, ['employee.created', 'employee.deleted']);
    expect(await production.checkExists()).toBe(true);
    const [remote, ...others] = await remoteAt(productionUrl);
    expect(others).toEqual([]);
    expect(remote.events.sort()).toEqual(['employee.created', 'employee.deleted']);
  });

  test('a webhook deleted on the server is forgotten and made again; lost static data adopts instead of duplicating', async () => {
    const [remote] = await remoteAt(productionUrl);
    expect((await del(server, `/v1/webhooks/${remote.id}`)).status).toBe(204);
    const production = lifecycle(productionUrl);
    expect(await production.checkExists()).toBe(false);
    expect(staticData.subscriptions).toEqual({});
    await production.create();

    // A re-imported workflow has no static data, but its webhook is still on the server.
    const blank: IDataObject = {};
    const reimported = lifecycle(productionUrl, ['employee.created'], blank);
    expect(await reimported.checkExists()).toBe(true);
    expect(await remoteAt(productionUrl)).toHaveLength(1);
    expect(blank.subscriptions).toEqual(staticData.subscriptions);
  });

  test('deactivation deletes the webhook; deleting one already gone is fine', async () => {
    const production = lifecycle(productionUrl);
    expect(await production.delete()).toBe(true);
    expect(await remoteAt(productionUrl)).toEqual([]);
    expect(staticData.subscriptions).toEqual({});
    expect(await production.delete()).toBe(true);
    // And one that static data lost track of is found by its URL and deleted too.
    await lifecycle(productionUrl, ['employee.created'], {}).create();
    expect(await remoteAt(productionUrl)).toHaveLength(1);
    expect(await lifecycle(productionUrl, ['employee.created'], {}).delete()).toBe(true);
    expect(await remoteAt(productionUrl)).toEqual([]);
  });
});
