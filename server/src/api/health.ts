// Liveness, readiness and Prometheus metrics.
import { Type } from '@sinclair/typebox';
import { problems } from '../http/problem';
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
  responses: { 200: { description: 'Ready.', schema: Status }, 503: { description: 'The store does not answer.', schema: Problem } },
  async handler({ services }) {
    try {
      await services.store.ping();
    } catch (error) {
      services.logger.warn({ err: error }, 'readiness check failed');
      throw problems.unavailable('The store does not answer.');
    }
    return { status: 200, body: { status: 'ok' } };
  },
});

const metrics = defineRoute({
  method: 'GET',
  url: '/metrics',
  operationId: 'metrics',
  summary: 'Prometheus metrics',
  tags: ['Operations'],
  auth: { kind: 'none' },
  responses: { 200: { description: 'Metrics in the Prometheus text format.' } },
  async handler({ services }) {
    const registry = services.metrics.registry;
    return { status: 200, text: { contentType: registry.contentType, payload: await registry.metrics() } };
  },
});

export const healthRoutes = [healthz, readyz, metrics];
