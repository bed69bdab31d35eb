import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { PeopleHub } from '../../nodes/PeopleHub/PeopleHub.node';
import { type TestServer, startTestServer } from '../helpers/harness';
import { SIMULATOR_ENV, type Simulator, connect, createSimulator } from '../helpers/hibob';
import { ALL_PERMISSIONS, type Context, appCredentials, n8nContext } from '../helpers/n8n-context';
import { createEmployee, get, post } from '../helpers/people';
import { eventually, startReceiver, type Receiver } from '../helpers/receiver';

// The action node, run through a minimal n8n context against a real server (SQLite; the node does
// not care which store the server uses).
describe('PeopleHub node', () => {
  let server: TestServer;
  let credentials: IDataObject;
  let receiver: Receiver;
  const node = new PeopleHub();

  /** Runs the node once with these parameters (one input item unless given). */
  async function run(
    parameters: Record<string, unknown>,
    options: {
      items?: INodeExecutionData[];
      continueOnFail?: boolean;
      credentials?: IDataObject;
      typeVersion?: number;
    } = {},
  ): Promise<{ output: INodeExecutionData[]; context: Context }> {
    const context = n8nContext({
      credentials: options.credentials ?? credentials,
      parameters,
      items: options.items,
      continueOnFail: options.continueOnFail,
      typeVersion: options.typeVersion,
    });
    const [output] = await node.execute.call(context.self);
    return { output, context };
  }
  const json = (output: INodeExecutionData[]) => output.map((item) => item.json);

  beforeAll(async () => {
    // HiBob calls give up after 2 s here, so a run left hanging on purpose ends within the test.
    server = await startTestServer('sqlite', { ...SIMULATOR_ENV, PEOPLEHUB_HIBOB_TIMEOUT_MS: '2000' });
    credentials = await appCredentials(server, ALL_PERMISSIONS);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  test('employees: create, get, update (clearing a field), get many with filters, delete', async () => {
    const { output: created } = await run({
      resource: 'employee',
      operation: 'create',
      email: 'n8n.created@acme.example',
      firstName: 'Nate',
      lastName: 'Eight',
      additionalFields: {
        department: 'Automation',
        title: 'Bot wrangler',
        startDate: '2026-01-05T00:00:00',
        attributes: '{}',
      },
    });
    const employee = created[0].json;
    expect(employee).toMatchObject({
      email: 'n8n.created@acme.example',
      department: 'Automation',
      startDate: '2026-01-05',
      status: 'active',
    });
    expect(created[0].pairedItem).toEqual({ item: 0 });

    const { output: fetched } = await run({ resource: 'employee', operation: 'get', employeeId: employee.id });
    expect(fetched[0].json.id).toBe(employee.id);

    const { output: updated } = await run({
      resource: 'employee',
      operation: 'update',
      employeeId: ` ${String(employee.id)} `,
      updateFields: { title: 'Chief bot wrangler', department: '' },
    });
    expect(updated[0].json).toMatchObject({ title: 'Chief bot wrangler', department: null });

    const { output: found } = await run({
      resource: 'employee',
      operation: 'getAll',
      returnAll: true,
      filters: { email: 'n8n.created@acme.example', status: 'active', source: 'api' },
    });
    expect(json(found).map((e) => e.id)).toEqual([employee.id]);
    const { output: imported } = await run({
      resource: 'employee',
      operation: 'getAll',
      returnAll: true,
      filters: { email: 'n8n.created@acme.example', source: 'bamboohr' },
    });
    expect(imported).toEqual([]);

    const { output: deleted } = await run({ resource: 'employee', operation: 'delete', employeeId: employee.id });
    expect(deleted[0].json).toEqual({ deleted: true });
    expect((await get(server, `/v1/employees/${String(employee.id)}`)).status).toBe(404);
  });

  test('get many follows the cursor with Return All, and reads only what Limit asks for', async () => {
    for (let i = 0; i < 205; i += 1)
      await createEmployee(server, { email: `paged${i}@acme.example`, department: 'Paged' });
    const all = await run({
      resource: 'employee',
      operation: 'getAll',
      returnAll: true,
      filters: { department: 'Paged' },
    });
    expect(new Set(json(all.output).map((e) => e.email)).size).toBe(205);
    expect(
      all.context.trace.requests
        .filter((r) => r.url.startsWith('/v1/employees'))
        .map((r) => new URL(r.url, 'http://x').searchParams.has('cursor')),
    ).toEqual([false, true]);

    const five = await run({
      resource: 'employee',
      operation: 'getAll',
      returnAll: false,
      limit: 5,
      filters: { department: 'Paged' },
    });
    expect(five.output).toHaveLength(5);
    const requests = five.context.trace.requests.filter((r) => r.url.startsWith('/v1/employees'));
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toContain('limit=5');
  });

  test('one output item per input item, each paired with its input', async () => {
    const items = [{ json: { who: 'a' } }, { json: { who: 'b' } }, { json: { who: 'c' } }];
    const { output } = await run((() => ({ resource: 'organization', operation: 'get' }))(), { items });
    expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
  });

  test("a refused request is a NodeApiError carrying the server's problem; continueOnFail turns it into an item", async () => {
    const attempt = run({
      resource: 'employee',
      operation: 'create',
      email: 'not-an-email',
      firstName: 'A',
      lastName: 'B',
      additionalFields: {},
    });
    await expect(attempt).rejects.toBeInstanceOf(NodeApiError);
    const error = (await attempt.catch((e: unknown) => e)) as NodeApiError;
    expect(error.httpCode).toBe('400');
    expect(error.message).toMatch(/invalid|validation/i);
    expect(error.description).toMatch(/\/email/);

    const missing = (await run({ resource: 'role', operation: 'get', roleId: 'rol_nope' }).catch(
      (e: unknown) => e,
    )) as NodeApiError;
    expect(missing.httpCode).toBe('404');
    expect(missing.description).toMatch(/rol_nope/);

    const { output } = await run({ resource: 'role', operation: 'get', roleId: 'rol_nope' }, { continueOnFail: true });
    expect(output[0].json.error).toEqual(expect.any(String));

    // A path cannot be bent by an id: it is one encoded segment.
    const bent = (await run({ resource: 'employee', operation: 'get', employeeId: '../organization' }).catch(
      (e: unknown) => e,
    )) as NodeApiError;
    expect(bent.httpCode).toBe('404');
  });

  test('scopes are enforced: an app without a permission gets a clear 403', async () => {
    const readOnly = await appCredentials(server, ['employees:read'], 'read-only');
    const error = (await run(
      {
        resource: 'employee',
        operation: 'create',
        email: 'x@acme.example',
        firstName: 'X',
        lastName: 'Y',
        additionalFields: {},
      },
      { credentials: readOnly },
    ).catch((e: unknown) => e)) as NodeApiError;
    expect(error.httpCode).toBe('403');
    expect(error.description).toMatch(/employees:write/);
  });

  test('the session is made once, reused, and renewed when the server answers 401', async () => {
    const fresh = await appCredentials(server, ['org:read'], 'sessions');
    const first = await run({ resource: 'organization', operation: 'get' }, { credentials: fresh });
    expect(first.context.trace.preAuthentications).toBe(1);
    const token = fresh.sessionToken;
    expect(token).toMatch(/^ey/);
    const second = await run({ resource: 'organization', operation: 'get' }, { credentials: fresh });
    expect(second.context.trace.preAuthentications).toBe(0);
    // The JWT expires (default lifetime one hour): the next call gets a 401 and a new session.
    server.clock.advance(2 * 3600 * 1000);
    const third = await run({ resource: 'organization', operation: 'get' }, { credentials: fresh });
    expect(third.output[0].json.id).toBe(server.org.organizationId);
    expect(third.context.trace.preAuthentications).toBe(1);
    expect(third.context.trace.requests.map((r) => r.status)).toEqual([401, 200, 200]);
    expect(fresh.sessionToken).not.toBe(token);
    // The app token itself never travels with ordinary calls.
    expect(third.context.trace.requests.filter((r) => r.url.includes('token'))).toEqual([]);
  });

  test('attributes, groups, roles with assignments, programs and recognitions', async () => {
    const attribute = (await run({ resource: 'attribute', operation: 'create', name: 'Shoe size', type: 'number' }))
      .output[0].json;
    expect(
      (await run({ resource: 'attribute', operation: 'getAll', returnAll: false, limit: 50 })).output.map(
        (i) => i.json.name,
      ),
    ).toContain('Shoe size');
    expect(
      (
        await run({
          resource: 'attribute',
          operation: 'update',
          attributeId: attribute.id,
          updateFields: { name: 'Shoe size (EU)' },
        })
      ).output[0].json.name,
    ).toBe('Shoe size (EU)');
    const options = (
      await run({ resource: 'attribute', operation: 'create', name: 'Team', type: 'option', options: ['Blue', 'Red'] })
    ).output[0].json;
    expect(options.options).toEqual(['Blue', 'Red']);
    expect(
      (await run({ resource: 'attribute', operation: 'delete', attributeId: attribute.id })).output[0].json,
    ).toEqual({ deleted: true });

    const group = (
      await run({
        resource: 'group',
        operation: 'create',
        name: 'Platform',
        additionalFields: { purpose: 'Keep the lights on' },
      })
    ).output[0].json;
    const child = (
      await run({ resource: 'group', operation: 'create', name: 'Databases', additionalFields: { parentId: group.id } })
    ).output[0].json;
    expect(
      (
        await run({ resource: 'group', operation: 'getAll', returnAll: true, filters: { parentId: group.id } })
      ).output.map((i) => i.json.id),
    ).toEqual([child.id]);
    expect(
      (await run({ resource: 'group', operation: 'update', groupId: child.id, updateFields: { purpose: 'Data' } }))
        .output[0].json.purpose,
    ).toBe('Data');

    const ada = await createEmployee(server, { email: 'ada.roles@acme.example' });
    const role = (
      await run({
        resource: 'role',
        operation: 'create',
        name: 'DBA',
        groupId: child.id,
        additionalFields: { accountabilities: ['Backups', 'Upgrades'] },
      })
    ).output[0].json;
    expect(role.accountabilities).toEqual(['Backups', 'Upgrades']);
    const assigned = (
      await run({
        resource: 'role',
        operation: 'assign',
        roleId: role.id,
        employeeId: ada.id,
        assignmentFields: { focus: 'Postgres', percentage: 50 },
      })
    ).output[0].json;
    expect(assigned.assignments).toEqual([
      expect.objectContaining({ employeeId: ada.id, focus: 'Postgres', percentage: 50 }),
    ]);
    expect(
      (
        await run({ resource: 'role', operation: 'getAll', returnAll: true, filters: { employeeId: ada.id } })
      ).output.map((i) => i.json.id),
    ).toEqual([role.id]);
    expect(
      (await run({ resource: 'role', operation: 'unassign', roleId: role.id, employeeId: ada.id })).output[0].json
        .assignments,
    ).toEqual([]);
    expect(
      (await run({ resource: 'role', operation: 'update', roleId: role.id, updateFields: { name: 'Database admin' } }))
        .output[0].json.name,
    ).toBe('Database admin');
    expect((await run({ resource: 'role', operation: 'delete', roleId: role.id })).output[0].json).toEqual({
      deleted: true,
    });
    expect((await run({ resource: 'group', operation: 'delete', groupId: child.id })).output[0].json).toEqual({
      deleted: true,
    });

    const program = (
      await run({
        resource: 'program',
        operation: 'create',
        name: 'Kudos',
        additionalFields: { description: 'Thank-yous' },
      })
    ).output[0].json;
    expect(
      (await run({ resource: 'program', operation: 'getAll', returnAll: true, filters: { q: 'kud' } })).output.map(
        (i) => i.json.id,
      ),
    ).toEqual([program.id]);
    const grace = await createEmployee(server, { email: 'grace.roles@acme.example' });
    const recognition = (
      await run({
        resource: 'recognition',
        operation: 'create',
        giverId: ada.id,
        recipientIds: `${String(grace.id)}, `,
        additionalFields: { points: 20, note: 'Thanks!', programId: program.id },
      })
    ).output[0].json;
    expect(recognition).toMatchObject({
      points: 20,
      note: 'Thanks!',
      recipients: [expect.objectContaining({ id: grace.id })],
    });
    expect(
      (await run({ resource: 'recognition', operation: 'get', recognitionId: recognition.id })).output[0].json.id,
    ).toBe(recognition.id);
    const given = await run({
      resource: 'recognition',
      operation: 'getAll',
      returnAll: true,
      filters: { giverId: ada.id, since: '2000-01-01T00:00:00' },
    });
    expect(given.output.map((i) => i.json.id)).toEqual([recognition.id]);
  });

  test('organization, users and the engagement overview', async () => {
    expect((await run({ resource: 'organization', operation: 'update', name: 'Acme (n8n)' })).output[0].json.name).toBe(
      'Acme (n8n)',
    );
    const user = (
      await run({
        resource: 'user',
        operation: 'create',
        email: 'new.user@acme.example',
        accessRight: 'member',
        additionalFields: { name: 'New User' },
      })
    ).output[0].json;
    expect(
      (await run({ resource: 'user', operation: 'update', userId: user.id, updateFields: { accessRight: 'admin' } }))
        .output[0].json.accessRight,
    ).toBe('admin');
    expect(
      (
        await run({ resource: 'user', operation: 'getAll', returnAll: true, filters: { accessRight: 'admin' } })
      ).output.map((i) => i.json.email),
    ).toContain('new.user@acme.example');
    expect((await run({ resource: 'user', operation: 'get', userId: user.id })).output[0].json.name).toBe('New User');
    expect((await run({ resource: 'user', operation: 'delete', userId: user.id })).output[0].json).toEqual({
      deleted: true,
    });

    // A segment must name a department someone is in: one that matches no one is refused (400).
    await createEmployee(server, { email: 'seller@acme.example', department: 'Sales' });
    const overview = (
      await run({
        resource: 'engagement',
        operation: 'getOverview',
        interval: 'quarter',
        overviewOptions: { to: '2026-11-20T00:00:00', segment: 'department:Sales' },
      })
    ).output[0].json;
    expect(overview).toMatchObject({ interval: 'quarter', segment: 'department:Sales' });
    expect(Array.isArray(overview.trend)).toBe(true);
  });

  test('engagement drivers and heatmap, with segments combined one per line', async () => {
    const team = [];
    for (let n = 0; n < 6; n += 1)
      team.push(
        await createEmployee(server, {
          email: `driver${n}@acme.example`,
          department: 'Drivers',
          startDate: '2025-06-01',
        }),
      );
    const answers = team.flatMap((e, n) => [
      { employeeId: e.id, question: 'engagement', score: 8, answeredAt: '2026-11-10T09:00:00.000Z' },
      { employeeId: e.id, question: 'Growth', score: n % 2 === 0 ? 6 : 9, answeredAt: '2026-11-10T09:00:00.000Z' },
    ]);
    expect((await post(server, '/v1/engagement/answers', { answers })).status).toBe(201);

    const drivers = (
      await run({
        resource: 'engagement',
        operation: 'getDrivers',
        interval: 'month',
        analyticsOptions: { segment: 'department:Drivers' },
      })
    ).output.map((item) => item.json);
    expect(drivers).toEqual([
      expect.objectContaining({
        question: 'Growth',
        score: 7.5,
        respondents: 6,
        window: expect.objectContaining({ period: '2026-11', segments: ['department:Drivers'] }),
      }),
    ]);

    const heatmap = (
      await run({
        resource: 'engagement',
        operation: 'getHeatmap',
        interval: 'month',
        by: 'department',
        analyticsOptions: {},
      })
    ).output[0].json as { columns: string[]; rows: { segment: string; cells: { score: number | null }[] }[] };
    expect(heatmap.columns).toEqual(['engagement', 'Growth']);
    expect(heatmap.rows.find((row) => row.segment === 'department:Drivers')?.cells.map((c) => c.score)).toEqual([
      8, 7.5,
    ]);
    // Version 1 (as above, and with the version given) gives the heatmap as one item; version 2 one item per row.
    const heatmapParameters = { resource: 'engagement', operation: 'getHeatmap', interval: 'month', by: 'department' };
    const v1 = (await run({ ...heatmapParameters, analyticsOptions: {} }, { typeVersion: 1 })).output;
    expect(json(v1)).toEqual([heatmap]);
    const v2 = (await run({ ...heatmapParameters, analyticsOptions: {} }, { typeVersion: 2 })).output;
    expect(v2.length).toBe(heatmap.rows.length);
    expect(v2.length).toBeGreaterThan(1);
    expect(json(v2).map((row) => row.segment)).toEqual(heatmap.rows.map((row) => row.segment));
    const { rows: _rows, ...window } = heatmap;
    expect(v2.find((item) => item.json.segment === 'department:Drivers')?.json).toEqual({
      ...heatmap.rows.find((row) => row.segment === 'department:Drivers'),
      window,
    });
    expect(v2.every((item) => JSON.stringify(item.pairedItem) === JSON.stringify({ item: 0 }))).toBe(true);

    // Submit Answers: one answer per input item, each recorded and paired with its item.
    const submitted = await run(
      {
        resource: 'engagement',
        operation: 'submitAnswers',
        employeeId: team[0].id,
        question: 'Autonomy',
        score: 7,
        answeredAt: '2026-11-12T10:00:00',
      },
      { items: [{ json: {} }, { json: {} }] },
    );
    expect(json(submitted.output)).toEqual([
      expect.objectContaining({ employeeId: team[0].id, question: 'Autonomy', score: 7, accepted: 1 }),
      expect.objectContaining({ accepted: 1 }),
    ]);
    expect(submitted.output[0].json.answeredAt).toBe(new Date('2026-11-12T10:00:00').toISOString());
    expect(submitted.output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);

    const both = (
      await run({
        resource: 'engagement',
        operation: 'getOverview',
        interval: 'month',
        overviewOptions: { segment: 'department:Drivers\n tenure:1-2y \n' },
      })
    ).output[0].json;
    expect(both).toMatchObject({
      segments: ['department:Drivers', 'tenure:1-2y'],
      score: 8,
      participation: expect.objectContaining({ responded: 6 }),
    });

    await expect(
      run({
        resource: 'engagement',
        operation: 'getHeatmap',
        interval: 'month',
        by: 'attribute',
        attributeName: 'Shoe size',
        analyticsOptions: {},
      }),
    ).rejects.toMatchObject({
      description: expect.stringMatching(/\/by names no attribute/),
    });
  });

  test('webhooks: create, test against a real receiver, list, update, deliveries and a resend, delete', async () => {
    const hook = (
      await run({
        resource: 'webhook',
        operation: 'create',
        name: 'From n8n',
        url: receiver.url,
        events: ['employee.created'],
        additionalFields: { format: 'chat', errorRecipientEmails: 'ops@acme.example, ' },
      })
    ).output[0].json;
    expect(hook).toMatchObject({
      format: 'chat',
      signing: true,
      events: ['employee.created'],
      errorRecipientEmails: ['ops@acme.example'],
    });
    const tested = (
      await run({ resource: 'webhook', operation: 'test', webhookId: hook.id, eventType: 'employee.created' })
    ).output[0].json;
    expect(tested).toMatchObject({ ok: true, statusCode: 200, responseBody: 'ok' });
    expect(
      (await run({ resource: 'webhook', operation: 'getAll', returnAll: true, filters: { q: 'From n8n' } })).output.map(
        (i) => i.json.id,
      ),
    ).toEqual([hook.id]);
    expect(
      (
        await run({
          resource: 'webhook',
          operation: 'update',
          webhookId: hook.id,
          updateFields: { format: 'json', events: ['employee.created', 'employee.deleted'] },
        })
      ).output[0].json,
    ).toMatchObject({
      format: 'json',
      events: ['employee.created', 'employee.deleted'],
    });

    const before = receiver.requests.length;
    await createEmployee(server, { email: 'delivered@acme.example' });
    await eventually(() => receiver.requests.length > before);
    const deliveries = await eventually(async () => {
      const listed = (
        await run({ resource: 'delivery', operation: 'getAll', webhookId: hook.id, returnAll: true, filters: {} })
      ).output;
      return listed.length > 0 ? listed : undefined;
    });
    const delivery = deliveries[0].json;
    expect((await run({ resource: 'delivery', operation: 'get', deliveryId: delivery.id })).output[0].json.id).toBe(
      delivery.id,
    );
    const resent = (await run({ resource: 'delivery', operation: 'resend', deliveryId: delivery.id })).output[0].json;
    expect(resent.messageId).toEqual(expect.any(String));
    await eventually(() => receiver.requests.length > before + 1);
    expect(
      (await run({ resource: 'webhook', operation: 'get', webhookId: hook.id })).output[0].json,
    ).not.toHaveProperty('secret');

    // Rotate Secret gives the new secret and the old one with its end; Recover re-queues failures since a time.
    const rotated = (await run({ resource: 'webhook', operation: 'rotateSecret', webhookId: hook.id })).output[0].json;
    expect(rotated).toMatchObject({ secret: expect.any(String), previousSecret: expect.any(String) });
    expect(rotated.secret).not.toBe(rotated.previousSecret);
    const recovered = (
      await run({ resource: 'webhook', operation: 'recover', webhookId: hook.id, since: '2026-11-01T00:00:00Z' })
    ).output[0].json;
    expect(recovered).toEqual({ webhookId: hook.id, since: '2026-11-01T00:00:00.000Z', requeued: 0 });

    expect((await run({ resource: 'webhook', operation: 'delete', webhookId: hook.id })).output[0].json).toEqual({
      deleted: true,
    });
  });

  describe('HiBob sync', () => {
    let sim: Simulator;
    beforeAll(async () => {
      sim = createSimulator();
      const simUrl = await sim.listen();
      sim.addPerson({
        email: 'bob.person@bob.example',
        firstName: 'Bo',
        surname: 'Bob',
        title: 'Engineer',
        department: 'Engineering',
        startDate: '2024-01-01',
      });
      const status = await run({ resource: 'hibob', operation: 'getStatus' }).catch((e: unknown) => e);
      expect((status as NodeApiError).httpCode).toBe('404');
      expect((await connect(server, sim, simUrl)).status).toBe(200);
    });
    afterAll(() => sim?.close());

    test('sync now (waiting for the result), the run, and the status', async () => {
      const run1 = (await run({ resource: 'hibob', operation: 'syncNow', waitForCompletion: true })).output[0].json;
      expect(run1).toMatchObject({ status: 'completed', created: 1 });
      expect((await run({ resource: 'hibob', operation: 'getRun', runId: run1.id })).output[0].json).toMatchObject({
        id: run1.id,
        status: 'completed',
      });
      expect((await run({ resource: 'hibob', operation: 'getStatus' })).output[0].json).toMatchObject({
        connected: true,
        lastRun: expect.objectContaining({ id: run1.id }),
      });
      expect(JSON.stringify((await run({ resource: 'hibob', operation: 'getStatus' })).output)).not.toContain(
        sim.credentials.token,
      );
      const started = (await run({ resource: 'hibob', operation: 'syncNow', waitForCompletion: false })).output[0].json;
      expect(started).toMatchObject({ status: 'running' });
    });

    test('get many runs, and version 2 stops waiting at its timeout', async () => {
      const runs = async () =>
        json((await run({ resource: 'hibob', operation: 'getAllRuns', returnAll: true })).output);
      await eventually(async () => (await runs()).every((r) => r.status !== 'running'));
      const listed = await runs();
      expect(listed.length).toBe(2);
      expect(listed.every((r) => r.source === 'hibob')).toBe(true);
      expect(
        json((await run({ resource: 'hibob', operation: 'getAllRuns', returnAll: false, limit: 1 })).output),
      ).toEqual([listed[0]]);

      // Version 2 picks a run from the list of HiBob's runs, and Get Run takes the picked value.
      const picker = await node.methods.listSearch.searchHibobRuns.call(
        n8nContext({ credentials, typeVersion: 2 }).self,
      );
      expect(picker.results.map((r) => r.value)).toEqual(listed.map((r) => r.id));
      expect(picker.results[0]?.name).toMatch(/^completed · \d{4}-/);
      const runId = { __rl: true, mode: 'list', value: listed[1]!.id };
      expect(
        (await run({ resource: 'hibob', operation: 'getRun', runId }, { typeVersion: 2 })).output[0]!.json,
      ).toMatchObject({ id: listed[1]!.id, source: 'hibob' });

      // HiBob does not answer: the run is still going when the one-second timeout is up.
      sim.failNext({ hang: true });
      await expect(
        run({ resource: 'hibob', operation: 'syncNow', waitForCompletion: true, timeout: 1 }, { typeVersion: 2 }),
      ).rejects.toMatchObject({ message: expect.stringMatching(/^HiBob sync run_\w+ was still running after 1 s$/) });
      // …and ends on its own, at the client's timeout.
      await eventually(async () => (await runs()).every((r) => r.status !== 'running'), 20_000);
    }, 30_000);
  });

  test('message → parse needs no server and returns one item per message', async () => {
    const text =
      '**[Role](https://hub.example.com/roles/rol_1)** was updated\n\n**Author:** Jane Doe (jane@example.com)\n\n**Name:** Engineer → Senior Engineer\n\n---\n\n**[Role](https://hub.example.com/roles/rol_2)** was deleted\n\n**Name:** Old';
    const { output, context } = await run({ resource: 'message', operation: 'parse', text });
    expect(context.trace.requests).toEqual([]);
    expect(json(output)).toEqual([
      expect.objectContaining({
        entity: 'Role',
        action: 'updated',
        author: { name: 'Jane Doe', email: 'jane@example.com' },
      }),
      expect.objectContaining({ entity: 'Role', action: 'deleted', author: null, fields: { Name: 'Old' } }),
    ]);
    await expect(run({ resource: 'message', operation: 'parse', text: '  ' })).rejects.toThrow(/no chat message/);
  });
});
