// Generates values from the JSON Schemas of the OpenAPI document, for property tests that drive
// every operation the way Schemathesis does: values that fit the schema, and values that do not.
import fc from 'fast-check';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Schema = Record<string, any>;

export interface GenerateOptions {
  /** Overrides by property name (a URL field must not send the server to random hosts). */
  properties?: Record<string, fc.Arbitrary<unknown>>;
}

const MAX_ITEMS = 4;
const MAX_TEXT = 40;

function isoDate(date: Date): string {
  return date.toISOString();
}

const dates = fc.date({
  min: new Date('1990-01-01T00:00:00Z'),
  max: new Date('2030-12-31T00:00:00Z'),
  noInvalidDate: true,
});

function stringFor(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? MAX_TEXT, Math.max(min, MAX_TEXT));
  const fits = (text: string) => text.length >= min && text.length <= (schema.maxLength ?? Infinity);
  switch (schema.format) {
    case 'date':
      return dates.map((d) => isoDate(d).slice(0, 10));
    case 'date-time':
      return dates.map(isoDate);
    case 'email':
      return fc.emailAddress().filter(fits);
    case 'uri':
      return fc.webUrl();
    default:
      break;
  }
  if (typeof schema.pattern === 'string') {
    return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  }
  return fc.string({ minLength: min, maxLength: max });
}

function numberFor(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1000;
  const max = schema.maximum ?? 1000;
  return integer ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

function objectFor(schema: Schema, options: GenerateOptions): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set<string>(schema.required ?? []);
  const named = Object.fromEntries(
    Object.entries(properties).map(([name, child]) => [name, options.properties?.[name] ?? valueFor(child, options)]),
  );
  const record = fc.record(named, { requiredKeys: Object.keys(properties).filter((name) => required.has(name)) });
  const open = schema.patternProperties ? (Object.values(schema.patternProperties)[0] as Schema) : null;
  if (open === null) return record as fc.Arbitrary<Record<string, unknown>>;
  const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), valueFor(open, options), { maxKeys: 3 });
  return fc.tuple(record, extra).map(([known, more]) => ({ ...more, ...known }));
}

/** A value that the schema accepts (as far as a generator can tell: if/then rules are not followed). */
export function valueFor(schema: Schema, options: GenerateOptions = {}): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches) {
    const { anyOf: _a, oneOf: _o, ...rest } = schema;
    return fc.oneof(...branches.map((branch) => valueFor({ ...rest, ...branch }, options)));
  }
  switch (schema.type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return numberFor(schema, true);
    case 'number':
      return numberFor(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = valueFor(schema.items ?? {}, options);
      const constraints = {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? MAX_ITEMS, Math.max(schema.minItems ?? 0, MAX_ITEMS)),
      };
      return schema.uniqueItems
        ? fc.uniqueArray(item, { ...constraints, selector: (v) => JSON.stringify(v) })
        : fc.array(item, constraints);
    }
    case 'object':
      return objectFor(schema, options);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A value of the wrong type for the schema (a string where a number goes, and so on). */
function wrongTypeFor(schema: Schema): fc.Arbitrary<unknown> {
  const candidates: fc.Arbitrary<unknown>[] = [
    fc.constant(null),
    fc.integer(),
    fc.string({ maxLength: 10 }),
    fc.constant([]),
    fc.constant({}),
    fc.boolean(),
  ];
  const type = schema.type;
  const wrong = candidates.filter(
    (_, i) =>
      !(
        (type === 'string' && i === 2) ||
        (type === 'integer' && i === 1) ||
        (type === 'number' && i === 1) ||
        (type === 'array' && i === 3) ||
        (type === 'object' && i === 4) ||
        (type === 'boolean' && i === 5)
      ),
  );
  return fc.oneof(...wrong);
}

/** An object that breaks its schema one way: an unknown field, a wrong type, a missing required field. */
export function invalidObjectFor(schema: Schema, options: GenerateOptions = {}): fc.Arbitrary<unknown> {
  const valid = valueFor(schema, options) as fc.Arbitrary<Record<string, unknown>>;
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
  const mutations: fc.Arbitrary<unknown>[] = [
    valid.map((value) => ({ ...value, __unknown_field: 1 })),
    fc.jsonValue({ maxDepth: 2 }),
  ];
  if (properties.length > 0) {
    mutations.push(
      fc
        .tuple(valid, fc.constantFrom(...properties))
        .chain(([value, [name, child]]) => wrongTypeFor(child).map((bad) => ({ ...value, [name]: bad }))),
    );
  }
  const required = (schema.required ?? []) as string[];
  if (required.length > 0) {
    mutations.push(
      fc
        .tuple(valid, fc.constantFrom(...required))
        .map(([value, name]) => Object.fromEntries(Object.entries(value).filter(([key]) => key !== name))),
    );
  }
  return fc.oneof(...mutations);
}
