import { createOrganizationWithOwner } from '../../../server/src/domain/organization';
import { eachStore } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';
import { del, get, patch, post } from '../../helpers/people';

eachStore('personal user keys', (server) => {
  const addUser = async (email: string, accessRight: string) =>
    (await post(server(), '/v1/users', { email, name: email.split('@')[0], accessRight })).body.data as { id: string };

  test('an owner issues a key shown once; it acts with the user’s access right; listings never show it', async () => {
    const admin = await addUser('ada@keys.example', 'admin');
    const issued = await post(server(), `/v1/users/${admin.id}/keys`, {});
    expect(issued.status).toBe(201);
    expect(issued.body.data).toEqual({
      id: expect.stringMatching(/^ukey_/),
      userId: admin.id,
      key: expect.stringMatching(/^phu_[A-Za-z0-9_-]{43}$/),
      createdAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
    });
    const key = issued.body.data.key as string;
    expect((await get(server(), '/v1/users/me', key)).body.data).toMatchObject({ id: admin.id, accessRight: 'admin' });
    expect((await get(server(), '/v1/audit?limit=1', key)).status).toBe(200);
    // Admins hold every permission but app management.
    expectProblem(await get(server(), '/v1/apps', key), 403);
    const listed = await get(server(), `/v1/users/${admin.id}/keys`);
    expect(listed.body.data).toEqual([
      {
        id: issued.body.data.id,
        userId: admin.id,
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        revokedAt: null,
      },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect(JSON.stringify((await get(server(), `/v1/users/me/keys`, key)).body)).not.toContain(key);
  });

  test('only owners issue; members see only their own keys; apps have no user', async () => {
    const admin = await addUser('adam@keys.example', 'admin');
    const member = await addUser('mia@keys.example', 'member');
    const adminKey = (await post(server(), `/v1/users/${admin.id}/keys`, {})).body.data.key;
    const memberKey = (await post(server(), `/v1/users/${member.id}/keys`, {})).body.data.key;
    expectProblem(await post(server(), `/v1/users/${member.id}/keys`, {}, adminKey), 403);
    expectProblem(await post(server(), `/v1/users/${member.id}/keys`, {}, memberKey), 403);
    expect((await get(server(), '/v1/users/me/keys', memberKey)).body.data).toHaveLength(1);
    expectProblem(await get(server(), `/v1/users/${admin.id}/keys`, memberKey), 403);
    expect((await get(server(), `/v1/users/${member.id}/keys`)).body.data).toHaveLength(1);
    const app = (await post(server(), '/v1/apps', { name: 'Keyless', permissions: ['users:read', 'users:write'] })).body
      .data;
    expectProblem(await get(server(), '/v1/users/me', app.token), 403);
    expectProblem(await post(server(), `/v1/users/${member.id}/keys`, {}, app.token), 403);
    expectProblem(await post(server(), '/v1/users/me/keys/rotate', {}, app.token), 403);
  });

  test('a revoked key stops at once; a user can revoke their own', async () => {
    const member = await addUser('rev@keys.example', 'member');
    const first = (await post(server(), `/v1/users/${member.id}/keys`, {})).body.data;
    const second = (await post(server(), `/v1/users/${member.id}/keys`, {})).body.data;
    expect((await get(server(), '/v1/users/me', first.key)).status).toBe(200);
    expect((await del(server(), `/v1/users/${member.id}/keys/${first.id}`)).status).toBe(204);
    expectProblem(await get(server(), '/v1/users/me', first.key), 401);
    expect((await del(server(), `/v1/users/me/keys/${second.id}`, second.key)).status).toBe(204);
    expectProblem(await get(server(), '/v1/users/me', second.key), 401);
    const keys = (await get(server(), `/v1/users/${member.id}/keys`)).body.data;
    expect(keys.map((k: { revokedAt: string | null }) => k.revokedAt !== null)).toEqual([true, true]);
    expectProblem(await del(server(), `/v1/users/${member.id}/keys/ukey_nope`), 404);
  });

  test('rotation replaces the key used, which stops working at once', async () => {
    const admin = await addUser('rot@keys.example', 'admin');
    const old = (await post(server(), `/v1/users/${admin.id}/keys`, {})).body.data;
    const rotated = await post(server(), '/v1/users/me/keys/rotate', {}, old.key);
    expect(rotated.status).toBe(201);
    expect(rotated.body.data.key).not.toBe(old.key);
    expectProblem(await get(server(), '/v1/users/me', old.key), 401);
    expect((await get(server(), '/v1/users/me', rotated.body.data.key)).body.data.id).toBe(admin.id);
    const keys = (await get(server(), `/v1/users/${admin.id}/keys`)).body.data;
    expect(keys.map((k: { id: string; revokedAt: string | null }) => [k.id, k.revokedAt === null])).toEqual([
      [rotated.body.data.id, true],
      [old.id, false],
    ]);
  });

  test('at most 10 live keys per user; other organizations see 404', async () => {
    const member = await addUser('many@keys.example', 'member');
    for (let i = 0; i < 10; i += 1) expect((await post(server(), `/v1/users/${member.id}/keys`, {})).status).toBe(201);
    expectProblem(await post(server(), `/v1/users/${member.id}/keys`, {}), 409);
    const foreign = server().other.ownerKey;
    expectProblem(await post(server(), `/v1/users/${member.id}/keys`, {}, foreign), 404);
    expectProblem(await get(server(), `/v1/users/${member.id}/keys`, foreign), 404);
  });

  test('an owner cannot step down while no other owner holds a key', async () => {
    // An organization of its own: the test demotes its owner, which no later test should find so.
    const org = await createOrganizationWithOwner(server().hub.context.store, server().clock, {
      name: 'Step Down Org',
      ownerEmail: 'first.owner@stepdown.example',
    });
    const as = (key: string) => ({
      post: (path: string, body: unknown) => call(server().url, path, { key, body }),
      patch: (path: string, body: unknown) => call(server().url, path, { key, method: 'PATCH', body }),
    });
    const first = as(org.ownerKey);
    const second = (
      await first.post('/v1/users', { email: 'second.owner@stepdown.example', name: 'Second', accessRight: 'owner' })
    ).body.data as { id: string };
    const me = org.userId;
    const refused = expectProblem(await first.patch(`/v1/users/${me}`, { accessRight: 'admin' }), 409);
    expect(refused.detail).toContain('No other owner holds a personal key');
    expectProblem(await call(server().url, `/v1/users/${me}`, { key: org.ownerKey, method: 'DELETE' }), 409);
    const secondKey = (await first.post(`/v1/users/${second.id}/keys`, {})).body.data.key;
    expect((await first.patch(`/v1/users/${me}`, { accessRight: 'admin' })).body.data.accessRight).toBe('admin');
    expect((await as(secondKey).patch(`/v1/users/${me}`, { accessRight: 'owner' })).body.data.accessRight).toBe(
      'owner',
    );
  });

  test('rotating one key in parallel yields one new key, not one per request', async () => {
    const admin = await addUser('race@keys.example', 'admin');
    const old = (await post(server(), `/v1/users/${admin.id}/keys`, {})).body.data;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => post(server(), '/v1/users/me/keys/rotate', {}, old.key)),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(7);
    const live = (await get(server(), `/v1/users/${admin.id}/keys`)).body.data.filter(
      (k: { revokedAt: string | null }) => k.revokedAt === null,
    );
    expect(live).toHaveLength(1);
  });

  test('the last key any owner holds cannot be revoked; with another owner holding one, it can', async () => {
    const me = server().org.userId;
    const mine = (await get(server(), `/v1/users/${me}/keys`)).body.data.filter(
      (k: { revokedAt: string | null }) => k.revokedAt === null,
    );
    expect(mine).toHaveLength(1);
    expect(expectProblem(await del(server(), `/v1/users/me/keys/${mine[0].id}`), 409).detail).toContain(
      'No other owner holds a personal key',
    );
    expect((await get(server(), '/v1/users/me')).status).toBe(200);
    // A second owner with a key: now either may give up theirs, but not both.
    const second = await addUser('co.owner@keys.example', 'owner');
    const secondKey = (await post(server(), `/v1/users/${second.id}/keys`, {})).body.data;
    const spare = (await post(server(), `/v1/users/${me}/keys`, {})).body.data;
    expect((await del(server(), `/v1/users/${second.id}/keys/${secondKey.id}`)).status).toBe(204);
    expect((await del(server(), `/v1/users/me/keys/${spare.id}`)).status).toBe(204);
    expectProblem(await del(server(), `/v1/users/me/keys/${mine[0].id}`), 409);
  });

  test('two owners demoting each other at once cannot leave the organization without one', async () => {
    const a = await addUser('owner.a@keys.example', 'owner');
    const b = await addUser('owner.b@keys.example', 'owner');
    const aKey = (await post(server(), `/v1/users/${a.id}/keys`, {})).body.data.key;
    const bKey = (await post(server(), `/v1/users/${b.id}/keys`, {})).body.data.key;
    // The fixture owner steps aside first, so A and B are the only owners with keys.
    const me = server().org.userId;
    expect((await patch(server(), `/v1/users/${me}`, { accessRight: 'admin' })).status).toBe(200);
    const [one, two] = await Promise.all([
      patch(server(), `/v1/users/${b.id}`, { accessRight: 'admin' }, aKey),
      patch(server(), `/v1/users/${a.id}`, { accessRight: 'admin' }, bKey),
    ]);
    // One wins; the other is refused (409 when its check saw the change, 403 when its caller was already demoted).
    expect([one.status, two.status].filter((status) => status === 200)).toHaveLength(1);
    expect([one.status, two.status].filter((status) => status === 409 || status === 403)).toHaveLength(1);
    const [winner, winnerKey, loser] = one.status === 200 ? [a, aKey, b] : [b, bKey, a];
    expect((await get(server(), `/v1/users/${winner.id}`, winnerKey)).body.data.accessRight).toBe('owner');
    expect((await get(server(), `/v1/users/${loser.id}`, winnerKey)).body.data.accessRight).toBe('admin');
    expect((await get(server(), '/v1/users/me', winnerKey)).status).toBe(200);
    expect((await patch(server(), `/v1/users/${me}`, { accessRight: 'owner' }, winnerKey)).status).toBe(200);
  });
});
