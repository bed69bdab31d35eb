// What every handler and worker is given: the store, the clock, configuration, logger and keys.
import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Metrics } from './http/metrics';
import type { Store } from './store/database';
import type { Keyring } from './store/signing-keys';
import type { Dispatcher } from './worker/dispatcher';
import type { WebhookClient } from './worker/http-client';
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
  metrics: Metrics;
  webhookClient: WebhookClient;
  mailer: Mailer;
  /** Set once the server is wired; null in tools that only use the store. */
  dispatcher: Dispatcher | null;
}
