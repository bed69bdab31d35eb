import { CompiledQuery } from 'kysely';
import { newId } from '../../../server/src/core/ids';
import { type Employee, employeePageQuery, insertEmployees } from '../../../server/src/store/employees';
import type { Keyset } from '../../../server/src/store/query';
import { eachStore } from '../../helpers/harness';
import { get } from '../../helpers/people';

const DEPARTMENTS = ['Engineering', 'Sales', 'Support', 'Finance', 'People'];

// A page of one department sorted by last name is read in index order: no sort of the whole
// department, so its cost does not grow with the table.
eachStore('employee pages use an index', (server) => {
  beforeAll(async () => {
    const { db } = server().hub.context.store;
    const at = server().clock.now();
    const employees: Employee[] = Array.from({ length: 3_000 }, (_, i) => ({
      id: newId('emp', at),
      organizationId: server().org.organizationId,
      externalId: null,
      email: `plan${i}@plans.example`,
      firstName: `First${i}`,
      lastName: `Last${String((i * 7919) % 3_000).padStart(4, '0')}`,
      displayName: `First${i} Last${i}`,
      title: null,
      department: DEPARTMENTS[i % DEPARTMENTS.length],
      managerId: null,
      phone: null,
      startDate: null,
      separationDate: null,
      separationReason: null,
      attributes: {},
      source: 'api',
      syncHash: null,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    }));
    await insertEmployees(db, employees);
    await db.executeQuery(CompiledQuery.raw('ANALYZE'));
  });

  const keyset = (after: Keyset['after']): Keyset => ({
    column: 'employees.last_name',
    idColumn: 'employees.id',
    direction: 'desc',
    after,
    limit: 50,
  });

  /** The plan of a department page sorted by -lastName, first page and a later one. */
  async function plan(after: Keyset['after']): Promise<string> {
    const { db, dialect } = server().hub.context.store;
    const compiled = employeePageQuery(
      db,
      server().org.organizationId,
      { department: 'Engineering', today: '2026-11-22' },
      keyset(after),
    ).compile();
    return db.connection().execute(async (conn) => {
      if (dialect === 'sqlite') {
        const rows = (
          await conn.executeQuery(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${compiled.sql}`, [...compiled.parameters]))
        ).rows as { detail: string }[];
        return rows.map((r) => r.detail).join('\n');
      }
      // Small tables make a sequential scan look cheap to PostgreSQL; forbid it and sorting, and see
      // whether a plan without them exists.
      await conn.executeQuery(CompiledQuery.raw('SET enable_seqscan = off'));
      await conn.executeQuery(CompiledQuery.raw('SET enable_sort = off'));
      try {
        const rows = (await conn.executeQuery(CompiledQuery.raw(`EXPLAIN ${compiled.sql}`, [...compiled.parameters])))
          .rows as { 'QUERY PLAN': string }[];
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      } finally {
        await conn.executeQuery(CompiledQuery.raw('RESET enable_seqscan'));
        await conn.executeQuery(CompiledQuery.raw('RESET enable_sort'));
      }
    });
  }

  test('the first page and a later page of one department, sorted by last name, walk the department index without sorting', async () => {
    for (const after of [null, { value: 'Last1500', id: 'emp_zzzzzzzz' }]) {
      const text = await plan(after);
      expect(text).toContain('employees_org_department_last_name');
      expect(text).not.toMatch(/TEMP B-TREE FOR ORDER BY|Sort(\s|$)|Sort Key/);
    }
  });

  test('the pages the API returns are the same department in last-name order, with no repeats across pages', async () => {
    const seen: { lastName: string; department: string }[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const res = await get(
        server(),
        `/v1/employees?limit=50&department=Engineering&sort=-lastName${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...(res.body.data as { lastName: string; department: string }[]));
      cursor = res.body.nextCursor;
    }
    expect(seen).toHaveLength(150);
    expect(new Set(seen.map((e) => e.department))).toEqual(new Set(['Engineering']));
    const names = seen.map((e) => e.lastName);
    expect(names).toEqual([...names].sort().reverse());
    expect(new Set(names).size).toBe(150);
  });
});
