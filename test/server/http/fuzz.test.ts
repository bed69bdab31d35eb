import net from 'node:net';
import fc from 'fast-check';
import { eachStore } from '../../helpers/harness';
import { call } from '../../helpers/http';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Sends raw bytes and returns the status line's code (0 when the server just closes). */
function rawRequest(url: string, bytes: Buffer): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' || error.code === 'EPIPE'
        ? resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0))
        : reject(error),
    );
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0)));
  });
}

eachStore('random requests never cause a 5xx or a crash', (server) => {
  const routes = () => server().hub.routes;

  const pathFor = (template: string, fill: string[]) => {
    let i = 0;
    return template.replace(/:[a-z]+/g, () => encodeURIComponent(fill[i++ % fill.length] ?? 'x'));
  };

  test('random bodies, headers, params and queries on every route', async () => {
    const body = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc
        .record({
          email: fc.oneof(fc.emailAddress(), fc.string()),
          accessRight: fc.constantFrom('owner', 'admin', 'member', 'x'),
          name: fc.option(fc.string()),
        })
        .map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.constant(''),
    );
    const contentType = fc.constantFrom(
      undefined,
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
    );
    const credential = fc.constantFrom<'owner' | 'none' | 'garbage' | 'jwt-ish'>(
      'owner',
      'owner',
      'none',
      'garbage',
      'jwt-ish',
    );
    const query = fc.dictionary(
      fc.constantFrom('limit', 'cursor', 'sort', 'q', 'accessRight', 'status', 'since', 'x', '__proto__'),
      fc.string({ maxLength: 30 }),
      { maxKeys: 3 },
    );
    const request = fc.record({
      route: fc.nat(),
      method: fc.option(fc.constantFrom(...METHODS), { nil: undefined }),
      fill: fc.array(fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constant(server().org.userId)), {
        minLength: 2,
        maxLength: 2,
      }),
      query,
      body,
      contentType,
      credential,
    });

    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const spec = routes()[r.route % routes().length];
        const qs = new URLSearchParams(r.query).toString();
        const headers: Record<string, string> = {};
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.credential === 'owner') headers['x-api-key'] = server().org.ownerKey;
        if (r.credential === 'garbage') headers.authorization = 'Bearer pha_garbage';
        if (r.credential === 'jwt-ish') headers.authorization = 'Bearer eyJhbGciOiJub25lIn0.e30.';
        const res = await call(server().url, `${pathFor(spec.url, r.fill)}${qs ? `?${qs}` : ''}`, {
          method: r.method ?? spec.method,
          headers,
          body: r.body === '' ? undefined : r.body,
        });
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400 && spec.url !== '/oauth/token' && (r.method ?? spec.method) !== 'HEAD') {
          // The survey answer page is for a person: its own refusals are pages; what the router refuses
          // before it (a path parameter out of bounds) is a problem like everywhere else.
          const page = spec.url.startsWith('/s/');
          expect(['application/problem+json; charset=utf-8', ...(page ? ['text/html; charset=utf-8'] : [])]).toContain(
            res.headers['content-type'],
          );
        }
      }),
      { numRuns: 400 },
    );
    expect((await call(server().url, '/healthz')).status).toBe(200);
  });

  test('random paths and raw request bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.webPath(), fc.string({ maxLength: 50 }), async (path, junk) => {
        const res = await call(server().url, path === '' ? '/' : path.startsWith('/') ? path : `/${path}`, {
          headers: { 'x-api-key': server().org.ownerKey, 'x-junk': encodeURIComponent(junk) },
        });
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...METHODS), async (bytes, method) => {
        const head = Buffer.from(
          `${method} /v1/users HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${server().org.ownerKey}\r\nContent-Type: application/json\r\n`,
        );
        const status = await rawRequest(server().url, Buffer.concat([head, Buffer.from(bytes)]));
        expect(status < 500 || status === 0).toBe(true);
      }),
      { numRuns: 150 },
    );
    expect((await call(server().url, '/healthz')).status).toBe(200);
  });
});
