// The `chat` webhook format: an incoming-webhook `{"text"}` body in Markdown, as help article 001
// describes — a linked header, an optional author line, then key fields or one line per change,
// with a blank line between blocks and a horizontal rule between the messages of a batch.
// Every piece of user text is escaped (core/markdown): names, values, labels and notes.
import type { PeopleEvent } from './events';
import { escapeInline as md, escapeLine, lines } from './markdown';
import { type Message, eventMessage } from './message';

function people(names: string[]): string {
  const bold = names.map((n) => `**${md(n)}**`);
  return bold.length <= 1 ? (bold[0] ?? '') : `${bold.slice(0, -1).join(', ')} and ${bold[bold.length - 1]}`;
}

export function renderMarkdown(message: Message): string {
  const blocks: string[] = [];
  if (message.title) blocks.push(`**[${md(message.title.entity)}](${message.title.url})** ${message.title.verb}`);
  if (message.recognition) {
    const r = message.recognition;
    blocks.push(`**${md(r.giver)}** recognized ${people(r.recipients)} with **${r.points}** points${r.program ? ` in *${md(r.program)}*` : ''}`);
  }
  if (message.author) blocks.push(`**Author:** ${md(message.author)}`);
  for (const line of message.lines) {
    if (typeof line.value === 'string') {
      blocks.push(`**${md(line.label)}:** ${md(line.value)}`);
    } else {
      const parts = [];
      if (line.value.added.length > 0) parts.push(`[+] ${line.value.added.map(md).join(', ')}`);
      if (line.value.removed.length > 0) parts.push(`[-] ${line.value.removed.map(md).join(', ')}`);
      blocks.push(`**${md(line.label)}:** ${parts.join(' ')}`);
    }
  }
  if (message.quote) blocks.push(lines(message.quote).map((l) => `> ${escapeLine(l)}`).join('\n'));
  return blocks.join('\n\n');
}

export function chatMessage(event: PeopleEvent, publicUrl: string): string {
  return renderMarkdown(eventMessage(event, publicUrl));
}

/** The request body: one message, or a batch joined by horizontal rules. */
export function chatPayload(events: PeopleEvent[], publicUrl: string): { text: string } {
  return { text: events.map((event) => chatMessage(event, publicUrl)).join('\n\n---\n\n') };
}
