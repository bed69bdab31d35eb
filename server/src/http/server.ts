// The node:http adapter: request id, routing, auth, validation, body, handler, and one error renderer.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpProblem, problems } from '../core/problem';
import type { Principal } from '../domain/principal';
import { type GuardContext, authenticate, authorize } from './auth';
import { ClientClosedRequest, bodyLimitOf, decodeBody, readBody, refuseNul } from './body';
import { idempotencyKeyOf, runIdempotent } from './idempotency';
import { RateLimiter } from './rate-limit';
import type { Reply, RouteContext } from './route';
import type { Router } from './router';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The methods an Idempotency-Key applies to: POST creates, and PUT may create (an employee by email or external id). */
const KEYED_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT']);

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function parseQuery(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of search) {
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

export interface RequestTracker {
  draining: boolean;
  inFlight: number;
}

/** What the adapter is given: what handlers get, and the guard's cache of recent credentials. */
export type AdapterContext = RouteContext & GuardContext;

export function createRequestHandler(router: Router, ctx: AdapterContext, tracker: RequestTracker) {
  const { logger, metrics } = ctx;
  const limiter = new RateLimiter(ctx.config.rateLimitPerSecond, ctx.config.rateLimitBurst, ctx.clock);

  function send(
    res: ServerResponse,
    req: IncomingMessage,
    reply: Reply,
    contentType = 'application/json; charset=utf-8',
  ): void {
    // JSON answers are never pages: nothing may run in them or frame them. Pages set their own policy.
    const headers: Record<string, string> = {
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      ...reply.headers,
    };
    if (tracker.draining) headers.connection = 'close';
    let payload = '';
    if (reply.text) {
      payload = reply.text.payload;
      headers['content-type'] = reply.text.contentType;
    } else if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      headers['content-type'] = reply.problem ? 'application/problem+json; charset=utf-8' : contentType;
    }
    if (payload !== '') headers['content-length'] = String(Buffer.byteLength(payload));
    res.writeHead(reply.status, headers);
    res.end(req.method === 'HEAD' ? undefined : payload);
  }

  function sendProblem(res: ServerResponse, req: IncomingMessage, problem: HttpProblem, requestId: string): void {
    const headers = { ...problem.headers };
    // A body we refused without reading must not be drained (it may be huge): close instead.
    if (!req.complete) headers.connection = 'close';
    send(
      res,
      req,
      { status: problem.status, body: { ...problem.toJSON(), requestId }, headers },
      'application/problem+json; charset=utf-8',
    );
  }

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    state: { route: string; secretPath: boolean },
  ): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      throw problems.badRequest('The request target is not a valid URL.');
    }
    const method = req.method ?? 'GET';
    const { route, params: rawParams } = router.match(method, url.pathname);
    const { spec } = route;
    state.route = spec.url;
    state.secretPath = spec.secretPath === true;

    if (spec.tokenEndpoint) ctx.tokenThrottle.checkClient(req);
    let principal: Principal | null = null;
    if (spec.auth.kind !== 'none') {
      principal = await authenticate(req, ctx);
      limitRate(res, principal);
      authorize(principal, spec.auth);
    }
    refuseNul(rawParams, 'path');
    const rawQuery = parseQuery(url.searchParams);
    refuseNul(rawQuery, 'query');
    const params = route.params(rawParams);
    const query = route.query(rawQuery);
    let body: unknown;
    let raw: Buffer = Buffer.alloc(0);
    if (route.body) {
      raw = await readBody(req, bodyLimitOf(spec.auth.kind === 'none', ctx.config.bodyLimitBytes));
      // An empty body is read as {} (every field optional); a JSON null is a value, and not an object.
      const decoded = decodeBody(req, raw, spec.bodyKind ?? 'json');
      body = route.body(decoded === undefined ? {} : decoded);
    }
    const run = async (): Promise<Reply> =>
      spec.handler({
        params,
        query,
        body,
        requestId,
        req,
        ctx,
        principal: () => {
          if (principal === null) throw problems.unauthorized('This endpoint needs authentication.');
          return principal;
        },
      });
    const idempotencyKey = KEYED_METHODS.has(method) && principal !== null ? idempotencyKeyOf(req) : null;
    // A streamed body is read by its handler, after this point: a replay could not be told from a new
    // request. Sending the same snapshot again is safe anyway (a second run writes nothing).
    if (idempotencyKey !== null && spec.streamedBody)
      throw problems.badRequest(
        `${spec.url} takes no Idempotency-Key: sending the same snapshot again converges (the second run writes nothing), and a preview is applied once.`,
      );
    const reply =
      idempotencyKey !== null && principal !== null
        ? await runIdempotent(
            ctx,
            principal,
            idempotencyKey,
            `${method} ${url.pathname}${url.search}\n${raw.toString('utf8')}`,
            run,
          )
        : await run();
    send(res, req, reply);
    // A write may have queued events: whoever delivers them looks now rather than at its next poll.
    if (method !== 'GET' && method !== 'HEAD' && reply.status < 400) ctx.signals.committed.emit();
  }

  function limitRate(res: ServerResponse, principal: Principal): void {
    if (!limiter.enabled) return;
    const decision = limiter.take(principal.kind === 'app' ? principal.app.id : principal.user.id);
    res.setHeader('ratelimit-limit', String(decision.limit));
    res.setHeader('ratelimit-remaining', String(decision.remaining));
    res.setHeader('ratelimit-reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      throw new HttpProblem(
        429,
        'rate-limited',
        'Too Many Requests',
        `This app is over its rate limit; retry in ${decision.retryAfterSeconds} s.`,
        {},
        {
          'retry-after': String(decision.retryAfterSeconds),
        },
      );
    }
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    tracker.inFlight += 1;
    const state = { route: 'unmatched', secretPath: false };
    handle(req, res, requestId, state)
      .catch((error: unknown) => {
        if (error instanceof ClientClosedRequest) {
          // Logged as what it is (nginx's 499), without a stack: the client left, nothing broke.
          res.statusCode = 499;
          res.destroy();
        } else if (res.headersSent) {
          logger.error({ err: error, requestId }, 'error after the response started');
          res.destroy();
        } else if (error instanceof HttpProblem) {
          sendProblem(res, req, error, requestId);
        } else {
          logger.error({ err: error, requestId }, 'unhandled error');
          sendProblem(
            res,
            req,
            new HttpProblem(
              500,
              'internal',
              'Internal Server Error',
              'Something went wrong on our side; the request id identifies it in the logs.',
            ),
            requestId,
          );
        }
      })
      .then(() => {
        const { route } = state;
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const method = req.method ?? 'GET';
        metrics.httpRequests.inc({ method, route, status: res.statusCode });
        metrics.httpDuration.observe({ method, route }, seconds);
        const closed =
          res.statusCode === 499 ? { note: 'the client closed the connection before sending the whole request' } : {};
        logger.info(
          {
            requestId,
            method,
            url: state.secretPath ? state.route : req.url,
            status: res.statusCode,
            ms: Math.round(seconds * 10000) / 10,
            ...closed,
          },
          'request',
        );
      })
      .finally(() => {
        tracker.inFlight -= 1;
      });
  };
}
