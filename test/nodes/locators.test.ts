import type { IDataObject, INodeExecutionData, INodeProperties, INodePropertyMode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { PeopleHub } from '../../nodes/PeopleHub/PeopleHub.node';
import { type TestServer, startTestServer } from '../helpers/harness';
import { ALL_PERMISSIONS, type Context, appCredentials, n8nContext } from '../helpers/n8n-context';
import { createEmployee, get, post } from '../helpers/people';
import { createRound } from '../helpers/surveys';
import { rl } from '../helpers/node-under-test';

// Version 2's resource locators, list searches and dropdowns, against a real server; and version 1's
// text ids, unchanged.
describe('PeopleHub node: resource locators and version 2', () => {
  let server: TestServer;
  let credentials: IDataObject;
  const node = new PeopleHub();
  const properties = node.description.properties;

  async function run(
    parameters: Record<string, unknown>,
    typeVersion = 2,
  ): Promise<{ output: INodeExecutionData[]; context: Context }> {
    const context = n8nContext({ credentials, parameters, typeVersion });
    const [output] = await node.execute.call(context.self);
    return { output, context };
  }
  const loadContext = () => n8nContext({ credentials, typeVersion: 2 }).self;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    credentials = await appCredentials(server, ALL_PERMISSIONS);
  });
  afterAll(() => server?.close());

  const shownFor = (p: INodeProperties, version: number) => {
    const condition = p.displayOptions?.show?.['@version'] as unknown[] | undefined;
    if (condition === undefined) return true;
    return condition.some((c) =>
      typeof c === 'number' ? c === version : version >= (c as { _cnd: { gte: number } })._cnd.gte,
    );
  };

  test('each id a user picks is text in version 1 and a locator from version 2, version 2 listed first', () => {
    const cases: [string, string, string][] = [
      ['employee', 'employeeId', 'emp'],
      ['group', 'groupId', 'grp'],
      ['role', 'roleId', 'rol'],
      ['role', 'groupId', 'grp'],
      ['role', 'employeeId', 'emp'],
      ['user', 'userId', 'usr'],
      ['webhook', 'webhookId', 'wh'],
      ['delivery', 'webhookId', 'wh'],
      ['recognition', 'giverId', 'emp'],
      ['survey', 'surveyId', 'srv'],
      ['import', 'importId', 'run'],
    ];
    for (const [resource, name, prefix] of cases) {
      const defined = properties.filter((p) => p.name === name && p.displayOptions?.show?.resource?.includes(resource));
      expect(defined.map((p) => p.type)).toEqual(['resourceLocator', 'string']);
      const [locator, text] = defined;
      expect([shownFor(locator, 1), shownFor(locator, 2), shownFor(text, 1), shownFor(text, 2)]).toEqual([
        false,
        true,
        true,
        false,
      ]);
      expect(locator.description).toContain(`like ${prefix}_`);
      const modes = locator.modes as INodePropertyMode[];
      expect(modes.map((m) => m.name).slice(0, 2)).toEqual(['list', 'id']);
      expect(node.methods.listSearch).toHaveProperty(modes[0].typeOptions?.searchListMethod as string);
      // n8n anchors the pattern itself.
      const regex = (modes[1].validation?.[0] as unknown as { properties: { regex: string } }).properties.regex;
      expect(regex).not.toMatch(/^\^|\$$/);
      const valid = new RegExp(`^${regex}$`);
      expect(valid.test(`${prefix}_01JABCDEFGHJKMNPQRSTVWXYZ0`)).toBe(true);
      for (const wrong of [`${prefix}_short`, `xyz_01JABCDEFGHJKMNPQRSTVWXYZ0`, `${prefix}_01JABCDEFGHJKMNPQRSTVWXYOI`])
        expect(valid.test(wrong)).toBe(false);
      expect(modes.some((m) => m.name === 'email')).toBe(prefix === 'emp');
    }
  });

  test('list search: employees by q, paged with cursors, every id a real one', async () => {
    for (let i = 0; i < 53; i += 1)
      await createEmployee(server, { email: `locate${i}@acme.example`, lastName: `Locatable${i}` });
    await createEmployee(server, { email: 'someone.else@acme.example', lastName: 'Other' });
    const first = await node.methods.listSearch.searchEmployees.call(loadContext(), 'locatable');
    expect(first.results).toHaveLength(50);
    expect(first.paginationToken).toEqual(expect.any(String));
    const second = await node.methods.listSearch.searchEmployees.call(
      loadContext(),
      'locatable',
      first.paginationToken as string,
    );
    expect(second.results).toHaveLength(3);
    expect(second.paginationToken).toBeUndefined();
    const all = [...first.results, ...second.results];
    expect(new Set(all.map((r) => r.value)).size).toBe(53);
    expect(all[0]).toEqual({
      name: expect.stringMatching(/Locatable.*locate\d+@acme\.example/),
      value: expect.stringMatching(/^emp_/),
    });
    expect((await get(server, `/v1/employees/${String(all[0].value)}`)).status).toBe(200);
  });

  test('list search: groups, roles, programs, webhooks and users find what was made, by name', async () => {
    const group = (await post(server, '/v1/groups', { name: 'Findable Circle' })).body.data;
    await post(server, '/v1/groups', { name: 'Hidden Circle' });
    const role = (await post(server, '/v1/roles', { name: 'Findable Steward', groupId: group.id })).body.data;
    const program = (await post(server, '/v1/programs', { name: 'Findable Kudos' })).body.data;
    const webhook = (
      await post(server, '/v1/webhooks', { name: 'Findable hook', url: 'https://hooks.example.com/x', events: ['*'] })
    ).body.data;
    const user = (await post(server, '/v1/users', { email: 'findable.user@acme.example', accessRight: 'member' })).body
      .data;
    const search = node.methods.listSearch;
    expect((await search.searchGroups.call(loadContext(), 'findable')).results).toEqual([
      { name: 'Findable Circle', value: group.id },
    ]);
    expect((await search.searchRoles.call(loadContext(), 'findable')).results).toEqual([
      { name: 'Findable Steward', value: role.id },
    ]);
    expect((await search.searchPrograms.call(loadContext(), 'findable')).results).toEqual([
      { name: 'Findable Kudos', value: program.id },
    ]);
    expect((await search.searchWebhooks.call(loadContext(), 'findable')).results).toEqual([
      { name: 'Findable hook (https://hooks.example.com/x)', value: webhook.id },
    ]);
    expect((await search.searchUsers.call(loadContext(), 'findable')).results).toEqual([
      { name: 'findable.user@acme.example', value: user.id },
    ]);
    // No filter: everything, a page at a time.
    expect((await search.searchGroups.call(loadContext())).results.map((r) => r.name)).toEqual(
      expect.arrayContaining(['Findable Circle', 'Hidden Circle']),
    );
  });

  test('list search: surveys by q, and import runs by source (runs have no q)', async () => {
    const survey = (await createRound(server, { name: 'Findable pulse' })).body.data;
    await createRound(server, { name: 'Other pulse' });
    expect((await node.methods.listSearch.searchSurveys.call(loadContext(), 'findable')).results).toEqual([
      { name: 'Findable pulse (scheduled)', value: survey.id },
    ]);
    const person = { email: 'imported@import.example', firstName: 'Im', lastName: 'Ported' };
    const run = await post(server, '/v1/imports', { source: 'findable-hris', dryRun: true, people: [person] });
    expect(run.status).toBe(202);
    await post(server, '/v1/imports', { source: 'other-hris', dryRun: true, people: [person] });
    const runs = (await node.methods.listSearch.searchImportRuns.call(loadContext(), 'findable-hris')).results;
    expect(runs).toEqual([{ name: expect.stringMatching(/^findable-hris · \w+ · \d{4}-/), value: run.body.data.id }]);
    expect((await node.methods.listSearch.searchImportRuns.call(loadContext())).results).toHaveLength(2);
  });

  test('every mode of the employee locator: From List, By ID and By Email give the same person', async () => {
    const e = await createEmployee(server, { email: 'Picked.Person@acme.example', title: 'Picked' });
    for (const employeeId of [rl('list', e.id), rl('id', ` ${e.id} `), rl('email', 'picked.person@acme.example')]) {
      const { output } = await run({ resource: 'employee', operation: 'get', employeeId });
      expect(output[0].json).toMatchObject({ id: e.id, title: 'Picked' });
    }
    const missing = (await run({
      resource: 'employee',
      operation: 'get',
      employeeId: rl('email', 'nobody.here@acme.example'),
    }).catch((error: unknown) => error)) as NodeOperationError;
    expect(missing).toBeInstanceOf(NodeOperationError);
    expect(missing.message).toContain('nobody.here@acme.example');
  });

  test('locators elsewhere: a role made in a picked group, assigned by email, and a manager picked in a collection', async () => {
    const group = (await post(server, '/v1/groups', { name: 'Locator Circle' })).body.data;
    const { output: role } = await run({
      resource: 'role',
      operation: 'create',
      name: 'Locator Role',
      groupId: rl('list', group.id),
      additionalFields: {},
    });
    expect(role[0].json.groupId).toBe(group.id);
    const person = await createEmployee(server, { email: 'assignee@acme.example' });
    const { output: assigned } = await run({
      resource: 'role',
      operation: 'assign',
      roleId: rl('id', String(role[0].json.id)),
      employeeId: rl('email', 'assignee@acme.example'),
      assignmentFields: {},
    });
    expect(assigned[0].json.assignments).toEqual([expect.objectContaining({ employeeId: person.id })]);
    const { output: mine } = await run({
      resource: 'role',
      operation: 'getAll',
      returnAll: true,
      filters: { employeeId: rl('list', person.id), groupId: rl('id', group.id) },
    });
    expect(mine.map((r) => r.json.id)).toEqual([role[0].json.id]);

    const { output: report } = await run({
      resource: 'employee',
      operation: 'create',
      email: 'report@acme.example',
      firstName: 'Re',
      lastName: 'Port',
      additionalFields: { managerId: rl('list', person.id) },
    });
    expect(report[0].json.managerId).toBe(person.id);
    const { output: reports } = await run({
      resource: 'employee',
      operation: 'getAll',
      returnAll: true,
      filters: { managerId: rl('id', person.id) },
    });
    expect(reports.map((r) => r.json.email)).toEqual(['report@acme.example']);
    // An empty locator in a collection is a field left out.
    const { output: managerless } = await run({
      resource: 'employee',
      operation: 'create',
      email: 'managerless@acme.example',
      firstName: 'No',
      lastName: 'Manager',
      additionalFields: { managerId: rl('list', '') },
    });
    expect(managerless[0].json.managerId).toBeNull();
  });

  test('groups, users and webhooks are got through their locators', async () => {
    const group = (await post(server, '/v1/groups', { name: 'Got Circle' })).body.data;
    const user = (await post(server, '/v1/users', { email: 'got.user@acme.example', accessRight: 'member' })).body.data;
    const webhook = (
      await post(server, '/v1/webhooks', { name: 'Got hook', url: 'https://hooks.example.com/got', events: ['*'] })
    ).body.data;
    expect((await run({ resource: 'group', operation: 'get', groupId: rl('list', group.id) })).output[0].json.id).toBe(
      group.id,
    );
    expect((await run({ resource: 'user', operation: 'get', userId: rl('id', user.id) })).output[0].json.id).toBe(
      user.id,
    );
    expect(
      (await run({ resource: 'webhook', operation: 'get', webhookId: rl('list', webhook.id) })).output[0].json.id,
    ).toBe(webhook.id);
    const { output: deliveries } = await run({
      resource: 'delivery',
      operation: 'getAll',
      webhookId: rl('id', webhook.id),
      returnAll: true,
      filters: {},
    });
    expect(deliveries).toEqual([]);
  });

  test('dropdowns: attributes, departments, programs, event types and tenure bands come from the server', async () => {
    await post(server, '/v1/attributes', { name: 'Office', type: 'option', options: ['Berlin', 'Lisbon'] });
    await createEmployee(server, { department: 'Loaded Department' });
    await post(server, '/v1/programs', { name: 'Loaded Program' });
    const load = node.methods.loadOptions;
    expect(await load.getAttributes.call(loadContext())).toEqual(
      expect.arrayContaining([{ name: 'Office', value: 'Office', description: 'Type: option' }]),
    );
    expect(await load.getDepartments.call(loadContext())).toEqual(
      expect.arrayContaining([{ name: 'Loaded Department', value: 'Loaded Department' }]),
    );
    expect((await load.getPrograms.call(loadContext())).map((p) => p.name)).toContain('Loaded Program');
    const events = await load.getEventTypes.call(loadContext());
    expect(events.map((e) => e.value)).toContain('employee.created');
    expect((await load.getTenureBands.call(loadContext())).map((b) => b.value)).toContain('1-2y');
  });

  test('version 1 as saved before locators: text ids, and Update clearing an emptied field', async () => {
    const e = await createEmployee(server, { email: 'version.one@acme.example', title: 'Old', department: 'Kept' });
    const { output: got } = await run({ resource: 'employee', operation: 'get', employeeId: e.id }, 1);
    expect(got[0].json.id).toBe(e.id);
    const { output: updated } = await run(
      { resource: 'employee', operation: 'update', employeeId: e.id, updateFields: { title: 'New', department: '' } },
      1,
    );
    expect(updated[0].json).toMatchObject({ title: 'New', department: null });
    const group = (await post(server, '/v1/groups', { name: 'V1 Circle' })).body.data;
    const { output: role } = await run(
      { resource: 'role', operation: 'create', name: 'V1 Role', groupId: group.id, additionalFields: {} },
      1,
    );
    expect(role[0].json.groupId).toBe(group.id);
  });
});
