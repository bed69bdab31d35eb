import { type Simulator, SIMULATOR_ENV, connect, createSimulator, syncNow } from '../../helpers/hibob';
import { type TestServer, startTestServer, storeKinds } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';
import { eventsSince, get } from '../../helpers/people';
import { eventually } from '../../helpers/receiver';
import { claimNotification, dueNotifications, enqueueNotification, finishNotification } from '../../../server/src/store/integrations';

const HOOK_SECRET = 'hibob-hook-secret-0123456789abcdef';

// Real-time updates: HiBob's signed notices, re-read and applied by the worker.
describe.each(storeKinds())('HiBob real-time updates [%s]', (kind) => {
  let server: TestServer;
  let sim: Simulator;
  let simUrl: string;
  let receiverUrl: string;
  let ada: string;

  const employee = async (externalId: string) =>
    ((await get(server, `/v1/employees?externalId=${externalId}`)).body.data as { id: string; title: string | null; department: string | null }[])[0];
  const pending = async () => Number((await server.hub.services.store.db.selectFrom('hibob_notifications').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    server = await startTestServer(kind, SIMULATOR_ENV);
    sim = createSimulator();
    simUrl = await sim.listen();
    ada = sim.addPerson({ email: 'ada@bob.example', firstName: 'Ada', surname: 'Lovelace', title: 'Engineer', department: 'Engineering' }).id;
    sim.addPerson({ email: 'alan@bob.example', firstName: 'Alan', surname: 'Turing', title: 'Engineer', department: 'Engineering' });
    const connected = await connect(server, sim, simUrl);
    receiverUrl = connected.body.data.receiverUrl;
    await syncNow(server);
  });
  afterAll(async () => {
    await server?.close();
    await sim?.close();
  });

  test("HiBob's ping is answered 200, even before the hook secret is pasted; other notices need the secret", async () => {
    for (const body of ['Ping test', '{"text":"Ping test"}']) {
      const res = await fetch(receiverUrl, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
      expect(res.status).toBe(200);
    }
    const unsigned = await sim.sendWebhook(receiverUrl, 'anything', 'employee.updated', ada);
    expect(unsigned.status).toBe(401);
    expect(unsigned.body).toContain('No hook secret');
    const patched = await call(server.url, '/v1/integrations/hibob', { method: 'PATCH', key: server.org.ownerKey, body: { hookSecret: HOOK_SECRET } });
    expect(patched.body.data.hookSecretSet).toBe(true);
    expect(JSON.stringify(patched.body)).not.toContain(HOOK_SECRET);
  });

  test('a bad or missing signature gets 401 and changes nothing', async () => {
    sim.updatePerson(ada, { title: 'Forged title' });
    server.clock.advance(1_000);
    const since = server.clock.now().toISOString();
    const attempts = [
      await sim.sendWebhook(receiverUrl, 'the-wrong-secret', 'employee.updated', ada),
      await sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada, { signature: '' }),
      await sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada, { signature: 'not base64 at all!' }),
      // Signed, then tampered with: the signature no longer matches the body.
      await sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada, { body: JSON.stringify({ type: 'employee.updated', data: { employeeId: ada } }), signature: Buffer.alloc(64).toString('base64') }),
    ];
    expect(attempts.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect(await pending()).toBe(0);
    await server.hub.services.hibob.tick();
    expect((await employee(ada)).title).toBe('Engineer');
    expect(await eventsSince(server, since)).toEqual([]);
    expectProblem(await call(server.url, '/v1/integrations/hibob/webhook/not-a-receiver', { body: 'Ping test', headers: { 'content-type': 'text/plain' } }), 404);
  });

  test('a signed notice is answered at once, queued in the store, and applied by re-reading HiBob', async () => {
    sim.updatePerson(ada, { title: 'Senior Engineer', department: 'Research' });
    server.clock.advance(1_000);
    const since = server.clock.now().toISOString();
    const reads = sim.requests.length;
    const res = await sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada);
    expect(res.status).toBe(202);
    await eventually(async () => (await employee(ada)).title === 'Senior Engineer');
    expect((await employee(ada)).department).toBe('Research');
    expect(sim.requests.slice(reads).some((r) => r.path === `/v1/people/${ada}`)).toBe(true);
    const [updated] = await eventsSince(server, since, 'employee.updated');
    expect(updated).toMatchObject({ actor: null, data: { changes: expect.arrayContaining([expect.objectContaining({ field: 'title', old: 'Engineer', new: 'Senior Engineer' })]) } });
    await eventually(async () => (await pending()) === 0);
  });

  test('duplicated and reordered notices are harmless: the person ends as HiBob has them, with one event per real change', async () => {
    // Two changes in HiBob, their notices duplicated and delivered out of order.
    sim.updatePerson(ada, { title: 'Staff Engineer' });
    sim.updatePerson(ada, { department: 'Platform' });
    server.clock.advance(1_000);
    const since = server.clock.now().toISOString();
    const sends = await Promise.all([
      sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada),
      sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada),
      sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.created', ada),
    ]);
    expect(sends.map((s) => s.status)).toEqual([202, 202, 202]);
    await eventually(async () => (await pending()) === 0 && (await employee(ada)).department === 'Platform');
    // A late duplicate after it was applied changes nothing more.
    expect((await sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada)).status).toBe(202);
    await eventually(async () => (await pending()) === 0);
    expect(await employee(ada)).toMatchObject({ title: 'Staff Engineer', department: 'Platform' });
    const updates = await eventsSince(server, since, 'employee.updated');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(2);
  });

  test('a changed email is applied to the same employee', async () => {
    const id = (await employee(ada)).id;
    sim.updatePerson(ada, { email: 'ada.lovelace@bob.example' });
    expect((await sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada)).status).toBe(202);
    await eventually(async () => (await get(server, `/v1/employees/${id}`)).body.data.email === 'ada.lovelace@bob.example');
    expect((await get(server, `/v1/employees?externalId=${ada}`)).body.data).toHaveLength(1);
  });

  test('a person deleted in HiBob is removed here when the notice comes', async () => {
    const alan = [...sim.people.values()].find((p) => p.email === 'alan@bob.example')?.id as string;
    const id = (await employee(alan)).id;
    sim.removePerson(alan);
    expect((await sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.deleted', alan)).status).toBe(202);
    await eventually(async () => (await get(server, `/v1/employees/${id}`)).status === 404);
  });

  test('a notice HiBob cannot be asked about yet is kept and retried, not lost', async () => {
    sim.updatePerson(ada, { title: 'Principal Engineer' });
    sim.failNext({ status: 503, path: `/v1/people/${ada}` });
    expect((await sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada)).status).toBe(202);
    const row = await eventually(async () => {
      const found = await server.hub.services.store.db.selectFrom('hibob_notifications').selectAll().executeTakeFirst();
      return found && Number(found.attempts) === 1 ? found : undefined;
    });
    expect(row.last_error).toMatch(/503/);
    expect((await employee(ada)).title).toBe('Staff Engineer');
    server.clock.advance(6_000);
    await eventually(async () => (await employee(ada)).title === 'Principal Engineer');
    // The notice is finished just after the change is committed.
    await eventually(async () => (await pending()) === 0);
  });

  test('after real-time changes, full syncs find nothing more to change', async () => {
    const before = await get(server, '/v1/employees?limit=200&sort=email');
    for (let i = 0; i < 2; i += 1) {
      server.clock.advance(60_000);
      const since = server.clock.now().toISOString();
      expect(await syncNow(server)).toMatchObject({ status: 'completed', created: 0, updated: 0, deleted: 0 });
      expect(await eventsSince(server, since)).toEqual([]);
    }
    expect((await get(server, '/v1/employees?limit=200&sort=email')).body).toEqual(before.body);
  });

  test('a notice that comes while the last one for the same person is applied is kept, even in the same millisecond', async () => {
    const db = server.hub.services.store.db;
    const org = server.org.organizationId;
    // Due tomorrow by the server's clock, so only this test takes it.
    const at = new Date(server.clock.now().getTime() + 86_400_000).toISOString();
    await enqueueNotification(db, org, 'race-1', at);
    const [first] = (await dueNotifications(db, at, 100)).filter((n) => n.externalId === 'race-1');
    expect(await claimNotification(db, first, new Date(Date.parse(at) + 60_000).toISOString())).toBe(true);
    await enqueueNotification(db, org, 'race-1', at);
    await finishNotification(db, first);
    const [second] = (await dueNotifications(db, at, 100)).filter((n) => n.externalId === 'race-1');
    expect(second).toMatchObject({ externalId: 'race-1', attempts: 0 });
    await finishNotification(db, second);
    expect((await dueNotifications(db, at, 100)).filter((n) => n.externalId === 'race-1')).toEqual([]);
  });
});
