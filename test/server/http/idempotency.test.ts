import { eachStore, restoreClockAfterEach } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';

eachStore('Idempotency-Key', (server) => {
  restoreClockAfterEach(() => server().clock);
  const send = (key: string, body: unknown, token = server().org.ownerKey) =>
    call(server().url, '/v1/employees', { key: token, body, headers: { 'idempotency-key': key } });

  test('the same key and request returns the first response and writes once', async () => {
    const body = { email: 'once@acme.example', firstName: 'Only', lastName: 'Once' };
    const first = await send('create-once-1', body);
    const again = await send('create-once-1', body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const listed = await call(server().url, '/v1/employees?email=once@acme.example', { key: server().org.ownerKey });
    expect(listed.body.data).toHaveLength(1);
  });

  test('a key reused with a different body answers 422; errors are replayed too', async () => {
    await send('reuse-1', { email: 'a1@acme.example', firstName: 'A', lastName: 'B' });
    expectProblem(await send('reuse-1', { email: 'a2@acme.example', firstName: 'A', lastName: 'B' }), 422);
    const bad = await send('bad-1', { email: 'nope', firstName: 'A', lastName: 'B' });
    const replayed = await send('bad-1', { email: 'nope', firstName: 'A', lastName: 'B' });
    expectProblem(replayed, 400);
    expect(replayed.body.errors).toEqual(bad.body.errors);
  });

  test('keys are per credential, expire after 24 hours, and must be sane', async () => {
    const body = { email: 'percred@acme.example', firstName: 'Per', lastName: 'Cred' };
    expect((await send('shared-key', body)).status).toBe(201);
    const other = await send('shared-key', { ...body, email: 'percred@other.example' }, server().other.ownerKey);
    expect(other.status).toBe(201);
    server().clock.advance(24 * 3600 * 1000 + 1000);
    const later = await send('shared-key', { ...body, email: 'later@acme.example' });
    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expectProblem(await send('x'.repeat(256), body), 400);
    expectProblem(await send('has space', body), 400);
  });
});

eachStore(
  'rate limiting',
  (server) => {
    test('each app has its own bucket; over it answers 429 with Retry-After and RateLimit headers', async () => {
      const mk = async (name: string) =>
        (
          await call(server().url, '/v1/apps', {
            key: server().org.ownerKey,
            body: { name, permissions: ['org:read'] },
          })
        ).body.data.token as string;
      const [a, b] = [await mk('Bucket A'), await mk('Bucket B')];
      const hit = (token: string) => call(server().url, '/v1/organization', { key: token });
      const statuses = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await hit(a)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const limited = await hit(a);
      expectProblem(limited, 429);
      expect(limited.headers['retry-after']).toBe('1');
      expect(limited.headers['ratelimit-limit']).toBe('5');
      expect(limited.headers['ratelimit-remaining']).toBe('0');
      expect((await hit(b)).status).toBe(200);
      server().clock.advance(1000);
      const refilled = await hit(a);
      expect(refilled.status).toBe(200);
      expect(refilled.headers['ratelimit-remaining']).toBe('1');
    });
  },
  { PEOPLEHUB_RATE_LIMIT: '2', PEOPLEHUB_RATE_LIMIT_BURST: '5' },
);
