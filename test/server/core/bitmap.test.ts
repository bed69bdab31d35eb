import { members, union, withBit } from '../../../server/src/core/bitmap';

describe('bitmaps of respondent numbers', () => {
  test('bits are set, cleared and listed; the bitmap grows as needed and drops trailing zero bytes', () => {
    let b = withBit(Buffer.alloc(0), 0, true);
    b = withBit(b, 9, true);
    b = withBit(b, 23, true);
    expect(members(b)).toEqual([0, 9, 23]);
    expect(b.length).toBe(3);
    b = withBit(b, 23, false);
    expect(members(b)).toEqual([0, 9]);
    expect(b.length).toBe(2);
    // Clearing a bit past the end changes nothing; the input is never modified.
    const before = Buffer.from(b);
    expect(members(withBit(b, 500, false))).toEqual([0, 9]);
    expect(b).toEqual(before);
  });

  test('a union holds every number of both, whichever is longer', () => {
    const of = (numbers: number[]) => numbers.reduce<Buffer>((bitmap, n) => withBit(bitmap, n, true), Buffer.alloc(0));
    const a = of([1, 2, 40]);
    const c = of([2, 3]);
    expect(members(union(Buffer.from(c), a))).toEqual([1, 2, 3, 40]);
    expect(members(union(Buffer.from(a), c))).toEqual([1, 2, 3, 40]);
  });
});
