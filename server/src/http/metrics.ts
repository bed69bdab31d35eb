// Prometheus metrics, one registry per server instance so several can live in one test process.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'peoplehub_http_requests_total',
    help: 'HTTP requests answered, by method, route and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'peoplehub_http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its response.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: 'peoplehub_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by result: succeeded, retrying, failed (out of retries or 410), refused (SSRF guard).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly attemptDuration = new Histogram({
    name: 'peoplehub_webhook_attempt_duration_seconds',
    help: 'Time from sending a webhook request to its answer (or failure).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [this.registry],
  });

  /** Queue gauges read the store when scraped; `read` is wired once the store is open. */
  queue: () => Promise<{ pending: number; oldestAgeSeconds: number }> = async () => ({
    pending: 0,
    oldestAgeSeconds: 0,
  });

  readonly queueDepth = new Gauge({
    name: 'peoplehub_webhook_queue_depth',
    help: 'Webhook messages waiting to be sent (including retries not yet due).',
    registers: [this.registry],
    collect: async () => {
      const q = await this.queue();
      this.queueDepth.set(q.pending);
      this.oldestPending.set(q.oldestAgeSeconds);
    },
  });

  readonly oldestPending = new Gauge({
    name: 'peoplehub_webhook_oldest_pending_age_seconds',
    help: 'How overdue the most overdue pending message is (0 when nothing is due).',
    registers: [this.registry],
  });

  constructor(withProcessMetrics: boolean) {
    if (withProcessMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'peoplehub_' });
  }
}
