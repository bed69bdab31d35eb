import fc from 'fast-check';
import { JsonArraySplitter, JsonStreamError } from '../../../server/src/core/json-array-stream';

/** Cuts text at the given points (fractions), as a network would. */
function chunks(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((f) => Math.floor(f * text.length)))].sort((a, b) => a - b);
  const out: string[] = [];
  let last = 0;
  for (const point of points) {
    out.push(text.slice(last, point));
    last = point;
  }
  out.push(text.slice(last));
  return out;
}

function split(text: string, cuts: number[], key = 'employees'): unknown[] {
  const splitter = new JsonArraySplitter(key);
  const elements = chunks(text, cuts).flatMap((piece) => splitter.push(piece));
  splitter.end();
  return elements.map((element) => JSON.parse(element) as unknown);
}

describe('splitting a JSON array as it streams in', () => {
  test('any document, cut anywhere, yields exactly the array JSON.parse sees', () => {
    const element = fc.oneof(
      fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
    );
    fc.assert(
      fc.property(
        fc.array(element, { maxLength: 12 }),
        fc.dictionary(
          fc.string({ maxLength: 6 }).filter((k) => k !== 'employees'),
          fc.jsonValue({ maxDepth: 2 }),
          { maxKeys: 3 },
        ),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }),
        fc.boolean(),
        (employees, others, cuts, pretty) => {
          const document = JSON.stringify({ ...others, employees, tail: others }, null, pretty ? 2 : undefined);
          expect(split(document, cuts)).toEqual(JSON.parse(document).employees);
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });

  test('escapes split across chunks are read as escapes', () => {
    const employees = [{ a: 'x\\', b: '\\"', c: '\\\\\\"}', d: 'quote " and \\ backslash' }, { e: '\\' }];
    const document = JSON.stringify({ employees });
    // Every single cut point, one at a time: each falls somewhere in a run of backslashes or quotes.
    for (let cut = 1; cut < document.length; cut += 1)
      expect(split(document, [cut / document.length])).toEqual(employees);
  });

  test('strings that look like structure do not confuse it', () => {
    const employees = [{ note: 'a } ] { [ , " \\" \\\\', employees: ['"employees": ['] }, { 'k"ey': '}}}' }];
    const document = JSON.stringify({ decoy: 'employees', 'employees\\"': [1], employees });
    for (const cuts of [
      [],
      [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
      Array.from({ length: 200 }, (_, i) => i / 200),
    ]) {
      expect(split(document, cuts)).toEqual(employees);
    }
  });

  test('a missing, cut-off or malformed array is an error', () => {
    expect(() => split('{"people": []}', [])).toThrow(JsonStreamError);
    expect(() => split('{"employees": [{"id": 1}, {"id"', [0.5])).toThrow(/before its JSON was complete/);
    expect(() => split('{"employees": {"id": 1}}', [])).toThrow(/not an array/);
    expect(() => split('{"employees": [1, 2]}', [])).toThrow(/must be objects/);
  });
});
