import { suppressedSegments } from '../../../server/src/core/anonymity';

describe('complementary suppression', () => {
  const run = (counts: [string | null, number][], threshold = 5) => Object.fromEntries([...suppressedSegments(new Map(counts), threshold)].map(([k, v]) => [k ?? '(none)', v]));

  test('nothing is hidden when every segment that answered reaches the threshold', () => {
    expect(run([['A', 5], ['B', 12], ['C', 0]])).toEqual({});
  });

  test('one small segment takes the smallest visible one with it', () => {
    expect(run([['A', 12], ['B', 8], ['C', 6], ['D', 3]])).toEqual({ D: 'belowThreshold', C: 'protectsAnother' });
  });

  test('small segments that together reach the threshold protect each other', () => {
    expect(run([['A', 12], ['B', 3], ['C', 2]])).toEqual({ B: 'belowThreshold', C: 'belowThreshold' });
    expect(run([['A', 12], ['B', 2], ['C', 2], ['D', 7], ['E', 6]])).toEqual({ B: 'belowThreshold', C: 'belowThreshold', E: 'protectsAnother' });
  });

  test('the group without a department counts like any other; ties are broken by name, so answers repeat', () => {
    expect(run([['A', 10], ['Legal', 2], [null, 5]])).toEqual({ Legal: 'belowThreshold', '(none)': 'protectsAnother' });
    expect(run([['Zed', 6], ['Amy', 6], ['Tiny', 1]])).toEqual({ Tiny: 'belowThreshold', Amy: 'protectsAnother' });
    expect(run([['Amy', 6], ['Zed', 6], ['Tiny', 1]])).toEqual({ Tiny: 'belowThreshold', Amy: 'protectsAnother' });
  });

  test('when even everyone together is too few, everything is hidden', () => {
    expect(run([['A', 2], ['B', 1]])).toEqual({ A: 'belowThreshold', B: 'belowThreshold' });
  });
});
