// Credentials looked up recently, so that a request does not read the store to learn who is calling.
// A revocation still counts on the next request: this process forgets everything when it changes a
// credential, and other processes tell it through the store's CredentialWatch. A short time limit
// is the last line of defence, should a notice ever go missing.
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { AppTokenMatch, LiveSession } from '../store/apps';
import type { CredentialWatch } from '../store/credential-changes';
import type { Store } from '../store/database';
import type { UserKeyMatch } from '../store/users';

export type Credential =
  | { kind: 'app'; match: AppTokenMatch }
  | { kind: 'user'; match: UserKeyMatch }
  | { kind: 'session'; live: LiveSession };

export const CREDENTIAL_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  credential: Credential;
  storedAt: number;
}

export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  /** Moves on every forget(), so a lookup that overlapped a change does not store what it read. */
  private generation = 0;
  private watch: CredentialWatch | null = null;

  constructor(private readonly clock: Clock) {}

  /** Follows the changes other processes make to the store's credentials; until then nothing is cached. */
  async follow(store: Store, logger: Logger): Promise<void> {
    this.watch = await store.watchCredentials(() => this.forget(), logger);
  }

  /** A cached credential, or undefined: then read the store, and remember() what it said. */
  async get(key: string): Promise<Credential | undefined> {
    if (this.entries.size === 0 || this.watch === null || !(await this.watch.trusted())) return undefined;
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.clock.now().getTime() - entry.storedAt >= CREDENTIAL_TTL_MS) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.credential;
  }

  /** Taken before reading the store; remember() needs it. */
  ticket(): number {
    return this.generation;
  }

  /** Keeps what a lookup read, unless credentials changed while it ran. */
  remember(key: string, credential: Credential, ticket: number): void {
    if (ticket !== this.generation || this.watch === null) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { credential, storedAt: this.clock.now().getTime() });
  }

  /** Drops everything: after this process changed a credential, or when told another one did. */
  forget(): void {
    this.generation += 1;
    this.entries.clear();
  }

  async close(): Promise<void> {
    await this.watch?.close();
    this.watch = null;
  }
}
