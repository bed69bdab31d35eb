import http from 'node:http';
import { SUBSCRIBABLE_EVENTS } from '../../../server/src/core/events';
import { eachStore } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';

eachStore('bad input is refused and changes nothing', (server) => {
  const owner = () => server().org.ownerKey;

  /** The observable state a bad request must not touch. */
  async function snapshot(): Promise<string> {
    const [users, org, apps, audit] = await Promise.all(
      ['/v1/users?limit=200', '/v1/organization', '/v1/apps?status=all&limit=200', '/v1/audit?limit=200'].map((p) =>
        call(server().url, p, { key: owner() }),
      ),
    );
    return JSON.stringify([users.body, org.body, apps.body, audit.body]);
  }

  async function expectUnchanged(attempt: () => Promise<void>): Promise<void> {
    const before = await snapshot();
    await attempt();
    expect(await snapshot()).toBe(before);
  }

  const post = (
    path: string,
    body: string | Buffer,
    headers: Record<string, string> = { 'content-type': 'application/json' },
    method = 'POST',
  ) => call(server().url, path, { key: owner(), body, headers, method });

  test('malformed JSON answers 400', async () => {
    await expectUnchanged(async () => {
      for (const body of ['{', '{"email": "x@y.z",}', "{'email': 1}", 'nul', '\u0000', '{"a":1}{"b":2}']) {
        const problem = expectProblem(await post('/v1/users', body), 400);
        expect(problem.detail).toMatch(/JSON/);
      }
      expectProblem(await post('/v1/users', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), 400);
    });
  });

  test('wrong types and unknown fields answer 400 naming each field', async () => {
    await expectUnchanged(async () => {
      const wrong = expectProblem(
        await post('/v1/users', JSON.stringify({ email: 42, accessRight: 'king', name: ['x'] })),
        400,
      );
      const paths = (wrong.errors as { path: string }[]).map((e) => e.path).sort();
      expect(paths).toEqual(['/accessRight', '/email', '/name']);
      const unknown = expectProblem(
        await post(
          '/v1/users',
          JSON.stringify({ email: 'a@b.example', accessRight: 'member', role: 'x', __proto__x: 1 }),
        ),
        400,
      );
      expect(unknown.errors).toEqual(
        expect.arrayContaining([
          { location: 'body', path: '/role', message: 'is not a known field' },
          { location: 'body', path: '/__proto__x', message: 'is not a known field' },
        ]),
      );
      expectProblem(
        await post('/v1/users', '{"__proto__": {"admin": true}, "email": "p@p.example", "accessRight": "member"}'),
        400,
      );
      for (const body of ['[]', '"text"', '42', 'null', 'true']) expectProblem(await post('/v1/users', body), 400);
      expectProblem(await post('/v1/organization', JSON.stringify({ name: 'x'.repeat(201) }), undefined, 'PATCH'), 400);
      expectProblem(await post('/v1/users', JSON.stringify({ email: 'not-an-email', accessRight: 'member' })), 400);
      expectProblem(await post(`/v1/users/${server().org.userId}`, JSON.stringify({}), undefined, 'PATCH'), 400);
      expectProblem(
        await post('/v1/apps', JSON.stringify({ name: 'x', permissions: ['users:read', 'users:read'] })),
        400,
      );
      expectProblem(await post('/v1/apps', JSON.stringify({ name: 'x', permissions: ['everything'] })), 400);
      expectProblem(await post('/v1/apps', JSON.stringify({ name: 'x', permissions: [] })), 400);
    });
  });

  test('leap seconds and years before 1000 answer 400 in queries and bodies, and record nothing', async () => {
    const bad = [
      '2016-12-31T23:59:60Z',
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '0999-12-31T23:59:59Z',
      '2026-02-30T10:00:00Z',
      '9999-12-31T23:00:00-05:00',
      '2026-11-22t10:00:00z',
    ];
    for (const since of bad) {
      for (const path of ['/v1/events', '/v1/audit']) {
        const problem = expectProblem(
          await call(server().url, `${path}?since=${encodeURIComponent(since)}`, { key: owner() }),
          400,
        );
        expect(problem.errors).toEqual([
          expect.objectContaining({ path: '/since', message: expect.stringContaining('RFC 3339 timestamp') }),
        ]);
      }
    }
    for (const date of ['0001-01-01', '0000-06-15', '0099-12-31', '2026-13-01', '9999-12-31']) {
      const problem = expectProblem(
        await call(server().url, `/v1/engagement/overview?from=${date}`, { key: owner() }),
        400,
      );
      expect(problem.errors).toEqual([expect.objectContaining({ path: '/from' })]);
    }
    const employee = await call(server().url, '/v1/employees', {
      key: owner(),
      body: { email: 'dates@example.com', firstName: 'D', lastName: 'Ates' },
    });
    await expectUnchanged(async () => {
      expectProblem(
        await post(
          '/v1/employees',
          JSON.stringify({ email: 'old@example.com', firstName: 'O', lastName: 'Ld', startDate: '0001-01-01' }),
        ),
        400,
      );
      for (const answeredAt of ['2016-12-31T23:59:60Z', '0001-01-01T00:00:00Z']) {
        const problem = expectProblem(
          await post(
            '/v1/engagement/answers',
            JSON.stringify({
              answers: [{ employeeId: employee.body.data.id, question: 'engagement', score: 7, answeredAt }],
            }),
          ),
          400,
        );
        expect(problem.errors).toEqual([expect.objectContaining({ path: '/answers/0/answeredAt' })]);
      }
    });
    expect((await call(server().url, '/v1/employees?email=old@example.com', { key: owner() })).body.data).toEqual([]);
    // The edges of the range are fine.
    expect(
      (
        await call(server().url, `/v1/events?since=${encodeURIComponent('2016-12-31T23:59:59.999+01:00')}`, {
          key: owner(),
        })
      ).status,
    ).toBe(200);
    expect(
      (await call(server().url, '/v1/engagement/overview?from=1000-01-01&interval=year', { key: owner() })).status,
    ).toBe(200);
  });

  test('a JSON null is not an empty body: even where every field is optional it is refused', async () => {
    const hook = (
      await call(server().url, '/v1/webhooks', {
        key: owner(),
        body: { name: 'Null test', url: 'https://hooks.example.com/null', events: ['employee.created'] },
      })
    ).body.data;
    await expectUnchanged(async () => {
      const nullBody = expectProblem(await post(`/v1/webhooks/${hook.id}/test`, 'null'), 400);
      expect(nullBody.errors).toEqual([{ location: 'body', path: '', message: 'must be object' }]);
    });
    // An empty body still means "all defaults".
    expect((await call(server().url, `/v1/webhooks/${hook.id}/test`, { key: owner(), method: 'POST' })).status).toBe(
      200,
    );
  });

  test('bad query parameters answer 400', async () => {
    for (const qs of [
      'limit=0',
      'limit=201',
      'limit=abc',
      'sort=password',
      'unknown=1',
      'accessRight=god',
      `q=${'x'.repeat(201)}`,
    ]) {
      const problem = expectProblem(await call(server().url, `/v1/users?${qs}`, { key: owner() }), 400);
      expect((problem.errors as { location: string }[])[0].location).toBe('query');
    }
  });

  test('a value outside a closed list is refused with the values allowed there, in queries and bodies', async () => {
    const sorted = expectProblem(await call(server().url, '/v1/employees?sort=salary', { key: owner() }), 400);
    expect(sorted.errors).toEqual([
      {
        location: 'query',
        path: '/sort',
        message:
          'must be one of: createdAt, -createdAt, lastName, -lastName, firstName, -firstName, email, -email, ' +
          'department, -department, startDate, -startDate',
      },
    ]);
    expect(sorted.detail).toContain('must be one of: createdAt, -createdAt, lastName');

    await expectUnchanged(async () => {
      const hook = expectProblem(
        await post(
          '/v1/webhooks',
          JSON.stringify({
            name: 'Typo',
            url: 'https://hooks.example.com/x',
            events: ['employee.created', 'employee.hired'],
            format: 'markdown',
          }),
        ),
        400,
      );
      const byPath = new Map((hook.errors as { path: string; message: string }[]).map((e) => [e.path, e.message]));
      expect([...byPath.keys()].sort()).toEqual(['/events/1', '/format']);
      // A webhook lists event types or * (every type but the opt-in ones).
      expect(byPath.get('/events/1')).toBe(`must be one of: ${SUBSCRIBABLE_EVENTS.join(', ')}`);
      expect(byPath.get('/format')).toBe('must be one of: json, chat, slack, teams');
      // An enum says the same, and a nullable list names null among the values.
      const user = expectProblem(
        await post('/v1/users', JSON.stringify({ email: 'a@b.example', name: 'A', accessRight: 'king' })),
        400,
      );
      expect(user.errors).toEqual([
        { location: 'body', path: '/accessRight', message: 'must be one of: owner, admin, member' },
      ]);
    });
    expect(JSON.stringify(sorted)).not.toMatch(/equal to constant|schema in anyOf/);
  });

  test('a control character in q answers 400 naming q, on every list that searches; printable text still searches', async () => {
    await call(server().url, '/v1/employees', {
      key: owner(),
      body: { email: 'nul@example.com', firstName: 'Nul', lastName: 'Search' },
    });
    for (const list of [
      '/v1/users',
      '/v1/employees',
      '/v1/apps',
      '/v1/webhooks',
      '/v1/groups',
      '/v1/roles',
      '/v1/recognitions',
    ]) {
      // %00 once matched every row on SQLite (LIKE stops at the NUL) and failed on PostgreSQL.
      for (const q of ['%00', 'a%00', '%00%25', '%01', '%09', '%0A', '%1B', '%7F', '%C2%85']) {
        const problem = expectProblem(await call(server().url, `${list}?q=${q}`, { key: owner() }), 400);
        expect({ list, q, errors: problem.errors }).toEqual({
          list,
          q,
          errors: [{ location: 'query', path: '/q', message: expect.stringMatching(/NUL|control characters/) }],
        });
      }
    }
    expect((await call(server().url, '/v1/employees?q=nobody-by-this-name', { key: owner() })).body.data).toEqual([]);
    expect(
      (await call(server().url, '/v1/employees?q=Search', { key: owner() })).body.data.map(
        (e: { email: string }) => e.email,
      ),
    ).toEqual(['nul@example.com']);
    expect((await call(server().url, `/v1/employees?q=${encodeURIComponent('ñ ü 😀')}`, { key: owner() })).status).toBe(
      200,
    );
  });

  test('a NUL in any query parameter, path segment or body string answers 400 naming it, and stores nothing', async () => {
    const cursor = Buffer.from(JSON.stringify({ s: 'lastName', v: 'A\u0000', i: 'emp_1' })).toString('base64url');
    const queries: [string, string][] = [
      ['/v1/employees?department=%00', '/department'],
      ['/v1/employees?email=a%00@b.example', '/email'],
      ['/v1/employees?externalId=%00', '/externalId'],
      ['/v1/employees?managerId=emp%00', '/managerId'],
      ['/v1/audit?action=%00', '/action'],
      ['/v1/audit?actorId=%00', '/actorId'],
      ['/v1/groups?parentId=%00', '/parentId'],
      ['/v1/roles?groupId=%00', '/groupId'],
      ['/v1/recognitions?giverId=%00', '/giverId'],
      ['/v1/engagement/overview?question=%00', '/question'],
      ['/v1/engagement/overview?segment=department:%00', '/segment'],
    ];
    for (const [path, field] of queries) {
      const problem = expectProblem(await call(server().url, path, { key: owner() }), 400);
      expect({ path, errors: problem.errors }).toEqual({
        path,
        errors: [{ location: 'query', path: field, message: expect.stringContaining('NUL') }],
      });
    }
    const forged = expectProblem(await call(server().url, `/v1/employees?cursor=${cursor}`, { key: owner() }), 400);
    expect(forged.errors).toEqual([{ location: 'query', path: '/cursor', message: 'is not a cursor this API issued' }]);
    for (const path of [
      '/v1/employees/%00',
      '/v1/users/usr%00',
      '/v1/webhooks/%00',
      '/v1/integrations/hibob/runs/%00',
    ]) {
      const problem = expectProblem(await call(server().url, path, { key: owner() }), 400);
      expect({ path, errors: problem.errors }).toEqual({
        path,
        errors: [{ location: 'path', path: expect.any(String), message: expect.stringContaining('NUL') }],
      });
    }
    await expectUnchanged(async () => {
      const employee = expectProblem(
        await post('/v1/employees', JSON.stringify({ email: 'nul2@example.com', firstName: 'A\u0000', lastName: 'B' })),
        400,
      );
      expect(employee.errors).toEqual([
        { location: 'body', path: '/firstName', message: expect.stringContaining('NUL') },
      ]);
      const org = expectProblem(
        await post('/v1/organization', JSON.stringify({ name: 'x\u0000y' }), undefined, 'PATCH'),
        400,
      );
      expect(org.errors).toEqual([{ location: 'body', path: '/name', message: expect.stringContaining('NUL') }]);
      const nested = expectProblem(
        await post('/v1/apps', JSON.stringify({ name: 'ok', permissions: ['users:read', 'x\u0000'] })),
        400,
      );
      expect(nested.errors).toEqual([
        { location: 'body', path: '/permissions/1', message: expect.stringContaining('NUL') },
      ]);
    });
    expect((await call(server().url, '/v1/employees?email=nul2@example.com', { key: owner() })).body.data).toEqual([]);
  });

  test('a HiBob base URL must parse and be https:// unless the operator allows http://; else a 400 naming baseUrl, nothing saved', async () => {
    const form = { serviceUserId: 'SU', token: 'tok' };
    const http = expectProblem(
      await call(server().url, '/v1/integrations/hibob', {
        method: 'PUT',
        key: owner(),
        body: { ...form, baseUrl: 'http://hibob.example' },
      }),
      400,
    );
    expect(http.errors).toEqual([
      { location: 'body', path: '/baseUrl', message: expect.stringContaining('PEOPLEHUB_ALLOW_HTTP_WEBHOOKS=true') },
    ]);
    for (const baseUrl of [
      'https://[::1',
      'https://x:99999',
      'https://a%zz.example',
      'https://hibob.example?x=1',
      'https://user:pw@hibob.example',
    ]) {
      const problem = expectProblem(
        await call(server().url, '/v1/integrations/hibob', { method: 'PUT', key: owner(), body: { ...form, baseUrl } }),
        400,
      );
      expect({ baseUrl, path: (problem.errors as { path: string }[])[0].path }).toEqual({ baseUrl, path: '/baseUrl' });
    }
    expectProblem(await call(server().url, '/v1/integrations/hibob', { key: owner() }), 404);
  });

  test('oversized bodies answer 413, declared or streamed', async () => {
    await expectUnchanged(async () => {
      const big = JSON.stringify({ email: 'big@example.com', accessRight: 'member', name: 'x'.repeat(1024 * 1024) });
      const problem = expectProblem(await post('/v1/users', big), 413);
      expect(problem.limitBytes).toBe(1024 * 1024);
      // Chunked, with no Content-Length: the limit applies while reading.
      const streamed = await new Promise<{ status: number; type: string }>((resolve, reject) => {
        const req = http.request(`${server().url}/v1/users`, {
          method: 'POST',
          headers: { 'x-api-key': owner(), 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) });
        });
        req.on('error', (error: NodeJS.ErrnoException) =>
          error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
        );
        const chunk = 'x'.repeat(64 * 1024);
        req.write('{"name":"');
        for (let i = 0; i < 20; i += 1) req.write(chunk);
        req.end('"}');
      });
      expect(streamed).toEqual({ status: 413, type: 'application/problem+json; charset=utf-8' });
    });
  });

  test('a wrong or missing content type answers 415', async () => {
    await expectUnchanged(async () => {
      const valid = JSON.stringify({ email: 'ct@example.com', accessRight: 'member' });
      for (const headers of [
        { 'content-type': 'text/plain' },
        { 'content-type': 'application/x-www-form-urlencoded' },
        {},
        { 'content-type': 'application/json; charset=latin1' },
      ]) {
        expectProblem(await post('/v1/users', valid, headers as Record<string, string>), 415);
      }
      expectProblem(
        await post('/v1/users', valid, { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
        415,
      );
    });
  });

  test('unknown routes answer 404 and wrong methods 405 with Allow', async () => {
    await expectUnchanged(async () => {
      for (const path of ['/v1/nope', '/v2/users', '/v1/users/abc/def', '/%zz', `/v1/users/${'x'.repeat(300)}`]) {
        const res = await call(server().url, path, { key: owner() });
        expect([400, 404]).toContain(res.status);
        expectProblem(res, res.status);
      }
      const put = await call(server().url, '/v1/users', { key: owner(), method: 'PUT', body: {} });
      expectProblem(put, 405);
      expect(put.headers.allow).toBe('GET, HEAD, POST');
      const patchCollection = await call(server().url, '/v1/apps', { key: owner(), method: 'DELETE' });
      expectProblem(patchCollection, 405);
      const weird = await call(server().url, '/v1/users', { key: owner(), method: 'PROPFIND' });
      expect(weird.status).toBeGreaterThanOrEqual(400);
      expect(weird.status).toBeLessThan(500);
    });
  });

  test('every response carries X-Request-Id; a sane incoming one is echoed', async () => {
    const mine = await call(server().url, '/v1/users', { key: owner(), headers: { 'x-request-id': 'trace-123' } });
    expect(mine.headers['x-request-id']).toBe('trace-123');
    const hostile = await call(server().url, '/v1/nope', { headers: { 'x-request-id': 'a b <script>' } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(hostile.body.requestId).toBe(hostile.headers['x-request-id']);
  });
});
