// Wires store, keys, router and HTTP server together: the one place that knows every part.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { appRoutes } from './api/apps';
import { auditRoutes } from './api/audit';
import { consoleRoutes } from './api/console';
import { docsRoutes } from './api/docs';
import { authRoutes } from './api/auth';
import { healthRoutes } from './api/health';
import { indexRoutes } from './api/index';
import { openApiRoutes } from './api/openapi';
import { organizationRoutes } from './api/organization';
import { userKeyRoutes } from './api/user-keys';
import { userRoutes } from './api/users';
import { attributeRoutes } from './api/attributes';
import { employeeRoutes } from './api/employees';
import { engagementRoutes } from './api/engagement';
import { engagementAnalyticsRoutes } from './api/engagement-analytics';
import { eventRoutes } from './api/events';
import { groupRoutes } from './api/groups';
import { importRoutes } from './api/imports';
import { surveyRoutes } from './api/surveys';
import { surveyPageRoutes } from './api/survey-page';
import { recognitionRoutes } from './api/recognitions';
import { roleRoutes } from './api/roles';
import { webhookRoutes } from './api/webhooks';
import { deliveryRoutes } from './api/deliveries';
import { integrationRoutes } from './api/integrations';
import { receiverRoute } from './api/hibob-receiver';
import { type Clock, systemClock } from './clock';
import type { Config } from './config';
import { DEMO_ORGANIZATION, openDemoSurvey, seedDemoData } from './demo';
import { createSignals } from './domain/context';
import { type NewOrganization, createOrganizationWithOwner } from './domain/organization';
import type { SyncContext } from './integrations/hibob/sync';
import { CredentialCache } from './http/credential-cache';
import { Metrics } from './http/metrics';
import { TokenThrottle } from './http/token-throttle';
import { LinkThrottle } from './http/link-throttle';
import type { RouteSpec } from './http/route';
import { Router } from './http/router';
import { type AdapterContext, type RequestTracker, createRequestHandler } from './http/server';
import { resolveMasterKey } from './master-key';
import { type Store, type StoreOptions, openStore } from './store/database';
import { countOrganizations } from './store/organizations';
import { queueDepth } from './store/messages';
import { Keyring } from './store/signing-keys';
import type { DeliveryContext } from './worker/context';
import { Dispatcher } from './worker/dispatcher';
import { WebhookClient } from './net/http-client';
import { GuardedAgents } from './net/outbound';
import { HibobWorker } from './worker/hibob';
import { SurveyWorker } from './worker/surveys';
import { Mailer } from './worker/mailer';

/** Every route the server serves, in the order the docs list them. */
export function allRoutes(): RouteSpec[] {
  return [
    ...healthRoutes,
    ...authRoutes,
    ...organizationRoutes,
    ...userRoutes,
    ...userKeyRoutes,
    ...appRoutes,
    ...employeeRoutes,
    ...attributeRoutes,
    ...groupRoutes,
    ...importRoutes,
    ...roleRoutes,
    ...recognitionRoutes,
    ...engagementRoutes,
    ...engagementAnalyticsRoutes,
    ...surveyRoutes,
    ...eventRoutes,
    ...webhookRoutes,
    ...deliveryRoutes,
    receiverRoute,
    ...integrationRoutes,
    ...auditRoutes,
    ...indexRoutes,
    ...openApiRoutes(allRoutes),
    ...docsRoutes,
    ...consoleRoutes,
    ...surveyPageRoutes,
  ];
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Process-wide metrics (CPU, memory); off in tests that start many servers in one process. */
  processMetrics?: boolean;
}

/**
 * Everything app.ts wires, as one object. Each part is handed it typed as the narrow context it
 * needs (a handler's, the dispatcher's, a sync's); none of them holds a worker.
 */
export type AppContext = AdapterContext & DeliveryContext & SyncContext;

export interface PeopleHub {
  url: string;
  port: number;
  /** Where /metrics is served when PEOPLEHUB_METRICS_PORT is set. */
  metricsUrl: string | null;
  context: AppContext;
  dispatcher: Dispatcher;
  /** HiBob runs, the automatic sync and real-time changes. */
  hibob: HibobWorker;
  /** Survey rounds over time (opening, reminders, closing) and their e-mails. */
  surveys: SurveyWorker;
  routes: RouteSpec[];
  /** Set when this start created the demo organization, with one demo employee's answer link to its open round. */
  demo: (NewOrganization & { surveyLink: string | null }) | null;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes the store. */
  close(): Promise<void>;
}

/** Opens the store, migrates it and proves the master key; shared by serve, init and migrate. */
export async function openReadyStore(
  config: Config,
  options: StoreOptions = {},
): Promise<{ store: Store; masterKey: Buffer }> {
  const store = await openStore(config.store, options);
  try {
    await store.migrate();
    return { store, masterKey: await resolveMasterKey(config, store.db) };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * Log lines go to stdout in batches of up to 4 KB, written when a batch fills, every 250 ms, and
 * at exit (pino flushes on exit), rather than one write(2) per line: a line per request cost more
 * than the rest of logging. A kill -9 can lose the last quarter second of log lines, never data.
 */
const LOG_BATCH_BYTES = 4096;
const LOG_FLUSH_MS = 250;

function defaultLogger(level: string): Logger {
  return pino(
    { level },
    pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: LOG_FLUSH_MS }),
  );
}

export async function startPeopleHub(config: Config, options: StartOptions = {}): Promise<PeopleHub> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? defaultLogger(config.logLevel);
  const { store, masterKey } = await openReadyStore(config, {
    checkpoints: {
      failed: (error) =>
        logger.warn({ err: error }, 'background WAL checkpoint failed; the store checkpoints inline meanwhile'),
    },
  });
  const keyring = new Keyring(store.db, masterKey);
  const outbound = new GuardedAgents(config.webhookAllowCidrs, { allowHttp: config.allowHttpWebhooks });
  await keyring.load(clock.now());
  const credentials = new CredentialCache(clock);
  await credentials.follow(store, logger);
  const signals = createSignals();
  const tokenThrottle = new TokenThrottle(config.authRateLimitPerMinute, clock, config.trustProxy);
  const metrics = new Metrics(options.processMetrics ?? true);
  const context: AppContext = {
    config,
    clock,
    logger,
    store,
    masterKey,
    signals,
    keyring,
    credentials,
    publicUrl: config.publicUrl ?? '',
    metrics,
    tokenThrottle,
    linkThrottle: new LinkThrottle(config.authRateLimitPerMinute, clock, tokenThrottle),
    outbound,
    webhookClient: new WebhookClient(outbound),
    mailer: new Mailer(config.smtpUrl, config.mailFrom),
  };
  metrics.queue = async () => {
    const q = await queueDepth(store.db);
    const overdue = q.oldest === null ? 0 : (clock.now().getTime() - Date.parse(q.oldest)) / 1000;
    return { pending: q.pending, oldestAgeSeconds: Math.max(0, overdue) };
  };
  const dispatcher = new Dispatcher(context, config.workerPollMs);
  const hibob = new HibobWorker(context, config.workerPollMs);
  // Rounds move on the minute and day (opening, reminders, closing), and whatever queues mail nudges
  // the worker: a second between passes is plenty, and keeps an idle server's queries down.
  const surveys = new SurveyWorker(context, Math.max(config.workerPollMs, 1000));
  // Who listens to what is decided here and nowhere else: a committed write wakes the dispatcher,
  // a queued notice the HiBob worker, a credential change clears the guard's cache, and a run
  // started by hand runs in this process.
  signals.committed.on(() => dispatcher.nudge());
  signals.noticesQueued.on(() => hibob.nudge());
  signals.credentialsChanged.on(() => credentials.forget());
  signals.runCreated.on((run) => void hibob.launch(run));
  signals.surveysChanged.on(() => surveys.nudge());

  let demoOrg: NewOrganization | null = null;
  if (config.demo && (await countOrganizations(store.db)) === 0) {
    demoOrg = await createOrganizationWithOwner(store, clock, DEMO_ORGANIZATION);
    const sample = await seedDemoData(store, clock, demoOrg.organizationId);
    logger.info({ organizationId: demoOrg.organizationId, ...sample }, 'created the demo organization');
  }

  const routes = allRoutes();
  const tracker: RequestTracker = { draining: false, inFlight: 0 };
  // With PEOPLEHUB_METRICS_PORT, metrics live on their own listener (for a scraper on a private network) and nowhere else.
  const isMetrics = (route: RouteSpec) => route.operationId === 'metrics';
  const apiRoutes = config.metricsPort === null ? routes : routes.filter((route) => !isMetrics(route));
  const server = await listen(createRequestHandler(new Router(apiRoutes), context, tracker), config.port, config.host);
  const metricsServer =
    config.metricsPort === null
      ? null
      : await listen(
          createRequestHandler(new Router(routes.filter(isMetrics)), context, tracker),
          config.metricsPort,
          config.host,
        );
  const port = (server.address() as AddressInfo).port;
  const url = origin(config.host, server);
  context.publicUrl = config.publicUrl ?? url;
  const demo =
    demoOrg === null ? null : { ...demoOrg, surveyLink: await openDemoSurvey(context, demoOrg.organizationId) };
  logger.info({ url, store: store.dialect }, 'listening');
  if (config.worker) {
    await dispatcher.start();
    await hibob.start();
    surveys.start();
  }

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      tracker.draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      metricsServer?.closeAllConnections();
      metricsServer?.close();
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      await closed;
      clearTimeout(timer);
      await surveys.stop();
      await hibob.stop();
      await dispatcher.stop();
      await outbound.close();
      context.mailer.close();
      await credentials.close();
      await store.close();
      logger.info('stopped');
      // Batched log lines are out before close() resolves (the process may exit right after).
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    })();
    return closing;
  };

  const metricsUrl = metricsServer === null ? null : origin(config.host, metricsServer);
  return { url, port, metricsUrl, context, dispatcher, hibob, surveys, routes, demo, close };
}

function origin(host: string, server: http.Server): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
}

async function listen(handler: http.RequestListener, port: number, host: string): Promise<http.Server> {
  const server = http.createServer({ requestTimeout: 30_000, headersTimeout: 15_000 }, handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
