import { eachStore } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';

eachStore('organization and audit', (server) => {
  const owner = () => server().org.ownerKey;

  test('GET and PATCH the organization; each organization sees only itself', async () => {
    const mine = await call(server().url, '/v1/organization', { key: owner() });
    expect(mine.body.data).toMatchObject({ id: server().org.organizationId, name: 'Test Org' });
    server().clock.advance(5000);
    const renamed = await call(server().url, '/v1/organization', {
      key: owner(),
      method: 'PATCH',
      body: { name: 'Renamed Org' },
    });
    expect(renamed.body.data).toMatchObject({ name: 'Renamed Org', updatedAt: '2026-11-22T10:00:05.000Z' });
    const theirs = await call(server().url, '/v1/organization', { key: server().other.ownerKey });
    expect(theirs.body.data).toMatchObject({ id: server().other.organizationId, name: 'Other Org' });
    expectProblem(
      await call(server().url, '/v1/organization', { key: owner(), method: 'PATCH', body: { name: '   ' } }),
      400,
    );
  });

  test('the audit log records actor, action, target and time, newest first, per organization', async () => {
    const app = (
      await call(server().url, '/v1/apps', {
        key: owner(),
        body: { name: 'Auditor', permissions: ['users:write', 'audit:read'] },
      })
    ).body.data;
    server().clock.advance(1000);
    const user = (
      await call(server().url, '/v1/users', {
        key: app.token,
        body: { email: 'audited@example.com', accessRight: 'member' },
      })
    ).body.data;
    const log = await call(server().url, '/v1/audit?limit=3', { key: app.token });
    expect(log.status).toBe(200);
    expect(log.body.data[0]).toEqual({
      id: expect.stringMatching(/^aud_/),
      actor: { type: 'app', id: app.id, name: 'Auditor' },
      action: 'user.created',
      target: { type: 'user', id: user.id },
      details: null,
      createdAt: '2026-11-22T10:00:06.000Z',
    });
    expect(log.body.data[1]).toMatchObject({
      action: 'app.created',
      actor: { type: 'user', id: server().org.userId, name: 'Olga Owner' },
    });
    const filtered = await call(server().url, '/v1/audit?action=app.created', { key: owner() });
    expect(filtered.body.data.every((e: { action: string }) => e.action === 'app.created')).toBe(true);
    const theirs = await call(server().url, '/v1/audit?limit=200', { key: server().other.ownerKey });
    expect(theirs.body.data.map((e: { target: { id: string } }) => e.target.id)).not.toContain(user.id);
  });
});
