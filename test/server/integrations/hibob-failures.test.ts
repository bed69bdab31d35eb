import { newId } from '../../../server/src/core/ids';
import { DEFAULT_RUN_OPTIONS, insertRun } from '../../../server/src/store/sync-runs';
import { type Simulator, SIMULATOR_ENV, connect, createSimulator, syncNow, waitForRun } from '../../helpers/hibob';
import { type TestServer, restartTestServer, startPeer, startTestServer, storeKinds } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';
import { eventsSince, get } from '../../helpers/people';
import { eventually } from '../../helpers/receiver';

describe.each(storeKinds())('HiBob failing, and runs cut short [%s]', (kind) => {
  let server: TestServer;
  let sim: Simulator;
  let simUrl: string;

  const snapshot = async () => JSON.stringify((await get(server, '/v1/employees?limit=200&sort=email')).body.data);
  const later = () => {
    server.clock.advance(1_000);
    return server.clock.now().toISOString();
  };

  beforeAll(async () => {
    server = await startTestServer(kind, { ...SIMULATOR_ENV, PEOPLEHUB_HIBOB_TIMEOUT_MS: '400' });
    sim = createSimulator();
    simUrl = await sim.listen();
    for (let i = 0; i < 5; i += 1)
      sim.addPerson({ email: `p${i}@bob.example`, firstName: `P${i}`, surname: 'Person', department: 'Ops' });
    expect((await connect(server, sim, simUrl)).status).toBe(200);
    expect((await syncNow(server)).created).toBe(5);
  });
  afterAll(async () => {
    await server?.close();
    await sim?.close();
  });

  describe('HiBob failing mid-run', () => {
    // Each case changes "HiBob" before the run fails; the next case, and the tests after, need it as it was.
    let changed: { id: string; department: string | null } | null = null;
    afterEach(() => {
      if (changed !== null) sim.updatePerson(changed.id, { department: changed.department });
      changed = null;
      for (const person of [...sim.people.values()].filter((p) => p.firstName === 'Extra')) sim.removePerson(person.id);
    });

    test.each([
      ['HiBob answering 500', { status: 500 }, /HiBob answered 500/],
      ['HiBob never answering', { hang: true }, /did not answer within 400 ms/],
      ['an answer cut off half-way', { garbage: true }, /not the JSON expected/],
      ['a service user without permission', { status: 403 }, /lacks a permission \(403\).*Full employee read/],
    ])(
      '%s fails the run with sync.failed and a clear reason, and changes nothing',
      async (_name, failure, reason) => {
        const first = [...sim.people.values()][0];
        changed = { id: first.id, department: first.work.department };
        sim.updatePerson(first.id, { department: 'Changed in HiBob' });
        sim.addPerson({ email: `extra-${Math.random()}@bob.example`, firstName: 'Extra', surname: 'Person' });
        const before = await snapshot();
        const since = later();
        sim.failNext({ ...failure, path: '/v1/people/search' });
        const run = await syncNow(server);
        expect(run).toMatchObject({
          status: 'failed',
          created: 0,
          updated: 0,
          deleted: 0,
          error: expect.stringMatching(reason),
        });
        expect(await snapshot()).toBe(before);
        const events = await eventsSince(server, since);
        expect(events.map((e) => e.type)).toEqual(['sync.failed']);
        expect(events[0].data.object).toMatchObject({ id: run.id, status: 'failed', error: run.error });
      },
      20_000,
    );
  });

  test('a 429 is waited out (Retry-After) and the run goes on', async () => {
    sim.failNext({ status: 429, path: '/v1/people/search' });
    const run = await syncNow(server);
    expect(run).toMatchObject({ status: 'completed', error: null });
  });

  test('HiBob listing nobody while people came from HiBob removes nobody: the run waits for confirmation', async () => {
    const saved = new Map(sim.people);
    sim.people.clear();
    try {
      const run = await syncNow(server);
      expect(run).toMatchObject({
        status: 'needs_confirmation',
        deletionGuard: { wouldDelete: 5, of: 5 },
        error: expect.stringContaining('lists nobody'),
      });
      expect(JSON.parse(await snapshot())).toHaveLength(5);
    } finally {
      for (const [id, person] of saved) sim.people.set(id, person);
    }
  });

  test('a base URL the SSRF guard refuses is a 422, and nothing is saved', async () => {
    for (const baseUrl of ['https://169.254.169.254', 'http://10.0.0.1:8080', 'https://[::a9fe:a9fe]']) {
      const problem = expectProblem(await connect(server, sim, baseUrl, {}, server.other.ownerKey), 422);
      expect(problem.detail).toMatch(/cannot be used: refused/);
    }
    expectProblem(await get(server, '/v1/integrations/hibob', server.other.ownerKey), 404);
  });

  test('a base URL no parser can read, or with a query, is a 400 naming baseUrl on PUT and PATCH, and nothing is saved', async () => {
    const before = (await get(server, '/v1/integrations/hibob')).body.data;
    const reads = sim.requests.length;
    for (const baseUrl of [
      'https://[::1',
      'https://x:99999',
      'https://a%zz.example',
      `${simUrl}?region=eu`,
      `${simUrl}/#top`,
      'https://api.hibob.com:0',
    ]) {
      for (const res of [
        await connect(server, sim, baseUrl),
        await connect(server, sim, baseUrl, {}, server.other.ownerKey),
        await call(server.url, '/v1/integrations/hibob', {
          method: 'PATCH',
          key: server.org.ownerKey,
          body: { baseUrl },
        }),
      ]) {
        const problem = expectProblem(res, 400);
        expect({ baseUrl, errors: problem.errors }).toEqual({
          baseUrl,
          errors: [{ location: 'body', path: '/baseUrl', message: expect.any(String) }],
        });
      }
    }
    expect((await get(server, '/v1/integrations/hibob')).body.data).toEqual(before);
    expectProblem(await get(server, '/v1/integrations/hibob', server.other.ownerKey), 404);
    // HiBob was never asked: the URL was refused before any credential check.
    expect(sim.requests.length).toBe(reads);
  });

  test('a run interrupted by a crash is marked failed when the server starts again, and can be run again', async () => {
    const { store, clock } = server.hub.context;
    const stale = {
      id: newId('run', clock.now()),
      organizationId: server.org.organizationId,
      trigger: 'manual' as const,
      status: 'running' as const,
      phase: 'applying' as const,
      processed: 2,
      total: 5,
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: 0,
      skipped: 0,
      source: 'hibob',
      options: { ...DEFAULT_RUN_OPTIONS },
      report: { skippedFields: [], skippedPeople: [], addedOptions: [], warnings: [] },
      error: null,
      startedAt: clock.now().toISOString(),
      heartbeatAt: clock.now().toISOString(),
      finishedAt: null,
    };
    await insertRun(store.db, stale);
    expectProblem(
      await call(server.url, '/v1/integrations/hibob/sync', { method: 'POST', key: server.org.ownerKey }),
      409,
    );
    const since = later();
    if (kind === 'sqlite') {
      // One process owns an SQLite store: at start, any run still marked running was cut off.
      server = await restartTestServer(server, { ...SIMULATOR_ENV, PEOPLEHUB_HIBOB_TIMEOUT_MS: '400' });
    } else {
      // Another process may own a PostgreSQL run: it is failed once its heartbeat stops for two minutes.
      server.clock.advance(121_000);
    }
    const failed = await eventually(async () => {
      const run = (await get(server, `/v1/integrations/hibob/runs/${stale.id}`)).body.data;
      return run.status === 'failed' ? run : undefined;
    });
    expect(failed.error).toMatch(/interrupted/);
    expect((await eventsSince(server, since, 'sync.failed')).map((e) => e.data.object.id)).toEqual([stale.id]);
    expect((await syncNow(server)).status).toBe('completed');
  });

  test('"Preview sync" plans through the import engine without writing; applying the plan writes it', async () => {
    const first = [...sim.people.values()][1];
    const department = first.work.department;
    sim.updatePerson(first.id, { department: 'Previewed' });
    try {
      const before = await snapshot();
      const since = later();
      const preview = await syncNow(server, undefined, { dryRun: true });
      expect(preview).toMatchObject({ source: 'hibob', status: 'previewed', dryRun: true, updated: 1, unchanged: 4 });
      expect(await snapshot()).toBe(before);
      expect(await eventsSince(server, since)).toEqual([]);
      const listed = (await get(server, '/v1/imports?source=hibob')).body.data;
      expect(listed[0]).toMatchObject({ id: preview.id, source: 'hibob' });
      expect(JSON.stringify(listed)).not.toMatch(/token|secret/i);
      const plan = (await get(server, `/v1/imports/${preview.id}/changes`)).body.data;
      expect(plan).toEqual([
        expect.objectContaining({
          action: 'update',
          changes: [expect.objectContaining({ field: 'department', new: 'Previewed' })],
        }),
      ]);
      const applied = await call(server.url, `/v1/imports/${preview.id}/apply`, {
        key: server.org.ownerKey,
        body: {},
      });
      expect(applied.status).toBe(200);
      expect(applied.body.data).toMatchObject({ status: 'completed', updated: 1 });
      const updates = await eventsSince(server, since, 'employee.updated');
      expect(updates.map((e) => e.data.changes)).toEqual([plan[0].changes]);
    } finally {
      sim.updatePerson(first.id, { department });
      await syncNow(server);
    }
  });

  test('an automatic sync over the deletion guard stops for confirmation, with sync.failed, and applies when confirmed', async () => {
    const gone = [...sim.people.values()].slice(0, 2);
    for (const person of gone) sim.removePerson(person.id);
    try {
      const since = later();
      const patched = await call(server.url, '/v1/integrations/hibob', {
        method: 'PATCH',
        key: server.org.ownerKey,
        body: { autoSyncMinutes: 5 },
      });
      expect(patched.status).toBe(200);
      server.clock.advance(5 * 60_000 + 1_000);
      await server.hub.hibob.tick();
      const run = await eventually(async () => {
        const list = (await get(server, '/v1/imports?source=hibob&limit=1')).body.data;
        return list[0]?.trigger === 'automatic' && list[0].status !== 'running' ? list[0] : undefined;
      });
      expect(run).toMatchObject({ status: 'needs_confirmation', deletionGuard: { wouldDelete: 2, of: 5 } });
      expect(JSON.parse(await snapshot())).toHaveLength(5);
      const failed = await eventsSince(server, since, 'sync.failed');
      expect(failed.map((e) => e.data.object.id)).toEqual([run.id]);
      expect(failed[0].data.object.error).toMatch(/delete 2 of the 5/);
      const confirmed = await call(server.url, `/v1/imports/${run.id}/apply`, {
        key: server.org.ownerKey,
        body: { confirmDeletions: true },
      });
      expect(confirmed.body.data).toMatchObject({ status: 'completed', deleted: 2 });
      expect(JSON.parse(await snapshot())).toHaveLength(3);
    } finally {
      await call(server.url, '/v1/integrations/hibob', {
        method: 'PATCH',
        key: server.org.ownerKey,
        body: { autoSyncMinutes: null },
      });
      for (const person of gone)
        sim.addPerson({ email: person.email, firstName: person.firstName, surname: person.surname, department: 'Ops' });
      await syncNow(server);
    }
  });

  test('the automatic sync starts on its interval, once, even with two server processes', async () => {
    const peer = kind === 'postgres' ? await startPeer(server, SIMULATOR_ENV) : null;
    try {
      const patched = await call(server.url, '/v1/integrations/hibob', {
        method: 'PATCH',
        key: server.org.ownerKey,
        body: { autoSyncMinutes: 15 },
      });
      expect(patched.body.data).toMatchObject({
        autoSyncMinutes: 15,
        nextAutoSyncAt: new Date(server.clock.now().getTime() + 15 * 60_000).toISOString(),
      });
      const before = (await get(server, '/v1/integrations/hibob/runs?limit=200')).body.data.length;
      server.clock.advance(14 * 60_000);
      await server.hub.hibob.tick();
      expect((await get(server, '/v1/integrations/hibob/runs?limit=200')).body.data.length).toBe(before);
      server.clock.advance(61_000);
      const runs = await eventually(async () => {
        const list = (await get(server, '/v1/integrations/hibob/runs?limit=200')).body.data;
        return list.length > before ? list : undefined;
      });
      expect(runs[0]).toMatchObject({ trigger: 'automatic' });
      await waitForRun(server, runs[0].id);
      // Both processes looked; one started the run.
      await server.hub.hibob.tick();
      await peer?.hibob.tick();
      expect((await get(server, '/v1/integrations/hibob/runs?limit=200')).body.data.length).toBe(before + 1);
      expect(
        (await get(server, '/v1/integrations/hibob')).body.data.nextAutoSyncAt > server.clock.now().toISOString(),
      ).toBe(true);
    } finally {
      await peer?.close();
    }
  });
});
