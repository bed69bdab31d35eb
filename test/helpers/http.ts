// A small HTTP client for tests, over real loopback HTTP.
import http from 'node:http';

export interface Response {
  status: number;
  headers: Record<string, string>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer is sent as it is. */
  body?: unknown;
  key?: string;
  /** The local address to connect from (any 127.x.y.z works on Linux loopback). */
  localAddress?: string;
}

/** Sends one request and reads the whole answer; never throws for an HTTP status. */
export function call(base: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const { hostname, port } = new URL(base);
  const headers: Record<string, string> = { ...options.headers };
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) {
      payload = Buffer.from(options.body as string | Buffer);
    } else {
      payload = Buffer.from(JSON.stringify(options.body));
      headers['content-type'] ??= 'application/json';
    }
    headers['content-length'] = String(payload.length);
  }
  if (options.key) headers['x-api-key'] = options.key;
  return new Promise((resolve, reject) => {
    const method = options.method ?? (payload ? 'POST' : 'GET');
    // The path is sent exactly as given (no URL normalisation), so tests can send odd ones.
    const req = http.request(
      { hostname, port: Number(port), path, method, headers, agent: false, localAddress: options.localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = undefined;
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Asserts an RFC 9457 problem with the given status, and returns it. */
export function expectProblem(res: Response, status: number): Record<string, unknown> {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status,
    type: 'application/problem+json; charset=utf-8',
  });
  expect(res.body).toMatchObject({
    status,
    type: expect.stringMatching(/^urn:peoplehub:problem:/),
    title: expect.any(String),
    detail: expect.any(String),
  });
  return res.body as Record<string, unknown>;
}
