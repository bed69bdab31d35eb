import { SYSTEM_ACTOR } from '../../../server/src/core/actor';
import { scopesForAccessRight } from '../../../server/src/core/permissions';
import {
  employeeWrite,
  saveEmployeeChange,
  upsertEmployee,
  writeEmployees,
} from '../../../server/src/domain/employees';
import type { Principal } from '../../../server/src/domain/principal';
import { attributesByName } from '../../../server/src/store/attributes';
import { type Employee, findEmployee } from '../../../server/src/store/employees';
import { findUser } from '../../../server/src/store/users';
import { eachStore } from '../../helpers/harness';
import { createEmployee } from '../../helpers/people';

eachStore('employee writes', (server) => {
  const load = async (id: string) =>
    (await findEmployee(server().hub.context.store.db, server().org.organizationId, id)) as Employee;

  test('saving a change returns the employee as written and leaves what it was given as it was', async () => {
    const { db } = server().hub.context.store;
    const before = await load((await createEmployee(server(), { title: 'Engineer' })).id);
    const after = Object.freeze({ ...before, title: 'Senior Engineer' });
    const definitions = await attributesByName(db, server().org.organizationId);
    const at = new Date(server().clock.now().getTime() + 60_000);

    const saved = await saveEmployeeChange(db, SYSTEM_ACTOR, before, after, definitions, at);

    if (saved === null) throw new Error('expected a change');
    expect(saved).toMatchObject({ id: before.id, title: 'Senior Engineer', updatedAt: at.toISOString() });
    expect(after.updatedAt).toBe(before.updatedAt);
    expect(await load(before.id)).toMatchObject({ title: 'Senior Engineer', updatedAt: at.toISOString() });
    expect(await saveEmployeeChange(db, SYSTEM_ACTOR, saved, { ...saved }, definitions, at)).toBeNull();
  });

  test('a write that is not the sync clears the fingerprint in the store, not in the write it was given', async () => {
    const { db } = server().hub.context.store;
    const before = { ...(await load((await createEmployee(server())).id)), syncHash: 'fingerprint' };
    const definitions = await attributesByName(db, server().org.organizationId);
    const write = employeeWrite(
      SYSTEM_ACTOR,
      before,
      { ...before, department: 'Sales' },
      definitions,
      server().clock.now(),
    );
    if (write === null) throw new Error('expected a change');

    await writeEmployees(db, [Object.freeze(write)], { audit: true });

    expect(write.employee.syncHash).toBe('fingerprint');
    expect(await load(before.id)).toMatchObject({ department: 'Sales', syncHash: null });
  });

  test('a create-or-update leaves its match and input as they were, and reports what it did', async () => {
    const { db } = server().hub.context.store;
    const { organizationId, userId } = server().org;
    const user = await findUser(db, organizationId, userId);
    if (user === null) throw new Error('expected the owner');
    const who: Principal = {
      kind: 'user',
      organizationId,
      user,
      keyId: 'key_test',
      scopes: scopesForAccessRight('owner'),
    };
    const match = Object.freeze({ by: 'externalId', externalId: 'DOMAIN-1' } as const);
    const input = Object.freeze({
      email: 'domain.upsert@acme.example',
      firstName: 'Dom',
      lastName: 'Ain',
      attributes: Object.freeze({}),
    });

    const created = await upsertEmployee(server().hub.context, who, match, input);
    const again = await upsertEmployee(server().hub.context, who, match, input);
    const changed = await upsertEmployee(server().hub.context, who, match, Object.freeze({ title: 'Engineer' }));

    expect([created.result, again.result, changed.result]).toEqual(['created', 'unchanged', 'updated']);
    expect(created.employee).toMatchObject({ externalId: 'DOMAIN-1', source: 'api', displayName: 'Dom Ain' });
    expect(again.employee).toEqual(created.employee);
    expect(changed.employee).toMatchObject({ id: created.employee.id, title: 'Engineer', firstName: 'Dom' });
    expect(await load(created.employee.id)).toEqual(changed.employee);
  });
});
