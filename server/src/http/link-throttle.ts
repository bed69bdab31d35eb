// Throttling guesses at personal survey links: each client address may present only so many links
// that open nothing; past that, every link it presents is refused for a while, good or bad, so that
// guessing costs time and no lookup. Good links cost nothing.
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../clock';
import { RateLimiter } from './rate-limit';
import type { TokenThrottle } from './token-throttle';

export class LinkThrottle {
  private readonly failures: RateLimiter;

  /** `perMinute` bad links per minute, in bursts of up to as many; 0 turns it off. */
  constructor(
    perMinute: number,
    clock: Clock,
    private readonly addresses: Pick<TokenThrottle, 'clientAddress'>,
  ) {
    this.failures = new RateLimiter(perMinute / 60, Math.max(1, perMinute), clock);
  }

  /** Seconds this client must wait before presenting a link again, or 0. */
  waitFor(req: IncomingMessage): number {
    if (!this.failures.enabled) return 0;
    return this.failures.peek(this.addresses.clientAddress(req)).retryAfterSeconds;
  }

  /** Counts a link that opened nothing. */
  failed(req: IncomingMessage): void {
    if (this.failures.enabled) this.failures.take(this.addresses.clientAddress(req));
  }
}
