import { newId } from '../../../server/src/core/ids';
import { insertAttribute } from '../../../server/src/store/attributes';
import { eachStore } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';
import { createEmployee, eventsSince, get, patch, post } from '../../helpers/people';

eachStore('custom attribute names', (server) => {
  const RESERVED = [
    'constructor',
    '__proto__',
    'toString',
    'HasOwnProperty',
    'valueOf',
    'prototype',
    '__defineGetter__',
    ' Constructor ',
  ];

  test('names that objects inherit are refused on create and rename, and nothing changes', async () => {
    const before = (await get(server(), '/v1/attributes')).body.data.length;
    for (const name of RESERVED) {
      const problem = expectProblem(await post(server(), '/v1/attributes', { name, type: 'text' }), 400);
      expect(problem.errors).toEqual([
        expect.objectContaining({ path: '/name', message: expect.stringContaining('reserved') }),
      ]);
    }
    const tools = (await post(server(), '/v1/attributes', { name: 'Tools', type: 'text' })).body.data;
    for (const name of RESERVED) expectProblem(await patch(server(), `/v1/attributes/${tools.id}`, { name }), 400);
    const after = (await get(server(), '/v1/attributes')).body.data;
    expect(after.length).toBe(before + 1);
    expect(after.find((a: { id: string }) => a.id === tools.id).name).toBe('Tools');
  });

  test('an attribute stored under a reserved name (from before the rule) renames without touching other employees', async () => {
    const { store } = server().hub.context;
    const { clock } = server();
    const now = clock.now();
    await insertAttribute(store.db, {
      id: newId('att', now),
      organizationId: server().org.organizationId,
      name: 'constructor',
      type: 'text',
      options: [],
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    const legacy = (await get(server(), '/v1/attributes')).body.data.find(
      (a: { name: string }) => a.name === 'constructor',
    );
    await createEmployee(server());
    await createEmployee(server());
    const holder = await createEmployee(server(), { attributes: { constructor: 'hammer' } });
    expect(holder.attributes).toEqual({ constructor: 'hammer' });

    clock.advance(1000);
    expect((await patch(server(), `/v1/attributes/${legacy.id}`, { name: 'Toolbox' })).status).toBe(200);
    const updates = await eventsSince(server(), clock.now().toISOString(), 'employee.updated');
    expect(updates.map((e) => e.data.object.id)).toEqual([holder.id]);
    expect((await get(server(), `/v1/employees/${holder.id}`)).body.data.attributes).toEqual({ Toolbox: 'hammer' });
  });

  test('group fields with reserved names are refused', async () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      const problem = expectProblem(
        await post(server(), '/v1/groups', { name: `G ${name}`, fields: { [name]: 'x' } }),
        400,
      );
      expect(problem.errors).toEqual([expect.objectContaining({ path: `/fields/${name}` })]);
    }
    const group = (await post(server(), '/v1/groups', { name: 'Fielded', fields: { Budget: 5 } })).body.data;
    expect(group.fields).toEqual({ Budget: 5 });
    // A JSON key "__proto__" is data, not a prototype: it is refused, not silently dropped.
    const raw = '{"fields": {"__proto__": {"polluted": true}}}';
    expectProblem(
      await call(server().url, `/v1/groups/${group.id}`, {
        method: 'PATCH',
        key: server().org.ownerKey,
        body: raw,
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
