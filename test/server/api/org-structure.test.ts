import { eachStore } from '../../helpers/harness';
import { expectProblem } from '../../helpers/http';
import { createEmployee, del, eventsSince, get, patch, post } from '../../helpers/people';

eachStore('groups and roles', (server) => {
  const group = async (body: Record<string, unknown>) => {
    const res = await post(server(), '/v1/groups', body);
    expect(res.status).toBe(201);
    return res.body.data as { id: string; name: string };
  };
  const role = async (body: Record<string, unknown>) => {
    const res = await post(server(), '/v1/roles', body);
    expect(res.status).toBe(201);
    return res.body.data as { id: string; groupId: string };
  };

  test('groups form a tree; a cycle in the parents is refused', async () => {
    const top = await group({ name: 'Company', purpose: 'All of us', fields: { Budget: 100 } });
    const mid = await group({ name: 'Engineering', parentId: top.id });
    const leaf = await group({ name: 'Platform', parentId: mid.id });
    expectProblem(await patch(server(), `/v1/groups/${top.id}`, { parentId: leaf.id }), 422);
    expectProblem(await patch(server(), `/v1/groups/${top.id}`, { parentId: top.id }), 422);
    expectProblem(await patch(server(), `/v1/groups/${top.id}`, { parentId: 'grp_missing' }), 400);
    expect((await get(server(), `/v1/groups/${top.id}`)).body.data.parentId).toBeNull();
    const children = await get(server(), `/v1/groups?parentId=${mid.id}`);
    expect(children.body.data.map((g: { id: string }) => g.id)).toEqual([leaf.id]);
  });

  test('role updates carry old → new and added/removed; assignments too; a no-op PATCH emits nothing', async () => {
    const g = await group({ name: 'Roles group' });
    const r = await role({ name: 'Engineer', groupId: g.id, accountabilities: ['Code', 'Perl scripts'] });
    const jane = await createEmployee(server(), { firstName: 'Jane', lastName: 'Doe' });
    server().clock.advance(1000);
    const since = server().clock.now().toISOString();
    await patch(server(), `/v1/roles/${r.id}`, { name: 'Senior Engineer', accountabilities: ['Code', 'Go services'] });
    await patch(server(), `/v1/roles/${r.id}`, { name: 'Senior Engineer' });
    const assigned = await post(server(), `/v1/roles/${r.id}/assignments`, {
      employeeId: jane.id,
      focus: 'Backend',
      percentage: 50,
    });
    expect(assigned.body.data.assignments).toEqual([
      { employeeId: jane.id, employeeName: 'Jane Doe', focus: 'Backend', percentage: 50 },
    ]);
    expect((await del(server(), `/v1/roles/${r.id}/assignments?employeeId=${jane.id}`)).status).toBe(200);
    expectProblem(await del(server(), `/v1/roles/${r.id}/assignments?employeeId=${jane.id}`), 404);
    const events = await eventsSince(server(), since);
    expect(events.map((e) => e.type)).toEqual(['role.updated', 'role.updated', 'role.updated']);
    expect(events[0].actor).toMatchObject({
      type: 'user',
      id: server().org.userId,
      name: 'Olga Owner',
      email: 'owner@test.example',
    });
    expect(events[0].data.changes).toEqual([
      { field: 'name', label: 'Name', old: 'Engineer', new: 'Senior Engineer' },
      { field: 'accountabilities', label: 'Accountabilities', added: ['Go services'], removed: ['Perl scripts'] },
    ]);
    expect(events[1].data.changes).toEqual([
      {
        field: 'assignments',
        label: 'Assignments',
        added: [{ employeeId: jane.id, employeeName: 'Jane Doe', focus: 'Backend', percentage: 50 }],
        removed: [],
      },
    ]);
    expect(events[2].data.changes).toEqual([
      {
        field: 'assignments',
        label: 'Assignments',
        added: [],
        removed: [{ employeeId: jane.id, employeeName: 'Jane Doe', focus: 'Backend', percentage: 50 }],
      },
    ]);
  });

  test('deleting a group moves its roles and children to the parent, or deletes roles without one; the cascade has actor null', async () => {
    const parent = await group({ name: 'Parent' });
    const doomed = await group({ name: 'Doomed', parentId: parent.id });
    const child = await group({ name: 'Child', parentId: doomed.id });
    const moved = await role({ name: 'Mover', groupId: doomed.id });
    const orphanGroup = await group({ name: 'Orphan maker' });
    const orphan = await role({ name: 'Orphan', groupId: orphanGroup.id });
    server().clock.advance(1000);
    const since = server().clock.now().toISOString();
    expect((await del(server(), `/v1/groups/${doomed.id}`)).status).toBe(204);
    expect((await del(server(), `/v1/groups/${orphanGroup.id}`)).status).toBe(204);
    expect((await get(server(), `/v1/roles/${moved.id}`)).body.data.groupId).toBe(parent.id);
    expect((await get(server(), `/v1/groups/${child.id}`)).body.data.parentId).toBe(parent.id);
    expectProblem(await get(server(), `/v1/roles/${orphan.id}`), 404);
    const events = await eventsSince(server(), since);
    expect(events.map((e) => [e.type, e.actor === null ? null : 'user'])).toEqual([
      ['role.updated', null],
      ['group.updated', null],
      ['group.deleted', 'user'],
      ['role.deleted', null],
      ['group.deleted', 'user'],
    ]);
    expect(events[0].data.changes).toEqual([{ field: 'groupId', label: 'Group', old: doomed.id, new: parent.id }]);
  });

  test('a role needs an existing group; bad input changes nothing', async () => {
    expectProblem(await post(server(), '/v1/roles', { name: 'Nowhere', groupId: 'grp_missing' }), 400);
    expectProblem(await post(server(), '/v1/roles', { name: 'Typed', groupId: 5 }), 400);
    const g = await group({ name: 'Checks' });
    const r = await role({ name: 'Checked', groupId: g.id });
    expectProblem(await post(server(), `/v1/roles/${r.id}/assignments`, { employeeId: 'emp_missing' }), 400);
    expectProblem(await post(server(), `/v1/roles/${r.id}/assignments`, { employeeId: 'x', percentage: 150 }), 400);
    expect((await get(server(), `/v1/roles/${r.id}`)).body.data.assignments).toEqual([]);
    expectProblem(await get(server(), `/v1/roles/${r.id}`, server().other.ownerKey), 404);
  });
});
