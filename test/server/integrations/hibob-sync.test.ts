import { type Simulator, SIMULATOR_ENV, connect, createSimulator, syncNow, waitForRun } from '../../helpers/hibob';
import { type TestServer, startTestServer, storeKinds } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';
import { eventsSince, get, post } from '../../helpers/people';

type Employee = {
  id: string;
  externalId: string;
  email: string;
  status: string;
  managerId: string | null;
  department: string | null;
  title: string | null;
  separationDate: string | null;
  separationReason: string | null;
  attributes: Record<string, unknown>;
  source: string;
};

// One organization, one simulated HiBob, and the stages of a real rollout, in order. The clock
// stands at 2026-11-22.
describe.each(storeKinds())('HiBob sync against the simulator [%s]', (kind) => {
  let server: TestServer;
  let sim: Simulator;
  let simUrl: string;
  const ids: Record<string, string> = {};

  const employees = async (): Promise<Employee[]> =>
    (await get(server, '/v1/employees?limit=200&sort=email')).body.data;
  const byExternal = async (externalId: string): Promise<Employee | undefined> =>
    (await employees()).find((e) => e.externalId === externalId);

  beforeAll(async () => {
    server = await startTestServer(kind, SIMULATOR_ENV);
    sim = createSimulator();
    simUrl = await sim.listen();
    sim.addField('Shoe size', 'number');
    sim.addField('T-shirt', 'list');
    sim.addField('Languages', 'multi-list');
    sim.addField('Nickname', 'text');
    sim.addField('Buddy', 'employee-reference');
    sim.addField('Hired via', 'list');
    const boss = sim.addPerson({
      email: 'boss@bob.example',
      firstName: 'Bea',
      surname: 'Boss',
      title: 'CEO',
      department: 'Management',
      startDate: '2020-01-01',
    });
    ids.boss = boss.id;
    // Listed before their manager, and managed by someone listed later: both must resolve.
    ids.ada = sim.addPerson({
      email: 'ada@bob.example',
      firstName: 'Ada',
      surname: 'Lovelace',
      title: 'Engineer',
      department: 'Engineering',
      startDate: '2023-05-02',
      custom: {
        'Shoe size': 38,
        'T-shirt': 'M',
        Languages: ['English', 'French'],
        Nickname: 'Countess',
        'Hired via': 'Referral',
      },
    }).id;
    ids.cto = sim.addPerson({
      email: 'cto@bob.example',
      firstName: 'Alan',
      surname: 'Turing',
      title: 'CTO',
      department: 'Engineering',
      reportsTo: boss.id,
      startDate: '2021-02-01',
    }).id;
    sim.updatePerson(ids.ada, { reportsTo: ids.cto, custom: { Buddy: ids.cto } });
    ids.future = sim.addPerson({
      email: 'future@bob.example',
      firstName: 'Fay',
      surname: 'Future',
      title: 'Engineer',
      department: 'Engineering',
      reportsTo: ids.cto,
      startDate: '2027-01-04',
    }).id;
    ids.left = sim.addPerson({
      email: 'left@bob.example',
      firstName: 'Lee',
      surname: 'Left',
      title: 'Analyst',
      department: 'Finance',
      reportsTo: boss.id,
      startDate: '2022-01-01',
      terminationDate: '2026-10-31',
      terminationReason: 'Resignation',
    }).id;
    ids.leaving = sim.addPerson({
      email: 'leaving@bob.example',
      firstName: 'Lou',
      surname: 'Leaving',
      title: 'Analyst',
      department: 'Finance',
      reportsTo: boss.id,
      startDate: '2022-01-01',
      terminationDate: '2026-12-31',
      terminationReason: 'Relocation',
    }).id;
    // PeopleHub's own attributes: compatible ones are synced, the rest reported.
    for (const attribute of [
      { name: 'shoe size', type: 'number' },
      { name: 'T-shirt', type: 'option', options: ['S', 'M', 'L'] },
      { name: 'Languages', type: 'multi_option', options: ['English'] },
      { name: 'Nickname', type: 'date' },
      { name: 'Buddy', type: 'employee' },
      { name: 'Hired via', type: 'text' },
    ]) {
      expect((await post(server, '/v1/attributes', attribute)).status).toBe(201);
    }
  });
  afterAll(async () => {
    await server?.close();
    await sim?.close();
  });

  /**
   * The connection and the first sync, made once by whichever test needs them first: a later stage
   * starts from them even when an earlier test fails on something it checks.
   */
  let first: ReturnType<typeof connectAndSync> | null = null;
  const connectAndSync = async () => {
    const connected = await connect(server, sim, simUrl);
    const since = server.clock.now().toISOString();
    return { connected, since, run: await syncNow(server) };
  };
  const firstSync = () => (first ??= connectAndSync());

  test('bad credentials are refused, and nothing is saved', async () => {
    const problem = expectProblem(
      await call(server.url, '/v1/integrations/hibob', {
        method: 'PUT',
        key: server.org.ownerKey,
        body: { serviceUserId: sim.credentials.serviceUserId, token: 'wrong-token', baseUrl: simUrl },
      }),
      422,
    );
    expect(problem.detail).toMatch(/401/);
    expectProblem(await get(server, '/v1/integrations/hibob'), 404);
    expectProblem(
      await call(server.url, '/v1/integrations/hibob/sync', { method: 'POST', key: server.org.ownerKey }),
      404,
    );
  });

  test('first sync: everyone is created from HiBob, as system changes, and the run reports it', async () => {
    const { connected, since, run } = await firstSync();
    expect(connected.status).toBe(200);
    expect(connected.body.data).toMatchObject({
      connected: true,
      baseUrl: simUrl,
      hookSecretSet: false,
      lastRun: null,
      receiverUrl: expect.stringMatching(/\/v1\/integrations\/hibob\/webhook\/[A-Za-z0-9_-]{20,}$/),
    });
    expect(JSON.stringify(connected.body)).not.toContain(sim.credentials.token);
    expect(run).toMatchObject({
      status: 'completed',
      trigger: 'manual',
      phase: 'done',
      created: 6,
      updated: 0,
      deleted: 0,
      error: null,
    });
    const list = await employees();
    expect(list.map((e) => e.email)).toEqual([
      'ada@bob.example',
      'boss@bob.example',
      'cto@bob.example',
      'future@bob.example',
      'leaving@bob.example',
      'left@bob.example',
    ]);
    expect(list.every((e) => e.source === 'hibob')).toBe(true);
    const created = await eventsSince(server, since, 'employee.created');
    expect(created).toHaveLength(6);
    expect(created.every((e) => e.actor === null)).toBe(true);
    const [completed] = await eventsSince(server, since, 'sync.completed');
    expect(completed.data.object).toMatchObject({ id: run.id, created: 6, status: 'completed' });
    expect(completed.actor).toBeNull();
  });

  test('list fields arrive as labels, not as HiBob list ids', async () => {
    await firstSync();
    const ada = await byExternal(ids.ada);
    expect(ada).toMatchObject({ title: 'Engineer', department: 'Engineering' });
    expect((await byExternal(ids.left))?.separationReason).toBe('Resignation');
  });

  test('custom fields fill the attribute of the same name when the types fit; the others are skipped with the reason', async () => {
    await firstSync();
    const ada = await byExternal(ids.ada);
    const cto = await byExternal(ids.cto);
    expect(ada?.attributes).toEqual({
      'shoe size': 38,
      'T-shirt': 'M',
      Languages: ['English', 'French'],
      Buddy: cto?.id,
    });
    const run = (await get(server, '/v1/integrations/hibob/runs?limit=1')).body.data[0];
    expect(run.skippedFields).toEqual([
      {
        field: 'Nickname',
        hibobType: 'text',
        reason: 'the attribute "Nickname" is date, and a HiBob text field fills text or option attributes',
      },
      {
        field: 'Hired via',
        hibobType: 'list',
        reason: 'the attribute "Hired via" is text, and a HiBob list field fills option attributes',
      },
    ]);
    // "French" was not an option of Languages yet: HiBob is the source of truth, so it became one.
    expect(run.addedOptions).toEqual([{ attribute: 'Languages', option: 'French' }]);
    const languages = (await get(server, '/v1/attributes')).body.data.find(
      (a: { name: string }) => a.name === 'Languages',
    );
    expect(languages.options).toEqual(['English', 'French']);
  });

  test('managers are resolved, also for someone listed before their manager', async () => {
    await firstSync();
    const [boss, cto, ada] = [await byExternal(ids.boss), await byExternal(ids.cto), await byExternal(ids.ada)];
    expect(cto?.managerId).toBe(boss?.id);
    expect(ada?.managerId).toBe(cto?.id);
    expect(boss?.managerId).toBeNull();
  });

  test('a future hire is pending and not surveyable; a leaver is left with date and reason; a leaver-to-be is leaving', async () => {
    await firstSync();
    expect(await byExternal(ids.future)).toMatchObject({ status: 'pending' });
    expect(await byExternal(ids.left)).toMatchObject({
      status: 'left',
      separationDate: '2026-10-31',
      separationReason: 'Resignation',
    });
    expect(await byExternal(ids.leaving)).toMatchObject({
      status: 'leaving',
      separationDate: '2026-12-31',
      separationReason: 'Relocation',
    });
    const surveyable = (await get(server, '/v1/employees?surveyable=true&on=2026-11-22&limit=200')).body.data.map(
      (e: Employee) => e.externalId,
    );
    expect(surveyable.sort()).toEqual([ids.ada, ids.boss, ids.cto, ids.leaving].sort());
    const answers = {
      answers: [
        {
          employeeId: (await byExternal(ids.future))?.id,
          question: 'engagement',
          score: 9,
          answeredAt: '2026-11-20T10:00:00Z',
        },
      ],
    };
    expectProblem(await post(server, '/v1/engagement/answers', answers), 422);
  });

  test('a sync that finds no differences writes nothing and emits nothing', async () => {
    await firstSync();
    server.clock.advance(60_000);
    const since = server.clock.now().toISOString();
    const before = JSON.stringify(await employees());
    const run = await syncNow(server);
    expect(run).toMatchObject({
      status: 'completed',
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: 6,
      addedOptions: [],
    });
    expect(await eventsSince(server, since)).toEqual([]);
    expect(JSON.stringify(await employees())).toBe(before);
  });

  test('HiBob is the source of truth: an edit made here is put back at the next sync', async () => {
    await firstSync();
    const boss = await byExternal(ids.boss);
    expect(
      (
        await call(server.url, `/v1/employees/${boss?.id}`, {
          method: 'PATCH',
          key: server.org.ownerKey,
          body: { title: 'Edited here' },
        })
      ).status,
    ).toBe(200);
    server.clock.advance(60_000);
    const since = server.clock.now().toISOString();
    const run = await syncNow(server);
    expect(run).toMatchObject({ status: 'completed', updated: 1, unchanged: 5 });
    expect((await byExternal(ids.boss))?.title).toBe('CEO');
    const [update] = await eventsSince(server, since, 'employee.updated');
    expect(update.data.changes).toEqual([{ field: 'title', label: 'Title', old: 'Edited here', new: 'CEO' }]);
  });

  test('changes, a rehire, and a person removed from HiBob are all applied; an API-created employee with the same email is linked', async () => {
    await firstSync();
    const linked = (
      await post(server, '/v1/employees', {
        email: 'Newbie@Bob.example',
        firstName: 'Nina',
        lastName: 'New',
        phone: '+1 555 0100',
      })
    ).body.data;
    sim.addPerson({
      email: 'newbie@bob.example',
      firstName: 'Nina',
      surname: 'Newman',
      title: 'Engineer',
      department: 'Engineering',
      reportsTo: ids.cto,
      startDate: '2025-01-01',
    });
    sim.updatePerson(ids.ada, { title: 'Senior Engineer' });
    sim.rehire(ids.left, '2026-11-01');
    sim.removePerson(ids.leaving);
    const removed = await byExternal(ids.leaving);
    server.clock.advance(60_000);
    const since = server.clock.now().toISOString();
    // One of the few HiBob people goes: over the default deletion guard of 10 %, so this sync allows more.
    const run = await syncNow(server, undefined, { maxDeletePercent: 50 });
    expect(run).toMatchObject({ status: 'completed', created: 0, updated: 3, deleted: 1 });
    expect(await byExternal(ids.ada)).toMatchObject({ title: 'Senior Engineer' });
    expect(await byExternal(ids.left)).toMatchObject({
      status: 'active',
      separationDate: null,
      separationReason: null,
    });
    expect(await byExternal(ids.leaving)).toBeUndefined();
    expectProblem(await get(server, `/v1/employees/${removed?.id}`), 404);
    const newbie = (await employees()).find((e) => e.email.toLowerCase() === 'newbie@bob.example');
    expect(newbie).toMatchObject({ id: linked.id, source: 'hibob', externalId: expect.any(String) });
    expect((newbie as unknown as { phone: string }).phone).toBe('+1 555 0100');
    const types = (await eventsSince(server, since)).map((e) => e.type).sort();
    expect(types).toEqual([
      'employee.deleted',
      'employee.updated',
      'employee.updated',
      'employee.updated',
      'sync.completed',
    ]);
  });

  test('a report whose manager HiBob cannot give yet gets them at the first sync that can', async () => {
    await firstSync();
    // The manager has no surname, so they are skipped; their report is created without a manager.
    // (How HiBob shows the manager inside the report's record does not change when it is fixed.)
    const manager = sim.addPerson({
      email: 'max@bob.example',
      firstName: 'Max',
      surname: '',
      displayName: 'Max M.',
      title: 'Head of Data',
      department: 'Data',
      startDate: '2020-01-01',
    }).id;
    const report = sim.addPerson({
      email: 'report@bob.example',
      firstName: 'Rita',
      surname: 'Report',
      title: 'Analyst',
      department: 'Data',
      reportsTo: manager,
      startDate: '2024-01-01',
    }).id;
    server.clock.advance(60_000);
    const first = await syncNow(server);
    expect(first).toMatchObject({
      status: 'completed',
      created: 1,
      skippedPeople: [{ externalId: manager, reason: 'no first name or surname' }],
    });
    expect(await byExternal(report)).toMatchObject({ managerId: null });
    // Nothing about the report changes in HiBob; the manager's surname is filled in.
    sim.updatePerson(manager, { surname: 'Manager' });
    server.clock.advance(60_000);
    const second = await syncNow(server);
    expect(second).toMatchObject({ status: 'completed', created: 1, updated: 1, skippedPeople: [] });
    expect((await byExternal(report))?.managerId).toBe((await byExternal(manager))?.id);
    // And then it is settled: the next sync finds nothing to do.
    server.clock.advance(60_000);
    const since = server.clock.now().toISOString();
    expect(await syncNow(server)).toMatchObject({ status: 'completed', created: 0, updated: 0, deleted: 0 });
    expect(await eventsSince(server, since)).toEqual([]);
  });

  test('a second "Synchronize now" while a run is going answers 409 and names the running run', async () => {
    await firstSync();
    sim.generate(1500);
    const first = await call(server.url, '/v1/integrations/hibob/sync', { method: 'POST', key: server.org.ownerKey });
    expect(first.status).toBe(202);
    const second = await call(server.url, '/v1/integrations/hibob/sync', { method: 'POST', key: server.org.ownerKey });
    expect(expectProblem(second, 409)).toMatchObject({ runId: first.body.data.id });
    expect(await waitForRun(server, first.body.data.id)).toMatchObject({ status: 'completed', created: 1500 });
  }, 60_000);
});
