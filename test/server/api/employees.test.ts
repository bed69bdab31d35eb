import { CLOCK_START, eachStore, restoreClockAfterEach } from '../../helpers/harness';
import { expectProblem } from '../../helpers/http';
import { createEmployee, del, eventsSince, get, patch, post } from '../../helpers/people';

eachStore('employees', (server) => {
  restoreClockAfterEach(() => server().clock);
  test('create, read, update, delete, with derived status', async () => {
    const e = await createEmployee(server(), {
      email: 'ada@acme.example',
      firstName: 'Ada',
      lastName: 'Lovelace',
      title: 'Engineer',
      department: 'R&D',
      startDate: '2020-01-06',
    });
    expect(e).toMatchObject({
      displayName: 'Ada Lovelace',
      status: 'active',
      source: 'api',
      managerId: null,
      attributes: {},
    });
    expect((await get(server(), `/v1/employees/${e.id}`)).body.data).toEqual(e);
    const updated = await patch(server(), `/v1/employees/${e.id}`, { title: 'Principal Engineer', lastName: 'King' });
    expect(updated.body.data).toMatchObject({ title: 'Principal Engineer', displayName: 'Ada King' });
    await patch(server(), `/v1/employees/${e.id}`, { displayName: 'Countess' });
    expect((await patch(server(), `/v1/employees/${e.id}`, { firstName: 'Augusta' })).body.data.displayName).toBe(
      'Countess',
    );
    expect((await del(server(), `/v1/employees/${e.id}`)).status).toBe(204);
    expectProblem(await get(server(), `/v1/employees/${e.id}`), 404);
  });

  test('status: a future hire is pending and not surveyable; a past separation is left; a future one leaving', async () => {
    // The clock stands at 2026-11-22.
    const hire = await createEmployee(server(), { department: 'StatusTest', startDate: '2027-01-04' });
    const gone = await createEmployee(server(), {
      department: 'StatusTest',
      startDate: '2020-01-01',
      separationDate: '2026-10-31',
      separationReason: 'Resigned',
    });
    const leaving = await createEmployee(server(), {
      department: 'StatusTest',
      startDate: '2020-01-01',
      separationDate: '2026-12-31',
    });
    const lastDay = await createEmployee(server(), {
      department: 'StatusTest',
      startDate: '2020-01-01',
      separationDate: '2026-11-22',
    });
    const active = await createEmployee(server(), { department: 'StatusTest' });
    expect([hire.status, gone.status, leaving.status, lastDay.status, active.status]).toEqual([
      'pending',
      'left',
      'leaving',
      'leaving',
      'active',
    ]);
    const ids = async (qs: string) =>
      (await get(server(), `/v1/employees?department=StatusTest&${qs}`)).body.data
        .map((x: { id: string }) => x.id)
        .sort();
    expect(await ids('surveyable=true')).toEqual([leaving.id, lastDay.id, active.id].sort());
    expect(await ids('surveyable=true&on=2027-01-05')).toEqual([hire.id, active.id].sort());
    expect(await ids('status=pending')).toEqual([hire.id]);
    expect(await ids('status=left')).toEqual([gone.id]);
    expect(await ids('status=leaving')).toEqual([leaving.id, lastDay.id].sort());
    server().clock.advance(24 * 3600 * 1000);
    expect((await get(server(), `/v1/employees/${lastDay.id}`)).body.data.status).toBe('left');
    server().clock.set(CLOCK_START);
    // `on` alone moves the day tenure is counted on; status stays today's.
    const onNewYear = (await get(server(), `/v1/employees?on=2026-01-01&status=pending`)).body.data;
    expect(onNewYear.map((e: { id: string; tenureMonths: number | null }) => [e.id, e.tenureMonths])).toEqual([
      [hire.id, null],
    ]);
    expectProblem(await get(server(), '/v1/employees?on=2026-02-30'), 400);
    expectProblem(
      await post(server(), '/v1/employees', {
        email: 'x@acme.example',
        firstName: 'X',
        lastName: 'Y',
        startDate: '2026-05-01',
        separationDate: '2026-04-01',
      }),
      400,
    );
  });

  test('custom attributes of all seven types, case-insensitive names, and wrong values refused', async () => {
    const boss = await createEmployee(server());
    const defs = [
      { name: 'Nickname', type: 'text' },
      { name: 'Shoe size', type: 'number' },
      { name: 'Birthday', type: 'date' },
      { name: 'Remote', type: 'boolean' },
      { name: 'Level', type: 'option', options: ['L1', 'L2', 'L3'] },
      { name: 'Skills', type: 'multi_option', options: ['Go', 'TypeScript', 'Perl'] },
      { name: 'Mentor', type: 'employee' },
    ];
    for (const d of defs) expect((await post(server(), '/v1/attributes', d)).status).toBe(201);
    expectProblem(await post(server(), '/v1/attributes', { name: 'skills', type: 'text' }), 409);
    expectProblem(await post(server(), '/v1/attributes', { name: 'Team', type: 'option' }), 400);
    const e = await createEmployee(server(), {
      attributes: {
        nickname: 'Ace',
        'Shoe size': 42.5,
        Birthday: '1990-02-28',
        Remote: true,
        Level: 'L2',
        SKILLS: ['Go', 'Perl'],
        Mentor: boss.id,
      },
    });
    expect(e.attributes).toEqual({
      Nickname: 'Ace',
      'Shoe size': 42.5,
      Birthday: '1990-02-28',
      Remote: true,
      Level: 'L2',
      Skills: ['Go', 'Perl'],
      Mentor: boss.id,
    });
    const before = (await get(server(), `/v1/employees/${e.id}`)).body.data;
    const bad: [string, unknown][] = [
      ['Nickname', 5],
      ['Shoe size', 'big'],
      ['Birthday', '1990-02-30'],
      ['Remote', 'yes'],
      ['Level', 'L9'],
      ['Skills', ['Go', 'Go']],
      ['Skills', 'Go'],
      ['Mentor', 'emp_nobody'],
      ['Unknown thing', 'x'],
    ];
    for (const [name, value] of bad) {
      const problem = expectProblem(
        await patch(server(), `/v1/employees/${e.id}`, { attributes: { [name]: value } }),
        400,
      );
      expect(problem.errors).toEqual([expect.objectContaining({ path: `/attributes/${name}` })]);
    }
    expect((await get(server(), `/v1/employees/${e.id}`)).body.data).toEqual(before);
    const since = '2026-11-22T00:00:00.000Z';
    const changed = await patch(server(), `/v1/employees/${e.id}`, {
      attributes: { Skills: ['Go', 'TypeScript'], Nickname: null },
    });
    expect(changed.body.data.attributes.Nickname).toBeUndefined();
    const events = (await eventsSince(server(), since, 'employee.updated')).filter((ev) => ev.data.object.id === e.id);
    expect(events.at(-1)?.data.changes).toEqual([
      { field: 'attributes.Nickname', label: 'Nickname', old: 'Ace', new: null },
      { field: 'attributes.Skills', label: 'Skills', added: ['TypeScript'], removed: ['Perl'] },
    ]);
  });

  test('duplicate emails and manager cycles are refused and change nothing', async () => {
    const a = await createEmployee(server(), { email: 'unique.one@acme.example' });
    expectProblem(
      await post(server(), '/v1/employees', { email: 'UNIQUE.ONE@acme.example', firstName: 'A', lastName: 'B' }),
      409,
    );
    const b = await createEmployee(server(), { managerId: a.id });
    const c = await createEmployee(server(), { managerId: b.id });
    expectProblem(await patch(server(), `/v1/employees/${a.id}`, { managerId: c.id }), 422);
    expectProblem(await patch(server(), `/v1/employees/${a.id}`, { managerId: a.id }), 422);
    expectProblem(await patch(server(), `/v1/employees/${a.id}`, { managerId: 'emp_missing' }), 400);
    expectProblem(await patch(server(), `/v1/employees/${c.id}`, { email: 'unique.one@acme.example' }), 409);
    expect((await get(server(), `/v1/employees/${a.id}`)).body.data.managerId).toBeNull();
    expect((await get(server(), `/v1/employees/${c.id}`)).body.data.email).not.toBe('unique.one@acme.example');
  });

  test('deleting a manager clears their reports, as system changes', async () => {
    const boss = await createEmployee(server());
    const report = await createEmployee(server(), { managerId: boss.id });
    server().clock.advance(1000);
    const since = server().clock.now().toISOString();
    expect((await del(server(), `/v1/employees/${boss.id}`)).status).toBe(204);
    expect((await get(server(), `/v1/employees/${report.id}`)).body.data.managerId).toBeNull();
    const events = await eventsSince(server(), since);
    expect(events.map((e) => [e.type, e.actor === null ? 'system' : 'user'])).toEqual([
      ['employee.updated', 'system'],
      ['employee.deleted', 'user'],
    ]);
  });

  test('q, filters and sorting; pages never repeat or skip while employees are added', async () => {
    const key = server().other.ownerKey;
    const names = ['Zed', 'Amy', 'Bob', 'Cat', 'Dan', 'Eve', 'Fay', 'Gus', 'Hal', 'Ivy'];
    for (const [i, name] of names.entries()) {
      await createEmployee(
        server(),
        {
          email: `${name.toLowerCase()}@other.example`,
          firstName: name,
          lastName: `Sorted${String.fromCharCode(97 + i)}`,
          department: i % 2 ? 'Odd' : 'Even',
          title: i === 3 ? 'Chief Cat Herder' : null,
        },
        key,
      );
    }
    const found = await get(server(), '/v1/employees?q=herder', key);
    expect(found.body.data.map((e: { firstName: string }) => e.firstName)).toEqual(['Cat']);
    const odd = await get(server(), '/v1/employees?department=Odd&sort=-firstName', key);
    expect(odd.body.data.map((e: { firstName: string }) => e.firstName)).toEqual(['Ivy', 'Gus', 'Eve', 'Cat', 'Amy']);
    // The same query with another value answers for that value (the page's SQL is kept per shape).
    const even = await get(server(), '/v1/employees?department=Even&sort=-firstName', key);
    expect(even.body.data.map((e: { department: string }) => e.department)).toEqual(
      Array(even.body.data.length).fill('Even'),
    );
    expect(even.body.data.length).toBeGreaterThan(0);
    for (const sort of ['firstName', '-lastName', 'department', '-startDate', 'createdAt']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let n = 0;
      do {
        const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await get(
          server(),
          `/v1/employees?limit=3&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`,
          key,
        );
        seen.push(...page.body.data.map((e) => e.id));
        cursor = page.body.nextCursor;
        n += 1;
        await createEmployee(
          server(),
          { firstName: n % 2 ? 'Aaa' : 'Zzz', lastName: n % 2 ? 'Aaa' : 'Zzz', department: n % 2 ? null : 'Zzz' },
          key,
        );
      } while (cursor !== null);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThanOrEqual(10);
    }
  });

  test("departments: each distinct one once, by name, leavers included, only the caller's organization", async () => {
    await createEmployee(server(), { department: 'Zeta Ops' });
    await createEmployee(server(), { department: 'Alpha Works' });
    await createEmployee(server(), { department: 'Alpha Works' });
    await createEmployee(server(), { department: 'Gone Dept', startDate: '2001-01-01', separationDate: '2002-01-01' });
    const res = await get(server(), '/v1/employees/departments');
    expect(res.status).toBe(200);
    const names = res.body.data as string[];
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['Alpha Works', 'Gone Dept', 'Zeta Ops']));
    expect(names).not.toContain(null);
    const at = (name: string) => names.indexOf(name);
    expect(at('Alpha Works')).toBeLessThan(at('Gone Dept'));
    expect(at('Gone Dept')).toBeLessThan(at('Zeta Ops'));
    expect(res.body.nextCursor).toBeNull();
    const other = await get(server(), '/v1/employees/departments', server().other.ownerKey);
    expect(other.body.data).not.toContain('Zeta Ops');
  });

  test("another organization's employees answer 404", async () => {
    const e = await createEmployee(server());
    const key = server().other.ownerKey;
    expectProblem(await get(server(), `/v1/employees/${e.id}`, key), 404);
    expectProblem(await patch(server(), `/v1/employees/${e.id}`, { title: 'x' }, key), 404);
    expectProblem(await del(server(), `/v1/employees/${e.id}`, key), 404);
    expectProblem(
      await post(
        server(),
        '/v1/employees',
        { email: 'x@other.example', firstName: 'X', lastName: 'Y', managerId: e.id },
        key,
      ),
      400,
    );
  });
});
