import type { INodeProperties } from 'n8n-workflow';
import {
  ACCESS_RIGHT_OPTIONS,
  ALL_EVENTS_OPTION,
  ATTRIBUTE_TYPE_OPTIONS,
  EMPLOYEE_STATUS_OPTIONS,
  EVENT_TYPE_OPTIONS,
  FORMAT_OPTIONS,
  IMPORT_RUN_STATUS_OPTIONS,
  INTERVAL_OPTIONS,
  SNAPSHOT_PERSON_FIELDS,
  SURVEY_CADENCE_OPTIONS,
  SURVEY_STATUS_OPTIONS,
  WEBHOOK_STATUS_OPTIONS,
} from '../../nodes/PeopleHub/catalog';
import { PeopleHub } from '../../nodes/PeopleHub/PeopleHub.node';
import { PeopleHubEventsTrigger } from '../../nodes/PeopleHubEventsTrigger/PeopleHubEventsTrigger.node';
import { PeopleHubTrigger } from '../../nodes/PeopleHubTrigger/PeopleHubTrigger.node';
import { ALL_EVENTS, EVENT_TYPE_NAMES, OPT_IN_EVENT_TYPES } from '../../server/src/core/events';
import { SCOPES } from '../../server/src/core/permissions';
import { SOURCE_PATTERN } from '../../server/src/core/sources';
import { type TestServer, startTestServer } from '../helpers/harness';
import { call } from '../helpers/http';
import { ALL_PERMISSIONS } from '../helpers/n8n-context';

type Schema = {
  type?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  items?: Schema;
  $ref?: string;
};
type OpenApi = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string; schema: Schema }[];
        requestBody?: { content: Record<string, { schema: Schema }> };
        'x-required-permission'?: string;
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
};

// The node's option lists and field names mirror the server; these tests compare them with the
// server's own catalog and OpenAPI document, so a change on one side fails here until the other follows.
describe('the n8n package mirrors the server', () => {
  let server: TestServer;
  let openapi: OpenApi;

  const deref = (schema: Schema): Schema =>
    schema.$ref ? openapi.components.schemas[schema.$ref.split('/').pop() as string] : schema;
  /** Every allowed literal of a schema (enum, const, or unions of them; arrays give their items'). */
  function literals(schema: Schema): unknown[] {
    const s = deref(schema);
    if (s.enum) return s.enum;
    if (s.const !== undefined) return [s.const];
    if (s.items) return literals(s.items);
    return [...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap(literals);
  }
  const body = (path: string, method: string) =>
    deref(openapi.paths[path][method].requestBody?.content['application/json'].schema as Schema);
  const query = (path: string, name: string) =>
    openapi.paths[path].get.parameters?.find((p) => p.in === 'query' && p.name === name)?.schema as Schema;
  const values = (options: { value: unknown }[]) => options.map((o) => o.value).sort();

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    openapi = (await call(server.url, '/v1/openapi.json')).body as OpenApi;
  });
  afterAll(() => server?.close());

  test('event types: the catalog endpoint, the server list and the node options agree', async () => {
    const catalog = (await call(server.url, '/v1/webhook-event-types')).body.data as { type: string; optIn: boolean }[];
    expect(values(EVENT_TYPE_OPTIONS)).toEqual(catalog.map((e) => e.type).sort());
    expect(values(EVENT_TYPE_OPTIONS)).toEqual([...EVENT_TYPE_NAMES].sort());
    // A webhook also takes `*` (every type but the opt-in ones); the node lists the types themselves.
    expect(literals(body('/v1/webhooks', 'post').properties?.events as Schema).sort()).toEqual(
      [ALL_EVENTS, ...values(EVENT_TYPE_OPTIONS)].sort(),
    );
    expect(values(EVENT_TYPE_OPTIONS)).not.toContain(ALL_EVENTS);
    // The node says which types are opt-in, as the catalog does.
    const optIn = catalog.filter((e) => e.optIn).map((e) => e.type);
    expect(optIn).toEqual([...OPT_IN_EVENT_TYPES]);
    for (const option of EVENT_TYPE_OPTIONS)
      expect({ type: option.value, optIn: option.name.includes('(Opt-In)') }).toEqual({
        type: option.value,
        optIn: optIn.includes(option.value as string),
      });
  });

  test("the webhook trigger offers the server's * as All Events, naming the opt-in types it leaves out", () => {
    const events = new PeopleHubTrigger().description.properties.find((p) => p.name === 'events') as INodeProperties;
    expect(values(events.options as { value: unknown }[])).toEqual([ALL_EVENTS, ...values(EVENT_TYPE_OPTIONS)].sort());
    expect(ALL_EVENTS_OPTION.value).toBe(ALL_EVENTS);
    for (const type of OPT_IN_EVENT_TYPES) {
      const name = (EVENT_TYPE_OPTIONS.find((o) => o.value === type)?.name ?? type).replace(' (Opt-In)', '');
      expect(ALL_EVENTS_OPTION.description).toContain(name);
    }
  });

  test('formats, access rights, attribute types, statuses and intervals agree with the OpenAPI document', () => {
    expect(values(FORMAT_OPTIONS)).toEqual(literals(body('/v1/webhooks', 'post').properties?.format as Schema).sort());
    expect(values(ACCESS_RIGHT_OPTIONS)).toEqual(
      literals(body('/v1/users', 'post').properties?.accessRight as Schema).sort(),
    );
    expect(values(ATTRIBUTE_TYPE_OPTIONS)).toEqual(
      literals(body('/v1/attributes', 'post').properties?.type as Schema).sort(),
    );
    expect(values(EMPLOYEE_STATUS_OPTIONS)).toEqual(literals(query('/v1/employees', 'status')).sort());
    expect(values(INTERVAL_OPTIONS)).toEqual(literals(query('/v1/engagement/overview', 'interval')).sort());
    expect(values(WEBHOOK_STATUS_OPTIONS)).toEqual(literals(query('/v1/webhooks', 'status')).sort());
    expect(values(IMPORT_RUN_STATUS_OPTIONS)).toEqual(literals(query('/v1/imports', 'status')).sort());
    expect(values(SURVEY_STATUS_OPTIONS)).toEqual(literals(query('/v1/surveys', 'status')).sort());
    expect(values(SURVEY_CADENCE_OPTIONS)).toEqual(
      literals(body('/v1/surveys', 'post').properties?.cadence as Schema).sort(),
    );
    const person = deref(body('/v1/imports', 'post').properties?.people.items as Schema);
    expect([...SNAPSHOT_PERSON_FIELDS, 'attributes'].sort()).toEqual(Object.keys(person.properties ?? {}).sort());
  });

  /** The request each operation of the action node sends; Message → Parse needs no server. */
  const ROUTES: Record<string, [string, string] | null> = {
    'attribute.create': ['post', '/v1/attributes'],
    'attribute.delete': ['delete', '/v1/attributes/{id}'],
    'attribute.getAll': ['get', '/v1/attributes'],
    'attribute.update': ['patch', '/v1/attributes/{id}'],
    'audit.getAll': ['get', '/v1/audit'],
    'delivery.get': ['get', '/v1/deliveries/{id}'],
    'delivery.getAll': ['get', '/v1/webhooks/{id}/deliveries'],
    'delivery.resend': ['post', '/v1/deliveries/{id}/resend'],
    'employee.create': ['post', '/v1/employees'],
    'employee.delete': ['delete', '/v1/employees/{id}'],
    'employee.get': ['get', '/v1/employees/{id}'],
    'employee.getAll': ['get', '/v1/employees'],
    'employee.update': ['patch', '/v1/employees/{id}'],
    // Also PUT /v1/employees/by-external-id/{externalId}, under the same permission.
    'employee.upsert': ['put', '/v1/employees/by-email/{email}'],
    'engagement.getDrivers': ['get', '/v1/engagement/drivers'],
    'engagement.getHeatmap': ['get', '/v1/engagement/heatmap'],
    'engagement.getOverview': ['get', '/v1/engagement/overview'],
    'engagement.submitAnswers': ['post', '/v1/engagement/answers'],
    'event.get': ['get', '/v1/events/{id}'],
    'event.getAll': ['get', '/v1/events'],
    'group.create': ['post', '/v1/groups'],
    'group.delete': ['delete', '/v1/groups/{id}'],
    'group.get': ['get', '/v1/groups/{id}'],
    'group.getAll': ['get', '/v1/groups'],
    'group.update': ['patch', '/v1/groups/{id}'],
    'hibob.getAllRuns': ['get', '/v1/integrations/hibob/runs'],
    'hibob.getRun': ['get', '/v1/integrations/hibob/runs/{id}'],
    'hibob.getStatus': ['get', '/v1/integrations/hibob'],
    'hibob.syncNow': ['post', '/v1/integrations/hibob/sync'],
    'import.apply': ['post', '/v1/imports/{id}/apply'],
    'import.get': ['get', '/v1/imports/{id}'],
    'import.getAll': ['get', '/v1/imports'],
    'import.syncSnapshot': ['post', '/v1/imports'],
    'message.parse': null,
    'organization.get': ['get', '/v1/organization'],
    'organization.update': ['patch', '/v1/organization'],
    'program.create': ['post', '/v1/programs'],
    'program.getAll': ['get', '/v1/programs'],
    'recognition.create': ['post', '/v1/recognitions'],
    'recognition.get': ['get', '/v1/recognitions/{id}'],
    'recognition.getAll': ['get', '/v1/recognitions'],
    'role.assign': ['post', '/v1/roles/{id}/assignments'],
    'role.create': ['post', '/v1/roles'],
    'role.delete': ['delete', '/v1/roles/{id}'],
    'role.get': ['get', '/v1/roles/{id}'],
    'role.getAll': ['get', '/v1/roles'],
    'role.unassign': ['delete', '/v1/roles/{id}/assignments'],
    'role.update': ['patch', '/v1/roles/{id}'],
    'survey.close': ['post', '/v1/surveys/{id}/close'],
    'survey.create': ['post', '/v1/surveys'],
    'survey.get': ['get', '/v1/surveys/{id}'],
    'survey.getAll': ['get', '/v1/surveys'],
    'survey.getParticipation': ['get', '/v1/surveys/{id}'],
    'survey.open': ['post', '/v1/surveys/{id}/open'],
    'user.create': ['post', '/v1/users'],
    'user.delete': ['delete', '/v1/users/{id}'],
    'user.get': ['get', '/v1/users/{id}'],
    'user.getAll': ['get', '/v1/users'],
    'user.update': ['patch', '/v1/users/{id}'],
    'webhook.create': ['post', '/v1/webhooks'],
    'webhook.delete': ['delete', '/v1/webhooks/{id}'],
    'webhook.get': ['get', '/v1/webhooks/{id}'],
    'webhook.getAll': ['get', '/v1/webhooks'],
    'webhook.recover': ['post', '/v1/webhooks/{id}/recover'],
    'webhook.rotateSecret': ['post', '/v1/webhooks/{id}/rotate-secret'],
    'webhook.test': ['post', '/v1/webhooks/{id}/test'],
    'webhook.update': ['patch', '/v1/webhooks/{id}'],
  };

  test('every operation of the node is a route of the OpenAPI document, under a permission an app can hold', () => {
    // A resource whose operations differ by node version lists them once per version.
    const offered = [
      ...new Set(
        new PeopleHub().description.properties
          .filter((p) => p.name === 'operation')
          .flatMap((p) =>
            ((p.options ?? []) as { value: string }[]).map(
              (o) => `${(p.displayOptions?.show?.resource as string[])[0]}.${o.value}`,
            ),
          ),
      ),
    ].sort();
    expect(offered).toEqual(Object.keys(ROUTES).sort());
    const missing: string[] = [];
    const permissions = new Set<string>();
    for (const [operation, route] of Object.entries(ROUTES)) {
      if (route === null) continue;
      const found = openapi.paths[route[1]]?.[route[0]];
      if (!found) missing.push(`${operation}: ${route[0].toUpperCase()} ${route[1]}`);
      else permissions.add(found['x-required-permission'] as string);
    }
    expect(missing).toEqual([]);
    // The node's operations need only permissions the server defines, and the tests' app holds them all.
    expect([...permissions].filter((p) => !(SCOPES as readonly string[]).includes(p))).toEqual([]);
    expect([...ALL_PERMISSIONS].sort()).toEqual([...SCOPES].sort());
  });

  test('sources are open (any import has its own slug): the node takes any text, the server any slug', () => {
    expect(query('/v1/employees', 'source')).toMatchObject({ type: 'string', pattern: SOURCE_PATTERN });
    const filters = new PeopleHub().description.properties.find(
      (p) => p.name === 'filters' && p.displayOptions?.show?.resource?.includes('employee'),
    );
    const source = ((filters?.options ?? []) as INodeProperties[]).find((o) => o.name === 'source');
    expect(source).toMatchObject({ type: 'string', default: '' });
  });

  test('every field the node sends exists in the request it is sent with', () => {
    const properties = new PeopleHub().description.properties;
    /** The names inside a collection parameter shown for resource/operation. */
    const collection = (name: string, resource: string, operation: string) => {
      const found = properties.find(
        (p) =>
          p.name === name &&
          p.displayOptions?.show?.resource?.includes(resource) &&
          p.displayOptions?.show?.operation?.includes(operation),
      );
      if (!found) throw new Error(`no ${name} for ${resource}.${operation}`);
      return ((found.options ?? []) as INodeProperties[]).map((o) => o.name);
    };
    const bodies: [string, string, string, string, string][] = [
      ['additionalFields', 'employee', 'create', '/v1/employees', 'post'],
      ['updateFields', 'employee', 'update', '/v1/employees/{id}', 'patch'],
      ['additionalFields', 'employee', 'upsert', '/v1/employees/by-email/{email}', 'put'],
      ['additionalFields', 'employee', 'upsert', '/v1/employees/by-external-id/{externalId}', 'put'],
      ['updateFields', 'attribute', 'update', '/v1/attributes/{id}', 'patch'],
      ['additionalFields', 'group', 'create', '/v1/groups', 'post'],
      ['updateFields', 'group', 'update', '/v1/groups/{id}', 'patch'],
      ['additionalFields', 'role', 'create', '/v1/roles', 'post'],
      ['assignmentFields', 'role', 'assign', '/v1/roles/{id}/assignments', 'post'],
      ['updateFields', 'role', 'update', '/v1/roles/{id}', 'patch'],
      ['additionalFields', 'recognition', 'create', '/v1/recognitions', 'post'],
      ['additionalFields', 'program', 'create', '/v1/programs', 'post'],
      ['additionalFields', 'user', 'create', '/v1/users', 'post'],
      ['updateFields', 'user', 'update', '/v1/users/{id}', 'patch'],
      ['additionalFields', 'webhook', 'create', '/v1/webhooks', 'post'],
      ['additionalFields', 'survey', 'create', '/v1/surveys', 'post'],
      ['updateFields', 'webhook', 'update', '/v1/webhooks/{id}', 'patch'],
    ];
    for (const [name, resource, operation, path, method] of bodies) {
      const accepted = Object.keys(body(path, method).properties ?? {});
      expect({
        [`${resource}.${operation}`]: collection(name, resource, operation).filter(
          (field) => !accepted.includes(field),
        ),
      }).toEqual({ [`${resource}.${operation}`]: [] });
    }
    const filters: [string, string][] = [
      ['employee', '/v1/employees'],
      ['group', '/v1/groups'],
      ['role', '/v1/roles'],
      ['recognition', '/v1/recognitions'],
      ['program', '/v1/programs'],
      ['user', '/v1/users'],
      ['webhook', '/v1/webhooks'],
      ['delivery', '/v1/webhooks/{id}/deliveries'],
      ['import', '/v1/imports'],
      ['survey', '/v1/surveys'],
      ['event', '/v1/events'],
      ['audit', '/v1/audit'],
    ];
    for (const [resource, path] of filters) {
      const accepted = (openapi.paths[path].get.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect({
        [resource]: collection('filters', resource, 'getAll').filter((field) => !accepted.includes(field)),
      }).toEqual({ [resource]: [] });
    }
    // Sync Snapshot's options are members of the snapshot; Other Fields is the node's own.
    const snapshot = Object.keys(body('/v1/imports', 'post').properties ?? {});
    expect(
      collection('snapshotOptions', 'import', 'syncSnapshot').filter(
        (field) => field !== 'otherFields' && !snapshot.includes(field),
      ),
    ).toEqual([]);
    const overview = (openapi.paths['/v1/engagement/overview'].get.parameters ?? []).map((p) => p.name);
    expect(
      collection('overviewOptions', 'engagement', 'getOverview').filter((field) => !overview.includes(field)),
    ).toEqual([]);
    for (const [operation, path] of [
      ['getDrivers', '/v1/engagement/drivers'],
      ['getHeatmap', '/v1/engagement/heatmap'],
    ]) {
      const accepted = (openapi.paths[path].get.parameters ?? []).map((p) => p.name);
      expect({
        [operation]: collection('analyticsOptions', 'engagement', operation).filter(
          (field) => !accepted.includes(field),
        ),
      }).toEqual({ [operation]: [] });
    }
  });

  test('version 2 of employees: sort orders, clearable fields and the endpoints behind the pickers match the server', () => {
    const properties = new PeopleHub().description.properties;
    const shown = (name: string, operation: string) =>
      properties.find(
        (p) =>
          p.name === name &&
          p.displayOptions?.show?.resource?.includes('employee') &&
          p.displayOptions?.show?.operation?.includes(operation),
      ) as INodeProperties;
    const filters = (shown('filters', 'getAll').options ?? []) as INodeProperties[];
    const sort = filters.find((o) => o.name === 'sort') as INodeProperties;
    expect(values(sort.options as { value: unknown }[])).toEqual(literals(query('/v1/employees', 'sort')).sort());
    // Only fields the server lets be null can be cleared.
    const patch = body('/v1/employees/{id}', 'patch').properties ?? {};
    const nullable = Object.keys(patch).filter((name) => JSON.stringify(patch[name]).includes('"type":"null"'));
    for (const operation of ['update', 'upsert'])
      for (const field of values(shown('fieldsToClear', operation).options as { value: unknown }[]))
        expect({ [field as string]: nullable.includes(field as string) }).toEqual({ [field as string]: true });
    // What the list searches and dropdowns read exists, as a GET.
    for (const path of [
      '/v1/employees',
      '/v1/employees/departments',
      '/v1/groups',
      '/v1/roles',
      '/v1/programs',
      '/v1/webhooks',
      '/v1/users',
      '/v1/surveys',
      '/v1/imports',
      '/v1/attributes',
      '/v1/organization',
      '/v1/webhook-event-types',
    ])
      expect({ [path]: openapi.paths[path]?.get !== undefined }).toEqual({ [path]: true });
    for (const path of ['/v1/employees/by-email/{email}', '/v1/employees/by-external-id/{externalId}'])
      expect(openapi.paths[path].put).toBeDefined();
  });

  test('the resource values and parameter names integrators depend on are the fixed ones', () => {
    const node = new PeopleHub().description;
    const resource = node.properties.find((p) => p.name === 'resource');
    expect(values((resource?.options ?? []) as { value: unknown }[])).toEqual(
      [
        'employee',
        'attribute',
        'group',
        'role',
        'recognition',
        'program',
        'engagement',
        'organization',
        'user',
        'webhook',
        'delivery',
        'hibob',
        'message',
        'import',
        'survey',
        'event',
        'audit',
      ].sort(),
    );
    expect(node.name).toBe('peopleHub');
    expect(new PeopleHubTrigger().description).toMatchObject({
      name: 'peopleHubTrigger',
      properties: [expect.objectContaining({ name: 'events' }), expect.objectContaining({ name: 'options' })],
    });
    expect(new PeopleHubEventsTrigger().description).toMatchObject({ name: 'peopleHubEventsTrigger', polling: true });
    for (const property of node.properties) {
      if (property.displayName.endsWith(' ID') && property.required) expect(property.name).toMatch(/^[a-z]+Id$/);
    }
  });
});
