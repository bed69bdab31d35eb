// The HiBob simulator for tests: started on loopback, connected to a test server's organization.
import type { TestServer } from './harness';
import { call } from './http';
import { eventually } from './receiver';

// The simulator is plain JavaScript, so `npm run hibob:sim` runs it without a build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createSimulator } = require('../support/hibob-simulator/simulator.js') as {
  createSimulator: (options?: SimulatorOptions) => Simulator;
};

export interface SimulatorOptions {
  serviceUserId?: string;
  token?: string;
  companyId?: string;
  /** The day HiBob counts as today (YYYY-MM-DD), for who is active. */
  today?: () => string;
  /** HiBob's clock, stamping each webhook's triggeredAt: pass the test server's, `() => server.clock.now()`. */
  now?: () => Date;
  chunkSize?: number;
}

export interface SimPerson {
  id: string;
  email: string;
  firstName: string;
  surname: string;
  work: { title: string | null; department: string | null; reportsTo: string | null; startDate: string | null };
  internal: { terminationDate: string | null; terminationReason: string | null };
  custom: Record<string, unknown>;
}

export interface Simulator {
  credentials: { serviceUserId: string; token: string };
  people: Map<string, SimPerson>;
  requests: { method: string; path: string }[];
  addPerson(input: Record<string, unknown>): SimPerson;
  updatePerson(id: string, changes: Record<string, unknown>): SimPerson;
  terminate(id: string, date: string, reason: string): SimPerson;
  rehire(id: string, startDate: string): SimPerson;
  removePerson(id: string): void;
  addField(name: string, type: string): { id: string };
  failNext(failure: { status?: number; hang?: boolean; garbage?: boolean; path?: string }): void;
  sendWebhook(
    url: string,
    secret: string,
    type: string,
    employeeId: string,
    override?: { signature?: string; body?: string },
  ): Promise<{ status: number; body: string }>;
  generate(count: number): SimPerson[];
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export { createSimulator };

/** Environment a test server needs to reach the simulator on loopback over http. */
export const SIMULATOR_ENV = {
  PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true',
  PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
  PEOPLEHUB_WORKER_POLL_MS: '5',
};

export function connect(
  server: TestServer,
  sim: Simulator,
  simUrl: string,
  extra: Record<string, unknown> = {},
  key = server.org.ownerKey,
) {
  return call(server.url, '/v1/integrations/hibob', {
    method: 'PUT',
    key,
    body: { ...sim.credentials, baseUrl: simUrl, ...extra },
  });
}

/** Starts a run and waits for it to end; returns the finished run. */
export async function syncNow(server: TestServer, key = server.org.ownerKey, body?: Record<string, unknown>) {
  const started = await call(server.url, '/v1/integrations/hibob/sync', { key, method: 'POST', body });
  if (started.status !== 202) throw new Error(`sync answered ${started.status}: ${started.text}`);
  return waitForRun(server, started.body.data.id as string, key);
}

export async function waitForRun(server: TestServer, id: string, key = server.org.ownerKey) {
  return eventually(async () => {
    const run = (await call(server.url, `/v1/integrations/hibob/runs/${id}`, { key })).body.data;
    return run.status !== 'running' ? run : undefined;
  }, 20_000);
}
