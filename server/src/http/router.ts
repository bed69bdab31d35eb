// Matching requests to routes with find-my-way; 404 and 405 (with Allow) for what does not match.
import { Type } from '@sinclair/typebox';
import FindMyWay from 'find-my-way';
import type { HTTPMethod } from 'find-my-way';
import type { Validator } from './validation';
import { compileValidator } from './validation';
import { problems } from '../core/problem';
import type { RouteSpec } from './route';

/** A route with its validators compiled once, at start-up. */
export interface CompiledRoute {
  spec: RouteSpec;
  params: Validator<unknown>;
  query: Validator<unknown>;
  body: Validator<unknown> | null;
}

export interface Match {
  route: CompiledRoute;
  params: Record<string, string | undefined>;
}

const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const EMPTY_OBJECT = Type.Object({}, { additionalProperties: false });

/**
 * The longest path parameter matched, decoded. Well above any limit a parameter's schema sets (an email
 * is at most 254 characters), so an over-long value reaches its schema and gets a 400 naming the
 * limit instead of a 404 from the router.
 */
const MAX_PARAM_LENGTH = 1024;

export class Router {
  private readonly fmw = FindMyWay({
    ignoreTrailingSlash: true,
    maxParamLength: MAX_PARAM_LENGTH,
    caseSensitive: true,
  });

  constructor(routes: RouteSpec[]) {
    for (const spec of routes) {
      const compiled: CompiledRoute = {
        spec,
        params: compileValidator(spec.params ?? EMPTY_OBJECT, 'path'),
        query: compileValidator(spec.query ?? EMPTY_OBJECT, 'query'),
        body: spec.body ? compileValidator(spec.body, 'body') : null,
      };
      this.fmw.on(spec.method, spec.url, () => undefined, compiled);
      if (spec.method === 'GET') this.fmw.on('HEAD', spec.url, () => undefined, compiled);
    }
  }

  /** The route for this method and path; throws 404 or 405 problems when there is none. */
  match(method: string, path: string): Match {
    const found = this.lookup(method, path);
    if (found) return found;
    const allow = METHODS.filter((m) => m !== method && this.lookup(m, path) !== null);
    if (allow.length > 0) throw problems.methodNotAllowed(method, allow);
    throw problems.notFound(`There is no endpoint at ${path}.`);
  }

  private lookup(method: string, path: string): Match | null {
    if (!METHODS.includes(method as HTTPMethod)) return null;
    let found;
    try {
      found = this.fmw.find(method as HTTPMethod, path);
    } catch {
      throw problems.badRequest('The request path is not a valid URL path.');
    }
    if (!found) return null;
    return { route: found.store as CompiledRoute, params: found.params };
  }
}
