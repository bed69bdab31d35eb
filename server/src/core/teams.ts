// The `teams` webhook format: a Teams message carrying one Adaptive Card (Workflows / incoming webhooks).
import type { PeopleEvent } from './events';
import { type Message, eventMessage } from './message';

function card(message: Message, first: boolean): unknown[] {
  const items: unknown[] = [];
  if (message.title) {
    items.push({ type: 'TextBlock', text: `[${message.title.entity}](${message.title.url}) ${message.title.verb}`, weight: 'Bolder', size: 'Medium', wrap: true, separator: !first, spacing: first ? 'None' : 'Large' });
  }
  if (message.recognition) {
    const r = message.recognition;
    const to = r.recipients.length <= 1 ? (r.recipients[0] ?? '') : `${r.recipients.slice(0, -1).join(', ')} and ${r.recipients[r.recipients.length - 1]}`;
    items.push({ type: 'TextBlock', text: `**${r.giver}** recognized **${to}** with **${r.points}** points${r.program ? ` in *${r.program}*` : ''}`, wrap: true, separator: !first, spacing: first ? 'None' : 'Large' });
  }
  if (message.author) items.push({ type: 'TextBlock', text: `Author: ${message.author}`, isSubtle: true, spacing: 'Small', wrap: true });
  if (message.lines.length > 0) {
    items.push({
      type: 'FactSet',
      facts: message.lines.map((line) => ({
        title: line.label,
        value:
          typeof line.value === 'string'
            ? line.value
            : [line.value.added.length > 0 ? `[+] ${line.value.added.join(', ')}` : '', line.value.removed.length > 0 ? `[-] ${line.value.removed.join(', ')}` : ''].filter(Boolean).join(' '),
      })),
    });
  }
  if (message.quote) items.push({ type: 'TextBlock', text: message.quote, wrap: true, isSubtle: true });
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
