// Liveness, readiness and Prometheus metrics.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Type } from '@sinclair/typebox';
import { problems } from '../core/problem';
import { defineRoute } from '../http/route';
import { Problem } from './common';

const Status = Type.Object({ status: Type.Literal('ok') });

const healthz = defineRoute({
  method: 'GET',
  url: '/healthz',
  operationId: 'healthz',
  summary: 'Liveness: the process answers',
  tags: ['Operations'],
  auth: { kind: 'none' },
  responses: { 200: { description: 'Alive.', schema: Status } },
  handler: () => ({ status: 200, body: { status: 'ok' } }),
});

const readyz = defineRoute({
  method: 'GET',
  url: '/readyz',
  operationId: 'readyz',
  summary: 'Readiness: the store answers',
  tags: ['Operations'],
  auth: { kind: 'none' },
  responses: {
    200: { description: 'Ready.', schema: Status },
    503: { description: 'The store does not answer.', schema: Problem },
  },
  async handler({ ctx }) {
    try {
      await ctx.store.ping();
    } catch (error) {
      ctx.logger.warn({ err: error }, 'readiness check failed');
      throw problems.unavailable('The store does not answer.');
    }
    return { status: 200, body: { status: 'ok' } };
  },
});

/** Compares digests, so the comparison takes the same time whatever the lengths. */
function presentsToken(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '');
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return match !== null && timingSafeEqual(digest(match[1]), digest(token));
}

const metrics = defineRoute({
  method: 'GET',
  url: '/metrics',
  operationId: 'metrics',
  summary: 'Prometheus metrics',
  tags: ['Operations'],
  auth: { kind: 'none' },
  responses: {
    200: { description: 'Metrics in the Prometheus text format.' },
    401: {
      description: 'PEOPLEHUB_METRICS_TOKEN is set and the request does not carry it as a Bearer token.',
      schema: Problem,
    },
    404: { description: 'Metrics are served on PEOPLEHUB_METRICS_PORT instead.', schema: Problem },
  },
  async handler({ ctx, req }) {
    const { metricsToken } = ctx.config;
    if (metricsToken !== null && !presentsToken(req, metricsToken))
      throw problems.unauthorized('Send the metrics token (PEOPLEHUB_METRICS_TOKEN) as Authorization: Bearer.');
    const registry = ctx.metrics.registry;
    return { status: 200, text: { contentType: registry.contentType, payload: await registry.metrics() } };
  },
});

export const healthRoutes = [healthz, readyz, metrics];
