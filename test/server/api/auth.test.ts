import { SignJWT, base64url, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import { SCOPES } from '../../../server/src/core/permissions';
import { eachStore, restoreClockAfterEach } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';

eachStore('authentication', (server) => {
  restoreClockAfterEach(() => server().clock);
  const owner = () => server().org.ownerKey;

  async function createApp(name: string, permissions: string[]): Promise<{ id: string; token: string }> {
    const res = await call(server().url, '/v1/apps', { key: owner(), body: { name, permissions } });
    expect(res.status).toBe(201);
    return res.body.data;
  }

  async function exchange(token: string): Promise<{ token: string; expiresAt: string; sessionId: string }> {
    const res = await call(server().url, '/v1/auth/application', {
      body: { token },
      headers: { 'user-agent': 'jest-suite/1.0' },
    });
    expect(res.status).toBe(200);
    return res.body.data;
  }

  function oauth(form: Record<string, string>, headers: Record<string, string> = {}) {
    return call(server().url, '/oauth/token', {
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  test('an app token works three ways, and none of them after the app is revoked', async () => {
    const app = await createApp('Three ways', ['users:read']);
    const jwt = (await exchange(app.token)).token;
    const granted = await oauth({ grant_type: 'client_credentials', client_id: app.id, client_secret: app.token });
    expect(granted.status).toBe(200);
    expect(granted.headers['cache-control']).toBe('no-store');
    expect(granted.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'users:read',
    });
    const oauthJwt = granted.body.access_token as string;

    const ways = [
      { headers: { 'x-api-key': app.token } },
      { headers: bearer(app.token) },
      { headers: bearer(jwt) },
      { headers: bearer(oauthJwt) },
    ];
    for (const way of ways) {
      const res = await call(server().url, '/v1/users', way);
      expect(res.status).toBe(200);
      expect(res.body.data.map((u: { email: string }) => u.email)).toContain('owner@test.example');
    }

    expect((await call(server().url, `/v1/apps/${app.id}`, { method: 'DELETE', key: owner() })).status).toBe(204);
    for (const way of ways) {
      const res = await call(server().url, '/v1/users', way);
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expectProblem(await call(server().url, '/v1/auth/application', { body: { token: app.token } }), 401);
    const refused = await oauth({ grant_type: 'client_credentials', client_id: app.id, client_secret: app.token });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
  });

  test('the JWT is EdDSA-signed by a key published in the JWKS, and carries the app, session and scopes', async () => {
    const app = await createApp('Claims', ['users:read', 'org:read']);
    const session = await exchange(app.token);
    const header = decodeProtectedHeader(session.token);
    const claims = decodeJwt(session.token);
    expect(header.alg).toBe('EdDSA');
    expect(claims).toMatchObject({
      sub: app.id,
      sid: session.sessionId,
      org: server().org.organizationId,
      scope: 'users:read org:read',
    });
    expect(new Date((claims.exp as number) * 1000).toISOString()).toBe(session.expiresAt);
    const jwks = await call(server().url, '/.well-known/jwks.json');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
    expect(JSON.stringify(jwks.body)).not.toMatch(/"d":/);
  });

  test('tampered, alg:none, foreign-key and expired JWTs are refused', async () => {
    const app = await createApp('Refusals', ['users:read']);
    const { token } = await exchange(app.token);
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = base64url.encode(JSON.stringify({ ...payload, scope: SCOPES.join(' ') }));
    const none = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }));
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const foreignKey = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', kid: decodeProtectedHeader(token).kid, typ: 'at+jwt' })
      .sign(privateKey);
    const flipped = `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;

    for (const bad of [`${h}.${forged}.${s}`, `${none}.${p}.`, `${none}.${forged}.`, foreignKey, flipped]) {
      expectProblem(await call(server().url, '/v1/users', { headers: bearer(bad) }), 401);
    }
    expect((await call(server().url, '/v1/users', { headers: bearer(token) })).status).toBe(200);

    server().clock.advance(3600 * 1000 - 1000);
    expect((await call(server().url, '/v1/users', { headers: bearer(token) })).status).toBe(200);
    server().clock.advance(2000);
    const expired = expectProblem(await call(server().url, '/v1/users', { headers: bearer(token) }), 401);
    expect(expired.detail).toMatch(/expired/);
    // The app token itself does not expire; a new exchange works at the new time.
    const fresh = await exchange(app.token);
    expect((await call(server().url, '/v1/users', { headers: bearer(fresh.token) })).status).toBe(200);
  });

  test('a missing scope answers 403 naming the scope', async () => {
    const app = await createApp('Reader', ['org:read']);
    const { token } = await exchange(app.token);
    for (const headers of [{ 'x-api-key': app.token }, bearer(token)]) {
      const res = await call(server().url, '/v1/users', { headers });
      const problem = expectProblem(res, 403);
      expect(problem.requiredScope).toBe('users:read');
      expect(problem.detail).toContain('users:read');
      expect((await call(server().url, '/v1/organization', { headers })).status).toBe(200);
    }
  });

  test('OAuth scope narrows the token; asking for more than the app has is invalid_scope', async () => {
    const app = await createApp('Narrow', ['users:read', 'org:read']);
    const narrow = await oauth({
      grant_type: 'client_credentials',
      client_id: app.id,
      client_secret: app.token,
      scope: 'org:read',
    });
    expect(narrow.body.scope).toBe('org:read');
    const headers = bearer(narrow.body.access_token);
    expect((await call(server().url, '/v1/organization', { headers })).status).toBe(200);
    expectProblem(await call(server().url, '/v1/users', { headers }), 403);
    const wide = await oauth({
      grant_type: 'client_credentials',
      client_id: app.id,
      client_secret: app.token,
      scope: 'users:write',
    });
    expect(wide.status).toBe(400);
    expect(wide.body.error).toBe('invalid_scope');
  });

  test('OAuth errors follow RFC 6749 §5.2', async () => {
    const app = await createApp('OAuth errors', ['users:read']);
    const basic = (id: string, secret: string) => ({
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
    });
    const viaBasic = await oauth({ grant_type: 'client_credentials' }, basic(app.id, app.token));
    expect(viaBasic.status).toBe(200);
    const cases: [Record<string, string>, Record<string, string>, number, string][] = [
      [{}, {}, 400, 'invalid_request'],
      [{ grant_type: 'password', client_id: app.id, client_secret: app.token }, {}, 400, 'unsupported_grant_type'],
      [{ grant_type: 'client_credentials', client_id: app.id }, {}, 401, 'invalid_client'],
      [
        { grant_type: 'client_credentials', client_id: 'app_other', client_secret: app.token },
        {},
        401,
        'invalid_client',
      ],
      [{ grant_type: 'client_credentials', client_id: app.id, client_secret: 'pha_wrong' }, {}, 401, 'invalid_client'],
      [
        { grant_type: 'client_credentials', client_id: app.id, client_secret: app.token },
        basic(app.id, app.token),
        400,
        'invalid_request',
      ],
    ];
    for (const [form, headers, status, error] of cases) {
      const res = await oauth(form, headers);
      expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
      expect(res.body.error_description).toEqual(expect.any(String));
    }
    const wrongSecret = await oauth({ grant_type: 'client_credentials' }, basic(app.id, 'pha_nope'));
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers['www-authenticate']).toMatch(/^Basic/);
    const json = await call(server().url, '/oauth/token', { body: { grant_type: 'client_credentials' } });
    expect(json.body.error).toBe('invalid_request');
  });

  test('an oversized token request is an RFC 6749 invalid_request (400), and the unread body closes the connection', async () => {
    const app = await createApp('Oversized', ['users:read']);
    const form = { grant_type: 'client_credentials', client_id: app.id, client_secret: app.token };
    const big = await oauth({ ...form, padding: 'x'.repeat(9 * 1024) });
    expect(big.status).toBe(400);
    expect(big.headers['content-type']).toMatch(/^application\/json/);
    expect(big.body).toEqual({
      error: 'invalid_request',
      error_description: 'The request body is larger than the limit of 8192 bytes.',
    });
    expect(big.headers.connection).toBe('close');
    expect(big.headers['cache-control']).toBe('no-store');
    // Just under the limit is an ordinary request (the unknown field is ignored, as RFC 6749 asks).
    expect((await oauth({ ...form, padding: 'x'.repeat(7 * 1024) })).status).toBe(200);
  });

  test('the open token routes never hand a deeply nested body to the JSON parser', async () => {
    const app = await createApp('Nested', ['users:read']);
    const nested = `{"token": ${'['.repeat(8000)}`;
    const parse = jest.spyOn(JSON, 'parse');
    let parsed: unknown[][];
    try {
      const exchange = expectProblem(
        await call(server().url, '/v1/auth/application', {
          body: nested,
          headers: { 'content-type': 'application/json' },
        }),
        400,
      );
      expect(exchange.detail).toContain('more than 32 levels');
      // The token endpoint takes a form (RFC 6749 §4.4.2): JSON, nested or flat, is refused by its media type, unread.
      for (const body of [
        nested,
        JSON.stringify({ grant_type: 'client_credentials', client_id: app.id, client_secret: app.token }),
      ]) {
        const token = await call(server().url, '/oauth/token', {
          body,
          headers: { 'content-type': 'application/json' },
        });
        expect(token.status).toBe(400);
        expect(token.body).toEqual({
          error: 'invalid_request',
          error_description: expect.stringContaining('application/x-www-form-urlencoded'),
        });
      }
      parsed = parse.mock.calls.filter(([text]) => typeof text === 'string' && text.includes('[[[['));
    } finally {
      parse.mockRestore();
    }
    expect(parsed).toEqual([]);
    // A flat exchange still works.
    expect((await call(server().url, '/v1/auth/application', { body: { token: app.token } })).status).toBe(200);
  });

  test('sessions are listed per app with their user agent, and revoking one leaves the others working', async () => {
    const app = await createApp('Installations', ['users:read']);
    const first = await exchange(app.token);
    const second = await exchange(app.token);
    await call(server().url, '/v1/users', { headers: bearer(first.token) });
    const listed = await call(server().url, `/v1/apps/${app.id}/sessions`, { key: owner() });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((s: { id: string }) => s.id).sort()).toEqual(
      [first.sessionId, second.sessionId].sort(),
    );
    const firstListed = listed.body.data.find((s: { id: string }) => s.id === first.sessionId);
    expect(firstListed).toMatchObject({
      userAgent: 'jest-suite/1.0',
      grant: 'exchange',
      lastUsedAt: expect.any(String),
      revokedAt: null,
    });

    expect(
      (await call(server().url, `/v1/apps/${app.id}/sessions/${first.sessionId}`, { method: 'DELETE', key: owner() }))
        .status,
    ).toBe(204);
    expectProblem(await call(server().url, '/v1/users', { headers: bearer(first.token) }), 401);
    expect((await call(server().url, '/v1/users', { headers: bearer(second.token) })).status).toBe(200);
    expect((await call(server().url, '/v1/users', { key: app.token })).status).toBe(200);
  });

  test('an app cannot manage apps, whatever its scopes', async () => {
    const app = await createApp('Powerful', [...SCOPES]);
    const { token } = await exchange(app.token);
    for (const headers of [{ 'x-api-key': app.token }, bearer(token)]) {
      expectProblem(await call(server().url, '/v1/apps', { headers }), 403);
      expectProblem(
        await call(server().url, '/v1/apps', { headers, body: { name: 'Sneaky', permissions: ['users:read'] } }),
        403,
      );
      expectProblem(await call(server().url, `/v1/apps/${app.id}`, { headers, method: 'DELETE' }), 403);
      expectProblem(await call(server().url, `/v1/apps/${app.id}/sessions`, { headers }), 403);
    }
    const names = (await call(server().url, '/v1/apps?limit=200', { key: owner() })).body.data.map(
      (a: { name: string }) => a.name,
    );
    expect(names).not.toContain('Sneaky');
  });

  test('app names are unique per organization regardless of case; a revoked app frees its name', async () => {
    const app = await createApp('Unique Name', ['users:read']);
    expectProblem(
      await call(server().url, '/v1/apps', {
        key: owner(),
        body: { name: 'unique name', permissions: ['users:read'] },
      }),
      409,
    );
    const renamed = await call(server().url, `/v1/apps/${app.id}`, {
      method: 'PATCH',
      key: owner(),
      body: { name: 'Renamed App' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data.name).toBe('Renamed App');
    expect(
      (
        await call(server().url, '/v1/apps', {
          key: owner(),
          body: { name: 'Unique Name', permissions: ['users:read'] },
        })
      ).status,
    ).toBe(201);
    await call(server().url, `/v1/apps/${app.id}`, { method: 'DELETE', key: owner() });
    expect(
      (
        await call(server().url, '/v1/apps', {
          key: server().other.ownerKey,
          body: { name: 'Renamed App', permissions: ['org:read'] },
        })
      ).status,
    ).toBe(201);
    expect(
      (await call(server().url, '/v1/apps', { key: owner(), body: { name: 'renamed app', permissions: ['org:read'] } }))
        .status,
    ).toBe(201);
    const revoked = await call(server().url, '/v1/apps?status=revoked', { key: owner() });
    expect(revoked.body.data.map((a: { id: string }) => a.id)).toContain(app.id);
    expectProblem(
      await call(server().url, `/v1/apps/${app.id}`, { method: 'PATCH', key: owner(), body: { name: 'Back' } }),
      409,
    );
  });

  test('an app token is shown once: no endpoint returns it again', async () => {
    const app = await createApp('Shown once', ['users:read']);
    const got = await call(server().url, `/v1/apps/${app.id}`, { key: owner() });
    const listed = await call(server().url, '/v1/apps', { key: owner() });
    expect(got.text).not.toContain(app.token);
    expect(listed.text).not.toContain(app.token);
    expect(got.body.data.token).toBeUndefined();
  });

  test("another organization's apps answer 404", async () => {
    const app = await createApp('Private', ['users:read']);
    const foreign = server().other.ownerKey;
    expectProblem(await call(server().url, `/v1/apps/${app.id}`, { key: foreign }), 404);
    expectProblem(await call(server().url, `/v1/apps/${app.id}`, { key: foreign, method: 'DELETE' }), 404);
    expectProblem(await call(server().url, `/v1/apps/${app.id}/sessions`, { key: foreign }), 404);
    expect((await call(server().url, '/v1/users', { key: app.token })).status).toBe(200);
  });

  test('a request with no credential is told the three kinds there are, and where to put them', async () => {
    const missing = expectProblem(await call(server().url, '/v1/users'), 401);
    expect(missing.detail).toMatch(/X-Api-Key/);
    expect(missing.detail).toMatch(/Authorization: Bearer/);
    expect(missing.detail).toMatch(/app token \(pha_…\)/);
    expect(missing.detail).toMatch(/user key \(phu_…\)/);
    expect(missing.detail).toMatch(/access token \(a JWT from POST \/v1\/auth\/application or POST \/oauth\/token\)/);
  });

  test('garbage credentials answer 401 problems', async () => {
    const garbage: Record<string, string>[] = [
      {},
      { 'x-api-key': 'pha_short' },
      { authorization: 'Basic abc' },
      { authorization: 'Bearer a.b.c' },
      { 'x-api-key': 'phu_' + 'x'.repeat(43) },
    ];
    for (const headers of garbage) {
      expectProblem(await call(server().url, '/v1/users', { headers }), 401);
    }
  });
});
