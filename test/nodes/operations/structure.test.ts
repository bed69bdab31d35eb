import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { PeopleHub } from '../../../nodes/PeopleHub/PeopleHub.node';
import { peopleHubNode, rl } from '../../helpers/node-under-test';
import { createEmployee, post } from '../../helpers/people';

// Groups and roles changed through the node against a real server: version 2 sends only what was
// filled in and clears on purpose; version 1 as it was.
describe('PeopleHub node: groups and roles', () => {
  const hub = peopleHubNode();
  const server = () => hub.server();
  const run = async (parameters: Record<string, unknown>, typeVersion = 2): Promise<IDataObject> =>
    (await hub.run(parameters, typeVersion))[0]!.json;

  test('Submit Answers picks the employee with the locator, By Email included', async () => {
    const e = await createEmployee(server(), { email: 'answering@acme.example' });
    const given = { resource: 'engagement', operation: 'submitAnswers', question: 'engagement', score: 9 };
    for (const employeeId of [rl('list', e.id), rl('id', e.id), rl('email', 'answering@acme.example')]) {
      const answer = await run({ ...given, employeeId, answeredAt: '2026-11-12T10:00:00Z' });
      expect(answer).toMatchObject({ employeeId: e.id, question: 'engagement', score: 9, accepted: 1 });
    }
    const locator = new PeopleHub().description.properties.find(
      (p) => p.name === 'employeeId' && p.displayOptions?.show?.operation?.includes('submitAnswers'),
    );
    expect(locator?.type).toBe('resourceLocator');
    expect(locator?.modes?.map((m) => m.name)).toEqual(['list', 'id', 'email']);
  });

  test('group Update in version 2: an empty parent picker and an empty purpose change nothing; Fields to Clear does', async () => {
    const parent = (await post(server(), '/v1/groups', { name: 'Parent Circle' })).body.data;
    const child = (await post(server(), '/v1/groups', { name: 'Child Circle', parentId: parent.id, purpose: 'Kept' }))
      .body.data;
    const renamed = await run({
      resource: 'group',
      operation: 'update',
      groupId: rl('list', child.id),
      updateFields: { name: 'Renamed Circle', parentId: rl('list', ''), purpose: '' },
    });
    expect(renamed).toMatchObject({ name: 'Renamed Circle', parentId: parent.id, purpose: 'Kept' });
    const cleared = await run({
      resource: 'group',
      operation: 'update',
      groupId: rl('id', child.id),
      updateFields: {},
      fieldsToClear: ['parentId', 'purpose'],
    });
    expect(cleared).toMatchObject({ name: 'Renamed Circle', parentId: null, purpose: null });
    const nothing = await run({
      resource: 'group',
      operation: 'update',
      groupId: rl('id', child.id),
      updateFields: { purpose: '' },
    }).catch((error: unknown) => error);
    expect(nothing).toBeInstanceOf(NodeOperationError);
  });

  test('group Update in version 1 still clears an emptied field', async () => {
    const parent = (await post(server(), '/v1/groups', { name: 'V1 Parent' })).body.data;
    const child = (await post(server(), '/v1/groups', { name: 'V1 Child', parentId: parent.id, purpose: 'Old' })).body
      .data;
    const updated = await run(
      { resource: 'group', operation: 'update', groupId: child.id, updateFields: { purpose: '', parentId: '' } },
      1,
    );
    expect(updated).toMatchObject({ name: 'V1 Child', parentId: null, purpose: null });
  });

  test('role Update in version 2: empty fields are left alone, the purpose cleared on purpose', async () => {
    const group = (await post(server(), '/v1/groups', { name: 'Role Circle' })).body.data;
    const role = (await post(server(), '/v1/roles', { name: 'Steward', groupId: group.id, purpose: 'Care' })).body.data;
    const renamed = await run({
      resource: 'role',
      operation: 'update',
      roleId: rl('list', role.id),
      updateFields: { name: 'Head Steward', groupId: rl('list', ''), purpose: '' },
    });
    expect(renamed).toMatchObject({ name: 'Head Steward', groupId: group.id, purpose: 'Care' });
    const cleared = await run({
      resource: 'role',
      operation: 'update',
      roleId: rl('list', role.id),
      updateFields: {},
      fieldsToClear: ['purpose'],
    });
    expect(cleared).toMatchObject({ name: 'Head Steward', purpose: null });
  });
});
