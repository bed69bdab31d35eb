// The `chat` webhook format: an incoming-webhook `{"text"}` body in Markdown, as help article 001
// describes — a linked header, an optional author line, then key fields or one line per change,
// with a blank line between blocks and a horizontal rule between the messages of a batch.
// Every piece of user text is escaped (core/markdown): names, values, labels and notes.
import { type ChatFormat, renderBody } from './chat-format';
import type { PeopleEvent } from './events';
import { escapeInline as md, escapeLine, lines } from './markdown';
import type { Message } from './message';

/**
 * Characters in one request's text. Mattermost refuses posts over 16,383 characters by default
 * (MaxPostSize, Mattermost's "Message length" documentation); Rocket.Chat and Discord-style
 * receivers take at least as much. Counted in UTF-16 code units, never fewer than characters.
 */
export const CHAT_MAX_CHARACTERS = 16_000;

const RULE = '\n\n---\n\n';

function people(names: string[]): string {
  const bold = names.map((n) => `**${md(n)}**`);
  return bold.length <= 1 ? (bold[0] ?? '') : `${bold.slice(0, -1).join(', ')} and ${bold[bold.length - 1]}`;
}

export function renderMarkdown(message: Message): string {
  const blocks: string[] = [];
  if (message.title) {
    const entity = md(message.title.entity);
    blocks.push(
      `**${message.title.url === null ? entity : `[${entity}](${message.title.url})`}** ${message.title.verb}`,
    );
  }
  if (message.recognition) {
    const r = message.recognition;
    blocks.push(
      `**${md(r.giver)}** recognized ${people(r.recipients)} with **${r.points}** points${r.program ? ` in *${md(r.program)}*` : ''}`,
    );
  }
  if (message.author) blocks.push(`**Author:** ${md(message.author)}`);
  for (const line of message.lines) {
    if (typeof line.value === 'string') {
      blocks.push(`**${md(line.label)}:** ${md(line.value)}`);
    } else if ('old' in line.value) {
      blocks.push(`**${md(line.label)}:** ${md(line.value.old)} → ${md(line.value.new)}`);
    } else {
      const parts = [];
      if (line.value.added.length > 0) parts.push(`[+] ${line.value.added.map(md).join(', ')}`);
      if (line.value.removed.length > 0) parts.push(`[-] ${line.value.removed.map(md).join(', ')}`);
      blocks.push(`**${md(line.label)}:** ${parts.join(' ')}`);
    }
  }
  // Every line of the note is quoted, so no line of it can stand outside the quote.
  if (message.quote)
    blocks.push(
      lines(message.quote)
        .map((l) => `> ${escapeLine(l)}`)
        .join('\n'),
    );
  if (message.omitted)
    blocks.push(`… ${message.omitted} left out${message.link === null ? '.' : `: <${message.link}>`}`);
  return blocks.join('\n\n');
}

export const chatFormat: ChatFormat<string, { text: string }> = {
  part: renderMarkdown,
  body: (parts) => ({ text: parts.join(RULE) }),
  fits: (body) => body.text.length <= CHAT_MAX_CHARACTERS,
};

/** The request body: one message, or a batch joined by horizontal rules. */
export function chatPayload(events: PeopleEvent[], publicUrl: string): { text: string } {
  return renderBody(chatFormat, events, publicUrl);
}
