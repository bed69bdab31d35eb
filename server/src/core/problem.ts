// RFC 9457 problem details as typed error values: the domain and the handlers throw them, and the
// HTTP adapter renders them, once, in the one shape every error leaves the server in.

export interface FieldError {
  /** JSON pointer into the part named by `location`, e.g. `/email`. */
  path: string;
  location: 'body' | 'query' | 'path' | 'header';
  message: string;
}

/** Problem type URIs are stable names, documented in the README, not links. */
export function problemType(slug: string): string {
  return `urn:peoplehub:problem:${slug}`;
}

/** An error thrown on purpose (by a domain operation or a handler); rendered once, by the HTTP adapter. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }

  toJSON(): Record<string, unknown> {
    return {
      type: problemType(this.slug),
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...this.extensions,
    };
  }
}

export const problems = {
  badRequest: (detail: string, extensions?: Record<string, unknown>) =>
    new HttpProblem(400, 'bad-request', 'Bad Request', detail, extensions),
  validation: (errors: FieldError[]) =>
    new HttpProblem(400, 'validation-error', 'Your request has invalid fields', describeErrors(errors), { errors }),
  unauthorized: (detail: string) =>
    new HttpProblem(
      401,
      'unauthorized',
      'Unauthorized',
      detail,
      {},
      { 'www-authenticate': 'Bearer realm="PeopleHub"' },
    ),
  invalidToken: (detail: string) =>
    new HttpProblem(
      401,
      'invalid-token',
      'Invalid token',
      detail,
      {},
      {
        'www-authenticate': 'Bearer realm="PeopleHub", error="invalid_token"',
      },
    ),
  forbidden: (detail: string, extensions?: Record<string, unknown>) =>
    new HttpProblem(403, 'forbidden', 'Forbidden', detail, extensions),
  insufficientScope: (scope: string) =>
    new HttpProblem(
      403,
      'insufficient-scope',
      'Missing permission',
      `This request needs the ${scope} permission.`,
      { requiredScope: scope },
      {
        'www-authenticate': `Bearer realm="PeopleHub", error="insufficient_scope", scope="${scope}"`,
      },
    ),
  notFound: (detail: string) => new HttpProblem(404, 'not-found', 'Not Found', detail),
  methodNotAllowed: (method: string, allow: string[]) =>
    new HttpProblem(
      405,
      'method-not-allowed',
      'Method Not Allowed',
      `${method} is not allowed here; use ${allow.join(', ')}.`,
      {},
      {
        allow: allow.join(', '),
      },
    ),
  conflict: (detail: string, extensions?: Record<string, unknown>) =>
    new HttpProblem(409, 'conflict', 'Conflict', detail, extensions),
  payloadTooLarge: (limit: number) =>
    new HttpProblem(
      413,
      'payload-too-large',
      'Payload Too Large',
      `The request body is larger than the limit of ${limit} bytes.`,
      {
        limitBytes: limit,
      },
    ),
  unsupportedMediaType: (detail: string) =>
    new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', detail),
  unprocessable: (detail: string, extensions?: Record<string, unknown>) =>
    new HttpProblem(422, 'unprocessable', 'Unprocessable Content', detail, extensions),
  unavailable: (detail: string) => new HttpProblem(503, 'unavailable', 'Service Unavailable', detail),
};

function describeErrors(errors: FieldError[]): string {
  const first = errors[0];
  if (!first) return 'The request is not valid.';
  const where = first.path === '' ? `the ${first.location}` : `${first.location} ${first.path}`;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${where}: ${first.message}${more}`;
}
