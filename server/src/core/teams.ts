// The `teams` webhook format: a Teams message carrying one Adaptive Card (Workflows / incoming webhooks).
// Adaptive Card text is Markdown too, so user text is escaped as in the chat format.
import type { PeopleEvent } from './events';
import { escapeInline as md, escapeLine, lines } from './markdown';
import { type Message, eventMessage } from './message';

function card(message: Message, first: boolean): unknown[] {
  const items: unknown[] = [];
  if (message.title) {
    items.push({ type: 'TextBlock', text: `[${md(message.title.entity)}](${message.title.url}) ${message.title.verb}`, weight: 'Bolder', size: 'Medium', wrap: true, separator: !first, spacing: first ? 'None' : 'Large' });
  }
  if (message.recognition) {
    const r = message.recognition;
    const names = r.recipients.map(md);
    const to = names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    items.push({ type: 'TextBlock', text: `**${md(r.giver)}** recognized **${to}** with **${r.points}** points${r.program ? ` in *${md(r.program)}*` : ''}`, wrap: true, separator: !first, spacing: first ? 'None' : 'Large' });
  }
  if (message.author) items.push({ type: 'TextBlock', text: `Author: ${md(message.author)}`, isSubtle: true, spacing: 'Small', wrap: true });
  if (message.lines.length > 0) {
    items.push({
      type: 'FactSet',
      facts: message.lines.map((line) => ({
        title: md(line.label),
        value:
          typeof line.value === 'string'
            ? md(line.value)
            : [line.value.added.length > 0 ? `[+] ${line.value.added.map(md).join(', ')}` : '', line.value.removed.length > 0 ? `[-] ${line.value.removed.map(md).join(', ')}` : ''].filter(Boolean).join(' '),
      })),
    });
  }
  if (message.quote) items.push({ type: 'TextBlock', text: lines(message.quote).map(escapeLine).join('\n'), wrap: true, isSubtle: true });
  return items;
}

export function teamsPayload(events: PeopleEvent[], publicUrl: string): unknown {
  const messages = events.map((event) => eventMessage(event, publicUrl));
  const single = messages.length === 1 ? messages[0].title : null;
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: messages.flatMap((message, i) => card(message, i === 0)),
          ...(single ? { actions: [{ type: 'Action.OpenUrl', title: `Open ${single.entity}`, url: single.url }] } : {}),
        },
      },
    ],
  };
}
