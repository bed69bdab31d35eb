// The `teams` webhook format: a Teams message carrying one Adaptive Card (Workflows / incoming webhooks).
// Adaptive Card text is Markdown too, so user text is escaped as in the chat format.
import { type ChatFormat, renderBody } from './chat-format';
import type { PeopleEvent } from './events';
import { plainText } from './inert';
import { escapeCell, escapeInline as md, escapeLine, lines } from './markdown';
import type { Message } from './message';

/**
 * Bytes of the request body (UTF-8 JSON): Teams answers a message over 28 KB with an error
 * ("Create Incoming Webhooks", Microsoft Teams platform documentation; Workflows posts have the same
 * limit). Counted on the whole body, envelope included.
 */
export const TEAMS_MAX_BYTES = 28 * 1024;

type CardElement = Record<string, unknown>;

/** A message's card elements both ways: first in the card, and after a separator. */
interface TeamsPart {
  first: CardElement[];
  later: CardElement[];
  title: Message['title'];
}

function card(message: Message, first: boolean): CardElement[] {
  const items: CardElement[] = [];
  if (message.title) {
    const entity = md(message.title.entity);
    const text = `${message.title.url === null ? entity : `[${entity}](${message.title.url})`} ${message.title.verb}`;
    items.push({
      type: 'TextBlock',
      text,
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
      separator: !first,
      spacing: first ? 'None' : 'Large',
    });
  }
  if (message.recognition) {
    const r = message.recognition;
    const names = r.recipients.map(md);
    const to = names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    items.push({
      type: 'TextBlock',
      text: `**${md(r.giver)}** recognized **${to}** with **${r.points}** points${r.program ? ` in *${md(r.program)}*` : ''}`,
      wrap: true,
      separator: !first,
      spacing: first ? 'None' : 'Large',
    });
  }
  if (message.author)
    items.push({
      type: 'TextBlock',
      text: `Author: ${md(message.author)}`,
      isSubtle: true,
      spacing: 'Small',
      wrap: true,
    });
  if (message.lines.length > 0) {
    // A fact's title and value each start a line of their own: block markers are escaped as well.
    items.push({
      type: 'FactSet',
      facts: message.lines.map((line) => ({
        title: escapeCell(line.label),
        value:
          typeof line.value === 'string'
            ? escapeCell(line.value)
            : 'old' in line.value
              ? `${escapeCell(line.value.old)} → ${md(line.value.new)}`
              : [
                  line.value.added.length > 0 ? `[+] ${line.value.added.map(md).join(', ')}` : '',
                  line.value.removed.length > 0 ? `[-] ${line.value.removed.map(md).join(', ')}` : '',
                ]
                  .filter(Boolean)
                  .join(' '),
      })),
    });
  }
  // The note is its own TextBlock; each of its lines has its block markers escaped.
  if (message.quote)
    items.push({
      type: 'TextBlock',
      text: lines(message.quote).map(escapeLine).join('\n'),
      wrap: true,
      isSubtle: true,
    });
  if (message.omitted) {
    items.push({
      type: 'TextBlock',
      text: `… ${message.omitted} left out${message.link === null ? '.' : `: [${message.link}](${message.link})`}`,
      wrap: true,
      isSubtle: true,
      spacing: 'Small',
    });
  }
  return items;
}

function envelope(parts: TeamsPart[]): unknown {
  const single = parts.length === 1 ? parts[0].title : null;
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
          body: parts.flatMap((part, i) => (i === 0 ? part.first : part.later)),
          ...(single && single.url !== null
            ? { actions: [{ type: 'Action.OpenUrl', title: `Open ${plainText(single.entity)}`, url: single.url }] }
            : {}),
        },
      },
    ],
  };
}

export const teamsFormat: ChatFormat<TeamsPart, unknown> = {
  part: (message) => ({ first: card(message, true), later: card(message, false), title: message.title }),
  body: envelope,
  fits: (body) => Buffer.byteLength(JSON.stringify(body), 'utf8') <= TEAMS_MAX_BYTES,
};

export function teamsPayload(events: PeopleEvent[], publicUrl: string): unknown {
  return renderBody(teamsFormat, events, publicUrl);
}
