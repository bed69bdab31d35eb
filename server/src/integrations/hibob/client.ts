// The HiBob API client: HTTP Basic with the service user, through the same SSRF-guarded pools as
// webhooks (the base URL is whatever an admin typed), timeouts on every call, backoff on 429, and
// errors that say what to do. The full people search streams: records come out in batches while
// the answer is still arriving.
import { StringDecoder } from 'node:string_decoder';
import type { Dispatcher } from 'undici';
import { JsonArraySplitter, JsonStreamError } from '../../core/json-array-stream';
import { type GuardedAgents, refusalIn } from '../../net/outbound';
import type { HibobField } from './mapping';

export interface HibobConnection {
  baseUrl: string;
  serviceUserId: string;
  token: string;
}

export type HibobErrorKind =
  'credentials' | 'permissions' | 'rate-limited' | 'server' | 'timeout' | 'network' | 'refused' | 'response';

export class HibobError extends Error {
  constructor(
    readonly kind: HibobErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'HibobError';
  }
}

export interface HibobClientOptions {
  timeoutMs: number;
  /** Tries after a 429 before giving up. */
  maxRetries?: number;
  /** Waits between tries; injected so tests need not wait (HiBob's Retry-After is honoured up to 30 s). */
  sleep?: (ms: number) => Promise<void>;
}

/** Records are handed out in batches of this many. */
const BATCH = 500;
const MAX_RETRY_AFTER_MS = 30_000;

function describeStatus(status: number, body: string): HibobError {
  const detail = body.trim().slice(0, 200);
  const said = detail === '' ? '' : ` (HiBob said: ${detail})`;
  if (status === 401)
    return new HibobError(
      'credentials',
      `HiBob refused the service user id or token (401)${said}; check them in HiBob under the service user's API access`,
      status,
    );
  if (status === 403)
    return new HibobError(
      'permissions',
      `HiBob's service user lacks a permission (403)${said}; grant it "Full employee read" and "Employee fields read"`,
      status,
    );
  if (status === 429)
    return new HibobError('rate-limited', `HiBob kept answering 429 Too Many Requests${said}; try again later`, status);
  if (status >= 500) return new HibobError('server', `HiBob answered ${status}${said}; try again later`, status);
  return new HibobError('response', `HiBob answered ${status}${said}`, status);
}

export class HibobClient {
  private readonly authorization: string;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly connection: HibobConnection,
    private readonly agents: GuardedAgents,
    private readonly options: HibobClientOptions,
  ) {
    this.authorization = `Basic ${Buffer.from(`${connection.serviceUserId}:${connection.token}`).toString('base64')}`;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Field metadata: which fields exist, their names, types and where they sit in a record. */
  async fields(): Promise<HibobField[]> {
    const body = await this.json('GET', '/v1/company/people/fields');
    const list = Array.isArray(body) ? body : (body as { fields?: unknown }).fields;
    if (!Array.isArray(list))
      throw new HibobError('response', 'HiBob answered the field list with something that is not a list');
    return list.filter(
      (f): f is HibobField =>
        f !== null &&
        typeof f === 'object' &&
        typeof (f as HibobField).id === 'string' &&
        typeof (f as HibobField).name === 'string',
    );
  }

  /** One person, or null when HiBob does not know them (deleted). */
  async person(id: string, fields: string[]): Promise<unknown | null> {
    try {
      return await this.json('POST', `/v1/people/${encodeURIComponent(id)}`, { fields, humanReadable: 'REPLACE' });
    } catch (error) {
      if (error instanceof HibobError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * Everyone, terminated and future hires included (`showInactive`), with list values as labels
   * (`humanReadable`), in batches as the answer streams in. HiBob sends the whole set in one answer.
   * Each record comes as its JSON text, unparsed: a resync skips records it has seen (see
   * `recordFingerprint`) without parsing them; `parseRecord` parses the others.
   */
  async *people(fields: string[]): AsyncGenerator<string[]> {
    const response = await this.send('POST', '/v1/people/search', {
      fields,
      showInactive: true,
      humanReadable: 'REPLACE',
    });
    const splitter = new JsonArraySplitter('employees');
    const decoder = new StringDecoder('utf8');
    let batch: string[] = [];
    let complete = false;
    try {
      for await (const chunk of response.body) {
        let elements: string[];
        try {
          elements = splitter.push(decoder.write(chunk as Buffer));
        } catch (error) {
          throw this.explain(error);
        }
        for (const element of elements) {
          batch.push(element);
          if (batch.length >= BATCH) {
            yield batch;
            batch = [];
          }
        }
      }
      splitter.push(decoder.end());
      splitter.end();
      complete = true;
    } catch (error) {
      throw this.explain(error);
    } finally {
      // Stopped early (an error here, or the caller gave up): free the connection.
      if (!complete) response.body.destroy();
    }
    if (batch.length > 0) yield batch;
  }

  /** One record's JSON text from `people`, parsed. */
  static parseRecord(text: string): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new HibobError('response', `HiBob's answer is not the JSON expected: ${(error as Error).message}`);
    }
  }

  private async json(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.send(method, path, body);
    try {
      return await response.body.json();
    } catch (error) {
      throw this.explain(error);
    }
  }

  /** Sends a request and returns a 2xx answer (unread); retries 429s; anything else becomes a HibobError. */
  private async send(method: string, path: string, body?: unknown): Promise<Dispatcher.ResponseData> {
    const url = new URL(path, this.connection.baseUrl.replace(/\/*$/, '/'));
    const refusal = this.agents.refusal(url);
    if (refusal !== null) throw new HibobError('refused', `the HiBob base URL cannot be used: ${refusal}`);
    const retries = this.options.maxRetries ?? 3;
    for (let attempt = 0; ; attempt += 1) {
      let response: Dispatcher.ResponseData;
      try {
        // The pool stays marked busy only while the request is being set up; the body is read after.
        response = await this.agents.use(url, true, (dispatcher, http) =>
          http.request(url, {
            method: method as Dispatcher.HttpMethod,
            dispatcher,
            headers: {
              authorization: this.authorization,
              accept: 'application/json',
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
            headersTimeout: this.options.timeoutMs,
            bodyTimeout: this.options.timeoutMs,
          }),
        );
      } catch (error) {
        throw this.explain(error);
      }
      if (response.statusCode >= 200 && response.statusCode < 300) return response;
      const text = await response.body.text().catch(() => '');
      if (response.statusCode === 429 && attempt < retries) {
        const header = Number(response.headers['retry-after']);
        await this.sleep(Number.isFinite(header) ? Math.min(header * 1000, MAX_RETRY_AFTER_MS) : 500 * 2 ** attempt);
        continue;
      }
      throw describeStatus(response.statusCode, text);
    }
  }

  private explain(error: unknown): HibobError {
    if (error instanceof HibobError) return error;
    const refused = refusalIn(error);
    if (refused) return new HibobError('refused', `the HiBob base URL cannot be used: ${refused.message}`);
    if (error instanceof JsonStreamError || error instanceof SyntaxError)
      return new HibobError('response', `HiBob's answer is not the JSON expected: ${error.message}`);
    const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    const cause = err.cause ?? err;
    if (
      cause.code === 'UND_ERR_HEADERS_TIMEOUT' ||
      cause.code === 'UND_ERR_BODY_TIMEOUT' ||
      err.name === 'TimeoutError'
    ) {
      return new HibobError('timeout', `HiBob did not answer within ${this.options.timeoutMs} ms`);
    }
    return new HibobError(
      'network',
      `HiBob could not be reached: ${cause.code ?? err.name} ${cause.message ?? err.message}`.trim(),
    );
  }
}
