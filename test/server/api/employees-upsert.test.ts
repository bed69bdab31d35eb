import { eachStore, restoreClockAfterEach } from '../../helpers/harness';
import { type Response, call, expectProblem } from '../../helpers/http';
import { createEmployee, eventsSince, get, patch, post } from '../../helpers/people';

const byEmail = (email: string) => `/v1/employees/by-email/${encodeURIComponent(email)}`;
const byExternalId = (externalId: string) => `/v1/employees/by-external-id/${encodeURIComponent(externalId)}`;

eachStore('create or update an employee by email or external id', (server) => {
  restoreClockAfterEach(() => server().clock);

  const put = (path: string, body: unknown, options: { key?: string; headers?: Record<string, string> } = {}) =>
    call(server().url, path, {
      method: 'PUT',
      key: 'key' in options ? options.key : server().org.ownerKey,
      body,
      headers: options.headers,
    });
  const now = () => server().clock.now().toISOString();
  /** The events of one employee since `since`, oldest first. */
  const eventsOf = async (id: string, since: string) =>
    (await eventsSince(server(), since)).filter((event) => event.data.object.id === id);
  const auditOf = async (id: string) =>
    (await get(server(), `/v1/audit?targetId=${id}&limit=200`)).body.data as {
      action: string;
      actor: { type: string; id: string | null };
      details: { changed?: string[] } | null;
    }[];
  const withEmail = async (email: string) =>
    (await get(server(), `/v1/employees?email=${encodeURIComponent(email)}`)).body.data as { id: string }[];
  const withExternalId = async (externalId: string) =>
    (await get(server(), `/v1/employees?externalId=${encodeURIComponent(externalId)}`)).body.data as { id: string }[];
  const errorPaths = (res: Response) =>
    (expectProblem(res, 400).errors as { path: string }[]).map((error) => error.path).sort();

  test('nobody with the email yet: 201 created, from the API, with an employee.created event and an audit entry', async () => {
    const since = now();
    const res = await put(byEmail('grace.hopper@acme.example'), {
      firstName: 'Grace',
      lastName: 'Hopper',
      title: 'Rear Admiral',
      startDate: '2020-01-06',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      result: 'created',
      data: expect.objectContaining({
        id: expect.stringMatching(/^emp_/),
        email: 'grace.hopper@acme.example',
        firstName: 'Grace',
        lastName: 'Hopper',
        displayName: 'Grace Hopper',
        title: 'Rear Admiral',
        externalId: null,
        source: 'api',
        status: 'active',
      }),
    });
    const id = res.body.data.id as string;
    expect((await get(server(), `/v1/employees/${id}`)).body.data).toEqual(res.body.data);
    const events = await eventsOf(id, since);
    expect(events.map((event) => event.type)).toEqual(['employee.created']);
    expect(events[0].data.object).toEqual(res.body.data);
    const audit = await auditOf(id);
    expect(audit.map((entry) => [entry.action, entry.actor.type, entry.actor.id])).toEqual([
      ['employee.created', 'user', server().org.userId],
    ]);
  });

  test('someone with the email: 200 updated, only the fields sent change, and the event shows the diff as PATCH does', async () => {
    const fields = { title: 'Engineer', department: 'R&D', startDate: '2021-03-01', phone: '+1 555 0101' };
    const viaPut = await createEmployee(server(), { ...fields, email: 'upsert.diff@acme.example' });
    const viaPatch = await createEmployee(server(), { ...fields, email: 'patch.diff@acme.example' });
    server().clock.advance(60_000);
    const since = now();
    const changes = { title: 'Staff Engineer', department: 'Platform' };

    const res = await put(byEmail('upsert.diff@acme.example'), changes);
    await patch(server(), `/v1/employees/${viaPatch.id}`, changes);

    expect(res.status).toBe(200);
    expect(res.body.result).toBe('updated');
    expect(res.body.data).toEqual({ ...viaPut, ...changes, updatedAt: since });
    const [updated] = await eventsOf(viaPut.id, since);
    expect(updated.type).toBe('employee.updated');
    expect(updated.data.changes).toEqual([
      { field: 'title', label: 'Title', old: 'Engineer', new: 'Staff Engineer' },
      { field: 'department', label: 'Department', old: 'R&D', new: 'Platform' },
    ]);
    const [patched] = await eventsOf(viaPatch.id, since);
    expect(updated.data.changes).toEqual(patched.data.changes);
    expect((await auditOf(viaPut.id))[0]).toMatchObject({
      action: 'employee.updated',
      details: { changed: ['title', 'department'] },
    });
  });

  test('nothing new: 200 unchanged, no event, no audit entry, updatedAt kept', async () => {
    const e = await createEmployee(server(), { email: 'same.again@acme.example', title: 'Designer' });
    server().clock.advance(60_000);
    const since = now();
    const auditBefore = await auditOf(e.id);

    const same = await put(byEmail('same.again@acme.example'), {
      firstName: e.firstName,
      lastName: e.lastName,
      title: 'Designer',
    });
    const empty = await put(byEmail('same.again@acme.example'), {});

    for (const res of [same, empty]) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ result: 'unchanged', data: e });
    }
    expect(await eventsOf(e.id, since)).toEqual([]);
    expect(await auditOf(e.id)).toEqual(auditBefore);
  });

  test('a new person without email, firstName or lastName is a 400 naming each missing field, and nobody is added', async () => {
    const res = await put(byExternalId('HR-MISSING'), { title: 'Nameless' });
    expect(errorPaths(res)).toEqual(['/email', '/firstName', '/lastName']);
    expect(res.body.errors[0].message).toMatch(/required to create an employee/);
    expect(errorPaths(await put(byEmail('half.named@acme.example'), { firstName: 'Half' }))).toEqual(['/lastName']);
    expect(await withExternalId('HR-MISSING')).toEqual([]);
    expect(await withEmail('half.named@acme.example')).toEqual([]);
  });

  test('a body that names another person than the path is a 400 saying which field, on both paths', async () => {
    const e = await createEmployee(server(), { email: 'path.owner@acme.example', externalId: 'HR-PATH' });
    const email = expectProblem(
      await put(byEmail('path.owner@acme.example'), { email: 'someone.else@acme.example', title: 'Hijacked' }),
      400,
    );
    expect(email.errors).toEqual([
      { location: 'body', path: '/email', message: expect.stringMatching(/contradicts the email in the path/) },
    ]);
    for (const externalId of ['HR-OTHER', null]) {
      const problem = expectProblem(await put(byExternalId('HR-PATH'), { externalId, title: 'Hijacked' }), 400);
      expect(problem.errors).toEqual([
        { location: 'body', path: '/externalId', message: expect.stringMatching(/contradicts the external id/) },
      ]);
    }
    expect(errorPaths(await put(byEmail('nobody.yet@acme.example'), { email: 'x@acme.example' }))).toEqual(['/email']);
    expect((await get(server(), `/v1/employees/${e.id}`)).body.data).toEqual(e);
    expect(await withEmail('someone.else@acme.example')).toEqual([]);
  });

  test('Idempotency-Key: a replay gives the same status and body and emits nothing new', async () => {
    const since = now();
    const body = { firstName: 'Ida', lastName: 'Empotent' };
    const headers = { 'idempotency-key': 'upsert-ida-1' };
    const first = await put(byEmail('ida@acme.example'), body, { headers });
    const replay = await put(byEmail('ida@acme.example'), body, { headers });
    expect(first.status).toBe(201);
    expect({ status: replay.status, body: replay.body }).toEqual({ status: first.status, body: first.body });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await eventsOf(first.body.data.id, since)).map((event) => event.type)).toEqual(['employee.created']);
    // Without the key the same request runs again, and finds nothing to change.
    const again = await put(byEmail('ida@acme.example'), body);
    expect({ status: again.status, result: again.body.result }).toEqual({ status: 200, result: 'unchanged' });
    expectProblem(await put(byEmail('ida@acme.example'), { ...body, title: 'Other' }, { headers }), 422);
    expect(await withEmail('ida@acme.example')).toHaveLength(1);
  });

  test('by external id: creates with that id, then updates the same person; the id matches exactly', async () => {
    const since = now();
    const created = await put(byExternalId('HR 1001/a'), {
      email: 'hr.1001@acme.example',
      firstName: 'Ext',
      lastName: 'Ernal',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ result: 'created', data: { externalId: 'HR 1001/a', source: 'api' } });
    const id = created.body.data.id as string;

    const updated = await put(byExternalId('HR 1001/a'), { department: 'Sales', email: 'ext.renamed@acme.example' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      result: 'updated',
      data: { id, department: 'Sales', email: 'ext.renamed@acme.example', firstName: 'Ext' },
    });
    const events = await eventsOf(id, since);
    expect(events.map((event) => event.type)).toEqual(['employee.created', 'employee.updated']);
    expect(events[1].data.changes).toEqual([
      { field: 'email', label: 'Email', old: 'hr.1001@acme.example', new: 'ext.renamed@acme.example' },
      { field: 'department', label: 'Department', old: null, new: 'Sales' },
    ]);
    // Another case is another id: nobody matches, and a new person needs a name.
    expect(errorPaths(await put(byExternalId('hr 1001/a'), { email: 'lower@acme.example' }))).toEqual([
      '/firstName',
      '/lastName',
    ]);
    // An email that belongs to someone else is a conflict, not a second person.
    expectProblem(
      await put(byExternalId('HR-1002'), { email: 'EXT.RENAMED@acme.example', firstName: 'Dup', lastName: 'Licate' }),
      409,
    );
    expect(await withExternalId('HR-1002')).toEqual([]);
  });

  test('the email in the path matches in any case; the stored spelling changes only when the body sends one', async () => {
    const e = await createEmployee(server(), { email: 'Mixed.Case@Acme.example' });
    const found = await put(byEmail('mixed.case@ACME.EXAMPLE'), { title: 'Found' });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      result: 'updated',
      data: { id: e.id, email: 'Mixed.Case@Acme.example', title: 'Found' },
    });
    const respelled = await put(byEmail('MIXED.case@acme.example'), { email: 'mixed.case@acme.example' });
    expect(respelled.body).toMatchObject({ result: 'updated', data: { id: e.id, email: 'mixed.case@acme.example' } });
    expect(await withEmail('MIXED.CASE@acme.example')).toHaveLength(1);
  });

  test('writing needs employees:write: 401 without a credential, 403 naming the permission with only read', async () => {
    const app = async (name: string, permissions: string[]) =>
      (await post(server(), '/v1/apps', { name, permissions })).body.data.token as string;
    const reader = await app('Upsert reader', ['employees:read']);
    const writer = await app('Upsert writer', ['employees:write']);
    const body = { firstName: 'Perm', lastName: 'Ission' };

    expectProblem(await put(byEmail('perm@acme.example'), body, { key: undefined }), 401);
    const refused = expectProblem(await put(byEmail('perm@acme.example'), body, { key: reader }), 403);
    expect(refused.requiredScope).toBe('employees:write');
    expectProblem(await put(byExternalId('HR-PERM'), { ...body, email: 'perm@acme.example' }, { key: reader }), 403);
    expect(await withEmail('perm@acme.example')).toEqual([]);

    const allowed = await put(byEmail('perm@acme.example'), body, { key: writer });
    expect(allowed.status).toBe(201);
    const audit = await auditOf(allowed.body.data.id);
    expect(audit[0]).toMatchObject({ action: 'employee.created', actor: { type: 'app' } });
  });

  test('hostile input is refused with 400 (413 for a huge body) and writes nothing', async () => {
    const count = async () => (await get(server(), '/v1/employees?limit=200')).body.data.length as number;
    const before = await count();
    const name = { firstName: 'Hos', lastName: 'Tile' };
    const refusals: [string, unknown, string][] = [
      [byEmail('hostile@acme.example'), { ...name, firstName: 'x'.repeat(101) }, '/firstName'],
      [byEmail('hostile@acme.example'), { ...name, lastName: 42 }, '/lastName'],
      [byEmail('hostile@acme.example'), { ...name, attributes: 'nope' }, '/attributes'],
      [byEmail('hostile@acme.example'), { ...name, accessRight: 'owner' }, '/accessRight'],
      [byEmail('hostile@acme.example'), { ...name, startDate: '2026-02-30' }, '/startDate'],
      [byEmail('hostile@acme.example'), [name], ''],
      [byEmail('not-an-email'), name, '/email'],
      [byEmail(`${'x'.repeat(250)}@acme.example`), name, '/email'],
      [byExternalId('x'.repeat(201)), { ...name, email: 'hostile@acme.example' }, '/externalId'],
      [byExternalId('   '), { ...name, email: 'hostile@acme.example' }, '/externalId'],
    ];
    for (const [path, body, field] of refusals) {
      const res = await put(path, body);
      expect({ path: path.slice(0, 60), field, paths: errorPaths(res) }).toEqual({
        path: path.slice(0, 60),
        field,
        paths: [field],
      });
    }
    expectProblem(await put(byExternalId('nul\u0000id'), { ...name, email: 'hostile@acme.example' }), 400);
    const json = { headers: { 'content-type': 'application/json' } };
    expectProblem(await put(byEmail('hostile@acme.example'), '{"firstName": ', json), 400);
    const huge = JSON.stringify({ ...name, title: 'x'.repeat(1024 * 1024) });
    expectProblem(await put(byEmail('hostile@acme.example'), huge, json), 413);
    expect(await count()).toBe(before);
  });

  test('concurrent creates of one new person add them once: the others find them, never a 500', async () => {
    const since = now();
    const body = { firstName: 'Race', lastName: 'Condition', department: 'Racing' };
    const answers = await Promise.all(Array.from({ length: 6 }, () => put(byEmail('race@acme.example'), body)));
    // The ones that lose the race to insert try again, find the person, and have nothing to change.
    expect(answers.map((res) => `${res.status} ${res.body.result}`).sort()).toEqual([
      '200 unchanged',
      '200 unchanged',
      '200 unchanged',
      '200 unchanged',
      '200 unchanged',
      '201 created',
    ]);
    const [person] = await withEmail('race@acme.example');
    expect(await withEmail('race@acme.example')).toHaveLength(1);
    expect((await eventsOf(person.id, since)).map((event) => event.type)).toEqual(['employee.created']);
  });

  test('GET /v1/employees?source= takes any source slug and refuses what is not one', async () => {
    const mine = (await put(byEmail('source.api@acme.example'), { firstName: 'Api', lastName: 'Person' })).body.data;
    const imported = await createEmployee(server(), { email: 'source.import@acme.example' });
    // What an import from BambooHR leaves behind: a person whose source is its slug.
    await server()
      .hub.context.store.db.updateTable('employees')
      .set({ source: 'bamboohr' })
      .where('id', '=', imported.id)
      .execute();
    const ids = async (source: string) =>
      ((await get(server(), `/v1/employees?source=${source}&limit=200`)).body.data as { id: string; source: string }[])
        .map((e) => `${e.id}:${e.source}`)
        .sort();

    expect(await ids('bamboohr')).toEqual([`${imported.id}:bamboohr`]);
    expect(await ids('api')).toContain(`${mine.id}:api`);
    expect(await ids('api')).not.toContain(`${imported.id}:api`);
    expect(await ids('personio')).toEqual([]);
    const bad = expectProblem(await get(server(), `/v1/employees?source=${encodeURIComponent('Bad Slug!')}`), 400);
    expect(bad.errors).toEqual([{ location: 'query', path: '/source', message: expect.stringMatching(/slug/) }]);
    // Updating someone through PUT keeps where they came from.
    const kept = await put(byEmail('source.import@acme.example'), { title: 'Imported' });
    expect(kept.body.data).toMatchObject({ source: 'bamboohr', title: 'Imported' });
  });
});
