// The one way the nodes talk to PeopleHub: authenticated requests (through n8n, so an expired
// session is renewed on 401), problem+json answers turned into NodeApiError with the server's own
// detail, and lists followed cursor by cursor.
import type {
  IDataObject,
  IExecuteFunctions,
  IHookFunctions,
  IHttpRequestMethods,
  ILoadOptionsFunctions,
  INode,
  IPollFunctions,
  IWebhookFunctions,
  JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

export type ApiContext =
  IExecuteFunctions | IHookFunctions | IPollFunctions | ILoadOptionsFunctions | IWebhookFunctions;

export const CREDENTIAL_TYPE = 'peopleHubApi';

/** The server's page size limit: lists are read 200 at a time. */
const PAGE_SIZE = 200;

export interface Problem {
  type: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { path?: string; message?: string }[];
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).type === 'string' &&
    (value as Problem).type.startsWith('urn:peoplehub:problem:')
  );
}

/** The problem+json body inside whatever error n8n's HTTP helpers threw (its shape differs by version). */
export function findProblem(error: unknown, depth = 0): Problem | null {
  if (depth > 6 || error === null || error === undefined) return null;
  if (typeof error === 'string') {
    if (!error.trimStart().startsWith('{')) return null;
    try {
      return findProblem(JSON.parse(error) as unknown, depth + 1);
    } catch {
      return null;
    }
  }
  if (typeof error !== 'object') return null;
  if (isProblem(error)) return error;
  const holder = error as Record<string, unknown>;
  for (const key of ['response', 'data', 'body', 'error', 'cause', 'context', 'description']) {
    const found = findProblem(holder[key], depth + 1);
    if (found) return found;
  }
  return null;
}

/** A PeopleHub problem as n8n shows errors: the title, then the detail and each invalid field. */
export function problemError(node: INode, error: unknown, itemIndex?: number): NodeApiError {
  const problem = findProblem(error);
  if (problem === null) {
    if (error instanceof NodeApiError) return error;
    return new NodeApiError(node, error as JsonObject, { itemIndex });
  }
  const fields = (problem.errors ?? [])
    .map((e) => `${e.path ?? ''} ${e.message ?? ''}`.trim())
    .filter((line) => line !== '');
  return new NodeApiError(node, problem as unknown as JsonObject, {
    message: problem.title ?? 'PeopleHub refused the request',
    description: [problem.detail, ...fields].filter((line) => line !== undefined && line !== '').join('\n'),
    httpCode: problem.status === undefined ? undefined : String(problem.status),
    itemIndex,
  });
}

export async function apiBaseUrl(this: ApiContext): Promise<string> {
  const credentials = await this.getCredentials(CREDENTIAL_TYPE);
  return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
}

/** One authenticated call; the answer's JSON body (undefined for 204). */
export async function apiRequest(
  this: ApiContext,
  method: IHttpRequestMethods,
  path: string,
  options: { qs?: IDataObject; body?: IDataObject } = {},
  itemIndex?: number,
): Promise<unknown> {
  const credentials = await this.getCredentials(CREDENTIAL_TYPE);
  const base = String(credentials.baseUrl ?? '').replace(/\/+$/, '');
  try {
    return await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
      method,
      url: `${base}${path}`,
      qs: options.qs,
      body: options.body,
      json: true,
      skipSslCertificateValidation: credentials.ignoreSslIssues === true,
    });
  } catch (error) {
    throw problemError(this.getNode(), error, itemIndex);
  }
}

/**
 * Every item of a cursor-paged list, or the first `limit`. Pages are requested no larger than
 * needed, so a limit of 5 reads 5 rows, not 200.
 */
export async function apiRequestAll(
  this: ApiContext,
  path: string,
  qs: IDataObject,
  itemIndex: number,
  limit?: number,
): Promise<IDataObject[]> {
  const items: IDataObject[] = [];
  let cursor: string | null = null;
  do {
    const size = limit === undefined ? PAGE_SIZE : Math.min(PAGE_SIZE, limit - items.length);
    const page = (await apiRequest.call(
      this,
      'GET',
      path,
      { qs: { ...qs, limit: size, ...(cursor === null ? {} : { cursor }) } },
      itemIndex,
    )) as { data: IDataObject[]; nextCursor: string | null };
    items.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor !== null && (limit === undefined || items.length < limit));
  return items;
}
