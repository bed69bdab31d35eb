import { eachStore } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';

eachStore('users', (server) => {
  const owner = () => server().org.ownerKey;
  const users = (body?: unknown, path = '/v1/users', method?: string) =>
    call(server().url, path, { key: owner(), body, method });

  test('create, read, update and delete a user', async () => {
    const created = await users({
      email: 'Ada@Example.com',
      name: 'Ada Lovelace',
      phone: '+44 20 7946 0000',
      accessRight: 'admin',
    });
    expect(created.status).toBe(201);
    const user = created.body.data;
    expect(user).toEqual({
      id: expect.stringMatching(/^usr_[0-9A-Z]{26}$/),
      name: 'Ada Lovelace',
      email: 'Ada@Example.com',
      phone: '+44 20 7946 0000',
      accessRight: 'admin',
      createdAt: '2026-11-22T10:00:00.000Z',
      updatedAt: '2026-11-22T10:00:00.000Z',
    });
    expect((await users(undefined, `/v1/users/${user.id}`)).body.data).toEqual(user);

    server().clock.advance(60_000);
    const patched = await users({ name: 'Augusta Ada King', phone: null }, `/v1/users/${user.id}`, 'PATCH');
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({
      name: 'Augusta Ada King',
      phone: null,
      email: 'Ada@Example.com',
      updatedAt: '2026-11-22T10:01:00.000Z',
    });

    expect((await users(undefined, `/v1/users/${user.id}`, 'DELETE')).status).toBe(204);
    expectProblem(await users(undefined, `/v1/users/${user.id}`), 404);
    expectProblem(await users(undefined, `/v1/users/${user.id}`, 'DELETE'), 404);
  });

  test('a PATCH that changes nothing keeps updatedAt and writes no audit entry', async () => {
    const user = (await users({ email: 'same@example.com', name: 'Same', accessRight: 'member' })).body.data;
    server().clock.advance(1000);
    const before = await call(server().url, `/v1/audit?targetId=${user.id}`, { key: owner() });
    const res = await users({ name: 'Same' }, `/v1/users/${user.id}`, 'PATCH');
    expect(res.body.data.updatedAt).toBe(user.updatedAt);
    const after = await call(server().url, `/v1/audit?targetId=${user.id}`, { key: owner() });
    expect(after.body.data).toHaveLength(before.body.data.length);
  });

  test('emails are unique per organization, ignoring case', async () => {
    await users({ email: 'dup@example.com', accessRight: 'member' });
    const dup = expectProblem(await users({ email: 'DUP@example.com', accessRight: 'member' }), 409);
    expect(dup.detail).toContain('DUP@example.com');
    const other = await users({ email: 'mover@example.com', accessRight: 'member' });
    expectProblem(await users({ email: 'Dup@Example.com' }, `/v1/users/${other.body.data.id}`, 'PATCH'), 409);
    expect((await users(undefined, `/v1/users/${other.body.data.id}`)).body.data.email).toBe('mover@example.com');
    // The same email in another organization is fine.
    const elsewhere = await call(server().url, '/v1/users', {
      key: server().other.ownerKey,
      body: { email: 'dup@example.com', accessRight: 'member' },
    });
    expect(elsewhere.status).toBe(201);
  });

  test('the last owner can be neither demoted nor removed', async () => {
    const ownerId = server().org.userId;
    expectProblem(await users({ accessRight: 'admin' }, `/v1/users/${ownerId}`, 'PATCH'), 409);
    expectProblem(await users(undefined, `/v1/users/${ownerId}`, 'DELETE'), 409);
    expect((await users(undefined, `/v1/users/${ownerId}`)).body.data.accessRight).toBe('owner');
  });

  test('apps with users:write cannot grant or remove the owner right', async () => {
    const app = (
      await call(server().url, '/v1/apps', {
        key: owner(),
        body: { name: 'HR sync', permissions: ['users:write', 'users:read'] },
      })
    ).body.data;
    const asApp = (body: unknown, path = '/v1/users', method?: string) =>
      call(server().url, path, { key: app.token, body, method });
    expectProblem(await asApp({ email: 'boss@example.com', accessRight: 'owner' }), 403);
    expectProblem(await asApp(undefined, `/v1/users/${server().org.userId}`, 'DELETE'), 403);
    const member = await asApp({ email: 'plain@example.com', accessRight: 'member' });
    expect(member.status).toBe(201);
    expectProblem(await asApp({ accessRight: 'owner' }, `/v1/users/${member.body.data.id}`, 'PATCH'), 403);
    expect(
      (await asApp({ accessRight: 'admin' }, `/v1/users/${member.body.data.id}`, 'PATCH')).body.data.accessRight,
    ).toBe('admin');
  });

  test('pages never repeat or skip a user, whichever the sort, while users are being added', async () => {
    const key = server().other.ownerKey;
    const post = (email: string) => call(server().url, '/v1/users', { key, body: { email, accessRight: 'member' } });
    for (let i = 0; i < 12; i += 1) {
      server().clock.advance(1000);
      await post(`p${String(i).padStart(2, '0')}@paging.example`);
    }
    for (const sort of ['createdAt', '-createdAt', 'email', '-email']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let inserted = 0;
      do {
        const qs: string = `?limit=5&sort=${sort}&q=paging.example${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await call(server().url, `/v1/users${qs}`, { key });
        expect(page.status).toBe(200);
        seen.push(...page.body.data.map((u: { email: string }) => u.email));
        cursor = page.body.nextCursor;
        // Insert rows that sort before and after the current position.
        server().clock.advance(1000);
        await post(`a-${sort}-${inserted}@paging.example`);
        await post(`z-${sort}-${inserted}@paging.example`);
        inserted += 1;
      } while (cursor !== null);
      expect(new Set(seen).size).toBe(seen.length);
      for (let i = 0; i < 12; i += 1) expect(seen).toContain(`p${String(i).padStart(2, '0')}@paging.example`);
      const ordered = [...seen].sort();
      if (sort === 'email')
        expect(seen.filter((e) => e.startsWith('p'))).toEqual(ordered.filter((e) => e.startsWith('p')));
      if (sort === '-email')
        expect(seen.filter((e) => e.startsWith('p'))).toEqual(ordered.filter((e) => e.startsWith('p')).reverse());
    }
  });

  test('q searches name and email, accessRight filters', async () => {
    await users({ email: 'grace@navy.example', name: 'Grace Hopper', accessRight: 'admin' });
    const byName = await users(undefined, '/v1/users?q=hopper');
    expect(byName.body.data.map((u: { email: string }) => u.email)).toEqual(['grace@navy.example']);
    const byEmail = await users(undefined, '/v1/users?q=NAVY.example');
    expect(byEmail.body.data).toHaveLength(1);
    const wildcard = await users(undefined, '/v1/users?q=%25');
    expect(wildcard.body.data).toHaveLength(0);
    const owners = await users(undefined, '/v1/users?accessRight=owner');
    expect(owners.body.data.map((u: { email: string }) => u.email)).toEqual(['owner@test.example']);
  });

  test("another organization's users answer 404 and stay unchanged", async () => {
    const mine = (await users({ email: 'isolated@example.com', name: 'Iso', accessRight: 'member' })).body.data;
    const foreign = (body: unknown, method?: string) =>
      call(server().url, `/v1/users/${mine.id}`, { key: server().other.ownerKey, body, method });
    expectProblem(await foreign(undefined), 404);
    expectProblem(await foreign({ name: 'Hijacked' }, 'PATCH'), 404);
    expectProblem(await foreign(undefined, 'DELETE'), 404);
    const list = await call(server().url, '/v1/users?limit=200', { key: server().other.ownerKey });
    expect(list.body.data.map((u: { id: string }) => u.id)).not.toContain(mine.id);
    expect((await users(undefined, `/v1/users/${mine.id}`)).body.data.name).toBe('Iso');
  });

  test('a cursor from another sort is refused', async () => {
    await users({ email: 'c1@cursor.example', accessRight: 'member' });
    await users({ email: 'c2@cursor.example', accessRight: 'member' });
    const page = await users(undefined, '/v1/users?limit=1&sort=email');
    const problem = expectProblem(
      await users(undefined, `/v1/users?limit=1&sort=-email&cursor=${page.body.nextCursor}`),
      400,
    );
    expect(problem.errors).toEqual([expect.objectContaining({ location: 'query', path: '/cursor' })]);
    expectProblem(await users(undefined, '/v1/users?cursor=not-a-cursor'), 400);
  });
});
