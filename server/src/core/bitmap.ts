// Sets of small numbers as bitmaps (bit n of byte n >> 3): respondents of a department's month,
// stored in a few hundred bytes, unioned and counted without a row per person. Pure.

/** A copy with bit n set (grown as needed) or cleared (trailing zero bytes trimmed). */
export function withBit(bitmap: Uint8Array, n: number, on: boolean): Buffer {
  const size = on ? Math.max(bitmap.length, (n >> 3) + 1) : bitmap.length;
  const out = Buffer.alloc(size);
  out.set(bitmap.subarray(0, size));
  if (on) out[n >> 3] |= 1 << (n & 7);
  else if (n >> 3 < size) out[n >> 3] &= ~(1 << (n & 7));
  let end = out.length;
  while (end > 0 && out[end - 1] === 0) end -= 1;
  return out.subarray(0, end);
}

/** The union of two bitmaps, in place into `into` when it is long enough. */
export function union(into: Buffer, other: Uint8Array): Buffer {
  const out = into.length >= other.length ? into : Buffer.concat([into, Buffer.alloc(other.length - into.length)]);
  for (let i = 0; i < other.length; i += 1) out[i] |= other[i];
  return out;
}

/** The numbers whose bits are set, ascending. */
export function members(bitmap: Uint8Array): number[] {
  const out: number[] = [];
  for (let byte = 0; byte < bitmap.length; byte += 1) {
    const bits = bitmap[byte];
    if (bits === 0) continue;
    for (let bit = 0; bit < 8; bit += 1) if (bits & (1 << bit)) out.push(byte * 8 + bit);
  }
  return out;
}
