import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { LOCATABLE, idPattern, parameterKind } from '../../../nodes/PeopleHub/descriptions/locators';
import { PeopleHub } from '../../../nodes/PeopleHub/PeopleHub.node';
import { type TestServer, startTestServer } from '../../helpers/harness';
import { ALL_PERMISSIONS, type Context, appCredentials, n8nContext } from '../../helpers/n8n-context';
import { createEmployee } from '../../helpers/people';
import { rl } from '../../helpers/node-under-test';

// The ids every operation puts into a path, checked before anything is sent: a value that cannot name
// one object is an error naming the parameter, never a request to another route.
describe('PeopleHub node: ids checked before they reach a path', () => {
  let server: TestServer;
  let credentials: IDataObject;
  const node = new PeopleHub();

  async function attempt(parameters: Record<string, unknown>, typeVersion: number) {
    const context: Context = n8nContext({ credentials, parameters, typeVersion });
    const error = await node.execute.call(context.self).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error: error as NodeOperationError | undefined, requests: context.trace.requests };
  }

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    credentials = await appCredentials(server, ALL_PERMISSIONS);
    await createEmployee(server, { email: 'listed@acme.example' });
  });
  afterAll(() => server?.close());

  test.each([
    ['', 1],
    ['.', 1],
    ['..', 1],
    [rl('list', ''), 2],
    [rl('id', ' '), 2],
    [rl('list', '.'), 2],
    [rl('id', '..'), 2],
    [rl('email', ''), 2],
  ])('Get with the employee %j (version %d) is refused without a request', async (employeeId, typeVersion) => {
    const { error, requests } = await attempt({ resource: 'employee', operation: 'get', employeeId }, typeVersion);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error?.message).toContain('employeeId');
    expect(requests.filter((r) => r.url.startsWith('/v1/employees'))).toEqual([]);
  });

  test('version 2 refuses an id with other characters, and By ID one that does not fit its kind', async () => {
    for (const [groupId, shown] of [
      [rl('list', 'grp_1/../x'), 'grp_1/../x'],
      [rl('id', 'grp_short'), 'grp_short'],
      [rl('id', 'emp_01JABCDEFGHJKMNPQRSTVWXYZ0'), 'emp_01JABCDEFGHJKMNPQRSTVWXYZ0'],
    ] as const) {
      const { error, requests } = await attempt({ resource: 'group', operation: 'get', groupId }, 2);
      expect(error).toBeInstanceOf(NodeOperationError);
      expect(error?.message).toBe(`groupId is not an ID: "${shown}"`);
      expect(requests).toEqual([]);
    }
    // A well-formed id is sent, and the server answers for it.
    const { error } = await attempt(
      { resource: 'group', operation: 'get', groupId: rl('id', 'grp_01JABCDEFGHJKMNPQRSTVWXYZ0') },
      2,
    );
    expect((error as unknown as { httpCode?: string }).httpCode).toBe('404');
  });

  test('version 1 still takes any other text, encoded into one segment', async () => {
    const { error, requests } = await attempt({ resource: 'group', operation: 'get', groupId: 'a/b' }, 1);
    expect((error as unknown as { httpCode?: string }).httpCode).toBe('404');
    expect(requests.map((r) => r.url)).toEqual(['/v1/groups/a%2Fb']);
  });

  test('Create or Update refuses a dot segment as the external ID', async () => {
    const { error, requests } = await attempt(
      { resource: 'employee', operation: 'upsert', match: rl('externalId', '..'), additionalFields: {} },
      2,
    );
    expect(error?.message).toContain('match');
    expect(requests).toEqual([]);
  });

  test('every top-level locator checks By ID with the pattern its name says at run time', () => {
    const locators = node.description.properties.filter((p) => p.type === 'resourceLocator' && p.name !== 'match');
    expect(locators.length).toBeGreaterThan(10);
    for (const locator of locators) {
      const kind = parameterKind(locator.name);
      expect([locator.name, kind && kind in LOCATABLE]).toEqual([locator.name, true]);
      const byId = locator.modes?.find((m) => m.name === 'id');
      const regex = (byId?.validation?.[0] as unknown as { properties: { regex: string } }).properties.regex;
      expect([locator.name, regex]).toEqual([locator.name, idPattern(kind as keyof typeof LOCATABLE)]);
    }
  });
});
