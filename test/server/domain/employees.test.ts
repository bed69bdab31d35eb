import { SYSTEM_ACTOR } from '../../../server/src/core/actor';
import { employeeWrite, saveEmployeeChange, writeEmployees } from '../../../server/src/domain/employees';
import { attributesByName } from '../../../server/src/store/attributes';
import { type Employee, findEmployee } from '../../../server/src/store/employees';
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
});
