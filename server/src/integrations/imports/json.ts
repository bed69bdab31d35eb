// Reading a JSON snapshot as it arrives: `{"source": …, "people": [ … ]}` split into its people
// without parsing the document as a whole; the members besides `people` (the run's options) are
// small and kept. A person is parsed when the run reaches them.
import { MAX_JSON_DEPTH, nestingExceeds } from '../../core/json-depth';
import { JsonArraySplitter, JsonStreamError } from '../../core/json-array-stream';
import { type SnapshotBatch, SnapshotUnreadable } from '../../domain/imports/imports';
import { PERSON_FIELDS, type PersonField, type RawPerson } from '../../domain/imports/people';

/** The members besides `people` may take this much text together. */
const OPTIONS_LIMIT = 16 * 1024;
/** People handed to the run at a time. */
const BATCH = 500;

export interface JsonSnapshot {
  /** The document's other members (source, match, mode, dryRun, adopt, maxDeletePercent). */
  options: Record<string, unknown>;
  count: number;
  people(): AsyncIterable<SnapshotBatch>;
}

const FIELDS = new Set<string>(PERSON_FIELDS);

/** One element as a row: its fields, its attributes, and whatever it carries that a person cannot. */
function rowOf(element: unknown, index: number): RawPerson {
  const where = `people[${index}]`;
  if (element === null || typeof element !== 'object' || Array.isArray(element))
    return { where, fields: {}, attributes: {}, problem: 'is not an object' };
  const fields: Partial<Record<PersonField, unknown>> = {};
  let attributes: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(element)) {
    if (FIELDS.has(key)) fields[key as PersonField] = value;
    else if (key === 'attributes' && value !== null && typeof value === 'object' && !Array.isArray(value))
      attributes = value as Record<string, unknown>;
    else unknown.push(key);
  }
  return {
    where,
    fields,
    attributes,
    ...(unknown.length > 0
      ? {
          problem: `has ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}, which a person does not (allowed: ${PERSON_FIELDS.join(', ')}, attributes)`,
        }
      : {}),
  };
}

/**
 * Reads the body's text as it arrives (UTF-8, at most `limit` bytes, checked by the caller) and
 * returns the snapshot once the document is complete. Malformed JSON, a missing `people` array or
 * options over their size are an SnapshotUnreadable, before any person is handed on.
 */
export async function readJsonSnapshot(body: AsyncIterable<Buffer>): Promise<JsonSnapshot> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const splitter = new JsonArraySplitter('people', { restLimit: OPTIONS_LIMIT });
  const elements: string[] = [];
  try {
    for await (const chunk of body) {
      for (const element of splitter.push(decoder.decode(chunk, { stream: true }))) elements.push(element);
    }
    for (const element of splitter.push(decoder.decode())) elements.push(element);
    splitter.end();
  } catch (error) {
    if (error instanceof JsonStreamError) throw new SnapshotUnreadable(`The body is not a snapshot: ${error.message}.`);
    if (error instanceof TypeError) throw new SnapshotUnreadable('The body is not valid UTF-8.');
    throw error;
  }
  let options: unknown;
  try {
    options = JSON.parse(splitter.rest());
  } catch {
    throw new SnapshotUnreadable('The body is not valid JSON.');
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new SnapshotUnreadable('The body must be a JSON object with a "people" array.');
  const { people: _people, ...rest } = options as Record<string, unknown>;
  return {
    options: rest,
    count: elements.length,
    async *people() {
      for (let i = 0; i < elements.length; i += BATCH) {
        const batch: RawPerson[] = [];
        for (let j = i; j < Math.min(i + BATCH, elements.length); j += 1) {
          const text = elements[j];
          // Each person is let go once read, so a 50 MB snapshot is not held twice.
          elements[j] = '';
          if (nestingExceeds(text, MAX_JSON_DEPTH))
            throw new SnapshotUnreadable(`people[${j}] is nested deeper than ${MAX_JSON_DEPTH} levels.`);
          let element: unknown;
          try {
            element = JSON.parse(text);
          } catch {
            throw new SnapshotUnreadable(`people[${j}] is not valid JSON.`);
          }
          batch.push(rowOf(element, j));
        }
        yield { rows: batch };
      }
    },
  };
}
