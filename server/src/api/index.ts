// Where a visitor lands: `/` leads to the interactive docs, and `/v1` lists the API's entry points.
import { Type } from '@sinclair/typebox';
import { defineRoute } from '../http/route';
import { SERVER_VERSION } from '../version';

const root = defineRoute({
  method: 'GET',
  url: '/',
  operationId: 'root',
  summary: 'Leads to the interactive API documentation',
  tags: ['Documentation'],
  auth: { kind: 'none' },
  responses: { 302: { description: 'Redirects to /v1/docs.' } },
  handler: ({ ctx }) => ({
    status: 302,
    headers: { location: `${new URL(ctx.publicUrl).pathname.replace(/\/+$/, '')}/v1/docs` },
  }),
});

const LinksSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  links: Type.Record(Type.String(), Type.String({ format: 'uri' })),
});

const index = defineRoute({
  method: 'GET',
  url: '/v1',
  operationId: 'apiIndex',
  summary: 'The API and where to start',
  tags: ['Documentation'],
  auth: { kind: 'none' },
  responses: {
    200: {
      description: 'Links to the documentation, the OpenAPI document and the unauthenticated endpoints.',
      schema: Type.Object({ data: LinksSchema }),
    },
  },
  handler({ ctx }) {
    const base = ctx.publicUrl;
    return {
      status: 200,
      body: {
        data: {
          name: 'PeopleHub API',
          version: SERVER_VERSION,
          links: {
            docs: `${base}/v1/docs`,
            openapi: `${base}/v1/openapi.json`,
            eventTypes: `${base}/v1/webhook-event-types`,
            tokenExchange: `${base}/v1/auth/application`,
            oauthToken: `${base}/oauth/token`,
            jwks: `${base}/.well-known/jwks.json`,
            health: `${base}/healthz`,
          },
        },
      },
    };
  },
});

export const indexRoutes = [root, index];
