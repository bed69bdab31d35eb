import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildOpenApi } from '../../../server/src/api/openapi';
import { type RouteSpec, defineRoute } from '../../../server/src/http/route';
import { type TestServer, startTestServer } from '../../helpers/harness';
import { call } from '../../helpers/http';
import { REPO_ROOT } from '../../helpers/process';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface LintRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the local Redocly CLI; telemetry and update checks off, so the test stays offline. */
function redoclyLint(file: string): Promise<LintRun> {
  const bin = path.join(REPO_ROOT, 'node_modules/.bin/redocly');
  const env = {
    ...process.env,
    REDOCLY_TELEMETRY: 'off',
    REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
  };
  return new Promise((resolve) => {
    execFile(
      bin,
      ['lint', file, '--format=stylish'],
      { cwd: REPO_ROOT, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('the OpenAPI document [sqlite]', () => {
  let server: TestServer;
  let document: Json;
  let tmp: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-openapi-'));
    const res = await call(server.url, '/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    document = res.body;
  });

  afterAll(async () => {
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('Redocly lints the served document with no errors', async () => {
    const file = path.join(tmp, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(document, null, 2));
    const result = await redoclyLint(file);
    const output = `${result.stdout}\n${result.stderr}`;
    // On failure the whole report shows: each problem is a line "  error  <rule>  <message>".
    expect({ code: result.code, output }).toEqual({ code: 0, output: expect.not.stringMatching(/\berrors?\b/) });
  }, 90_000);

  test('every route the server serves is documented with its method and operationId (the console and the survey answer page are not API)', () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(document.servers).toEqual([{ url: server.url }]);
    const api = server.hub.routes.filter((route) => route.documented !== false);
    expect(server.hub.routes.filter((route) => route.documented === false).map((route) => route.url)).toEqual([
      '/admin',
      '/admin/*',
      '/admin/assets/:file',
      '/s/:token',
      '/s/:token',
      '/s/:token/thanks',
      '/s-assets/survey.css',
    ]);
    for (const route of api) {
      const openApiPath = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const operation = document.paths[openApiPath]?.[route.method.toLowerCase()];
      expect({ route: `${route.method} ${route.url}`, operationId: operation?.operationId }).toEqual({
        route: `${route.method} ${route.url}`,
        operationId: route.operationId,
      });
    }
    const tagged = new Set(api.flatMap((route) => route.tags));
    expect(new Set(document.tags.map((tag: Json) => tag.name))).toEqual(tagged);
    for (const tag of document.tags) expect(tag.description).toEqual(expect.any(String));
  });

  test('auth, permissions, parameters, bodies and problems come from the route specs', () => {
    const { paths } = document;
    expect(paths['/healthz'].get.security).toEqual([]);
    expect(paths['/v1/users'].get.security).toEqual([{ apiKey: [] }, { bearerAuth: [] }, { oauth2: ['users:read'] }]);
    expect(paths['/v1/users'].get['x-required-permission']).toBe('users:read');
    expect(paths['/v1/users'].get.description).toContain('users:read');
    expect(paths['/v1/users'].get.parameters).toEqual(
      expect.arrayContaining([
        {
          name: 'limit',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
        },
        expect.objectContaining({ name: 'cursor', in: 'query', required: false }),
      ]),
    );
    // Unions of literals become enums, which Swagger UI offers as a drop-down.
    expect(paths['/v1/apps'].get.parameters.find((p: Json) => p.name === 'status')).toEqual({
      name: 'status',
      in: 'query',
      required: false,
      schema: { default: 'active', type: 'string', enum: ['active', 'revoked', 'all'] },
    });
    expect(paths['/v1/users/{id}'].get.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 64 } },
    ]);
    expect(paths['/v1/users/{id}'].get.responses['404'].content).toEqual({
      'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
    });
    expect(paths['/v1/users/{id}'].delete.responses['204']).toEqual({ description: expect.any(String) });
    expect(paths['/v1/users'].post.requestBody).toMatchObject({
      required: true,
      content: { 'application/json': { schema: { type: 'object', required: ['email', 'accessRight'] } } },
    });
    const token = paths['/oauth/token'].post;
    expect(Object.keys(token.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
    expect(Object.keys(token.requestBody.content['application/x-www-form-urlencoded'].schema.properties)).toEqual([
      'grant_type',
      'client_id',
      'client_secret',
      'scope',
    ]);
    expect(document.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl).toBe(
      `${server.url}/oauth/token`,
    );
    expect(JSON.stringify(document)).not.toContain('"$id"');
  });

  test('every operation with an id in its path documents 404; lists offer q only where they search', () => {
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
      if (!path.includes('{')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        expect({ operation: `${method} ${path}`, documents404: '404' in operation.responses }).toEqual({
          operation: `${method} ${path}`,
          documents404: true,
        });
      }
    }
    const hasQ = (path: string) => (document.paths[path].get.parameters as Json[]).some((p) => p.name === 'q');
    for (const path of ['/v1/events', '/v1/audit', '/v1/apps/{id}/sessions', '/v1/webhooks/{id}/notifications'])
      expect({ path, q: hasQ(path) }).toEqual({ path, q: false });
    for (const path of ['/v1/users', '/v1/employees', '/v1/webhooks', '/v1/webhooks/{id}/deliveries'])
      expect({ path, q: hasQ(path) }).toEqual({ path, q: true });
  });

  test('the schemas are as strict as the server: webhook URLs, attribute options, the OAuth token URL', () => {
    const webhookUrl =
      document.paths['/v1/webhooks'].post.requestBody.content['application/json'].schema.properties.url;
    expect(webhookUrl.pattern).toMatch(/^\^/);
    expect(new RegExp(webhookUrl.pattern).test('https://hooks.example.com/x')).toBe(true);
    for (const bad of ['ftp://x.example', 'not a url', 'https://user:pw@x.example/'])
      expect({ bad, ok: new RegExp(webhookUrl.pattern).test(bad) }).toEqual({ bad, ok: false });
    const attribute = document.paths['/v1/attributes'].post.requestBody.content['application/json'].schema;
    expect(attribute.allOf[0]).toMatchObject({
      if: { properties: { type: { enum: ['option', 'multi_option'] } } },
      then: { required: ['options'] },
    });
  });

  test('engagement analytics: every new parameter is described, with an example segment string for each kind', () => {
    const param = (path: string, name: string, method = 'get') =>
      document.paths[path][method].parameters.find((p: Json) => p.name === name);
    for (const path of ['/v1/engagement/overview', '/v1/engagement/drivers', '/v1/engagement/heatmap']) {
      const segment = param(path, 'segment');
      expect(segment.schema).toMatchObject({ type: 'array', items: { type: 'string' }, maxItems: 5 });
      expect(segment.description).toMatch(/repeat/i);
      expect(
        Object.fromEntries(
          Object.entries(segment.examples as Record<string, { value: string[] }>).map(([name, example]) => [
            name,
            example.value[0],
          ]),
        ),
      ).toEqual({
        none: undefined,
        department: 'department:Engineering',
        title: 'title:Account Executive',
        manager: expect.stringMatching(/^manager:emp_/),
        group: expect.stringMatching(/^group:grp_/),
        tenure: 'tenure:1-2y',
        attribute: 'attribute:Office:Berlin',
      });
      for (const name of ['interval', 'from', 'to']) expect(param(path, name)).toBeDefined();
    }
    expect(Object.keys(param('/v1/engagement/heatmap', 'by').examples)).toEqual([
      'department',
      'title',
      'tenure',
      'manager',
      'attribute',
    ]);
    expect(param('/v1/engagement/heatmap', 'by').description).toMatch(/attribute:<Name>/);
    expect(param('/v1/employees', 'tenure').description).toMatch(/tenure band on `on`, such as `1-2y`/);
    expect(param('/v1/employees', 'on').description).toMatch(/tenureMonths/);
    const org = document.paths['/v1/organization'].patch.requestBody.content['application/json'].schema;
    expect(JSON.stringify(org)).toContain('tenureBoundaries');
  });

  test('create-or-update by email or external id: the example path and body add someone when tried, and every answer says what it did', async () => {
    const allowed = (schema: Json) => schema.enum ?? [schema.const];
    const cases: [string, string, string, Json][] = [
      [
        '/v1/employees/by-email/{email}',
        'email',
        'ada.lovelace@example.com',
        { firstName: 'Ada', lastName: 'Lovelace' },
      ],
      [
        '/v1/employees/by-external-id/{externalId}',
        'externalId',
        'E1042',
        { email: 'grace.hopper@example.com', firstName: 'Grace', lastName: 'Hopper' },
      ],
    ];
    for (const [path, name, example, body] of cases) {
      const put = document.paths[path].put;
      expect(put['x-required-permission']).toBe('employees:write');
      const parameter = put.parameters.find((p: Json) => p.name === name);
      expect(Object.values(parameter.examples).map((e: Json) => e.value)).toEqual([example]);
      expect(parameter.description).toEqual(expect.any(String));
      expect(put.requestBody.required).toBe(false);
      const examples = put.requestBody.content['application/json'].schema.examples;
      expect(examples).toEqual([expect.objectContaining(body)]);
      // What "Try it out" sends with the examples adds someone (a new person needs email, firstName and lastName).
      const tried = await call(server.url, path.replace(`{${name}}`, encodeURIComponent(example)), {
        method: 'PUT',
        key: server.org.ownerKey,
        body: examples[0],
      });
      expect({ status: tried.status, result: tried.body.result }).toEqual({ status: 201, result: 'created' });
      const result = (status: string) =>
        allowed(put.responses[status].content['application/json'].schema.properties.result);
      expect({ created: result('201'), found: result('200') }).toEqual({
        created: ['created'],
        found: ['updated', 'unchanged'],
      });
      for (const status of ['400', '401', '403', '409', '422']) expect(put.responses[status]).toBeDefined();
    }
    const source = document.paths['/v1/employees'].get.parameters.find((p: Json) => p.name === 'source');
    expect(source.schema).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(source.description).toMatch(/bamboohr/);
  });

  test('/ leads to the docs, and /v1 lists where to start', async () => {
    const root = await call(server.url, '/');
    expect({ status: root.status, location: root.headers.location }).toEqual({ status: 302, location: '/v1/docs' });
    const index = await call(server.url, '/v1');
    expect(index.status).toBe(200);
    expect(index.body.data.links).toMatchObject({
      docs: `${server.url}/v1/docs`,
      openapi: `${server.url}/v1/openapi.json`,
      eventTypes: `${server.url}/v1/webhook-event-types`,
    });
    for (const link of Object.values(index.body.data.links as Record<string, string>)) {
      const res = await call(server.url, new URL(link).pathname);
      expect({ link, status: res.status < 500 && res.status !== 404 }).toEqual({ link, status: true });
    }
  });
});

describe('buildOpenApi', () => {
  // Written as plain JSON Schema: the tests resolve a different @sinclair/typebox than the server.
  const params = {
    type: 'object',
    properties: { id: { $id: 'ThingId', type: 'string', description: 'The thing.' } },
  } as unknown as NonNullable<RouteSpec['params']>;
  const routes = [
    defineRoute({
      method: 'DELETE',
      url: '/v1/things/:id/parts/:partId',
      operationId: 'deletePart',
      summary: 'Delete a part',
      tags: ['Things'],
      auth: { kind: 'owner' },
      params,
      responses: { 204: { description: 'Gone.' } },
      handler: () => ({ status: 204 }),
    }),
  ];
  const doc: Json = buildOpenApi(routes, { publicUrl: 'https://hub.test', version: '9.9.9' });

  test('declares every path parameter, even one the params schema leaves out', () => {
    expect(doc.paths['/v1/things/{id}/parts/{partId}'].delete.parameters).toEqual([
      { name: 'id', in: 'path', required: true, description: 'The thing.', schema: { type: 'string' } },
      { name: 'partId', in: 'path', required: true, schema: { type: 'string' } },
    ]);
  });

  test('owner routes take user keys only and imply 400, 401, 403 and 404 problems', () => {
    const operation = doc.paths['/v1/things/{id}/parts/{partId}'].delete;
    expect(operation.security).toEqual([{ apiKey: [] }, { bearerAuth: [] }]);
    expect(operation['x-required-access-right']).toBe('owner');
    expect(Object.keys(operation.responses).sort()).toEqual(['204', '400', '401', '403', '404']);
    expect(doc.info).toMatchObject({
      title: 'PeopleHub API',
      version: '9.9.9',
      license: { name: 'MIT', identifier: 'MIT' },
    });
    expect(doc.tags).toEqual([{ name: 'Things', description: expect.any(String) }]);
  });
});
