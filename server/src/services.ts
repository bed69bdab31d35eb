// What every handler and worker is given: the store, the clock, configuration, logger and keys.
import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { Config } from './config';
import type { CredentialCache } from './http/credential-cache';
import type { Metrics } from './http/metrics';
import type { TokenThrottle } from './http/token-throttle';
import type { Store } from './store/database';
import type { Keyring } from './store/signing-keys';
import type { Dispatcher } from './worker/dispatcher';
import type { HibobWorker } from './worker/hibob';
import type { WebhookClient } from './net/http-client';
import type { GuardedAgents } from './net/outbound';
import type { Mailer } from './worker/mailer';

export interface Services {
  config: Config;
  /** PUBLIC_URL, or the bound address when it is not set. */
  publicUrl: string;
  clock: Clock;
  logger: Logger;
  store: Store;
  masterKey: Buffer;
  keyring: Keyring;
  /** Who recent credentials belong to; forgotten on every credential change, in every process. */
  credentials: CredentialCache;
  metrics: Metrics;
  /** Per-address and per-app budgets for the token endpoints. */
  tokenThrottle: TokenThrottle;
  /** The SSRF-guarded connection pools every outgoing request to a user-chosen address goes through. */
  outbound: GuardedAgents;
  webhookClient: WebhookClient;
  mailer: Mailer;
  /** Set once the server is wired; null in tools that only use the store. */
  dispatcher: Dispatcher | null;
  /** HiBob runs, the automatic sync and real-time changes. */
  hibob: HibobWorker;
}
