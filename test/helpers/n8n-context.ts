// A minimal n8n execution context for running the package's nodes in jest against a real PeopleHub
// server: parameters, input items, static data, credentials, and HTTP helpers that really send
// requests with n8n's semantics (JSON bodies, errors thrown for 4xx/5xx as n8n throws them, the
// credential's preAuthentication when the session token is empty, and again after a 401).
import type { IDataObject, INode, INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { PeopleHubApi } from '../../credentials/PeopleHubApi.credentials';
import type { TestServer } from './harness';
import { post } from './people';

export interface HttpOptions {
  method?: string;
  url: string;
  qs?: IDataObject;
  body?: unknown;
  headers?: Record<string, string>;
  json?: boolean;
  skipSslCertificateValidation?: boolean | string;
}

/** What the context did, for tests to assert on. */
export interface Trace {
  requests: { method: string; url: string; status: number }[];
  preAuthentications: number;
}

/** n8n's httpRequest: throws for 4xx/5xx with the parsed body on `response.data`, as axios errors do. */
async function httpRequest(options: HttpOptions, trace?: Trace): Promise<unknown> {
  const url = new URL(options.url);
  for (const [key, value] of Object.entries(options.qs ?? {})) {
    if (value === undefined || value === null) continue;
    url.searchParams.append(key, String(value));
  }
  const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const method = (options.method ?? 'GET').toUpperCase();
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  trace?.requests.push({ method, url: url.pathname + url.search, status: res.status });
  let data: unknown = text;
  if (text !== '' && (options.json || (res.headers.get('content-type') ?? '').includes('json'))) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (res.status >= 400) {
    const error = new Error(`Request failed with status code ${res.status}`) as Error & { response: unknown };
    error.response = { status: res.status, data, headers: Object.fromEntries(res.headers) };
    throw error;
  }
  return text === '' ? undefined : data;
}

/** `=Bearer {{$credentials.sessionToken}}` with the credential's values filled in. */
function resolve(expression: string, credentials: IDataObject): string {
  return expression
    .replace(/^=/, '')
    .replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_m, name: string) => String(credentials[name] ?? ''));
}

export const NODE: INode = {
  id: 'node-1',
  name: 'PeopleHub',
  type: 'n8n-nodes-peoplehub.peopleHub',
  typeVersion: 1,
  position: [0, 0],
  parameters: {},
};

export interface ContextOptions {
  credentials: IDataObject;
  parameters?: Record<string, unknown> | ((itemIndex: number) => Record<string, unknown>);
  items?: INodeExecutionData[];
  staticData?: IDataObject;
  mode?: 'manual' | 'trigger';
  webhookUrl?: string;
  continueOnFail?: boolean;
  workflowName?: string;
  request?: { headers: Record<string, string>; rawBody?: Buffer; body: unknown };
  /** The node's version as the workflow saved it (default: NODE's). */
  typeVersion?: number;
}

export interface Context {
  trace: Trace;
  staticData: IDataObject;
  /** The webhook's response, when webhook() answered by itself (401). */
  response: { status: number; body: unknown } | null;
  /** What the node wrote to n8n's log. */
  logged: { level: string; message: string; meta?: IDataObject }[];
  // The n8n function interfaces are large; the nodes use the part implemented here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  self: any;
}

export function n8nContext(options: ContextOptions): Context {
  const credentialType = new PeopleHubApi();
  const trace: Trace = { requests: [], preAuthentications: 0 };
  const staticData = options.staticData ?? {};
  const context: Context = { trace, staticData, response: null, logged: [], self: null };
  const log = (level: string) => (message: string, meta?: IDataObject) => context.logged.push({ level, message, meta });
  const credentials = options.credentials;
  const parameters = (itemIndex: number) =>
    typeof options.parameters === 'function' ? options.parameters(itemIndex) : (options.parameters ?? {});

  const preAuthenticate = async () => {
    trace.preAuthentications += 1;
    const result = await credentialType.preAuthentication.call(
      { helpers: { httpRequest: (o: HttpOptions) => httpRequest(o, trace) } } as never,
      credentials as never,
    );
    Object.assign(credentials, result);
  };
  const send = (request: HttpOptions) => {
    const headers = { ...(request.headers ?? {}) };
    for (const [name, value] of Object.entries(credentialType.authenticate.properties.headers ?? {}))
      headers[name] = resolve(String(value), credentials);
    return httpRequest({ ...request, headers }, trace);
  };

  const helpers = {
    httpRequest: (request: HttpOptions) => httpRequest(request, trace),
    // As n8n does it: a session first when there is none, and a fresh one after a 401, once.
    async httpRequestWithAuthentication(_type: string, request: HttpOptions) {
      try {
        if (credentials.sessionToken === '' || credentials.sessionToken === undefined) await preAuthenticate();
        return await send(request);
      } catch (error) {
        if ((error as { response?: { status?: number } }).response?.status === 401) {
          try {
            await preAuthenticate();
            return await send(request);
          } catch (retryError) {
            throw new NodeApiError(NODE, retryError as never);
          }
        }
        throw new NodeApiError(NODE, error as never);
      }
    },
  };

  context.self = {
    helpers,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    getNode: () => (options.typeVersion === undefined ? NODE : { ...NODE, typeVersion: options.typeVersion }),
    getInputData: () => options.items ?? [{ json: {} }],
    getMode: () => options.mode ?? 'trigger',
    continueOnFail: () => options.continueOnFail ?? false,
    getCredentials: async () => credentials,
    getWorkflowStaticData: () => staticData,
    getWorkflow: () => ({ id: 'wf-1', name: options.workflowName ?? 'Test workflow', active: true }),
    getNodeWebhookUrl: () => options.webhookUrl,
    getNodeParameter(name: string, itemIndex?: number | unknown, fallback?: unknown) {
      const index = typeof itemIndex === 'number' ? itemIndex : 0;
      const value = parameters(index)[name];
      if (value !== undefined) return value;
      if (arguments.length >= 3 || typeof itemIndex !== 'number') {
        if (fallback !== undefined || arguments.length >= 3) return fallback;
      }
      throw new Error(`Could not get parameter "${name}"`);
    },
    getRequestObject: () => ({
      headers: options.request?.headers ?? {},
      rawBody: options.request?.rawBody,
      body: options.request?.body,
    }),
    getBodyData: () => options.request?.body ?? {},
    getResponseObject: () => {
      const response = {
        statusCode: 200,
        status(code: number) {
          response.statusCode = code;
          return response;
        },
        json(body: unknown) {
          context.response = { status: response.statusCode, body };
          return response;
        },
        send(body: unknown) {
          context.response = { status: response.statusCode, body };
          return response;
        },
        end() {
          context.response = { status: response.statusCode, body: undefined };
          return response;
        },
      };
      return response;
    },
  };
  return context;
}

/** An app with the given permissions, as the credential holds it (no session yet). */
export async function appCredentials(server: TestServer, permissions: string[], name = 'n8n'): Promise<IDataObject> {
  const created = await post(server, '/v1/apps', { name, permissions });
  if (created.status !== 201)
    throw new Error(`creating the app answered ${created.status}: ${JSON.stringify(created.body)}`);
  return {
    baseUrl: `${server.url}/`,
    appToken: created.body.data.token,
    sessionToken: '',
    ignoreSslIssues: false,
    appId: created.body.data.id,
  };
}

export const ALL_PERMISSIONS = [
  'employees:read',
  'employees:write',
  'org:read',
  'org:write',
  'recognitions:read',
  'recognitions:write',
  'engagement:read',
  'engagement:write',
  'surveys:read',
  'surveys:write',
  'users:read',
  'users:write',
  'webhooks:manage',
  'integrations:manage',
  'audit:read',
];

export type WebhookResult = IWebhookResponseData;
