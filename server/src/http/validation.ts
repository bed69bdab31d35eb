// Ajv set up once: bodies are validated strictly; query and path strings are coerced to their types.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { type FieldError, problems } from './problem';

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes: coerce ? 'array' : false, useDefaults: true, strict: true });
  addFormats(ajv, ['email', 'date', 'date-time', 'uri']);
  return ajv;
}

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv(true);

export type Location = FieldError['location'];

function toFieldError(error: ErrorObject, location: Location): FieldError {
  if (error.keyword === 'additionalProperties') {
    const field = String((error.params as { additionalProperty: string }).additionalProperty);
    return { location, path: `${error.instancePath}/${field}`, message: 'is not a known field' };
  }
  if (error.keyword === 'required') {
    const field = String((error.params as { missingProperty: string }).missingProperty);
    return { location, path: `${error.instancePath}/${field}`, message: 'is required' };
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ');
    return { location, path: error.instancePath, message: `must be one of ${allowed}` };
  }
  return { location, path: error.instancePath, message: error.message ?? 'is not valid' };
}

export interface Validator<T> {
  (value: unknown): T;
}

/** Compiles a schema into a function that returns the value or throws a 400 naming every field at fault. */
export function compileValidator<T>(schema: TSchema, location: Location): Validator<T> {
  const validate: ValidateFunction = (location === 'body' ? strictAjv : coercingAjv).compile(schema);
  return (value: unknown): T => {
    if (validate(value)) return value as T;
    // Ajv reports every branch of a union; keep each field's first complaint so the list stays readable.
    const seen = new Set<string>();
    const errors = (validate.errors ?? [])
      .map((e) => toFieldError(e, location))
      .filter((e) => (seen.has(e.path) ? false : (seen.add(e.path), true)));
    throw problems.validation(errors);
  };
}
