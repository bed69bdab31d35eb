// The SSRF-safe HTTP client for webhook deliveries: every resolved address is vetted, the socket
// connects to the vetted address (no DNS-rebinding window), redirects are not followed, the answer
// is read up to a cap, and each destination keeps a keep-alive pool.
import dns from 'node:dns';
import net from 'node:net';
import { Agent, request } from 'undici';
import { type Cidr, addressRefusal } from '../core/address-policy';

export const RESPONSE_CAPTURE_BYTES = 20 * 1024;

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  verifySsl: boolean;
}

export interface DeliveryResult {
  /** A 2xx answer arrived in time. */
  ok: boolean;
  statusCode: number | null;
  headers: Record<string, string>;
  /** The first 20 KB of the answer. */
  body: string;
  durationMs: number;
  /** Why there is no usable answer: refused destination, timeout, connection error. */
  error: string | null;
}

export class DestinationRefused extends Error {}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

export class WebhookClient {
  private readonly agents = new Map<string, Agent>();

  constructor(private readonly allow: Cidr[]) {}

  /** Resolves like dns.lookup, but fails unless every address is allowed. */
  private lookup = (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { all: true, family: options.family }, (error, addresses) => {
      if (error) return callback(error, []);
      const refusal = addresses.map((a) => addressRefusal(a.address, this.allow)).find((r) => r !== null);
      if (refusal) return callback(Object.assign(new DestinationRefused(`refused ${hostname}: ${refusal}`), { code: 'EREFUSEDDESTINATION' }), []);
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };

  private agentFor(origin: string, verifySsl: boolean): Agent {
    const key = `${origin} ${verifySsl}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new Agent({
        connect: { lookup: this.lookup as never, rejectUnauthorized: verifySsl },
        keepAliveTimeout: 30_000,
        connections: 16,
      });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Throws DestinationRefused for an IP-literal host that is not allowed (those skip the lookup). */
  checkLiteral(url: URL): void {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host) !== 0) {
      const refusal = addressRefusal(host, this.allow);
      if (refusal) throw new DestinationRefused(`refused ${host}: ${refusal}`);
    }
  }

  async send(outgoing: OutgoingRequest): Promise<DeliveryResult> {
    const started = process.hrtime.bigint();
    const elapsed = () => Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    const failure = (error: string): DeliveryResult => ({ ok: false, statusCode: null, headers: {}, body: '', durationMs: elapsed(), error });
    let url: URL;
    try {
      url = new URL(outgoing.url);
      this.checkLiteral(url);
    } catch (error) {
      return failure(error instanceof DestinationRefused ? error.message : 'the URL is not valid');
    }
    try {
      const response = await request(url, {
        method: 'POST',
        headers: outgoing.headers,
        body: outgoing.body,
        dispatcher: this.agentFor(url.origin, outgoing.verifySsl),
        headersTimeout: outgoing.timeoutMs,
        bodyTimeout: outgoing.timeoutMs,
        signal: AbortSignal.timeout(outgoing.timeoutMs),
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        const piece = chunk as Buffer;
        if (size < RESPONSE_CAPTURE_BYTES) chunks.push(piece.subarray(0, RESPONSE_CAPTURE_BYTES - size));
        size += piece.length;
        if (size >= RESPONSE_CAPTURE_BYTES) {
          response.body.destroy();
          break;
        }
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      const status = response.statusCode;
      return { ok: status >= 200 && status < 300, statusCode: status, headers, body: Buffer.concat(chunks).toString('utf8'), durationMs: elapsed(), error: null };
    } catch (error) {
      const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      const cause = err.cause ?? err;
      if (cause instanceof DestinationRefused || cause.code === 'EREFUSEDDESTINATION') return failure(cause.message);
      if (err.name === 'TimeoutError' || err.name === 'AbortError' || cause.code === 'UND_ERR_HEADERS_TIMEOUT' || cause.code === 'UND_ERR_BODY_TIMEOUT') {
        return failure(`no answer within ${outgoing.timeoutMs} ms`);
      }
      return failure(`${cause.code ?? err.name}: ${cause.message ?? err.message}`);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.close()));
    this.agents.clear();
  }
}
