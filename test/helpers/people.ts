// Shortcuts for tests that need people data: create employees, groups and roles over the real API.
import type { TestServer } from './harness';
import { call } from './http';

let counter = 0;

export async function createEmployee(
  server: TestServer,
  fields: Record<string, unknown> = {},
  key = server.org.ownerKey,
) {
  counter += 1;
  const res = await call(server.url, '/v1/employees', {
    key,
    body: {
      email: `person${counter}-${Date.now() % 100000}@acme.example`,
      firstName: 'Pat',
      lastName: `Person${counter}`,
      ...fields,
    },
  });
  if (res.status !== 201) throw new Error(`creating an employee answered ${res.status}: ${res.text}`);
  return res.body.data as { id: string; [field: string]: unknown };
}

export async function post(server: TestServer, path: string, body: unknown, key = server.org.ownerKey) {
  return call(server.url, path, { key, body });
}

export async function patch(server: TestServer, path: string, body: unknown, key = server.org.ownerKey) {
  return call(server.url, path, { key, body, method: 'PATCH' });
}

export async function get(server: TestServer, path: string, key = server.org.ownerKey) {
  return call(server.url, path, { key });
}

export async function del(server: TestServer, path: string, key = server.org.ownerKey) {
  return call(server.url, path, { key, method: 'DELETE' });
}

/** Events written since `since` (an ISO time), oldest first. */
export async function eventsSince(server: TestServer, since: string, type?: string) {
  const res = await get(
    server,
    `/v1/events?limit=200&since=${encodeURIComponent(since)}${type ? `&type=${type}` : ''}`,
  );
  if (res.status !== 200) throw new Error(`listing events answered ${res.status}: ${res.text}`);
  return res.body.data as {
    id: string;
    type: string;
    timestamp: string;
    actor: unknown;
    data: { object: Record<string, unknown>; changes?: unknown[] };
  }[];
}
