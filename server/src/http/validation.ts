// Ajv set up once: bodies are validated strictly; query and path strings are coerced to their types.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { MAX_YEAR, MIN_YEAR, isValidDate, isValidTimestamp } from '../core/dates';
import { type FieldError, problems } from '../core/problem';

/** What a value of each format must look like, for the error message. */
const FORMAT_HINTS: Record<string, string> = {
  date: `must be a date such as 2026-11-22 (years ${MIN_YEAR}–${MAX_YEAR})`,
  'date-time': `must be an RFC 3339 timestamp such as 2026-11-22T10:00:00Z (years ${MIN_YEAR}–${MAX_YEAR}; no leap seconds)`,
  email: 'must be an email address',
  uri: 'must be an absolute URI',
};

/**
 * An annotation a schema may carry: the message to show when a value fails its pattern or item
 * count ("must match ^https?://…" tells a person little). It validates nothing itself, and other
 * failures (too long, wrong type) keep their own, precise messages.
 */
export const MESSAGE_KEYWORD = 'x-message';
const EXPLAINED_KEYWORDS = new Set(['pattern', 'minItems', 'maxItems']);

function makeAjv(coerce: boolean): Ajv {
  // verbose: errors carry the schema that failed, so its x-message can be shown.
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    strict: true,
    verbose: true,
  });
  ajv.addKeyword({ keyword: MESSAGE_KEYWORD, schemaType: 'string' });
  addFormats(ajv, ['email', 'uri']);
  // Stricter than ajv-formats: only what the server can represent exactly (see core/dates).
  ajv.addFormat('date', { type: 'string', validate: isValidDate });
  ajv.addFormat('date-time', { type: 'string', validate: isValidTimestamp });
  return ajv;
}

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv(true);

export type Location = FieldError['location'];

function toFieldError(error: ErrorObject, location: Location): FieldError {
  const message = (error.parentSchema as Record<string, unknown> | undefined)?.[MESSAGE_KEYWORD];
  if (typeof message === 'string' && EXPLAINED_KEYWORDS.has(error.keyword)) {
    return { location, path: error.instancePath, message };
  }
  if (error.keyword === 'additionalProperties') {
    const field = String((error.params as { additionalProperty: string }).additionalProperty);
    return { location, path: `${error.instancePath}/${field}`, message: 'is not a known field' };
  }
  if (error.keyword === 'required') {
    const field = String((error.params as { missingProperty: string }).missingProperty);
    return { location, path: `${error.instancePath}/${field}`, message: 'is required' };
  }
  if (error.keyword === 'format') {
    const format = String((error.params as { format: string }).format);
    return { location, path: error.instancePath, message: FORMAT_HINTS[format] ?? `must be a valid ${format}` };
  }
  return { location, path: error.instancePath, message: error.message ?? 'is not valid' };
}

/**
 * The values a schema allows when it is a closed list: an enum, a literal, or a union of them (how
 * TypeBox writes `Type.Union([Type.Literal(…), …])`). Null when it allows anything beyond a list.
 */
function allowedValues(schema: unknown): unknown[] | null {
  if (typeof schema !== 'object' || schema === null) return null;
  const s = schema as Record<string, unknown>;
  if ('const' in s) return [s.const];
  if (Array.isArray(s.enum)) return s.enum;
  if (s.type === 'null') return [null];
  if (Array.isArray(s.anyOf)) {
    const branches = s.anyOf.map(allowedValues);
    return branches.every((b) => b !== null) ? branches.flat() : null;
  }
  return null;
}

const showValue = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * For each place that failed a closed list, the message that lists what is allowed. Ajv reports a
 * union of literals as one "must be equal to constant" per branch plus "must match a schema in
 * anyOf", which names none of the values a person could have sent instead.
 */
function closedListMessages(errors: ErrorObject[]): Map<string, string> {
  // A closed list inside a wider union (a list or a number, say) does not say all that is allowed.
  const open = new Set(
    errors.filter((e) => e.keyword === 'anyOf' && allowedValues(e.parentSchema) === null).map((e) => e.instancePath),
  );
  // Ajv reports the innermost union first; the outermost one holds every value allowed there.
  const widest = new Map<string, unknown[]>();
  for (const error of errors) {
    if (!['anyOf', 'enum', 'const'].includes(error.keyword) || open.has(error.instancePath)) continue;
    const allowed = allowedValues(error.parentSchema);
    if (allowed !== null && allowed.length > (widest.get(error.instancePath)?.length ?? 0))
      widest.set(error.instancePath, allowed);
  }
  const messages = new Map<string, string>();
  for (const [path, allowed] of widest)
    messages.set(
      path,
      allowed.length === 1
        ? `must be ${showValue(allowed[0])}`
        : `must be one of: ${allowed.map(showValue).join(', ')}`,
    );
  return messages;
}

export interface Validator<T> {
  (value: unknown): T;
}

/**
 * Turns a schema into a function that returns the value or throws a 400 naming every field at fault.
 * The schema is compiled on first use: compiling every route's schemas at start cost about 0.5 s and
 * held their garbage in the heap of a server that may never see most of them.
 */
export function compileValidator<T>(schema: TSchema, location: Location): Validator<T> {
  let compiled: ValidateFunction | null = null;
  return (value: unknown): T => {
    compiled ??= (location === 'body' ? strictAjv : coercingAjv).compile(schema);
    const validate = compiled;
    if (validate(value)) return value as T;
    // Ajv reports every branch of a union; keep each field's first complaint so the list stays readable.
    const seen = new Set<string>();
    const reported = validate.errors ?? [];
    const lists = closedListMessages(reported);
    const errors = reported
      // An if/then failure is reported by the keyword inside `then`; the `if` summary adds nothing.
      .filter((e) => e.keyword !== 'if')
      .map((e) => {
        const listed = lists.get(e.instancePath);
        return listed === undefined ? toFieldError(e, location) : { location, path: e.instancePath, message: listed };
      })
      .filter((e) => (seen.has(e.path) ? false : (seen.add(e.path), true)));
    throw problems.validation(errors);
  };
}
