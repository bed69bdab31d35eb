// How deep JSON text nests, measured before any parser sees it: request bodies, cursors and HiBob's
// notices are all held to one cap, so nesting costs no more than its bytes.

/** JSON nested deeper than this is refused before it is parsed; no request needs more than a few levels. */
export const MAX_JSON_DEPTH = 32;

/** One linear pass over the text, skipping strings: does any bracket open deeper than `max`? */
export function nestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    }
  }
  return false;
}
