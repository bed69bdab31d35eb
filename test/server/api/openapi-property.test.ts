// Every operation in /v1/openapi.json, driven with generated input that fits its schemas and input
// that does not (in the manner of Schemathesis): no answer is a 5xx, every status is documented for
// its operation, and every body matches the schema documented for that status. The seed is fixed,
// so a run is repeatable and a failure shrinks to a small example.
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { toOpenApiPath } from '../../../server/src/api/openapi';
import { allRoutes } from '../../../server/src/app';
import { type TestServer, startTestServer, storeKinds } from '../../helpers/harness';
import { type Response, call } from '../../helpers/http';
import { createEmployee } from '../../helpers/people';
import { type Simulator, createSimulator, syncNow } from '../../helpers/hibob';
import { type Receiver, eventually, startReceiver } from '../../helpers/receiver';
import { type Schema, invalidObjectFor, valueFor } from '../../helpers/schema-arbitrary';

const SEED = 20261123;
const RUNS_PER_OPERATION = 20;

/** Every documented operation, known before the server starts so each gets its own test (the console's pages are served but are not part of the document). */
const OPERATIONS = allRoutes()
  .filter((route) => route.documented !== false)
  .map((route) => ({
    label: `${route.method} ${toOpenApiPath(route.url).path}`,
    method: route.method,
    path: toOpenApiPath(route.url).path,
  }));

interface Fixtures {
  ownerKey: string;
  /** The HiBob simulator the organization is connected to. */
  hibob: { url: string; serviceUserId: string; token: string };
  memberKey: string;
  appToken: string;
  /** Real ids by the collection they belong to, so generated requests often hit something that exists. */
  ids: Record<string, string[]>;
  /** Things DELETE may remove: never the ones whose credentials or children the other operations use. */
  victims: Record<string, string[]>;
}

type Credential = 'owner' | 'member' | 'app' | 'none';

interface GeneratedRequest {
  path: string;
  query: [string, string][];
  body: unknown;
  credential: Credential;
}

function queryPairs(value: Record<string, unknown>): [string, string][] {
  return Object.entries(value).flatMap(([name, v]) =>
    (Array.isArray(v) ? v : [v])
      .filter((item) => item !== undefined)
      .map((item): [string, string] => [name, typeof item === 'string' ? item : JSON.stringify(item)]),
  );
}

describe.each(storeKinds())('every operation of the OpenAPI document, driven by generated input [%s]', (kind) => {
  let server: TestServer;
  let receiver: Receiver;
  let sim: Simulator;
  let document: Schema;
  let fixtures: Fixtures;
  const validators = new Map<string, ValidateFunction>();
  /** The statuses each operation answered, to show the generated input reached the handlers. */
  const answered = new Map<string, number[]>();
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = createSimulator();
    const simUrl = await sim.listen();
    for (let i = 0; i < 3; i += 1)
      sim.addPerson({ email: `fuzz${i}@bob.example`, firstName: 'Fuzz', surname: `Person${i}` });
    server = await startTestServer(kind, {
      PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true',
      PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
      PEOPLEHUB_WORKER_POLL_MS: '5',
    });
    document = (await call(server.url, '/v1/openapi.json')).body;
    fixtures = await makeFixtures(server, receiver, sim, simUrl);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await sim?.close();
  });

  /** Request bodies with a URL never send the server to a random host: the receiver, a closed port, or a refused address. */
  function urlValues(): fc.Arbitrary<unknown> {
    return fc.constantFrom(
      `${receiver.url}/fuzz`,
      'http://127.0.0.1:9/closed',
      'https://10.0.0.1/private',
      'not a url',
      'ftp://x.example/',
    );
  }

  function idsFor(method: string, path: string, name: string): string[] {
    const pool = method === 'DELETE' ? fixtures.victims : fixtures.ids;
    if (name === 'file') return ['swagger-ui.css', 'peoplehub-docs.js', 'nope.txt'];
    if (name === 'sid') return pool.sessions;
    if (name === 'keyId') return pool.keys;
    if (name === 'receiverId') return fixtures.ids.receivers;
    if (path.startsWith('/v1/integrations/hibob/runs/')) return fixtures.ids.runs;
    const collection = /\/v1\/([a-z-]+)\/\{/.exec(path)?.[1] ?? '';
    return pool[collection] ?? fixtures.ids[collection] ?? [];
  }

  /** A parameter's documented example values: what a path parameter that names no collection (an email, an external id) is tried with. */
  function examplesOf(parameter: Schema): string[] {
    return Object.values((parameter.examples ?? {}) as Record<string, { value: unknown }>)
      .map((example) => example.value)
      .filter((value): value is string => typeof value === 'string');
  }

  /** Fields that name other things get real ids most of the time, so requests get past the first check. */
  function bodyOverrides(): Record<string, fc.Arbitrary<unknown>> {
    const some = (ids: string[]) =>
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...ids) },
        { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
      );
    const employees = fixtures.ids.employees;
    return {
      url: urlValues(),
      // A connect checks the credentials against HiBob: mostly the simulator's, sometimes wrong ones.
      baseUrl: fc.oneof(
        { weight: 3, arbitrary: fc.constant(fixtures.hibob.url) },
        { weight: 1, arbitrary: urlValues() },
      ),
      serviceUserId: fc.constantFrom(fixtures.hibob.serviceUserId, fixtures.hibob.serviceUserId, 'SOMEONE-ELSE'),
      token: fc.constantFrom(fixtures.hibob.token, fixtures.hibob.token, 'wrong-token'),
      employeeId: some(employees),
      giverId: some(employees),
      managerId: fc.oneof(some(employees), fc.constant(null)),
      recipientIds: fc.uniqueArray(some(employees), { minLength: 1, maxLength: 2 }),
      groupId: some(fixtures.ids.groups),
      parentId: fc.oneof(some(fixtures.ids.groups), fc.constant(null)),
      programId: fc.oneof(some(fixtures.ids.programs), fc.constant(null)),
      attributes: fc.constantFrom(
        {},
        { Team: 'Red' },
        { team: 'Blue' },
        { Team: 'Green' },
        { Nope: 1 },
        { Team: null },
      ),
      // A made-up cursor is always refused; cursors are exercised by the list tests.
      cursor: fc.constant(undefined),
    };
  }

  function requestArbitrary(method: string, path: string, operation: Schema): fc.Arbitrary<GeneratedRequest> {
    const parameters = (operation.parameters ?? []) as Schema[];
    const pathParams = parameters.filter((p) => p.in === 'path');
    const pathArb = fc
      .tuple(
        ...pathParams.map((p) =>
          fc.oneof(
            {
              weight: 4,
              arbitrary: fc.constantFrom(...idsFor(method, path, p.name as string), ...examplesOf(p), 'me'),
            },
            { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
          ),
        ),
      )
      .map((values) =>
        pathParams.reduce(
          (filled, p, i) => filled.replace(`{${p.name}}`, encodeURIComponent(values[i] as string)),
          path,
        ),
      );
    const queryParams = parameters.filter((p) => p.in === 'query');
    const querySchema: Schema = {
      type: 'object',
      properties: Object.fromEntries(queryParams.map((p) => [p.name, p.schema])),
      required: queryParams.filter((p) => p.required).map((p) => p.name),
    };
    const overrides = { properties: bodyOverrides() };
    const queryArb = fc.oneof(
      { weight: 4, arbitrary: valueFor(querySchema, overrides).map((v) => queryPairs(v as Record<string, unknown>)) },
      {
        weight: 1,
        arbitrary: invalidObjectFor(querySchema).map((v) =>
          v && typeof v === 'object' && !Array.isArray(v)
            ? queryPairs(v as Record<string, unknown>)
            : [['bogus', String(v)] as [string, string]],
        ),
      },
    );
    const content = operation.requestBody?.content ?? {};
    const json = content['application/json']?.schema as Schema | undefined;
    const form = content['application/x-www-form-urlencoded']?.schema as Schema | undefined;
    let bodyArb: fc.Arbitrary<unknown> = fc.constant(undefined);
    // A documented example body is sent too: it is what the docs' "Try it out" sends, and it gets past
    // rules that random fields rarely satisfy together (the fields a create-or-update needs to create).
    const bodyExamples = (json?.examples ?? []) as unknown[];
    if (json)
      bodyArb = fc.oneof(
        { weight: 3, arbitrary: valueFor(json, overrides) },
        { weight: 1, arbitrary: invalidObjectFor(json, overrides) },
        ...(bodyExamples.length > 0 ? [{ weight: 2, arbitrary: fc.constantFrom(...bodyExamples) }] : []),
      );
    if (form) {
      const fields = valueFor(form, {
        properties: {
          client_id: fc.constantFrom(fixtures.ids.apps[0], 'app_nope'),
          client_secret: fc.constantFrom(fixtures.appToken, 'pha_wrong'),
        },
      });
      bodyArb = fields.map((f) =>
        new URLSearchParams(
          Object.entries(f as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]),
        ).toString(),
      );
    }
    const credential = fc.constantFrom<Credential>(
      'owner',
      'owner',
      'owner',
      'owner',
      'owner',
      'owner',
      'member',
      'app',
      'none',
    );
    return fc.record({ path: pathArb, query: queryArb, body: bodyArb, credential });
  }

  async function send(method: string, request: GeneratedRequest, form: boolean): Promise<Response> {
    const key = { owner: fixtures.ownerKey, member: fixtures.memberKey, app: fixtures.appToken, none: undefined }[
      request.credential
    ];
    const search = new URLSearchParams(request.query).toString();
    const headers: Record<string, string> = form ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
    return call(server.url, `${request.path}${search ? `?${search}` : ''}`, {
      method,
      key,
      body: request.body,
      headers,
    });
  }

  function validatorFor(schema: Schema): ValidateFunction {
    const text = JSON.stringify(schema).replace(
      /\{"\$ref":"#\/components\/schemas\/Problem"\}/g,
      JSON.stringify(document.components.schemas.Problem),
    );
    let validate = validators.get(text);
    if (!validate) {
      validate = ajv.compile(JSON.parse(text) as Schema);
      validators.set(text, validate);
    }
    return validate;
  }

  /** Throws, with the request and the answer, when the answer breaks the document. */
  function check(label: string, operation: Schema, request: GeneratedRequest, res: Response): void {
    const where = `${label} → ${res.status}\nrequest: ${JSON.stringify(request)}\nanswer: ${res.text.slice(0, 600)}`;
    if (res.status >= 500) throw new Error(`a 5xx: ${where}`);
    const documented = operation.responses[String(res.status)] as Schema | undefined;
    if (!documented) throw new Error(`status ${res.status} is not documented for ${where}`);
    if (!documented.content || res.text === '') return;
    const mediaType = (res.headers['content-type'] ?? '').split(';')[0];
    const entry = documented.content[mediaType] as Schema | undefined;
    if (!entry) throw new Error(`content type ${mediaType} is not documented for ${where}`);
    if (!entry.schema) return;
    const validate = validatorFor(entry.schema as Schema);
    if (!validate(res.body))
      throw new Error(`the answer does not match its schema (${ajv.errorsText(validate.errors)}): ${where}`);
  }

  test.each(OPERATIONS)(
    '$label',
    async ({ label, method, path }) => {
      const operation = document.paths[path][method.toLowerCase()] as Schema;
      const form = operation.requestBody?.content?.['application/x-www-form-urlencoded'] !== undefined;
      await fc.assert(
        fc.asyncProperty(requestArbitrary(method, path, operation), async (request) => {
          const res = await send(method, request, form);
          answered.set(label, [...(answered.get(label) ?? []), res.status]);
          check(label, operation, request, res);
          // Rotating the key in use replaces it: go on with the new one.
          if (operation.operationId === 'rotateOwnUserKey' && res.status === 201) {
            if (request.credential === 'owner') fixtures.ownerKey = res.body.data.key;
            if (request.credential === 'member') fixtures.memberKey = res.body.data.key;
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
    },
    60_000,
  );

  test('the generated input is not all refused at the door: most operations succeed at least once', () => {
    const statuses = [...answered.values()].flat();
    expect(statuses.length).toBeGreaterThanOrEqual(OPERATIONS.length * RUNS_PER_OPERATION);
    const succeeded = statuses.filter((status) => status < 300).length / statuses.length;
    const reached = [...answered.values()].filter((list) => list.some((status) => status < 300)).length / answered.size;
    expect({ succeeded: succeeded >= 0.3, reached: reached >= 0.9 }).toEqual({ succeeded: true, reached: true });
  });
});

/** One of everything, made over the API, so generated ids can name real things. */
async function makeFixtures(server: TestServer, receiver: Receiver, sim: Simulator, simUrl: string): Promise<Fixtures> {
  const owner = server.org.ownerKey;
  const post = async (path: string, body: unknown, key = owner) => {
    const res = await call(server.url, path, { key, body });
    if (res.status >= 300) throw new Error(`fixture ${path} answered ${res.status}: ${res.text}`);
    return res.body.data;
  };
  const employees = [
    await createEmployee(server),
    await createEmployee(server),
    await createEmployee(server, { startDate: '2020-01-01' }),
  ];
  const attribute = await post('/v1/attributes', { name: 'Team', type: 'option', options: ['Red', 'Blue'] });
  const group = await post('/v1/groups', { name: 'Fuzz group' });
  const role = await post('/v1/roles', { name: 'Fuzz role', groupId: group.id });
  const program = await post('/v1/programs', { name: 'Fuzz program' });
  const recognition = await post('/v1/recognitions', {
    giverId: employees[0].id,
    recipientIds: [employees[1].id],
    points: 5,
    programId: program.id,
  });
  await post('/v1/engagement/answers', {
    answers: [{ employeeId: employees[2].id, question: 'engagement', score: 8, answeredAt: '2026-11-01T10:00:00Z' }],
  });
  const app = await post('/v1/apps', {
    name: 'Fuzz app',
    permissions: ['employees:read', 'users:read', 'webhooks:manage'],
  });
  const session = (await call(server.url, '/v1/auth/application', { body: { token: app.token } })).body.data;
  const member = await post('/v1/users', { email: 'member@fuzz.example', accessRight: 'member' });
  const memberKey = await post(`/v1/users/${member.id}/keys`, {});
  const webhook = await post('/v1/webhooks', {
    name: 'Fuzz hook',
    url: `${receiver.url}/fixture`,
    events: ['employee.created', 'employee.updated'],
  });
  await createEmployee(server);
  const deliveries = await eventually(async () => {
    const list = (await call(server.url, `/v1/webhooks/${webhook.id}/deliveries`, { key: owner })).body.data as {
      id: string;
    }[];
    return list.length > 0 ? list : undefined;
  });
  const events = (await call(server.url, '/v1/events?limit=5', { key: owner })).body.data as { id: string }[];

  // What DELETE may take: copies of the above that nothing else depends on.
  const victimGroup = await post('/v1/groups', { name: 'Doomed group' });
  const victimApp = await post('/v1/apps', { name: 'Doomed app', permissions: ['users:read'] });
  const victimSession = (await call(server.url, '/v1/auth/application', { body: { token: victimApp.token } })).body
    .data;
  const victimUser = await post('/v1/users', { email: 'doomed@fuzz.example', accessRight: 'admin' });
  const victimKey = await post(`/v1/users/${victimUser.id}/keys`, {});
  const hibob = (
    await call(server.url, '/v1/integrations/hibob', {
      method: 'PUT',
      key: owner,
      body: { ...sim.credentials, baseUrl: simUrl, hookSecret: 'fuzz-hook-secret' },
    })
  ).body.data;
  const run = await syncNow(server);
  // Previews to apply (each applies once; the rest of the tries find it applied) and a finished import.
  const previews = [];
  for (let i = 0; i < 3; i += 1)
    previews.push(
      await post('/v1/imports', {
        source: `fuzz-${i}`,
        dryRun: true,
        people: [
          { externalId: `F-${i}`, email: `fuzz-import${i}@fuzz.example`, firstName: 'Fuzz', lastName: 'Import' },
        ],
      }),
    );
  // Survey rounds: scheduled ones to change, open or delete, and open ones to close.
  const round = (name: string) =>
    post('/v1/surveys', {
      name,
      questions: [{ key: 'engagement' }],
      opensAt: '2026-12-01T09:00:00Z',
      closesAt: '2026-12-15T17:00:00Z',
    });
  const rounds = [await round('Fuzz round A'), await round('Fuzz round B')];
  const openRounds = [await round('Fuzz open A'), await round('Fuzz open B')];
  for (const r of openRounds) await post(`/v1/surveys/${r.id}/open`, {});
  return {
    ownerKey: owner,
    hibob: { url: simUrl, ...sim.credentials },
    memberKey: memberKey.key,
    appToken: app.token,
    ids: {
      employees: employees.map((e) => e.id),
      attributes: [attribute.id],
      groups: [group.id],
      roles: [role.id],
      recognitions: [recognition.id],
      programs: [program.id],
      apps: [app.id],
      sessions: [session.sessionId],
      users: [server.org.userId, member.id],
      keys: [memberKey.id],
      webhooks: [webhook.id],
      deliveries: deliveries.map((d) => d.id),
      events: events.map((e) => e.id),
      receivers: [new URL(hibob.receiverUrl).pathname.split('/').pop() as string],
      runs: [run.id],
      imports: [run.id, ...previews.map((p) => p.id)],
      surveys: [...rounds, ...openRounds].map((r) => r.id),
    },
    victims: {
      employees: [(await createEmployee(server)).id, (await createEmployee(server)).id],
      attributes: [(await post('/v1/attributes', { name: 'Doomed', type: 'text' })).id],
      groups: [victimGroup.id],
      roles: [(await post('/v1/roles', { name: 'Doomed role', groupId: group.id })).id],
      apps: [victimApp.id],
      sessions: [victimSession.sessionId],
      users: [victimUser.id],
      keys: [victimKey.id],
      webhooks: [
        (await post('/v1/webhooks', { name: 'Doomed hook', url: `${receiver.url}/doomed`, events: ['role.created'] }))
          .id,
      ],
      surveys: [(await round('Doomed round A')).id, (await round('Doomed round B')).id],
    },
  };
}
