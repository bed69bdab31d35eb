// Schemas and helpers every resource shares: ids, list parameters, cursors, envelopes, URLs to call.
import { type TProperties, type TSchema, Type } from '@sinclair/typebox';
import { VARIABLES } from '../config';
import { MAX_JSON_DEPTH, nestingExceeds, nulPointer } from '../http/body';
import { problems } from '../http/problem';
import type { Keyset, Page } from '../store/query';

export const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const Timestamp = Type.String({ format: 'date-time' });
export const DateOnly = Type.String({ format: 'date' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    requestId: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), location: Type.String(), message: Type.String() })),
    ),
  },
  { additionalProperties: true },
);

export const dataOf = (schema: TSchema) => Type.Object({ data: schema });
export const listOf = (schema: TSchema) =>
  Type.Object({ data: Type.Array(schema), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** A non-blank, trimmed-length-bounded display text. */
export const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

/**
 * A URL a client gives for the server to call (a webhook, HiBob's base URL). The schema says what it
 * can in a pattern; `checkHttpUrl` then decides, with the parser the outgoing requests use.
 */
export const HttpUrl = (maxLength: number, description?: string) =>
  Type.String({
    minLength: 1,
    maxLength,
    pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#@]+(?:[/?#]\\S*)?$',
    'x-message':
      'must be an absolute https:// URL (or http:// where allowed) with no spaces and no user name or password',
    ...(description === undefined ? {} : { description }),
  });

export interface UrlRules {
  /** The field's JSON pointer in the body, for the error: `/url`, `/baseUrl`. */
  path: string;
  /** Whether http:// is allowed too (PEOPLEHUB_ALLOW_HTTP_WEBHOOKS, for development). */
  allowHttp: boolean;
  /** A base URL that paths are appended to: a query or fragment would end up in the wrong place. */
  base?: boolean;
}

/**
 * Parses a URL from a request body with the WHATWG parser, the one every outgoing request uses, so a
 * URL it cannot read (`https://[::1`, port 99999, a bad %-escape in the host) is a 400 naming the
 * field here, not an exception later. Returns the URL as the parser writes it.
 */
export function checkHttpUrl(text: string, rules: UrlRules): string {
  const refuse = (message: string) => problems.validation([{ location: 'body', path: rules.path, message }]);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse('is not a valid URL: check the host name, the port (1–65535) and any %-escapes');
  }
  if (url.protocol !== 'https:' && !(rules.allowHttp && url.protocol === 'http:')) {
    throw refuse(
      rules.allowHttp
        ? 'must be an http:// or https:// URL'
        : `must be an https:// URL (an operator can allow http:// with ${VARIABLES.allowHttpWebhooks}=true, ` +
            `or with ${VARIABLES.dev}=true for development, which also lets webhooks reach loopback and private addresses)`,
    );
  }
  if (url.username !== '' || url.password !== '') throw refuse('must not carry a user name or password');
  // The parser accepts port 0, which no connection can use.
  if (url.port === '0') throw refuse('must not use port 0');
  if (rules.base && (url.search !== '' || url.hash !== ''))
    throw refuse('must be a base URL, without a query (?) or fragment (#)');
  return url.href;
}

/** `sort` accepts each field ascending or, with a leading minus, descending. */
export function sortParam<F extends string>(fields: readonly F[]) {
  return Type.Union(fields.flatMap((f) => [Type.Literal(f), Type.Literal(`-${f}`)]));
}

/**
 * `q` is matched as text inside names and e-mails, which hold no control characters: one in a search
 * is a client's mistake (SQLite's LIKE even ended the pattern at a NUL and matched every row).
 */
const SEARCH = {
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$',
      'x-message': 'must not contain control characters (such as NUL, %00, or a line break); search for printable text',
      description: 'Case-insensitive search.',
    }),
  ),
};

/**
 * The list parameters common to every collection, plus the resource's own filters. `q` is offered
 * only by lists that search, so no list documents a parameter it ignores or refuses.
 */
export function listQuery<F extends string, X extends TProperties>(
  sortFields: readonly F[],
  filters: X,
  options: { search?: boolean } = {},
) {
  const base = {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    sort: Type.Optional(sortParam(sortFields)),
    ...(options.search === false ? {} : SEARCH),
  };
  return Type.Object({ ...base, ...filters }, { additionalProperties: false });
}

interface CursorPayload {
  s: string;
  v: string;
  i: string;
}

function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, sort: string): { value: string; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  let payload: unknown;
  try {
    // A cursor is the client's text too: the same depth cap as bodies before it is parsed.
    payload = nestingExceeds(text, MAX_JSON_DEPTH) ? null : JSON.parse(text);
  } catch {
    payload = null;
  }
  const p = payload as Partial<CursorPayload> | null;
  // The values go into SQL: a forged one with a NUL would fail there instead of here.
  if (!p || typeof p.v !== 'string' || typeof p.i !== 'string' || typeof p.s !== 'string' || nulPointer(p) !== null) {
    throw problems.validation([{ location: 'query', path: '/cursor', message: 'is not a cursor this API issued' }]);
  }
  if (p.s !== sort) {
    throw problems.validation([
      { location: 'query', path: '/cursor', message: `was issued for sort=${p.s}; keep the sort when paging` },
    ]);
  }
  return { value: p.v, id: p.i };
}

export interface ListParams {
  limit: number;
  cursor?: string;
  sort?: string;
}

export interface Paging<F extends string> {
  keyset: Keyset;
  field: F;
  /** The cursor for the page after this one, or null at the end. */
  next<T extends { id: string }>(page: Page<T>, valueOf: (item: T, field: F) => string): string | null;
}

/** Turns list parameters into a keyset on allow-listed columns, and builds the next cursor. */
/** A sort column: its name, or the name with how nulls sort (see store/query Keyset). */
export type SortColumn = string | { column: string; nullable?: boolean; nullAs?: number };

export function paging<F extends string>(
  params: ListParams,
  columns: Record<F, SortColumn>,
  idColumn: string,
  defaultSort: NoInfer<F> | `-${NoInfer<F>}`,
): Paging<F> {
  const sort = params.sort ?? defaultSort;
  const descending = sort.startsWith('-');
  const field = (descending ? sort.slice(1) : sort) as F;
  const spec: SortColumn = columns[field];
  const column =
    typeof spec === 'string' ? { column: spec } : { column: spec.column, nullable: spec.nullable, nullAs: spec.nullAs };
  return {
    field,
    keyset: {
      ...column,
      idColumn,
      direction: descending ? 'desc' : 'asc',
      after: params.cursor === undefined ? null : decodeCursor(params.cursor, sort),
      limit: params.limit,
    },
    next: (page, valueOf) =>
      page.last === null ? null : encodeCursor({ s: sort, v: valueOf(page.last, field), i: page.last.id }),
  };
}

export const listResponses = (schema: TSchema) => ({
  200: { description: 'One page of results.', schema: listOf(schema) },
  400: { description: 'Invalid parameters.', schema: Problem },
});
