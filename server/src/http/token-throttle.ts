// Throttling the endpoints that turn an app token into access tokens: anyone may call them, so each
// client address and each app gets its own token bucket, on the injectable clock.
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import type { Clock } from '../clock';
import { HttpProblem } from '../core/problem';
import { RateLimiter } from './rate-limit';

export class TokenThrottle {
  private readonly byAddress: RateLimiter;
  private readonly byApp: RateLimiter;

  /** `perMinute` requests per minute, in bursts of up to as many; 0 turns throttling off. */
  constructor(
    perMinute: number,
    clock: Clock,
    private readonly trustProxy: boolean,
  ) {
    this.byAddress = new RateLimiter(perMinute / 60, Math.max(1, perMinute), clock);
    this.byApp = new RateLimiter(perMinute / 60, Math.max(1, perMinute), clock);
  }

  /**
   * Who is asking: the connection's address, or behind a trusted proxy the address that proxy saw
   * (the last entry of X-Forwarded-For, the only one it vouches for). An IPv6 client counts by its
   * /64 network: one host commonly holds a whole /64, and would otherwise get a fresh budget per address.
   */
  clientAddress(req: IncomingMessage): string {
    const forwarded = req.headers['x-forwarded-for'];
    const address =
      this.trustProxy && typeof forwarded === 'string' && forwarded.trim() !== ''
        ? (forwarded.split(',').pop()?.trim() ?? '')
        : (req.socket.remoteAddress ?? '');
    return clientKey(address);
  }

  /** Counts a request from this client; throws 429 when its bucket is empty. */
  checkClient(req: IncomingMessage): void {
    this.take(this.byAddress, `address ${this.clientAddress(req)}`, 'from this address');
  }

  /** Counts an exchange for this app; throws 429 when its bucket is empty. */
  checkApp(appId: string): void {
    this.take(this.byApp, appId, 'for this app');
  }

  private take(limiter: RateLimiter, key: string, whose: string): void {
    if (!limiter.enabled) return;
    const decision = limiter.take(key);
    if (!decision.allowed) {
      throw new HttpProblem(
        429,
        'rate-limited',
        'Too Many Requests',
        `Too many token requests ${whose}; retry in ${decision.retryAfterSeconds} s.`,
        {},
        {
          'retry-after': String(decision.retryAfterSeconds),
        },
      );
    }
  }
}

/** IPv4 (also written IPv4-mapped) as it is; IPv6 by its /64; anything unparsable as given. */
export function clientKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
}
