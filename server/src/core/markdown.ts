// Escaping user text for the Markdown that chat and Teams messages are made of, so a name such as
// `[Action required](https://evil.example)` reads as itself instead of becoming a live link.

/**
 * Characters that start inline markup (links, images, emphasis, code, autolinks, strike-through).
 * An underscore inside a word (`grp_1`) cannot open emphasis in CommonMark, so it stays as it is.
 */
const INLINE = /[\\`*[\]<>~]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;

/** What makes a line a heading, list item, quote or rule when it comes first on the line. */
const BLOCK_START = /^(\s*)([#>+=-]|\d+[.)])/;

/**
 * Text for the middle of a line: markup characters are backslash-escaped (CommonMark, which the
 * chat tools and Adaptive Cards follow), and line breaks become spaces so a value cannot start a
 * line of its own, such as a forged `**Author:**` line.
 */
export function escapeInline(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(INLINE, '\\$&');
}

/** Splits text into lines at every line break CommonMark knows: CRLF, LF and a lone CR. */
export function lines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** One line of a multi-line text (a quoted note): inline markup and block markers escaped. */
export function escapeLine(line: string): string {
  return line.replace(INLINE, '\\$&').replace(BLOCK_START, (_match, space: string, marker: string) => `${space}${marker.replace(/([#>+=.)-])/, '\\$1')}`);
}
