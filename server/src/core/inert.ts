// What every chat format does to user text before its own escaping: line breaks, mentions and the
// link syntax that any of the receiving tools (Slack, Mattermost, Rocket.Chat, Discord, Teams) acts on.

/**
 * An invisible character that breaks a token without showing: `@⁠here` reads as `@here` but is no
 * mention, since every tool matches mentions on the characters as sent.
 */
export const WORD_JOINER = '\u2060';

/**
 * Every line break a receiving tool might honour: CommonMark's CRLF, LF and lone CR, and also the
 * vertical tab, form feed, NEL and the Unicode line and paragraph separators, which some renderers
 * (and every browser's text layout) treat as new lines.
 */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;
const LINE_BREAKS_AROUND = /[\s\u0085]*(?:\r\n|[\n\r\v\f\u0085\u2028\u2029])[\s\u0085]*/g;

/** Splits text (a note) into its lines, at every line break there is. */
export function splitLines(text: string): string[] {
  return text.split(LINE_BREAK);
}

/** Line breaks, with the space around them, become one space: the text stays on its line. */
export function flattenLines(text: string): string {
  return text.replace(LINE_BREAKS_AROUND, ' ');
}

/**
 * Mentions that notify people. `@word` at the start of a word is a user or group mention in
 * Mattermost, Rocket.Chat and Discord; the broadcast words are defused wherever they stand (Discord
 * finds `@everyone` inside words), so an address such as `a@all.example` gets a joiner too.
 * `<!…>`, `<@…>` and `<#…>` are Slack's (and Discord's) mention and channel syntax, which
 * Mattermost's Slack-compatible webhooks translate even inside escaped text.
 */
const MENTION = /(?<![\p{L}\p{N}_.+-])@(?=[\p{L}\p{N}_])|@(?=(?:here|channel|all|everyone))/giu;
const ANGLE_MENTION = /<(?=[!@#])/g;

/** A word joiner after each `@` or `<` that would start a mention; nothing else changes. */
export function defuseMentions(text: string): string {
  return text.replace(MENTION, `@${WORD_JOINER}`).replace(ANGLE_MENTION, `<${WORD_JOINER}`);
}

/**
 * What makes a line a heading, list item, quote or rule in Markdown when it comes first. A marker
 * with no space after it (`+44`) is caught too: escaping one too many is harmless.
 */
export const BLOCK_START = /^(\s*)([#>+=*-]|\d+[.)])/;

/**
 * A word joiner before a block marker at the very start: the line then starts with no marker. For
 * text without backslash escapes that Mattermost renders as Markdown (Slack's summary line).
 */
export function guardLineStart(text: string): string {
  return BLOCK_START.test(text) ? `${WORD_JOINER}${text}` : text;
}

/**
 * User text shown as it is, not as markup (a Teams button's title): one line, mentions defused, and
 * no `](` for tools that look for links without parsing anything.
 */
export function plainText(text: string): string {
  return defuseMentions(flattenLines(text)).replace(/\](?=\()/g, `]${WORD_JOINER}`);
}
