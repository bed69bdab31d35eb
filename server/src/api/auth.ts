// Turning an app token into access tokens: the exchange, OAuth2 client credentials, and the JWKS.
import { Type } from '@sinclair/typebox';
import { type Scope, isScope } from '../core/permissions';
import { HttpProblem, problems } from '../core/problem';
import { tokenKind } from '../core/tokens';
import { appForToken, openSession } from '../domain/apps';
import { bodyLimitOf, decodeBody, readBody } from '../http/body';
import { type Reply, type RouteContext, defineRoute } from '../http/route';
import { Problem, Timestamp, dataOf } from './common';

const exchange = defineRoute({
  method: 'POST',
  url: '/v1/auth/application',
  operationId: 'authenticateApplication',
  summary: 'Exchange an app token for a short-lived access token',
  tags: ['Authentication'],
  auth: { kind: 'none' },
  tokenEndpoint: true,
  body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
  responses: {
    200: {
      description: 'A new session and its access token (JWT). Send it as Authorization: Bearer.',
      schema: dataOf(Type.Object({ token: Type.String(), expiresAt: Timestamp, sessionId: Type.String() })),
    },
    401: { description: 'The app token is not valid or is revoked.', schema: Problem },
    429: {
      description: 'Too many token requests from this address or for this app; see Retry-After.',
      schema: Problem,
    },
  },
  async handler({ body, ctx, req }) {
    if (tokenKind(body.token) === 'user') {
      throw problems.invalidToken(
        'Only app tokens (pha_…) can be exchanged; a user key (phu_…) is sent as it is, in X-Api-Key or Authorization: Bearer.',
      );
    }
    const app = await appForToken(ctx, body.token);
    if (!app) throw problems.invalidToken('The app token is not valid or has been revoked.');
    ctx.tokenThrottle.checkApp(app.id);
    const session = await openSession(ctx, app, 'exchange', app.permissions, req.headers['user-agent']);
    return {
      status: 200,
      body: { data: { token: session.token, expiresAt: session.expiresAt, sessionId: session.sessionId } },
    };
  },
});

/** An RFC 6749 §5.2 error: its own JSON shape, not problem+json, because OAuth clients expect it. */
class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly basicChallenge = false,
  ) {
    super(description);
  }
}

const OAUTH_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' };

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  if (header === undefined || !/^Basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0)
    throw new OAuthError(401, 'invalid_client', 'The Basic credentials must be client_id:client_secret.', true);
  // RFC 6749 §2.3.1: both halves are form-urlencoded before they are joined.
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      throw new OAuthError(401, 'invalid_client', 'The Basic credentials are not correctly encoded.', true);
    }
  };
  return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
}

async function issueClientCredentials(
  ctx: RouteContext,
  form: Record<string, string>,
  authorization: string | undefined,
  userAgent: string | undefined,
): Promise<Reply> {
  if (form.grant_type === undefined) throw new OAuthError(400, 'invalid_request', 'grant_type is required.');
  if (form.grant_type !== 'client_credentials')
    throw new OAuthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
  const basic = basicCredentials(authorization);
  if (basic && (form.client_id !== undefined || form.client_secret !== undefined)) {
    throw new OAuthError(
      400,
      'invalid_request',
      'Send the client credentials either with Basic auth or in the body, not both.',
    );
  }
  const clientId = basic?.id ?? form.client_id;
  const clientSecret = basic?.secret ?? form.client_secret;
  if (!clientId || !clientSecret)
    throw new OAuthError(401, 'invalid_client', 'client_id and client_secret are required.', basic !== null);
  const app = await appForToken(ctx, clientSecret);
  if (!app || app.id !== clientId)
    throw new OAuthError(401, 'invalid_client', 'Client authentication failed.', basic !== null);
  ctx.tokenThrottle.checkApp(app.id);
  let scopes = app.permissions;
  if (form.scope !== undefined && form.scope.trim() !== '') {
    const requested = form.scope.trim().split(/\s+/);
    const unknown = requested.filter((s) => !isScope(s) || !app.permissions.includes(s));
    if (unknown.length > 0)
      throw new OAuthError(400, 'invalid_scope', `Not granted to this app: ${unknown.join(' ')}.`);
    scopes = [...new Set(requested)] as Scope[];
  }
  const session = await openSession(ctx, app, 'client_credentials', scopes, userAgent);
  return {
    status: 200,
    headers: OAUTH_HEADERS,
    body: {
      access_token: session.token,
      token_type: 'Bearer',
      expires_in: ctx.config.jwtTtlSeconds,
      scope: session.scopes.join(' '),
    },
  };
}

const oauthToken = defineRoute({
  method: 'POST',
  url: '/oauth/token',
  operationId: 'oauthToken',
  summary: 'OAuth 2.0 token endpoint (client credentials grant)',
  tags: ['Authentication'],
  auth: { kind: 'none' },
  tokenEndpoint: true,
  bodyKind: 'form',
  responses: {
    200: {
      description: 'An access token (RFC 6749 §5.1). client_id is the app id; client_secret is the app token.',
      schema: Type.Object({
        access_token: Type.String(),
        token_type: Type.Literal('Bearer'),
        expires_in: Type.Integer(),
        scope: Type.String(),
      }),
    },
    400: {
      description: 'RFC 6749 §5.2 error; invalid_request also for a body that is too large or not a form.',
      schema: Type.Object({ error: Type.String(), error_description: Type.String() }),
    },
    401: {
      description: 'invalid_client.',
      schema: Type.Object({ error: Type.String(), error_description: Type.String() }),
    },
    429: {
      description: 'Too many token requests from this address or for this app; see Retry-After.',
      schema: Problem,
    },
  },
  async handler({ req, ctx }) {
    try {
      let form: Record<string, string>;
      try {
        // Form only (RFC 6749 §4.4.2): a URL-encoded form is flat by nature, so nothing here recurses,
        // and a JSON body is refused by its content type before anything reads it as JSON.
        form =
          (decodeBody(req, await readBody(req, bodyLimitOf(true, ctx.config.bodyLimitBytes)), 'form') as
            Record<string, string> | undefined) ?? {};
      } catch (error) {
        // Too large, wrong media type, bad encoding: all a malformed request to an OAuth client (§5.2).
        if (error instanceof HttpProblem) throw new OAuthError(400, 'invalid_request', error.detail);
        throw error;
      }
      return await issueClientCredentials(ctx, form, req.headers.authorization, req.headers['user-agent']);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      const headers: Record<string, string> = { ...OAUTH_HEADERS };
      if (error.basicChallenge) headers['www-authenticate'] = 'Basic realm="PeopleHub"';
      // A body refused without being read is not drained (it may be huge): the connection closes.
      if (!req.complete) headers.connection = 'close';
      return { status: error.status, headers, body: { error: error.error, error_description: error.description } };
    }
  },
});

const jwks = defineRoute({
  method: 'GET',
  url: '/.well-known/jwks.json',
  operationId: 'jwks',
  summary: 'Public keys that verify access tokens',
  tags: ['Authentication'],
  auth: { kind: 'none' },
  responses: { 200: { description: 'A JSON Web Key Set.' } },
  handler: ({ ctx }) => ({
    status: 200,
    body: ctx.keyring.jwks(),
    headers: { 'cache-control': 'public, max-age=300' },
  }),
});

export const authRoutes = [exchange, oauthToken, jwks];
