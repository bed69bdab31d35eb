import type { IncomingMessage } from 'node:http';
import { RateLimiter } from '../../../server/src/http/rate-limit';
import { TokenThrottle, clientKey } from '../../../server/src/http/token-throttle';
import { eachStore } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';

// The harness turns the throttle off; here it is on, at 5 token requests a minute per address and per app.
eachStore(
  'the token endpoints are cheap to refuse and throttled',
  (server) => {
    const owner = () => server().org.ownerKey;
    let nextAddress = 10;
    /** Each test speaks from its own loopback addresses, so budgets do not leak between tests. */
    const address = () => `127.0.0.${nextAddress++}`;

    async function createApp(name: string): Promise<{ id: string; token: string }> {
      return (await call(server().url, '/v1/apps', { key: owner(), body: { name, permissions: ['users:read'] } })).body
        .data;
    }
    const exchange = (token: string, localAddress: string) =>
      call(server().url, '/v1/auth/application', { body: { token }, localAddress });
    const oauth = (form: Record<string, string>, localAddress: string) =>
      call(server().url, '/oauth/token', {
        body: new URLSearchParams(form).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        localAddress,
      });

    test('open endpoints read a few KB at most: a megabyte of nested JSON answers 413, a 110,000-key form an RFC 6749 400', async () => {
      const nested = '['.repeat(500_000) + ']'.repeat(500_000);
      const json = await call(server().url, '/v1/auth/application', {
        body: nested,
        headers: { 'content-type': 'application/json' },
        localAddress: address(),
      });
      expect(expectProblem(json, 413)).toMatchObject({ limitBytes: 8192 });
      const form = Array.from({ length: 110_000 }, (_, i) => `k${i}=v`).join('&');
      const token = await call(server().url, '/oauth/token', {
        body: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        localAddress: address(),
      });
      // RFC 6749 §5.2: the token endpoint's malformed requests, too large ones included, are invalid_request.
      expect({ status: token.status, error: token.body.error }).toEqual({ status: 400, error: 'invalid_request' });
      // Authenticated routes keep the full limit, but no JSON may nest deeper than 32 levels.
      const deep = `{"name": ${'['.repeat(40)}${']'.repeat(40)}}`;
      expect(
        expectProblem(
          await call(server().url, '/v1/organization', {
            method: 'PATCH',
            key: owner(),
            body: deep,
            headers: { 'content-type': 'application/json' },
          }),
          400,
        ).detail,
      ).toMatch(/32 levels/);
      const shallow = `{"name": ${'['.repeat(30)}${']'.repeat(30)}}`;
      expect(
        expectProblem(
          await call(server().url, '/v1/organization', {
            method: 'PATCH',
            key: owner(),
            body: shallow,
            headers: { 'content-type': 'application/json' },
          }),
          400,
        ).detail,
      ).not.toMatch(/levels/);
      expect((await call(server().url, '/healthz')).status).toBe(200);
    });

    test('each client address has a budget, spent by good and bad requests alike, refilled by time', async () => {
      const app = await createApp('Address budget');
      const from = address();
      for (let i = 0; i < 5; i += 1) expect((await exchange(`pha_${'x'.repeat(43)}`, from)).status).toBe(401);
      const refused = await exchange(app.token, from);
      expect(expectProblem(refused, 429).detail).toContain('from this address');
      expect(refused.headers['retry-after']).toBe('12');
      expect(
        (await oauth({ grant_type: 'client_credentials', client_id: app.id, client_secret: app.token }, from)).status,
      ).toBe(429);
      // Another address is not affected; time refills the first one.
      expect((await exchange(app.token, address())).status).toBe(200);
      server().clock.advance(12_000);
      expect((await exchange(app.token, from)).status).toBe(200);
      expect((await exchange(app.token, from)).status).toBe(429);
    });

    test('each app has a budget across addresses and both endpoints; other apps are not affected', async () => {
      const busy = await createApp('Busy app');
      const quiet = await createApp('Quiet app');
      for (let i = 0; i < 3; i += 1) expect((await exchange(busy.token, address())).status).toBe(200);
      for (let i = 0; i < 2; i += 1)
        expect(
          (await oauth({ grant_type: 'client_credentials', client_id: busy.id, client_secret: busy.token }, address()))
            .status,
        ).toBe(200);
      expect(expectProblem(await exchange(busy.token, address()), 429).detail).toContain('for this app');
      expect(
        (await oauth({ grant_type: 'client_credentials', client_id: busy.id, client_secret: busy.token }, address()))
          .status,
      ).toBe(429);
      expect((await exchange(quiet.token, address())).status).toBe(200);
      // Requests with the app token itself are not token requests: they are not throttled here.
      expect((await call(server().url, '/v1/users', { headers: { 'x-api-key': busy.token } })).status).toBe(200);
    });

    test('a user key cannot be exchanged, and the answer says what to do instead', async () => {
      const problem = expectProblem(await exchange(owner(), address()), 401);
      expect(problem.detail).toContain('Only app tokens');
    });
  },
  { PEOPLEHUB_AUTH_RATE_LIMIT: '5' },
);

describe('the client address behind a proxy', () => {
  const clock = { now: () => new Date(0) };
  const request = (remote: string, forwarded?: string) =>
    ({
      socket: { remoteAddress: remote },
      headers: forwarded ? { 'x-forwarded-for': forwarded } : {},
    }) as unknown as IncomingMessage;

  test('X-Forwarded-For counts only when the proxy is trusted, and then only its last entry', () => {
    const direct = new TokenThrottle(5, clock, false);
    expect(direct.clientAddress(request('10.0.0.1', '203.0.113.9'))).toBe('10.0.0.1');
    const proxied = new TokenThrottle(5, clock, true);
    expect(proxied.clientAddress(request('10.0.0.1', 'spoofed, 203.0.113.9'))).toBe('203.0.113.9');
    expect(proxied.clientAddress(request('10.0.0.1'))).toBe('10.0.0.1');
  });
});

describe('budgets that cannot be dodged or wiped', () => {
  test('an IPv6 client counts by its /64; IPv4, mapped or not, by its address', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
  });

  test('a flood of new keys evicts the least recently used buckets, not every bucket', () => {
    const clock = { now: () => new Date(0) };
    const limiter = new RateLimiter(1, 2, clock);
    expect([limiter.take('victim').allowed, limiter.take('victim').allowed, limiter.take('victim').allowed]).toEqual([
      true,
      true,
      false,
    ]);
    // 120,000 new keys, more than the limiter keeps; the emptied bucket, in use meanwhile, stays empty.
    for (let i = 0; i < 60_000; i += 1) limiter.take(`flood-${i}`);
    expect(limiter.take('victim').allowed).toBe(false);
    for (let i = 60_000; i < 120_000; i += 1) limiter.take(`flood-${i}`);
    expect(limiter.take('victim').allowed).toBe(false);
  });
});
