import { suppressedSets } from '../../../server/src/core/anonymity';

describe('complementary suppression', () => {
  let next = 0;
  const people = (n: number) => new Set(Array.from({ length: n }, () => `p${next++}`));
  /** Disjoint segments of these sizes, and `rest` people no segment covers. */
  const run = (counts: [string, number][], threshold = 5, rest = 0) =>
    Object.fromEntries(suppressedSets(new Map(counts.map(([key, n]) => [key, people(n)])), people(rest), threshold));

  test('nothing is hidden when every segment that answered reaches the threshold', () => {
    expect(
      run([
        ['A', 5],
        ['B', 12],
        ['C', 0],
      ]),
    ).toEqual({});
  });

  test('one small segment takes the smallest visible one with it', () => {
    expect(
      run([
        ['A', 12],
        ['B', 8],
        ['C', 6],
        ['D', 3],
      ]),
    ).toEqual({ D: 'belowThreshold', C: 'protectsAnother' });
  });

  test('small segments that together reach the threshold protect each other', () => {
    expect(
      run([
        ['A', 12],
        ['B', 3],
        ['C', 2],
      ]),
    ).toEqual({ B: 'belowThreshold', C: 'belowThreshold' });
    expect(
      run([
        ['A', 12],
        ['B', 2],
        ['C', 2],
        ['D', 7],
        ['E', 6],
      ]),
    ).toEqual({ B: 'belowThreshold', C: 'belowThreshold', E: 'protectsAnother' });
  });

  test('people in no segment count as withheld: too few of them take a segment with them, enough of them protect the small ones', () => {
    expect(
      run(
        [
          ['A', 10],
          ['B', 7],
        ],
        5,
        2,
      ),
    ).toEqual({ B: 'protectsAnother' });
    expect(
      run(
        [
          ['A', 10],
          ['Legal', 2],
        ],
        5,
        5,
      ),
    ).toEqual({ Legal: 'belowThreshold' });
    expect(
      run(
        [
          ['A', 10],
          ['B', 7],
        ],
        5,
        0,
      ),
    ).toEqual({});
  });

  test('ties are broken by name, so answers repeat', () => {
    expect(
      run([
        ['Zed', 6],
        ['Amy', 6],
        ['Tiny', 1],
      ]),
    ).toEqual({ Tiny: 'belowThreshold', Amy: 'protectsAnother' });
    expect(
      run([
        ['Amy', 6],
        ['Zed', 6],
        ['Tiny', 1],
      ]),
    ).toEqual({ Tiny: 'belowThreshold', Amy: 'protectsAnother' });
  });

  test('overlapping segments count people once: two hidden segments sharing their members do not cover each other', () => {
    const shared = people(3);
    const sets = new Map([
      ['A', people(12)],
      ['B', shared],
      ['C', new Set([...shared].slice(0, 2))],
      ['D', people(6)],
    ]);
    // B and C hold 3 people between them (a sum would say 5): D must go too.
    expect(Object.fromEntries(suppressedSets(sets, new Set(), 5))).toEqual({
      B: 'belowThreshold',
      C: 'belowThreshold',
      D: 'protectsAnother',
    });
  });

  test('when even everyone together is too few, everything is hidden', () => {
    expect(
      run([
        ['A', 2],
        ['B', 1],
      ]),
    ).toEqual({ A: 'belowThreshold', B: 'belowThreshold' });
  });
});
