// Escaping user text for the Markdown that chat and Teams messages are made of, so a name such as
// `[Action required](https://evil.example)` reads as itself instead of becoming a live link.
import { BLOCK_START, defuseMentions, flattenLines, splitLines } from './inert';

/**
 * Characters that start inline markup (links, images, emphasis, code, autolinks, strike-through),
 * and an `&` that starts an entity (`&lt;` would show as `<`, not as typed). An underscore inside a
 * word (`grp_1`) cannot open emphasis in CommonMark, so it stays as it is.
 */
const INLINE = /[\\`*[\]<>~]|&(?=#?[\p{L}\p{N}]+;)|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;

/**
 * Inline markup escaped, mentions defused. An escaped `\]` followed by `(` is not a link, but the
 * pair `](` would still stand in the text for tools that look for links without parsing Markdown,
 * so the parenthesis is escaped too.
 */
function escapeMarkup(text: string): string {
  return defuseMentions(text)
    .replace(INLINE, '\\$&')
    .replace(/\\\]\(/g, '\\]\\(');
}

/**
 * Text for the middle of a line: markup characters are backslash-escaped (CommonMark, which the
 * chat tools and Adaptive Cards follow), mentions defused, and line breaks become spaces so a value
 * cannot start a line of its own, such as a forged `**Author:**` line.
 */
export function escapeInline(text: string): string {
  return escapeMarkup(flattenLines(text));
}

/** Splits text into lines at every line break a chat tool might honour (see core/inert). */
export function lines(text: string): string[] {
  return splitLines(text);
}

/**
 * One line of a multi-line text (a quoted note): inline markup and block markers escaped (a `*` or
 * `>` is escaped as inline markup already; of an ordered list's `1.` the dot is).
 */
export function escapeLine(line: string): string {
  return escapeMarkup(line).replace(
    BLOCK_START,
    (_match, space: string, marker: string) => `${space}${marker.replace(/([#>+=.)-])/, '\\$1')}`,
  );
}

/** Text that starts its own line but must stay one line (a Teams fact's title or value). */
export function escapeCell(text: string): string {
  return escapeLine(flattenLines(text));
}
