// The webhook sender: one signed POST to a vetted destination (see outbound.ts), redirects not
// followed, the answer read up to a cap, every failure turned into a reason a person can act on.
import type { Dispatcher } from 'undici';
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

interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The whole exchange took longer than its time allowed (undici's own timeouts cover each phase). */
class DeadlineExceeded extends Error {
  override readonly name = 'TimeoutError';
}

/** The answer reached the capture cap: the rest is not read (the connection is closed instead). */
class CaptureFull extends Error {}

/**
 * One POST through undici's dispatch interface: the answer's head and first 20 KB are taken straight
 * off the connection, without the response stream, async iterator and abort signal that its
 * request() builds around every exchange (together about a third of the sender's time on the 100 ×
 * 100 delivery load). One timer bounds the whole exchange, as the signal did: before the request is
 * on a connection it is aborted as soon as it gets one.
 */
function post(
  dispatcher: Dispatcher,
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let abort: ((reason: Error) => void) | null = null;
    let late: DeadlineExceeded | null = null;
    const timer = setTimeout(() => {
      late = new DeadlineExceeded(`no answer within ${timeoutMs} ms`);
      abort?.(late);
    }, timeoutMs);
    let statusCode = 0;
    const answerHeaders: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let size = 0;
    const answered = () =>
      resolve({ statusCode, headers: answerHeaders, body: Buffer.concat(chunks).toString('utf8') });
    dispatcher.dispatch(
      {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers,
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      },
      {
        onConnect(abortRequest: (reason: Error) => void) {
          abort = abortRequest;
          if (late !== null) abortRequest(late);
        },
        onHeaders(status: number, raw: Buffer[]) {
          statusCode = status;
          for (let i = 0; i + 1 < raw.length; i += 2) {
            const name = raw[i].toString('latin1').toLowerCase();
            const value = raw[i + 1].toString('latin1');
            const before = answerHeaders[name];
            answerHeaders[name] = before === undefined ? value : `${before}, ${value}`;
          }
          return true;
        },
        onData(chunk: Buffer) {
          if (size < RESPONSE_CAPTURE_BYTES) chunks.push(chunk.subarray(0, RESPONSE_CAPTURE_BYTES - size));
          size += chunk.length;
          if (size >= RESPONSE_CAPTURE_BYTES) abort?.(new CaptureFull());
          return true;
        },
        onComplete() {
          clearTimeout(timer);
          answered();
        },
        onError(error: Error) {
          clearTimeout(timer);
          if (error instanceof CaptureFull) answered();
          else reject(error);
        },
      } as unknown as Dispatcher.DispatchHandler,
    );
  });
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
      return await this.agents.use(url, outgoing.verifySsl, async (dispatcher) => {
        const { headers: requestHeaders, body } = outgoing.render();
        // The duration is the request's own, not the wait for a free connection before it.
        started = process.hrtime.bigint();
        const answer = await post(dispatcher, url, requestHeaders, body, outgoing.timeoutMs);
        return {
          ok: answer.statusCode >= 200 && answer.statusCode < 300,
          statusCode: answer.statusCode,
          headers: answer.headers,
          body: answer.body,
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
