// Snapshot imports over the real API: previews that change nothing and plan exactly what apply does,
// the deletion guard, matching and sources, the HiBob-shared rules, and bad input refused whole.
import http from 'node:http';
import { eachStore, type TestServer } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';
import { createEmployee, eventsSince, get, patch, post } from '../../helpers/people';

type Person = Record<string, unknown>;

function person(n: number, extra: Person = {}): Person {
  return {
    externalId: `E-${n}`,
    email: `p${n}@import.example`,
    firstName: 'Pat',
    lastName: `Number${n}`,
    department: 'Engineering',
    ...extra,
  };
}

async function importJson(server: TestServer, body: Record<string, unknown>, key = server.org.ownerKey) {
  return call(server.url, '/v1/imports', { key, body });
}

async function bySource(server: TestServer, source: string) {
  const res = await get(server, `/v1/employees?source=${source}&limit=200`);
  expect(res.status).toBe(200);
  return res.body.data as Person[];
}

async function counts(server: TestServer) {
  const { db } = server.hub.context.store;
  const employees = await db.selectFrom('employees').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow();
  const events = await db.selectFrom('events').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return { employees: Number(employees.n), events: Number(events.n) };
}

eachStore('snapshot imports', (server) => {
  test('a JSON import creates the people with their source, and its run counts them', async () => {
    server().clock.advance(1_000);
    const since = server().clock.now().toISOString();
    const res = await importJson(server(), { source: 'bamboohr', people: [person(1), person(2), person(3)] });
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({
      source: 'bamboohr',
      status: 'completed',
      created: 3,
      updated: 0,
      deleted: 0,
    });
    const people = await bySource(server(), 'bamboohr');
    expect(people.map((p) => p.externalId).sort()).toEqual(['E-1', 'E-2', 'E-3']);
    const created = await eventsSince(server(), since, 'employee.created');
    expect(created.map((e) => e.data.object.source)).toEqual(['bamboohr', 'bamboohr', 'bamboohr']);
    const ended = await eventsSince(server(), since, 'sync.completed');
    expect(ended).toHaveLength(1);
    expect(ended[0].data.object).toMatchObject({ source: 'bamboohr', created: 3 });
    const run = await get(server(), `/v1/imports/${res.body.data.id}`);
    expect(run.body.data).toMatchObject({ id: res.body.data.id, status: 'completed', created: 3 });
    const listed = await get(server(), '/v1/imports?source=bamboohr');
    expect(listed.body.data.map((r: Person) => r.id)).toContain(res.body.data.id);
  });

  test('a dry run changes nothing, and its plan is exactly what apply then does', async () => {
    await importJson(server(), { source: 'personio', people: [person(11), person(12), person(13)] });
    const before = await counts(server());
    server().clock.advance(1_000);
    const since = server().clock.now().toISOString();
    const snapshot = [person(11, { title: 'Staff Engineer' }), person(12), person(14, { managerExternalId: 'E-11' })];
    const preview = await importJson(server(), {
      source: 'personio',
      mode: 'partial',
      dryRun: true,
      people: snapshot,
    });
    expect(preview.status).toBe(202);
    expect(preview.body.data).toMatchObject({ status: 'previewed', created: 1, updated: 1, unchanged: 1, deleted: 0 });
    expect(await counts(server())).toEqual(before);
    const plan = await get(server(), `/v1/imports/${preview.body.data.id}/changes`);
    expect(plan.status).toBe(200);
    const planned = plan.body.data as { action: string; employee: Person; changes: Person[] | null }[];
    expect(planned.map((c) => [c.action, c.employee.externalId])).toEqual([
      ['update', 'E-11'],
      ['create', 'E-14'],
    ]);
    expect(planned[0].changes).toEqual([expect.objectContaining({ field: 'title', old: null, new: 'Staff Engineer' })]);

    server().clock.advance(60_000);
    const applied = await post(server(), `/v1/imports/${preview.body.data.id}/apply`, {});
    expect(applied.status).toBe(200);
    expect(applied.body.data).toMatchObject({ status: 'completed', created: 1, updated: 1 });
    const events = (await eventsSince(server(), since)).filter((e) => e.type.startsWith('employee.'));
    expect(events.map((e) => [e.type, e.data.object.externalId])).toEqual([
      ['employee.updated', 'E-11'],
      ['employee.created', 'E-14'],
    ]);
    expect(events[0].data.changes).toEqual(planned[0].changes);
    const people = await bySource(server(), 'personio');
    const e11 = people.find((p) => p.externalId === 'E-11');
    const e14 = people.find((p) => p.externalId === 'E-14');
    expect(e11?.title).toBe('Staff Engineer');
    expect(e14?.managerId).toBe(e11?.id);
    // A plan is applied once.
    expectProblem(await post(server(), `/v1/imports/${preview.body.data.id}/apply`, {}), 409);
  });

  test('applying a preview after someone in it changed answers 409 and writes nothing', async () => {
    await importJson(server(), { source: 'workday', people: [person(21), person(22)] });
    const preview = await importJson(server(), {
      source: 'workday',
      dryRun: true,
      people: [person(21, { title: 'Lead' }), person(22, { title: 'Lead' })],
    });
    expect(preview.body.data.status).toBe('previewed');
    const e22 = (await bySource(server(), 'workday')).find((p) => p.externalId === 'E-22') as Person;
    server().clock.advance(1_000);
    expect((await patch(server(), `/v1/employees/${e22.id}`, { phone: '+44 20 7946 0000' })).status).toBe(200);
    const before = await counts(server());
    const res = await post(server(), `/v1/imports/${preview.body.data.id}/apply`, {});
    const problem = expectProblem(res, 409);
    expect(problem.detail).toContain(String(e22.id));
    expect(await counts(server())).toEqual(before);
    expect((await bySource(server(), 'workday')).map((p) => p.title)).toEqual([null, null]);
  });

  test('full mode deletes only the missing people of its own source', async () => {
    const byHand = await createEmployee(server(), { externalId: 'H-1' });
    await importJson(server(), { source: 'other-hris', people: [person(31)] });
    const people = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((n) => person(100 + n));
    await importJson(server(), { source: 'rippling', people });
    const res = await importJson(server(), { source: 'rippling', people: people.slice(1) });
    expect(res.body.data).toMatchObject({ status: 'completed', deleted: 1, unchanged: 10 });
    expect((await bySource(server(), 'rippling')).map((p) => p.externalId)).not.toContain('E-101');
    expect((await get(server(), `/v1/employees/${byHand.id}`)).status).toBe(200);
    expect(await bySource(server(), 'other-hris')).toHaveLength(1);
    // Partial mode never deletes.
    const partial = await importJson(server(), { source: 'rippling', mode: 'partial', people: [person(102)] });
    expect(partial.body.data).toMatchObject({ status: 'completed', deleted: 0 });
    expect(await bySource(server(), 'rippling')).toHaveLength(10);
  });

  test('the deletion guard stops a snapshot missing half the people before writing anything, until confirmed', async () => {
    const people = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => person(200 + n));
    await importJson(server(), { source: 'guarded', people });
    const before = await counts(server());
    server().clock.advance(1_000);
    const since = server().clock.now().toISOString();
    const res = await importJson(server(), {
      source: 'guarded',
      people: [...people.slice(0, 4), person(299)],
    });
    expect(res.body.data).toMatchObject({
      status: 'needs_confirmation',
      deletionGuard: { wouldDelete: 4, of: 8 },
    });
    expect(res.body.data.error).toMatch(/delete 4 of the 8/);
    const after = await counts(server());
    expect(after.employees).toBe(before.employees);
    // The stop is announced (sync.failed), and nothing else happened.
    const events = await eventsSince(server(), since);
    expect(events.map((e) => e.type)).toEqual(['sync.failed']);
    expectProblem(await post(server(), `/v1/imports/${res.body.data.id}/apply`, {}), 409);
    const confirmed = await post(server(), `/v1/imports/${res.body.data.id}/apply`, { confirmDeletions: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.data).toMatchObject({ status: 'completed', deleted: 4, created: 1 });
    expect(await bySource(server(), 'guarded')).toHaveLength(5);
  });

  test('an empty full snapshot needs confirmation rather than wiping the source', async () => {
    await importJson(server(), { source: 'emptied', people: [person(301), person(302)] });
    const res = await importJson(server(), { source: 'emptied', people: [] });
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ status: 'needs_confirmation', deletionGuard: { wouldDelete: 2, of: 2 } });
    expect(await bySource(server(), 'emptied')).toHaveLength(2);
  });

  test('people of another source are skipped with the reason unless the import adopts them', async () => {
    const byHand = await createEmployee(server(), { externalId: 'A-1', email: 'adopt.me@import.example' });
    const res = await importJson(server(), {
      source: 'adopter',
      people: [{ externalId: 'A-1', email: 'adopt.me@import.example', firstName: 'Ad', lastName: 'Opted' }],
    });
    expect(res.body.data).toMatchObject({ status: 'completed', skipped: 1, created: 0 });
    expect(res.body.data.skippedPeople[0].reason).toMatch(/belongs to the source "api".*adopt/);
    const adopted = await importJson(server(), {
      source: 'adopter',
      adopt: true,
      people: [{ externalId: 'A-1', email: 'adopt.me@import.example', firstName: 'Ad', lastName: 'Opted' }],
    });
    expect(adopted.body.data).toMatchObject({ status: 'completed', updated: 1 });
    expect((await get(server(), `/v1/employees/${byHand.id}`)).body.data).toMatchObject({
      source: 'adopter',
      lastName: 'Opted',
    });
  });

  test('the HiBob rules: a leaver, a future hire, a manager by email, an attribute of the wrong type, an option added', async () => {
    expect((await post(server(), '/v1/attributes', { name: 'Level', type: 'number' })).status).toBe(201);
    expect((await post(server(), '/v1/attributes', { name: 'Site', type: 'option', options: ['Paris'] })).status).toBe(
      201,
    );
    const res = await importJson(server(), {
      source: 'rules',
      match: 'email',
      people: [
        { email: 'boss@rules.example', firstName: 'Bo', lastName: 'Ss', attributes: { Site: 'Lisbon' } },
        {
          email: 'leaver@rules.example',
          firstName: 'Lee',
          lastName: 'Ver',
          startDate: '2020-01-01',
          separationDate: '2026-11-01',
          separationReason: 'resigned',
          managerEmail: 'boss@rules.example',
        },
        { email: 'future@rules.example', firstName: 'Fu', lastName: 'Ture', startDate: '2027-02-01' },
        { email: 'typed@rules.example', firstName: 'Ty', lastName: 'Ped', attributes: { Level: 'senior' } },
        { email: 'report@rules.example', firstName: 'Re', lastName: 'Port', managerEmail: 'late@rules.example' },
        { email: 'late@rules.example', firstName: 'La', lastName: 'Te' },
      ],
    });
    expect(res.body.data).toMatchObject({ status: 'completed', created: 6 });
    expect(res.body.data.addedOptions).toEqual([{ attribute: 'Site', option: 'Lisbon' }]);
    expect(res.body.data.skippedFields).toEqual([
      expect.objectContaining({ field: 'Level', reason: expect.stringMatching(/number/) }),
    ]);
    expect(res.body.data.warnings).toEqual([
      expect.objectContaining({ externalId: 'typed@rules.example', warning: expect.stringMatching(/senior/) }),
    ]);
    const people = new Map((await bySource(server(), 'rules')).map((p) => [p.email, p]));
    expect(people.get('leaver@rules.example')).toMatchObject({
      status: 'left',
      separationReason: 'resigned',
      managerId: people.get('boss@rules.example')?.id,
    });
    expect(people.get('future@rules.example')).toMatchObject({ status: 'pending' });
    expect(people.get('report@rules.example')?.managerId).toBe(people.get('late@rules.example')?.id);
    expect(people.get('boss@rules.example')?.attributes).toEqual({ Site: 'Lisbon' });
    const site = (await get(server(), '/v1/attributes')).body.data.find((a: Person) => a.name === 'Site');
    expect(site.options).toEqual(['Paris', 'Lisbon']);
  });

  test('rerunning the same snapshot converges: nothing written, nothing emitted', async () => {
    const people = [1, 2, 3].map((n) => person(400 + n, { managerExternalId: n > 1 ? 'E-401' : null }));
    await importJson(server(), { source: 'again', people });
    const before = await counts(server());
    const res = await importJson(server(), { source: 'again', people });
    expect(res.body.data).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: 3 });
    expect(await counts(server())).toEqual(before);
  });

  test('one run at a time per source: a second is refused while the first runs, naming it', async () => {
    const { db } = server().hub.context.store;
    const running = await post(server(), '/v1/imports', { source: 'busy', dryRun: true, people: [person(501)] });
    expect(running.status).toBe(202);
    await db.updateTable('sync_runs').set({ status: 'running' }).where('id', '=', running.body.data.id).execute();
    try {
      const res = await importJson(server(), { source: 'busy', people: [person(502)] });
      const problem = expectProblem(res, 409);
      expect(problem.runId).toBe(running.body.data.id);
      expect((await importJson(server(), { source: 'not-busy', people: [person(503)] })).status).toBe(202);
    } finally {
      await db.updateTable('sync_runs').set({ status: 'failed' }).where('id', '=', running.body.data.id).execute();
    }
  });

  test('bad input gets a problem naming what is wrong, and changes nothing', async () => {
    const before = await counts(server());
    const cases: [unknown, string | RegExp][] = [
      [{ source: 'api', people: [] }, /reserved/],
      [{ source: 'hibob', people: [] }, /reserved/],
      [{ source: 'Bad Slug!', people: [] }, /slug/],
      [{ people: [] }, /source.*required/],
      [{ source: 'ok', match: 'name', people: [] }, /externalId, email/],
      [{ source: 'ok', mode: 'sometimes', people: [] }, /full, partial/],
      [{ source: 'ok', maxDeletePercent: 150, people: [] }, /0 to 100/],
      [{ source: 'ok', surprise: 1, people: [] }, /not an import option/],
      [{ source: 'ok' }, /people/],
      [{ source: 'ok', people: {} }, /people/],
    ];
    for (const [body, detail] of cases) {
      const res = await importJson(server(), body as Record<string, unknown>);
      const problem = expectProblem(res, 400);
      expect(JSON.stringify(problem)).toMatch(detail);
    }
    expectProblem(
      await call(server().url, '/v1/imports', {
        key: server().org.ownerKey,
        body: '{"source":"ok","people":[{"email":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    const keyed = expectProblem(
      await call(server().url, '/v1/imports', {
        key: server().org.ownerKey,
        body: { source: 'ok', people: [person(701)] },
        headers: { 'idempotency-key': 'import-1' },
      }),
      400,
    );
    expect(keyed.detail).toMatch(/Idempotency-Key/);
    expectProblem(
      await call(server().url, '/v1/imports', {
        key: server().org.ownerKey,
        body: 'source=ok',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
    );
    expect(await counts(server())).toEqual(before);
  });

  test('a body declared over 50 MB is refused with 413 before it is read', async () => {
    const { hostname, port } = new URL(server().url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          hostname,
          port: Number(port),
          path: '/v1/imports',
          method: 'POST',
          headers: {
            'x-api-key': server().org.ownerKey,
            'content-type': 'application/json',
            'content-length': String(50 * 1024 * 1024 + 1),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      // Only the start of the body is sent: the answer must not wait for the rest.
      req.write('{"source":"huge","people":[');
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).detail).toMatch(/52428800|50 MB|bytes/);
  });

  test('a JSON snapshot of 20,000 people, over the general 1 MiB limit, imports', async () => {
    const people = Array.from({ length: 20_000 }, (_, i) => person(100_000 + i, { title: 'Analyst' }));
    const body = JSON.stringify({ source: 'big', mode: 'partial', people });
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
    const res = await call(server().url, '/v1/imports', {
      key: server().org.ownerKey,
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ status: 'completed', created: 20_000 });
    const listed = await get(server(), '/v1/employees?source=big&limit=1');
    expect(listed.body.data).toHaveLength(1);
  }, 120_000);

  test('reading runs needs employees:read and starting one employees:write; another organization sees none', async () => {
    const res = await importJson(server(), { source: 'scoped', people: [person(601)] });
    const reader = await post(server(), '/v1/apps', { name: 'Import reader', permissions: ['employees:read'] });
    expect(reader.status).toBe(201);
    const readKey = reader.body.data.token as string;
    expect((await get(server(), `/v1/imports/${res.body.data.id}`, readKey)).status).toBe(200);
    expectProblem(await importJson(server(), { source: 'scoped', people: [person(602)] }, readKey), 403);
    expectProblem(await post(server(), `/v1/imports/${res.body.data.id}/apply`, {}, readKey), 403);
    const writer = await post(server(), '/v1/apps', { name: 'Import writer', permissions: ['employees:write'] });
    expectProblem(await get(server(), '/v1/imports', writer.body.data.token as string), 403);
    const otherKey = server().other.ownerKey;
    expectProblem(await get(server(), `/v1/imports/${res.body.data.id}`, otherKey), 404);
    expect((await get(server(), '/v1/imports?source=scoped', otherKey)).body.data).toEqual([]);
    expectProblem(await post(server(), `/v1/imports/${res.body.data.id}/apply`, {}, otherKey), 404);
  });
});
