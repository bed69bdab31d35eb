// Packing items, in order, into as few consecutive chunks as a size check allows (a batch of chat
// messages into requests a chat tool accepts).

/**
 * Greedy: each chunk takes the next items while `fits` holds for it. For a size that only grows as
 * items are added (blocks, characters, bytes), that gives the fewest chunks any in-order packing
 * can. Every item lands in exactly one chunk, in order; an item too big on its own gets a chunk of
 * its own rather than being dropped (callers shorten items first, so that does not happen).
 */
export function packChunks<T>(items: readonly T[], fits: (chunk: T[]) => boolean): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  for (const item of items) {
    if (current.length > 0 && !fits([...current, item])) {
      chunks.push(current);
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
