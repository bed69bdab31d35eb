// The webhook sender: one signed POST to a vetted destination (see outbound.ts), redirects not
// followed, the answer read up to a cap, every failure turned into a reason a person can act on.
import type { GuardedAgents } from './outbound';
import { refusalIn } from './outbound';

export const RESPONSE_CAPTURE_BYTES = 20 * 1024;

export interface OutgoingRequest {
  url: string;
  /**
   * The request's headers and body, asked for once a connection to the destination is free: a
   * message waiting for one is signed when it goes out (its timestamp is then), and a thousand
   * waiting messages are not all rendered and signed up front in one long turn of the event loop.
   */
  render(): { headers: Record<string, string>; body: string };
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

export class WebhookClient {
  constructor(readonly agents: GuardedAgents) {}

  async send(outgoing: OutgoingRequest): Promise<DeliveryResult> {
    let started = process.hrtime.bigint();
    const elapsed = () => Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    const failure = (error: string): DeliveryResult => ({
      ok: false,
      statusCode: null,
      headers: {},
      body: '',
      durationMs: elapsed(),
      error,
    });
    let url: URL;
    try {
      url = new URL(outgoing.url);
    } catch {
      return failure('the URL is not valid');
    }
    const refusal = this.agents.refusal(url);
    if (refusal !== null) return failure(refusal);
    try {
      return await this.agents.use(url, outgoing.verifySsl, async (dispatcher, http) => {
        const { headers: requestHeaders, body } = outgoing.render();
        // The duration is the request's own, not the wait for a free connection before it.
        started = process.hrtime.bigint();
        const response = await http.request(url, {
          method: 'POST',
          headers: requestHeaders,
          body,
          dispatcher,
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
        for (const [name, value] of Object.entries(response.headers))
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        const status = response.statusCode;
        return {
          ok: status >= 200 && status < 300,
          statusCode: status,
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
          durationMs: elapsed(),
          error: null,
        };
      });
    } catch (error) {
      const refused = refusalIn(error);
      if (refused) return failure(refused.message);
      const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      const cause = err.cause ?? err;
      if (
        err.name === 'TimeoutError' ||
        err.name === 'AbortError' ||
        cause.code === 'UND_ERR_HEADERS_TIMEOUT' ||
        cause.code === 'UND_ERR_BODY_TIMEOUT'
      ) {
        return failure(`no answer within ${outgoing.timeoutMs} ms`);
      }
      return failure(`${cause.code ?? err.name}: ${cause.message ?? err.message}`);
    }
  }
}
