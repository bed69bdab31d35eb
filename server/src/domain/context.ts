// What a domain operation is given: the store, the clock, configuration, the logger, the master key
// that seals secrets at rest, and the signals its commits send to whoever app.ts wired to them.
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { Signal } from '../core/signal';
import type { Store } from '../store/database';
import type { SyncRun } from '../store/sync-runs';

export interface Signals {
  /**
   * Writes committed: events (or re-queued messages) may be waiting, so the dispatcher looks now
   * rather than at its next poll.
   */
  committed: Signal;
  /** HiBob change notices were queued: the HiBob worker applies them now rather than at its next poll. */
  noticesQueued: Signal;
  /** This process changed credentials: the auth guard forgets what it cached (other processes hear it from the store). */
  credentialsChanged: Signal;
  /** A sync run was recorded as running and waits for this process to run it. */
  runCreated: Signal<SyncRun>;
  /** A survey round was created or changed, or survey mails were queued: the survey worker looks now. */
  surveysChanged: Signal;
}

export function createSignals(): Signals {
  return {
    committed: new Signal(),
    noticesQueued: new Signal(),
    credentialsChanged: new Signal(),
    runCreated: new Signal<SyncRun>(),
    surveysChanged: new Signal(),
  };
}

export interface DomainContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  store: Store;
  /** Seals and opens the secrets kept at rest (webhook secrets, HiBob credentials). */
  masterKey: Buffer;
  signals: Signals;
}
