// Splits one array inside a large JSON document into its elements as the text arrives, so a response
// of 100,000 records is never held or parsed as a whole: each element is handed out as its own JSON
// text, for JSON.parse. (A general streaming parser would emit every token as an event and cost many
// times more; this only has to find where each element begins and ends.)

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export class JsonStreamError extends Error {}

/** Between strings inside an element only these matter; jumping to them skips most text. */
const ELEMENT_STOP = /["{}[\]]/g;

/** How many backslashes end `text[from, before)`: an odd run escapes the character after it. */
function backslashesBefore(text: string, before: number, from: number): number {
  let run = 0;
  for (let k = before - 1; k >= from && text.charCodeAt(k) === BACKSLASH; k -= 1) run += 1;
  return run;
}

/**
 * Feeds text in; gets back the complete elements of the array held by `key` in the top-level
 * object (`{"employees": [ … ]}`), in order. `end()` checks that the array was found and closed.
 */
export class JsonArraySplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** seek: looking for the key; colon/open: just after it; array: inside it; done: after it. */
  private state: 'seek' | 'colon' | 'open' | 'array' | 'done' = 'seek';
  /** The top-level string being read, to tell whether it is the key (only depth-1 strings are kept). */
  private topString: string[] | null = null;
  private lastTopString: string | null = null;
  /** The current element's text from earlier chunks. */
  private pending = '';
  private inElement = false;

  /** The key as it appears between the quotes in JSON text. */
  private readonly writtenKey: string;
  /** The document's text outside the array (kept when asked for), with the array as `[]`. */
  private outside: string[] = [];
  private outsideLength = 0;

  /** `restLimit`: keep the rest of the document (up to this many characters) for `rest()`. */
  constructor(
    private readonly key: string,
    private readonly options: { restLimit?: number } = {},
  ) {
    this.writtenKey = JSON.stringify(key).slice(1, -1);
  }

  private keep(text: string): void {
    if (this.options.restLimit === undefined || text === '') return;
    this.outsideLength += text.length;
    if (this.outsideLength > this.options.restLimit)
      throw new JsonStreamError(
        `the members besides "${this.key}" are over ${this.options.restLimit} characters together`,
      );
    this.outside.push(text);
  }

  /** The document with the array emptied, as JSON text (after `end()`; only with `restLimit`). */
  rest(): string {
    return this.outside.join('');
  }

  push(chunk: string): string[] {
    const out: string[] = [];
    let start = this.inElement ? 0 : -1;
    let keptFrom = this.state === 'array' ? -1 : 0;
    for (let i = 0; i < chunk.length; i += 1) {
      if (this.inString && this.topString === null) {
        // Fast path: most of a document is string content, and indexOf finds its end.
        const end = this.stringEnd(chunk, i);
        if (end < 0) break;
        this.inString = false;
        i = end;
        continue;
      }
      if (this.inElement && !this.inString) {
        // Fast path: between strings in an element, nothing but quotes and brackets changes the state.
        ELEMENT_STOP.lastIndex = i;
        const found = ELEMENT_STOP.exec(chunk);
        if (found === null) break;
        i = found.index;
      }
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.topString !== null) {
            this.lastTopString = this.topString.join('');
            this.topString = null;
          }
          continue;
        }
        // Kept as written (escapes included), and compared with the key as JSON writes it.
        this.topString?.push(chunk[i]);
        continue;
      }
      if (this.state === 'array' && !this.inElement && !isSpace(c) && c !== COMMA && c !== CLOSE_ARRAY) {
        if (c !== OPEN_OBJECT && c !== OPEN_ARRAY)
          throw new JsonStreamError(`the elements of "${this.key}" must be objects or arrays`);
        this.inElement = true;
        start = i;
      }
      if (c === QUOTE) {
        this.inString = true;
        this.topString = this.depth === 1 && this.state === 'seek' ? [] : null;
        continue;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (this.state === 'open') {
          if (c !== OPEN_ARRAY) throw new JsonStreamError(`"${this.key}" is not an array`);
          this.state = 'array';
          this.keep(chunk.slice(keptFrom, i + 1));
          keptFrom = -1;
        }
        this.depth += 1;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth -= 1;
        if (this.depth < 0) throw new JsonStreamError('the JSON closes more than it opens');
        if (this.state === 'array' && this.inElement && this.depth === 2) {
          out.push(this.pending + chunk.slice(start, i + 1));
          this.pending = '';
          this.inElement = false;
        } else if (this.state === 'array' && this.depth === 1) {
          this.state = 'done';
          keptFrom = i;
        }
      } else if (c === COLON && this.depth === 1 && this.state === 'seek') {
        if (this.lastTopString === this.writtenKey) this.state = 'open';
      } else if (this.state === 'open' && !isSpace(c)) {
        throw new JsonStreamError(`"${this.key}" is not an array`);
      }
    }
    if (this.inElement) this.pending += chunk.slice(Math.max(start, 0));
    if (keptFrom >= 0) this.keep(chunk.slice(keptFrom));
    return out;
  }

  /**
   * Where the string being read closes in `chunk` (the index of its quote), or -1 when it goes on in
   * the next chunk (then `escaped` says whether that chunk starts with an escaped character).
   */
  private stringEnd(chunk: string, from: number): number {
    let i = from;
    if (this.escaped) {
      this.escaped = false;
      i += 1;
    }
    for (;;) {
      const quote = chunk.indexOf('"', i);
      if (quote < 0) {
        this.escaped = backslashesBefore(chunk, chunk.length, i) % 2 === 1;
        return -1;
      }
      if (backslashesBefore(chunk, quote, i) % 2 === 0) return quote;
      i = quote + 1;
    }
  }

  end(): void {
    if (this.state !== 'done' || this.depth !== 0 || this.inString) {
      throw new JsonStreamError(
        this.state === 'seek'
          ? `the answer has no "${this.key}" array`
          : 'the answer ended before its JSON was complete',
      );
    }
  }
}
