import { createHash, createHmac } from 'node:crypto';
import { type Simulator, SIMULATOR_ENV, connect, createSimulator, syncNow } from '../../helpers/hibob';
import { type TestServer, startTestServer, storeKinds } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';
import { eventsSince, get } from '../../helpers/people';
import { eventually } from '../../helpers/receiver';
import { MAX_JSON_DEPTH } from '../../../server/src/core/json-depth';
import { NOTICE_MAX_AGE_MS, NOTICE_MAX_AHEAD_MS, PING_BODY_LIMIT } from '../../../server/src/integrations/hibob/notice';
import * as noticeStore from '../../../server/src/store/hibob-notices';
import {
  claimNotification,
  dueNotifications,
  enqueueNotification,
  finishNotification,
} from '../../../server/src/store/hibob-notices';

const HOOK_SECRET = 'hibob-hook-secret-0123456789abcdef';

// Real-time updates: HiBob's signed notices, re-read and applied by the worker.
describe.each(storeKinds())('HiBob real-time updates [%s]', (kind) => {
  let server: TestServer;
  let sim: Simulator;
  let simUrl: string;
  let receiverUrl: string;
  let ada: string;

  const employee = async (externalId: string) =>
    (
      (await get(server, `/v1/employees?externalId=${externalId}`)).body.data as {
        id: string;
        title: string | null;
        department: string | null;
      }[]
    )[0];
  const pending = async () =>
    Number(
      (
        await server.hub.context.store.db
          .selectFrom('hibob_notifications')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const receipts = () => server.hub.context.store.db.selectFrom('hibob_receipts').selectAll().execute();
  /** A v2 notice as HiBob writes it, about Ada unless told, triggered at `triggeredAt` (left out when undefined). */
  const noticeBody = (triggeredAt: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      companyId: '630001',
      type: 'employee.updated',
      triggeredBy: 'SERVICE',
      triggeredAt,
      version: 'v2',
      data: { employeeId: ada, fieldIds: ['work.title'] },
      ...extra,
    });
  const sendSigned = (body: string) => sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada, { body });
  const ago = (ms: number) => new Date(server.clock.now().getTime() - ms).toISOString();
  /** Ada's reads from HiBob so far: each accepted notice about her causes one. */
  const adaReads = () => sim.requests.filter((r) => r.path === `/v1/people/${ada}`).length;

  beforeAll(async () => {
    server = await startTestServer(kind, SIMULATOR_ENV);
    // HiBob's clock is the server's: every notice is stamped with the test's time.
    sim = createSimulator({ now: () => server.clock.now() });
    simUrl = await sim.listen();
    ada = sim.addPerson({
      email: 'ada@bob.example',
      firstName: 'Ada',
      surname: 'Lovelace',
      title: 'Engineer',
      department: 'Engineering',
    }).id;
    sim.addPerson({
      email: 'alan@bob.example',
      firstName: 'Alan',
      surname: 'Turing',
      title: 'Engineer',
      department: 'Engineering',
    });
    const connected = await connect(server, sim, simUrl);
    receiverUrl = connected.body.data.receiverUrl;
    await syncNow(server);
  });
  afterAll(async () => {
    await server?.close();
    await sim?.close();
  });

  test("HiBob's ping is answered 200, even before the hook secret is pasted; other notices need the secret", async () => {
    for (const body of [
      'Ping test',
      ' Ping test\n',
      '"Ping test"',
      '{"text":"Ping test"}',
      `{"text": "Ping test"${' '.repeat(PING_BODY_LIMIT - 24)}}`,
    ]) {
      const res = await fetch(receiverUrl, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
      expect({ body, status: res.status }).toEqual({ body, status: 200 });
    }
    // Only a small body is looked at as a ping: a larger one is a notice, and must be signed.
    const padded = await fetch(receiverUrl, {
      method: 'POST',
      body: `{"text": "Ping test"${' '.repeat(PING_BODY_LIMIT)}}`,
      headers: { 'content-type': 'text/plain' },
    });
    expect(padded.status).toBe(401);
    const unsigned = await sim.sendWebhook(receiverUrl, 'anything', 'employee.updated', ada);
    expect(unsigned.status).toBe(401);
    expect(unsigned.body).toContain('No hook secret');
    const patched = await call(server.url, '/v1/integrations/hibob', {
      method: 'PATCH',
      key: server.org.ownerKey,
      body: { hookSecret: HOOK_SECRET },
    });
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
      await sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada, {
        body: JSON.stringify({ type: 'employee.updated', data: { employeeId: ada } }),
        signature: Buffer.alloc(64).toString('base64'),
      }),
    ];
    expect(attempts.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect(await pending()).toBe(0);
    await server.hub.hibob.tick();
    expect((await employee(ada)).title).toBe('Engineer');
    expect(await eventsSince(server, since)).toEqual([]);
    expectProblem(
      await call(server.url, '/v1/integrations/hibob/webhook/not-a-receiver', {
        body: 'Ping test',
        headers: { 'content-type': 'text/plain' },
      }),
      404,
    );
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
    expect(updated).toMatchObject({
      actor: null,
      data: {
        changes: expect.arrayContaining([
          expect.objectContaining({ field: 'title', old: 'Engineer', new: 'Senior Engineer' }),
        ]),
      },
    });
    await eventually(async () => (await pending()) === 0);
  });

  test('duplicated and reordered notices are harmless: the person ends as HiBob has them, with one event per real change', async () => {
    // Two changes in HiBob, their notices duplicated and delivered out of order.
    sim.updatePerson(ada, { title: 'Staff Engineer' });
    sim.updatePerson(ada, { department: 'Platform' });
    server.clock.advance(1_000);
    const since = server.clock.now().toISOString();
    // Three notices HiBob sent a millisecond apart (each its own triggeredAt), arriving at once.
    const sends = await Promise.all(
      (['employee.updated', 'employee.updated', 'employee.created'] as const).map((type) => {
        server.clock.advance(1);
        return sim.sendWebhook(receiverUrl, HOOK_SECRET, type, ada);
      }),
    );
    expect(sends.map((s) => s.status)).toEqual([202, 202, 202]);
    await eventually(async () => (await pending()) === 0 && (await employee(ada)).department === 'Platform');
    // A late notice about her after it was applied changes nothing more.
    server.clock.advance(1);
    expect((await sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada)).status).toBe(202);
    await eventually(async () => (await pending()) === 0);
    expect(await employee(ada)).toMatchObject({ title: 'Staff Engineer', department: 'Platform' });
    const updates = await eventsSince(server, since, 'employee.updated');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(2);
  });

  test('a changed email is applied to the same employee', async () => {
    server.clock.advance(1_000);
    const id = (await employee(ada)).id;
    sim.updatePerson(ada, { email: 'ada.lovelace@bob.example' });
    expect((await sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada)).status).toBe(202);
    await eventually(
      async () => (await get(server, `/v1/employees/${id}`)).body.data.email === 'ada.lovelace@bob.example',
    );
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
    server.clock.advance(1_000);
    sim.updatePerson(ada, { title: 'Principal Engineer' });
    sim.failNext({ status: 503, path: `/v1/people/${ada}` });
    expect((await sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada)).status).toBe(202);
    const row = await eventually(async () => {
      const found = await server.hub.context.store.db.selectFrom('hibob_notifications').selectAll().executeTakeFirst();
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
    const db = server.hub.context.store.db;
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
  test('a 64 KB body of nested brackets with a wrong signature is refused 401 without being parsed (nor is a flat one)', async () => {
    const nested = '['.repeat(64 * 1024);
    const flat = `"${'x'.repeat(64 * 1024 - 2)}"`;
    const ours = (text: unknown) => typeof text === 'string' && (text.includes('[[[[') || text.includes('xxxxxxxx'));
    const parse = jest.spyOn(JSON, 'parse');
    let parsed: unknown[][];
    try {
      for (const body of [nested, flat, '['.repeat(PING_BODY_LIMIT)]) {
        const res = await sim.sendWebhook(receiverUrl, 'the-wrong-secret', 'employee.updated', ada, { body });
        expect({ size: body.length, status: res.status }).toEqual({ size: body.length, status: 401 });
        expect(res.body).toContain('Bob-Signature');
      }
      // Signed, the body is read as a notice, but the depth cap refuses it before the parser sees it.
      const signed = await sendSigned(nested);
      expect(signed.status).toBe(400);
      expect(signed.body).toContain(`more than ${MAX_JSON_DEPTH} levels`);
      parsed = parse.mock.calls.filter(([text]) => ours(text));
    } finally {
      parse.mockRestore();
    }
    expect(parsed).toEqual([]);
    expect(await pending()).toBe(0);
  });

  test('a signed notice triggered more than 5 minutes ago, or over a minute ahead, is refused (401) and changes nothing', async () => {
    expect([NOTICE_MAX_AGE_MS, NOTICE_MAX_AHEAD_MS]).toEqual([300_000, 60_000]);
    server.clock.advance(1_000);
    const reads = adaReads();
    const stale = await sendSigned(noticeBody(ago(NOTICE_MAX_AGE_MS + 1)));
    expect(stale.status).toBe(401);
    expect(stale.body).toContain('more than 5 minutes before');
    expect((await sendSigned(noticeBody('2019-03-04T05:06:07.000Z'))).status).toBe(401);
    const ahead = await sendSigned(noticeBody(ago(-(NOTICE_MAX_AHEAD_MS + 1))));
    expect(ahead.status).toBe(401);
    expect(ahead.body).toContain('ahead of this server');
    // Two hours of offset on a time one minute ago: read as written, it would be far ahead.
    const inParis = new Date(server.clock.now().getTime() - 60_000 + 7_200_000).toISOString().replace('Z', '+02:00');
    // Signed but unreadable: a clear 400 naming what is wrong.
    const unreadable = await sendSigned(noticeBody('last Tuesday'));
    expect(unreadable.status).toBe(400);
    expect(unreadable.body).toContain('triggeredAt');
    const nul = await sendSigned(noticeBody(ago(0), { data: { employeeId: `${ada}\u0000` } }));
    expect(nul.status).toBe(400);
    expect(nul.body).toContain('control characters');
    expect(await pending()).toBe(0);
    await server.hub.hibob.tick();
    expect(adaReads()).toBe(reads);

    // The window's edges are inside it.
    for (const triggeredAt of [ago(NOTICE_MAX_AGE_MS), ago(-NOTICE_MAX_AHEAD_MS), inParis]) {
      expect({ triggeredAt, status: (await sendSigned(noticeBody(triggeredAt))).status }).toEqual({
        triggeredAt,
        status: 202,
      });
    }
    await eventually(async () => (await pending()) === 0 && adaReads() > reads);
  });

  test('a replayed notice is refused (409) while it is fresh, then as stale (401); neither changes anything', async () => {
    server.clock.advance(1_000);
    const body = noticeBody(ago(0));
    expect((await sendSigned(body)).status).toBe(202);
    await eventually(async () => (await pending()) === 0 && adaReads() > 0);
    const reads = adaReads();

    const replay = await sendSigned(body);
    expect(replay.status).toBe(409);
    expect(replay.body).toContain('already received');
    // The same signature written without its base64 padding is the same signature.
    const signature = createHmac('sha512', HOOK_SECRET).update(body).digest();
    expect(
      (
        await sim.sendWebhook(receiverUrl, HOOK_SECRET, 'employee.updated', ada, {
          body,
          signature: signature.toString('base64').replace(/=+$/, ''),
        })
      ).status,
    ).toBe(409);
    // The receipt keeps a hash of the signature, never the signature or the body.
    const stored = JSON.stringify(await receipts());
    expect(stored).toContain(createHash('sha256').update(signature).digest('base64url'));
    expect(stored).not.toContain(signature.toString('base64').slice(0, 40));
    expect(stored).not.toContain(ada);

    server.clock.advance(NOTICE_MAX_AGE_MS);
    expect((await sendSigned(body)).status).toBe(409);
    server.clock.advance(1);
    expect((await sendSigned(body)).status).toBe(401);
    expect(await pending()).toBe(0);
    await server.hub.hibob.tick();
    expect(adaReads()).toBe(reads);

    // A notice without triggeredAt cannot be judged by age, but its replay is refused all the same.
    server.clock.advance(1_000);
    const undated = noticeBody(undefined);
    expect((await sendSigned(undated)).status).toBe(202);
    expect((await sendSigned(undated)).status).toBe(409);
    await eventually(async () => (await pending()) === 0);
  });

  test("a notice whose transaction never committed leaves no receipt: HiBob's retry of it is accepted", async () => {
    server.clock.advance(1_000);
    const body = noticeBody(ago(0));
    const hash = createHash('sha256')
      .update(createHmac('sha512', HOOK_SECRET).update(body).digest())
      .digest('base64url');
    const mine = async () => (await receipts()).filter((r) => r.signature_hash === hash).length;
    // The server fails after the receipt is written and before the notice is queued and committed.
    const crash = jest
      .spyOn(noticeStore, 'enqueueNotification')
      .mockRejectedValueOnce(new Error('the process stopped here'));
    try {
      expect((await sendSigned(body)).status).toBe(500);
      expect(crash).toHaveBeenCalledTimes(1);
    } finally {
      crash.mockRestore();
    }
    expect(await mine()).toBe(0);
    expect(await pending()).toBe(0);
    // HiBob retries a minute later, with the same body and signature.
    server.clock.advance(60_000);
    expect((await sendSigned(body)).status).toBe(202);
    expect(await mine()).toBe(1);
    await eventually(async () => (await pending()) === 0);
  });

  test('upkeep deletes receipts once their notices could no longer be accepted', async () => {
    server.clock.advance(1_000);
    expect((await sendSigned(noticeBody(ago(0)))).status).toBe(202);
    expect((await receipts()).length).toBeGreaterThan(0);
    await eventually(async () => (await pending()) === 0);
    // Past every receipt's expiry, and past the upkeep interval (a minute) so upkeep runs again.
    server.clock.advance(NOTICE_MAX_AGE_MS + 61_000);
    await eventually(async () => (await receipts()).length === 0);
  });
});
