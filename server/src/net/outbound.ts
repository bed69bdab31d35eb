// Every outgoing connection to an address someone else chose (webhook receivers, a HiBob base URL)
// goes through here: each resolved address is vetted against the SSRF policy, the socket connects to
// the vetted address (no DNS-rebinding window), plain http:// is used only when the operator allows
// it, and recently used destinations keep a keep-alive pool (a bounded number of them).
import dns from 'node:dns';
import net from 'node:net';
import type * as UndiciModule from 'undici';
import type { Agent } from 'undici';
import { VARIABLES } from '../config';
import { type Cidr, addressRefusal } from '../core/address-policy';

/**
 * Keep-alive pools kept at once. Each distinct destination (origin and TLS setting) gets one; past
 * this many, the least recently used idle pool is closed, so memory does not grow with the number
 * of destinations ever tried.
 */
export const DEFAULT_MAX_POOLS = 256;

/**
 * Connections to one destination at most. Requests beyond this wait here, before their timeout
 * starts, rather than inside the pool, where the wait would count against it: many webhooks to one
 * host (several n8n workflows, say) must not time each other out.
 */
export const CONNECTIONS_PER_DESTINATION = 16;

export interface OutboundOptions {
  /** Connect to http:// URLs too (development). Checked on every request, not only when a URL is saved. */
  allowHttp?: boolean;
  maxPools?: number;
}

/** A destination the policy does not allow; the message says why (and, where fitting, how to allow it). */
export class DestinationRefused extends Error {
  readonly code = 'EREFUSEDDESTINATION';
}

/** undici, loaded with the first outgoing request: a server that sends nothing does not carry it. */
export type Undici = typeof UndiciModule;
let undici: Promise<Undici> | null = null;

interface Pool {
  agent: Agent;
  /** Requests in flight through this pool; a busy pool is never closed. */
  busy: number;
  /** Requests waiting for one of the pool's connections, first come first served. */
  waiting: (() => void)[];
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

export class GuardedAgents {
  /** Pools in least-recently-used order: the first entry is the one to close first. */
  private readonly pools = new Map<string, Pool>();
  private readonly allowHttp: boolean;
  private readonly maxPools: number;

  constructor(
    private readonly allow: Cidr[],
    options: OutboundOptions = {},
  ) {
    this.allowHttp = options.allowHttp ?? false;
    this.maxPools = options.maxPools ?? DEFAULT_MAX_POOLS;
  }

  /** How many keep-alive pools are open now. */
  get poolCount(): number {
    return this.pools.size;
  }

  /** Resolves like dns.lookup, but fails unless every address is allowed. */
  private lookup = (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { all: true, family: options.family }, (error, addresses) => {
      if (error) return callback(error, []);
      const refusal = addresses.map((a) => addressRefusal(a.address, this.allow)).find((r) => r !== null);
      if (refusal) return callback(new DestinationRefused(`refused ${hostname}: ${refusal}`), []);
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };

  /**
   * Why a URL may not be used before any connection is tried, or null: the scheme, and an IP literal
   * host (those skip the lookup above).
   */
  refusal(url: URL): string | null {
    if (url.protocol === 'http:' && !this.allowHttp) {
      return `refused ${url.origin}: plain http:// is off; an operator can allow it for development with ${VARIABLES.allowHttpWebhooks}=true`;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return `refused ${url.protocol} URL: only https:// URLs are used`;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host) !== 0) {
      const refusal = addressRefusal(host, this.allow);
      if (refusal) return `refused ${host}: ${refusal}`;
    }
    return null;
  }

  /**
   * Runs `work` with the pool for this destination, once one of its connections is free; the pool is
   * never closed while work is under way.
   */
  async use<T>(url: URL, verifySsl: boolean, work: (agent: Agent, http: Undici) => Promise<T>): Promise<T> {
    undici ??= import('undici');
    const http = await undici;
    const pool = this.poolFor(http, url.origin, verifySsl);
    // A finishing request hands its connection slot straight to the first waiter.
    if (pool.busy >= CONNECTIONS_PER_DESTINATION) await new Promise<void>((resolve) => pool.waiting.push(resolve));
    else pool.busy += 1;
    try {
      return await work(pool.agent, http);
    } finally {
      const next = pool.waiting.shift();
      if (next) next();
      else pool.busy -= 1;
    }
  }

  /** The pool for a destination, marked most recently used; closes idle pools beyond the bound. */
  private poolFor(http: Undici, origin: string, verifySsl: boolean): Pool {
    const key = `${origin} ${verifySsl}`;
    let pool = this.pools.get(key);
    if (pool) {
      this.pools.delete(key);
    } else {
      pool = {
        agent: new http.Agent({
          connect: { lookup: this.lookup as never, rejectUnauthorized: verifySsl },
          keepAliveTimeout: 30_000,
          connections: CONNECTIONS_PER_DESTINATION,
        }),
        busy: 0,
        waiting: [],
      };
    }
    this.pools.set(key, pool);
    this.evictIdle(key);
    return pool;
  }

  /** Closes the least recently used idle pools until the bound holds (busy ones wait their turn). */
  private evictIdle(keep: string): void {
    for (const [key, pool] of this.pools) {
      if (this.pools.size <= this.maxPools) return;
      if (pool.busy > 0 || key === keep) continue;
      this.pools.delete(key);
      // Idle: nothing waits on it, so closing in the background loses nothing.
      void pool.agent.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.agent.close()));
  }
}

/**
 * How long vetting a destination waits for its name to resolve before letting it through (the send
 * checks again): a slow resolver must not hold the request that saves a webhook.
 */
export const VETTING_LOOKUP_TIMEOUT_MS = 5_000;

/**
 * Why a send to this URL's host would be refused, or null: every address the name resolves to now
 * goes through the same policy, in the same words, as at send. A name that does not resolve (yet) is
 * not refused: DNS may answer later, and every send looks again. The scheme is the caller's.
 */
export async function vetDestination(
  url: URL,
  allow: Cidr[],
  timeoutMs = VETTING_LOOKUP_TIMEOUT_MS,
): Promise<string | null> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) !== 0) {
    const refusal = addressRefusal(host, allow);
    return refusal === null ? null : `refused ${host}: ${refusal}`;
  }
  let timer: NodeJS.Timeout | undefined;
  const unresolved = new Promise<dns.LookupAddress[]>((resolve) => {
    timer = setTimeout(() => resolve([]), timeoutMs);
  });
  try {
    const addresses = await Promise.race([dns.promises.lookup(host, { all: true }).catch(() => []), unresolved]);
    const refusal = addresses.map((a) => addressRefusal(a.address, allow)).find((r) => r !== null);
    return refusal === undefined ? null : `refused ${host}: ${refusal}`;
  } finally {
    clearTimeout(timer);
  }
}

/** The refusal inside an error undici raised while connecting, if that is what it was. */
export function refusalIn(error: unknown): DestinationRefused | null {
  const err = error as { cause?: unknown };
  const cause = err.cause ?? error;
  return cause instanceof DestinationRefused || (cause as { code?: string }).code === 'EREFUSEDDESTINATION'
    ? (cause as DestinationRefused)
    : null;
}
