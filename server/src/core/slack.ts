// The `slack` webhook format: Slack's incoming-webhook body, `{text, blocks}` in Slack mrkdwn.
import type { PeopleEvent } from './events';
import { lines as splitLines } from './markdown';
import { type Message, eventMessage } from './message';

/**
 * Slack needs &, < and > escaped in text (its links are `<url|label>`); line breaks become spaces
 * so a value cannot start a line of its own. Quoted notes are escaped line by line.
 */
function escape(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function names(list: string[]): string {
  const bold = list.map((n) => `*${escape(n)}*`);
  return bold.length <= 1 ? (bold[0] ?? '') : `${bold.slice(0, -1).join(', ')} and ${bold[bold.length - 1]}`;
}

/** A one-line plain summary, for notifications and clients that do not show blocks. */
function summary(message: Message): string {
  if (message.recognition) return `${message.recognition.giver} recognized ${message.recognition.recipients.join(', ')}`;
  return message.title ? `${message.title.entity} ${message.title.verb}` : '';
}

function sections(message: Message): unknown[] {
  const lines: string[] = [];
  if (message.title) lines.push(`*<${message.title.url}|${escape(message.title.entity)}>* ${escape(message.title.verb)}`);
  if (message.recognition) {
    const r = message.recognition;
    lines.push(`*${escape(r.giver)}* recognized ${names(r.recipients)} with *${r.points}* points${r.program ? ` in _${escape(r.program)}_` : ''}`);
  }
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }];
  const details: string[] = [];
  if (message.author) details.push(`*Author:* ${escape(message.author)}`);
  for (const line of message.lines) {
    if (typeof line.value === 'string') {
      details.push(`*${escape(line.label)}:* ${escape(line.value)}`);
    } else {
      const parts = [];
      if (line.value.added.length > 0) parts.push(`[+] ${escape(line.value.added.join(', '))}`);
      if (line.value.removed.length > 0) parts.push(`[-] ${escape(line.value.removed.join(', '))}`);
      details.push(`*${escape(line.label)}:* ${parts.join(' ')}`);
    }
  }
  if (message.quote) details.push(splitLines(message.quote).map((l) => `>${escape(l)}`).join('\n'));
  if (details.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: details.join('\n') } });
  return blocks;
}

export function slackPayload(events: PeopleEvent[], publicUrl: string): { text: string; blocks: unknown[] } {
  const messages = events.map((event) => eventMessage(event, publicUrl));
  const blocks = messages.flatMap((message, i) => (i === 0 ? sections(message) : [{ type: 'divider' }, ...sections(message)]));
  return { text: messages.map(summary).join('; '), blocks };
}
