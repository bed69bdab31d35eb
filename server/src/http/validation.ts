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
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues
      .map((v) => JSON.stringify(v))
      .join(', ');
    return { location, path: error.instancePath, message: `must be one of ${allowed}` };
  }
  return { location, path: error.instancePath, message: error.message ?? 'is not valid' };
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
    const errors = (validate.errors ?? [])
      // An if/then failure is reported by the keyword inside `then`; the `if` summary adds nothing.
      .filter((e) => e.keyword !== 'if')
      .map((e) => toFieldError(e, location))
      .filter((e) => (seen.has(e.path) ? false : (seen.add(e.path), true)));
    throw problems.validation(errors);
  };
}
