// What a route is: method, path, auth requirement, one schema per part, and the handler.
import type { IncomingMessage } from 'node:http';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Scope } from '../core/permissions';
import type { DomainContext } from '../domain/context';
import type { Principal } from '../domain/principal';
import type { WebhookClient } from '../net/http-client';
import type { GuardedAgents } from '../net/outbound';
import type { Keyring } from '../store/signing-keys';
import type { BodyKind } from './body';
import type { LinkThrottle } from './link-throttle';
import type { Metrics } from './metrics';
import type { TokenThrottle } from './token-throttle';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type AuthRequirement =
  /** Open to anyone (health, token endpoints). */
  | { kind: 'none' }
  /** Any valid credential carrying this scope. */
  | { kind: 'scope'; scope: Scope }
  /** Only an owner's personal key: apps cannot manage apps. */
  | { kind: 'owner' }
  /** Any user's personal key (the handler may narrow it further); apps have no user. */
  | { kind: 'user' };

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** The body is an RFC 9457 problem (a replayed error answer). */
  problem?: boolean;
  /** A body that is not JSON (metrics, JWKS is JSON so it does not need this). */
  text?: { contentType: string; payload: string };
}

/**
 * What a handler is given besides its request: the domain's context, and what answering over HTTP
 * needs on top of it. No worker is in it: a write that wants one awake says so through a signal.
 */
export interface RouteContext extends DomainContext {
  /** PUBLIC_URL, or the bound address when it is not set. */
  publicUrl: string;
  /** The keys that sign access tokens. */
  keyring: Keyring;
  metrics: Metrics;
  /** Per-address and per-app budgets for the token endpoints. */
  tokenThrottle: TokenThrottle;
  /** Per-address budget of survey links that open nothing. */
  linkThrottle: LinkThrottle;
  /** The SSRF-guarded pools behind every request to an address a client chose (checking HiBob credentials). */
  outbound: GuardedAgents;
  /** Sends the sample deliveries a client asks for. */
  webhookClient: WebhookClient;
}

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  requestId: string;
  req: IncomingMessage;
  ctx: RouteContext;
  /** The authenticated caller; throws 401 on routes without auth (a programming error there). */
  principal(): Principal;
}

export interface ResponseSpec {
  description: string;
  schema?: TSchema;
}

export interface RouteSpec<P extends TSchema = TSchema, Q extends TSchema = TSchema, B extends TSchema = TSchema> {
  method: HttpMethod;
  url: string;
  operationId: string;
  summary: string;
  tags: string[];
  auth: AuthRequirement;
  params?: P;
  query?: Q;
  body?: B;
  bodyKind?: BodyKind;
  /**
   * A body the handler reads itself from `req`, as it arrives (a snapshot of up to 50 MB): how the
   * OpenAPI document describes it, by media type. The route then declares no `body` schema.
   */
  streamedBody?: { description: string; content: Record<string, { schema: TSchema; example?: unknown }> };
  /** Exchanges a credential for a token: throttled per client address before the body is read. */
  tokenEndpoint?: boolean;
  /** False for pages that are not part of the API (the admin console): left out of the OpenAPI document. */
  documented?: boolean;
  /** The path holds a secret (a personal survey link): logs show the route's pattern, never the path. */
  secretPath?: boolean;
  responses: Record<number, ResponseSpec>;
  handler(ctx: HandlerContext<Static<P>, Static<Q>, Static<B>>): Promise<Reply> | Reply;
}

/** Declares a route; the generic parameters carry the schemas' static types into the handler. */
export function defineRoute<P extends TSchema, Q extends TSchema, B extends TSchema>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}

export const reply = {
  ok: (data: unknown, headers?: Record<string, string>): Reply => ({ status: 200, body: { data }, headers }),
  created: (data: unknown): Reply => ({ status: 201, body: { data } }),
  list: (data: unknown[], nextCursor: string | null): Reply => ({ status: 200, body: { data, nextCursor } }),
  noContent: (): Reply => ({ status: 204 }),
};
