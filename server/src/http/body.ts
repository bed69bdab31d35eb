// Reading request bodies: size limit, content type, encoding, depth; nothing is parsed before it is bounded, and no NUL gets past.
import type { IncomingMessage } from 'node:http';
import { MAX_JSON_DEPTH, nestingExceeds } from '../core/json-depth';
import { type FieldError, HttpProblem, problems } from '../core/problem';

export type BodyKind = 'json' | 'form';

/**
 * Routes anyone may call (token exchange, OAuth) read at most this much: their bodies are a token
 * or a short form, and a megabyte of anything costs CPU before any credential is checked.
 */
export const OPEN_ROUTE_BODY_LIMIT = 8 * 1024;

/** Open routes take small bodies only; the rest take up to PEOPLEHUB_BODY_LIMIT (`configured`). */
export function bodyLimitOf(open: boolean, configured: number): number {
  return open ? Math.min(OPEN_ROUTE_BODY_LIMIT, configured) : configured;
}

const ACCEPTED: Record<BodyKind, RegExp> = {
  json: /^application\/([a-z0-9.+-]+\+)?json$/,
  form: /^application\/x-www-form-urlencoded$/,
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The client went away before sending the whole body: nothing to answer, nothing wrong on our side. */
export class ClientClosedRequest extends Error {
  constructor() {
    super('the client closed the connection before sending the whole request');
    this.name = 'ClientClosedRequest';
  }
}

/** Reads the raw body, refusing it once it passes `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw problems.payloadTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw problems.payloadTooLarge(limit);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    // Leaving the loop early (our own 413) destroys the stream too; only a reset means the client left.
    if (!(error instanceof HttpProblem) && ((error as NodeJS.ErrnoException).code === 'ECONNRESET' || req.destroyed))
      throw new ClientClosedRequest();
    throw error;
  }
  return Buffer.concat(chunks, size);
}

function mediaType(req: IncomingMessage): { type: string; charset: string | null } | null {
  const header = req.headers['content-type'];
  if (header === undefined) return null;
  const [type, ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  const charset =
    params
      .find((p) => p.startsWith('charset='))
      ?.slice('charset='.length)
      .replace(/"/g, '') ?? null;
  return { type, charset };
}

/**
 * Turns a raw body into a value: JSON or a form as a flat object. An empty body is `undefined`.
 * Wrong media types, encodings and charsets answer 415; unreadable content answers 400.
 */
export function decodeBody(req: IncomingMessage, raw: Buffer, kind: BodyKind): unknown {
  if (raw.length === 0) return undefined;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    throw problems.unsupportedMediaType(`Content-Encoding ${encoding} is not supported; send the body uncompressed.`);
  }
  const media = mediaType(req);
  const expected = kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  if (media === null || !ACCEPTED[kind].test(media.type)) {
    throw problems.unsupportedMediaType(`Send the body as ${expected} (got ${media?.type ?? 'no Content-Type'}).`);
  }
  if (media.charset !== null && media.charset !== 'utf-8' && media.charset !== 'utf8') {
    throw problems.unsupportedMediaType(`The body must be UTF-8 (got charset ${media.charset}).`);
  }
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw problems.badRequest('The body is not valid UTF-8.');
  }
  if (kind === 'form') {
    const form: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      if (Object.hasOwn(form, key)) throw problems.badRequest(`The form field ${key} appears more than once.`);
      form[key] = value;
    }
    refuseNul(form, 'body');
    return form;
  }
  const value = parseJson(text);
  // Raw JSON can only carry a NUL as the escape \u0000 (a bare one is a parse error), so most bodies skip the walk.
  if (text.includes('\\u0000')) refuseNul(value, 'body');
  return value;
}

/**
 * JSON.parse behind the depth cap, for request bodies and HiBob's signed notices: the cap is checked
 * in one linear pass first, so nesting costs no more than its bytes before the parser sees the text.
 */
export function parseJson(text: string): unknown {
  if (nestingExceeds(text, MAX_JSON_DEPTH)) {
    throw problems.badRequest(`The body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw problems.badRequest(`The body is not valid JSON: ${(error as Error).message}`);
  }
}

const pointerPart = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The JSON pointer of the first string (or key) in `value` holding a NUL character, or null. */
export function nulPointer(value: unknown, at = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? at : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = nulPointer(value[i], `${at}/${i}`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = key.includes('\u0000')
        ? `${at}/${pointerPart(key)}`
        : nulPointer(item, `${at}/${pointerPart(key)}`);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * Refuses a NUL character anywhere in a request's values. PostgreSQL cannot store one in text (it
 * failed the whole request), and SQLite's LIKE ends the pattern there; no name, id or search needs it.
 */
export function refuseNul(value: unknown, location: FieldError['location']): void {
  const path = nulPointer(value);
  if (path !== null)
    throw problems.validation([{ location, path, message: 'must not contain a NUL character (\\u0000, %00)' }]);
}
