// The OpenAPI 3.1 document, derived from the route specs, and the route that serves it.
import { SERVER_VERSION } from '../version';
import { type TSchema, Type } from '@sinclair/typebox';
import { SCOPES } from '../core/permissions';
import { type AuthRequirement, type Reply, type RouteSpec, defineRoute } from '../http/route';
import { Problem } from './common';

type Json = { [key: string]: unknown };

export interface OpenApiOptions {
  /** Where clients reach this server; becomes the one entry in `servers`. */
  publicUrl: string;
  version: string;
}

/** What each tag covers. The document lists tags in the order routes first use them; a tag missing here gets a generic line. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  Operations: 'Liveness, readiness and Prometheus metrics for whoever runs the server.',
  Authentication:
    'Turning an app token into short-lived access tokens: the exchange, OAuth 2.0 client credentials and the public keys.',
  Organization: 'Your organization (the tenant every other resource belongs to).',
  Users: 'The people who administer PeopleHub, with their access rights.',
  Apps: "Custom apps, their tokens and their sessions. Only an owner's personal key manages apps.",
  Audit: 'Who did what, newest first.',
  Employees: 'The people of your organization, with their custom attributes.',
  Attributes: 'Definitions of the custom fields employees carry.',
  Groups: 'Groups (circles) and their hierarchy.',
  Roles: 'Roles, their accountabilities and the employees assigned to them.',
  Recognitions: 'Recognitions between employees, and the programs they belong to.',
  Engagement: 'Engagement survey answers and the overview computed from them.',
  Surveys:
    'Survey rounds: schedule one, and everyone in its audience who can be surveyed gets a personal link by e-mail (and, to webhooks that ask for survey.invited, as an event); responses become engagement answers. Participation is counts only, under the anonymity threshold.',
  Webhooks: 'Signed webhook endpoints, the event catalog and delivery attempts.',
  Events: 'The events of the last 30 days.',
  Integrations: 'HRIS sync from HiBob.',
  Documentation: 'This OpenAPI document and the interactive documentation that renders it.',
};

const API_DESCRIPTION = [
  'The PeopleHub REST API. Requests and responses are JSON (UTF-8); single resources come as `{"data": …}`,',
  'lists as `{"data": [...], "nextCursor": …}` with `limit` and an opaque `cursor`.',
  '',
  'Errors are RFC 9457 `application/problem+json` documents.',
  '',
  'Authenticate with an app token (`pha_…`) or a user key (`phu_…`) in `X-Api-Key` or `Authorization: Bearer`,',
  'or with a short-lived access token (JWT) from `POST /v1/auth/application` or the OAuth 2.0 token endpoint `POST /oauth/token`.',
  'Each operation names the permission it needs; apps hold only the permissions they were given.',
].join('\n');

/**
 * Plain JSON from a TypeBox schema: no symbol keys, no `$id` (which would make every copy a
 * separate resource), and unions of literals as `enum`, which Swagger UI offers as a drop-down.
 */
export function toJsonSchema(schema: TSchema): Json {
  return normalize(JSON.parse(JSON.stringify(schema))) as Json;
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    // A property *named* $id maps to a schema object; only the keyword is a string.
    if (key === '$id' && typeof child === 'string') continue;
    out[key] = normalize(child);
  }
  return literalsAsEnum(out);
}

/** `anyOf: [{const: 'a', type: 'string'}, …]` says the same as `type: 'string', enum: ['a', …]`. */
function literalsAsEnum(schema: Json): Json {
  const { anyOf, ...rest } = schema;
  if (!Array.isArray(anyOf) || anyOf.length === 0 || 'type' in rest || 'enum' in rest) return schema;
  const branches = anyOf as Json[];
  const type = branches[0].type;
  const isLiteral = (b: Json) =>
    Object.keys(b).length === 2 && 'const' in b && b.type === type && typeof type === 'string';
  if (!branches.every(isLiteral)) return schema;
  return { ...rest, type, enum: branches.map((b) => b.const) };
}

/** find-my-way's `/v1/apps/:id/sessions/:sid` becomes `/v1/apps/{id}/sessions/{sid}`. */
export function toOpenApiPath(url: string): { path: string; names: string[] } {
  const names: string[] = [];
  const converted = url.replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, (_match, name: string) => {
    names.push(name);
    return `{${name}}`;
  });
  return { path: converted, names };
}

function objectParts(schema: TSchema | undefined): { properties: Record<string, Json>; required: string[] } {
  const json = schema ? toJsonSchema(schema) : {};
  return {
    properties: (json.properties as Record<string, Json> | undefined) ?? {},
    required: (json.required as string[] | undefined) ?? [],
  };
}

/**
 * An example's name in the docs' picker: a segment's kind (`department:Sales` → department), `none`
 * for an empty list (listed first, so "Try it out" starts without a filter), else its position.
 */
function exampleName(value: unknown, index: number): string {
  if (Array.isArray(value) && value.length === 0) return 'none';
  const text = Array.isArray(value) ? value[0] : value;
  return typeof text === 'string' ? text.split(':')[0] : `example${index + 1}`;
}

/**
 * Moves a schema's description onto the parameter, where Swagger UI shows it, and turns the schema's
 * examples into named parameter examples (the docs offer them in a picker).
 */
function parameter(name: string, location: 'path' | 'query', schema: Json, required: boolean): Json {
  const { description, ...rest } = schema;
  const examples = Array.isArray(schema.examples)
    ? Object.fromEntries(schema.examples.map((value: unknown, i: number) => [exampleName(value, i), { value }]))
    : null;
  return {
    name,
    in: location,
    required,
    ...(typeof description === 'string' ? { description } : {}),
    schema: rest,
    ...(examples ? { examples } : {}),
  };
}

function parametersOf(route: RouteSpec, pathNames: string[]): Json[] {
  const params = objectParts(route.params);
  const query = objectParts(route.query);
  return [
    ...pathNames.map((name) => parameter(name, 'path', params.properties[name] ?? { type: 'string' }, true)),
    // The server fills in defaults, so a parameter with one may be left out even when the schema requires it.
    ...Object.entries(query.properties).map(([name, schema]) =>
      parameter(name, 'query', schema, query.required.includes(name) && !('default' in schema)),
    ),
  ];
}

/** The OAuth 2.0 token endpoint reads its form itself, so its fields are described here. */
const TOKEN_FORM: Json = {
  type: 'object',
  properties: {
    grant_type: { type: 'string', const: 'client_credentials' },
    client_id: { type: 'string', description: 'The app id. Omit it when you send the credentials with Basic auth.' },
    client_secret: {
      type: 'string',
      description: 'The app token (pha_…). Omit it when you send the credentials with Basic auth.',
    },
    scope: {
      type: 'string',
      description: "Space-separated permissions to narrow the token to; by default, all of the app's permissions.",
    },
  },
  required: ['grant_type'],
};

function requestBodyOf(route: RouteSpec): Json | undefined {
  if (route.bodyKind === 'form') {
    const schema = route.body ? toJsonSchema(route.body) : TOKEN_FORM;
    return { required: true, content: { 'application/x-www-form-urlencoded': { schema } } };
  }
  if (route.streamedBody) {
    const content: Json = {};
    for (const [media, part] of Object.entries(route.streamedBody.content))
      content[media] = {
        schema: toJsonSchema(part.schema),
        ...(part.example === undefined ? {} : { example: part.example }),
      };
    return { required: true, description: route.streamedBody.description, content };
  }
  if (!route.body) return undefined;
  const schema = toJsonSchema(route.body);
  // An empty body is validated as {}, so the body is optional exactly when {} is valid.
  const required =
    ((schema.required as string[] | undefined)?.length ?? 0) > 0 ||
    ((schema.minProperties as number | undefined) ?? 0) > 0;
  return { required, content: { 'application/json': { schema } } };
}

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

function responseOf(description: string, schema: TSchema | undefined): Json {
  if (!schema) return { description };
  if (schema === Problem) return { description, content: { 'application/problem+json': { schema: PROBLEM_REF } } };
  return { description, content: { 'application/json': { schema: toJsonSchema(schema) } } };
}

/** The declared responses, plus the ones the router and the auth guard answer on every such route. */
function responsesOf(route: RouteSpec): Json {
  const responses: Json = {};
  for (const [status, spec] of Object.entries(route.responses))
    responses[status] = responseOf(spec.description, spec.schema);
  const implied: Record<number, string> = {
    400: 'The path, query or body is not valid (unknown query parameters included).',
  };
  if (route.auth.kind !== 'none') implied[401] = 'No credential, or one that is not valid, expired or revoked.';
  // An id in the path can always name nothing (or something of another organization).
  if (toOpenApiPath(route.url).names.length > 0) implied[404] = 'Nothing with that id in your organization.';
  if (route.auth.kind === 'scope') implied[403] = `The credential lacks the ${route.auth.scope} permission.`;
  if (route.auth.kind === 'owner') implied[403] = "The credential is not an owner's personal key.";
  if (route.auth.kind === 'user')
    implied[403] = "The credential is not a user's personal key (or not one allowed here).";
  for (const [status, description] of Object.entries(implied)) {
    const declared = responses[status] as { description: string; content?: Json } | undefined;
    if (declared === undefined) {
      responses[status] = responseOf(description, Problem);
    } else if (declared.content !== undefined && !('application/problem+json' in declared.content)) {
      // A route with its own error shape (OAuth) still gets the router's and the guard's problems.
      declared.content['application/problem+json'] = { schema: PROBLEM_REF };
      declared.description = `${declared.description} Or a problem: ${description}`;
    }
  }
  return responses;
}

function securityOf(auth: AuthRequirement): Json[] {
  if (auth.kind === 'none') return [];
  // Apps (and so OAuth tokens) cannot act as a user: owner and user routes take a user key only.
  if (auth.kind === 'owner' || auth.kind === 'user') return [{ apiKey: [] }, { bearerAuth: [] }];
  return [{ apiKey: [] }, { bearerAuth: [] }, { oauth2: [auth.scope] }];
}

function authNote(auth: AuthRequirement): string {
  if (auth.kind === 'none') return 'No authentication.';
  if (auth.kind === 'owner') return "Requires an owner's personal key (`phu_…`); apps cannot call this.";
  if (auth.kind === 'user') return 'Requires a personal user key (`phu_…`); apps cannot call this.';
  return `Requires the \`${auth.scope}\` permission.`;
}

function operationOf(route: RouteSpec, pathNames: string[]): Json {
  const parameters = parametersOf(route, pathNames);
  const requestBody = requestBodyOf(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: authNote(route.auth),
    tags: route.tags,
    ...(route.auth.kind === 'scope' ? { 'x-required-permission': route.auth.scope } : {}),
    ...(route.auth.kind === 'owner' ? { 'x-required-access-right': 'owner' } : {}),
    ...(route.auth.kind === 'user' ? { 'x-required-credential': 'user-key' } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: responsesOf(route),
    security: securityOf(route.auth),
  };
}

/** `employees:read` → "Read employees". */
function describeScope(scope: string): string {
  const [resource, action] = scope.split(':');
  return `${action.charAt(0).toUpperCase()}${action.slice(1)} ${resource}`;
}

const SECURITY_SCHEMES: Json = {
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
    description: 'An app token (pha_…) or a user key (phu_…).',
  },
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT or app token',
    description: 'An access token (JWT) from POST /v1/auth/application or /oauth/token, or an app token or user key.',
  },
  oauth2: {
    type: 'oauth2',
    description: 'Client credentials: the client id is the app id, the client secret is the app token.',
    flows: {
      clientCredentials: {
        tokenUrl: '/oauth/token',
        scopes: Object.fromEntries(SCOPES.map((s) => [s, describeScope(s)])),
      },
    },
  },
};

/** The security schemes with an absolute token URL, as OpenAPI requires. */
function securitySchemes(publicUrl: string): Json {
  const oauth2 = SECURITY_SCHEMES.oauth2 as { flows: { clientCredentials: Json } };
  return {
    ...SECURITY_SCHEMES,
    oauth2: {
      ...oauth2,
      flows: { clientCredentials: { ...oauth2.flows.clientCredentials, tokenUrl: `${publicUrl}/oauth/token` } },
    },
  };
}

/** The whole document; pure, so a test can build it without a server. */
export function buildOpenApi(routes: RouteSpec[], options: OpenApiOptions): Json {
  const paths: Record<string, Json> = {};
  const tags: string[] = [];
  for (const route of routes) {
    if (route.documented === false) continue;
    const { path: openApiPath, names } = toOpenApiPath(route.url);
    paths[openApiPath] ??= {};
    paths[openApiPath][route.method.toLowerCase()] = operationOf(route, names);
    for (const tag of route.tags) if (!tags.includes(tag)) tags.push(tag);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'PeopleHub API',
      version: options.version,
      description: API_DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.publicUrl }],
    tags: tags.map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? `Operations on ${name.toLowerCase()}.` })),
    paths,
    components: { schemas: { Problem: toJsonSchema(Problem) }, securitySchemes: securitySchemes(options.publicUrl) },
  };
}

/**
 * The document's route. `getRoutes` is called on the first request, not here, so `allRoutes()` can
 * list this route without calling itself while it is being built.
 */
export function openApiRoutes(getRoutes: () => RouteSpec[]): RouteSpec[] {
  let document: string | null = null;

  const openApiJson = defineRoute({
    method: 'GET',
    url: '/v1/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This OpenAPI 3.1 document',
    tags: ['Documentation'],
    auth: { kind: 'none' },
    responses: {
      200: {
        description: 'The OpenAPI document describing every endpoint.',
        schema: Type.Object({ openapi: Type.String() }, { additionalProperties: true }),
      },
    },
    handler({ ctx }): Reply {
      document ??= JSON.stringify(buildOpenApi(getRoutes(), { publicUrl: ctx.publicUrl, version: SERVER_VERSION }));
      return {
        status: 200,
        text: { contentType: 'application/json; charset=utf-8', payload: document },
        headers: { 'cache-control': 'no-cache' },
      };
    },
  });

  return [openApiJson];
}
