// How one server process learns that another one changed credentials (revoked a key, an app or a
// session; changed permissions or an access right), so that its cache of them never outlives a
// revocation. PostgreSQL: LISTEN/NOTIFY, the notice sent inside the changing transaction. SQLite:
// the file's data_version, which moves whenever another connection commits.
import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type pgModule from 'pg';
import type { Logger } from 'pino';
import type { Database } from './schema';

/** One channel per database; the payload names the schema, so tenants sharing a database stay apart. */
export const CREDENTIALS_CHANNEL = 'peoplehub_credentials';

/** The listener's application_name, so that an operator can tell it apart in pg_stat_activity. */
export function listenerName(schema: string): string {
  return `peoplehub credentials ${schema}`.slice(0, 63);
}

const RECONNECT_MS = 1_000;
/**
 * A round trip that takes longer means the listener is stuck (a dead peer, a frozen backend): its
 * connection is given up and nothing cached is trusted until a new one listens, so no request hangs
 * on it.
 */
export const ROUND_TRIP_TIMEOUT_MS = 2_000;

export interface CredentialWatch {
  /**
   * Whether credentials read earlier may still be trusted. First reports every change committed
   * before the call; false while changes could go unseen (the PostgreSQL listener is down).
   */
  trusted(): boolean | Promise<boolean>;
  close(): Promise<void>;
}

/** Inside a transaction that changes credentials: other processes hear of it when it commits, not before. */
export async function announceCredentialChange(db: Kysely<Database>, schema: string): Promise<void> {
  await sql`select pg_notify(${CREDENTIALS_CHANNEL}, ${schema})`.execute(db);
}

/** Another process's commit to the same SQLite file may have changed credentials: forget them all. */
export function watchSqliteCredentials(connection: BetterSqlite3.Database, onChange: () => void): CredentialWatch {
  const dataVersion = connection.prepare('PRAGMA data_version').pluck();
  let seen = dataVersion.get();
  return {
    trusted: () => {
      const version = dataVersion.get();
      if (version !== seen) {
        seen = version;
        onChange();
      }
      return true;
    },
    close: async () => undefined,
  };
}

/**
 * A dedicated connection that listens for credential changes. While it is down, nothing is trusted
 * (every request reads the store); once it is back, everything cached before is forgotten, since a
 * notice may have been missed meanwhile.
 *
 * A notice travels on its own: a peer's request could overtake it. So trusting the cache waits for a
 * round trip on this connection. PostgreSQL signals every listener while the changing transaction
 * commits, before its client learns of the commit, and a listener's backend sends pending notices
 * before it answers a query; so once a `select 1` sent now is answered, every notice of a commit
 * that happened before has been handled. Requests that arrive together share one round trip.
 */
export class PostgresCredentialWatch implements CredentialWatch {
  private client: pgModule.Client | null = null;
  /** Gives up the current client (once; later errors and its end are then ignored). */
  private giveUp: ((error: unknown) => void) | null = null;
  private listening = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  /** The round trip on the wire, and the one that callers arriving meanwhile wait for. */
  private current: Promise<boolean> | null = null;
  private following: Promise<boolean> | null = null;
  /** An outage is logged once when it starts and once when it ends, not at every retry. */
  private outage = false;

  constructor(
    private readonly pg: typeof pgModule,
    private readonly url: string,
    private readonly schema: string,
    private readonly onChange: () => void,
    private readonly logger: Logger,
  ) {}

  trusted(): Promise<boolean> {
    if (!this.listening) return Promise.resolve(false);
    // A round trip already sent may have passed a notice that this caller must see: wait for the next.
    if (this.current !== null) {
      this.following ??= this.current.then(() => {
        this.following = null;
        return this.roundTrip();
      });
      return this.following;
    }
    return this.roundTrip();
  }

  private roundTrip(): Promise<boolean> {
    const client = this.client;
    if (client === null || !this.listening) return Promise.resolve(false);
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        if (this.client === client)
          this.giveUp?.(new Error(`no answer on the credential listener within ${ROUND_TRIP_TIMEOUT_MS} ms`));
        resolve(false);
      }, ROUND_TRIP_TIMEOUT_MS);
      timer.unref();
    });
    const answered = client.query('select 1').then(
      () => this.listening && this.client === client,
      () => false,
    );
    const trip: Promise<boolean> = Promise.race([answered, stuck]).finally(() => {
      clearTimeout(timer);
      if (this.current === trip) this.current = null;
    });
    this.current = trip;
    return trip;
  }

  async start(): Promise<void> {
    const client = new this.pg.Client({ connectionString: this.url, application_name: listenerName(this.schema) });
    let lost = false;
    const lose = (error?: unknown) => {
      if (lost) return;
      lost = true;
      this.lost(client, error);
    };
    client.on('error', lose);
    client.on('end', () => lose());
    client.on('notification', (notice) => {
      if (notice.channel === CREDENTIALS_CHANNEL && notice.payload === this.schema) this.onChange();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
    } catch (error) {
      lose(error);
      return;
    }
    if (this.closed || lost) {
      await this.discard(client);
      return;
    }
    this.client = client;
    this.giveUp = lose;
    this.onChange();
    this.listening = true;
    if (this.outage) this.logger.info('credential change notices are back; cached credentials are used again');
    this.outage = false;
  }

  private lost(client: pgModule.Client, error: unknown): void {
    void this.discard(client);
    // A client that never became the current one (a failed start) still counts; an old one does not.
    if (this.client !== null && this.client !== client) return;
    this.client = null;
    this.giveUp = null;
    this.listening = false;
    this.onChange();
    if (this.closed) return;
    if (!this.outage)
      this.logger.warn(
        { err: error },
        'credential change notices lost; every request reads credentials from the store until the listener reconnects',
      );
    this.outage = true;
    if (this.retry !== null) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.start();
    }, RECONNECT_MS);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    if (this.retry !== null) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    if (client !== null) await this.discard(client);
  }

  /** Closes a connection that is broken or no longer wanted; an error closing it changes nothing. */
  private async discard(client: pgModule.Client): Promise<void> {
    try {
      await client.end();
    } catch (error) {
      this.logger.debug({ err: error }, 'closing the credential listener failed');
    }
  }
}
