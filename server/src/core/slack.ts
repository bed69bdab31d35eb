// The `slack` webhook format: Slack's incoming-webhook body, `{text, blocks}` in Slack mrkdwn.
import type { DividerBlock, KnownBlock, SectionBlock } from '@slack/types';
import { type ChatFormat, renderBody } from './chat-format';
import type { PeopleEvent } from './events';
import { WORD_JOINER, defuseMentions, flattenLines, guardLineStart, splitLines } from './inert';
import type { Message } from './message';

/** Blocks in one message: at most 50 (Slack's Block Kit reference, "Blocks"). */
export const SLACK_MAX_BLOCKS = 50;
/**
 * Characters in a section's text (Slack, "Section block" and "Text object" references: at most
 * 3,000). The top-level `text` is held to the same, though Slack would truncate it only at 40,000:
 * it is a notification line, and Mattermost's Slack-compatible webhooks post it as the message.
 */
export const SLACK_MAX_TEXT = 3_000;

/**
 * Slack needs &, < and > escaped in text (its links and mentions are `<…>`); mentions are defused
 * for the tools that read this body with other rules (Mattermost reads `@here` and Markdown links
 * `[label](url)` in `text`), so `](` gets a word joiner. Line breaks are handled by the callers.
 */
function escapeText(text: string): string {
  return defuseMentions(text)
    .replace(/\](?=\()/g, `]${WORD_JOINER}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** User text for the middle of a line: line breaks become spaces, so a value cannot start a line. */
const escape = (text: string) => escapeText(flattenLines(text));

function names(list: string[]): string {
  const bold = list.map((n) => `*${escape(n)}*`);
  return bold.length <= 1 ? (bold[0] ?? '') : `${bold.slice(0, -1).join(', ')} and ${bold[bold.length - 1]}`;
}

/** A one-line plain summary, for notifications and clients that do not show blocks. */
function summary(message: Message): string {
  if (message.recognition)
    return `${escape(message.recognition.giver)} recognized ${message.recognition.recipients.map(escape).join(', ')}`;
  // A survey's name is user text, so the title is escaped as everything else is.
  return message.title ? `${escape(message.title.entity)} ${escape(message.title.verb)}` : '';
}

/** mrkdwn that holds user text: verbatim, so Slack links no bare URL, channel name or mention in it. */
function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}

function sections(message: Message): KnownBlock[] {
  const lines: string[] = [];
  if (message.title) {
    const entity = escape(message.title.entity);
    lines.push(
      `*${message.title.url === null ? entity : `<${message.title.url}|${entity}>`}* ${escape(message.title.verb)}`,
    );
  }
  if (message.recognition) {
    const r = message.recognition;
    lines.push(
      `*${escape(r.giver)}* recognized ${names(r.recipients)} with *${r.points}* points${r.program ? ` in _${escape(r.program)}_` : ''}`,
    );
  }
  const blocks: KnownBlock[] = [section(lines.join('\n'))];
  const details: string[] = [];
  if (message.author) details.push(`*Author:* ${escape(message.author)}`);
  for (const line of message.lines) {
    if (typeof line.value === 'string') {
      details.push(`*${escape(line.label)}:* ${escape(line.value)}`);
    } else if ('old' in line.value) {
      details.push(`*${escape(line.label)}:* ${escape(line.value.old)} → ${escape(line.value.new)}`);
    } else {
      const parts = [];
      if (line.value.added.length > 0) parts.push(`[+] ${escape(line.value.added.join(', '))}`);
      if (line.value.removed.length > 0) parts.push(`[-] ${escape(line.value.removed.join(', '))}`);
      details.push(`*${escape(line.label)}:* ${parts.join(' ')}`);
    }
  }
  // Every line of the note is quoted, so no line of it can stand outside the quote.
  if (message.quote)
    details.push(
      splitLines(message.quote)
        .map((l) => `>${escapeText(l)}`)
        .join('\n'),
    );
  if (message.omitted)
    details.push(`… ${message.omitted} left out${message.link === null ? '.' : `: <${message.link}>`}`);
  if (details.length > 0) blocks.push(section(details.join('\n')));
  return blocks;
}

export interface SlackPayload {
  text: string;
  blocks: KnownBlock[];
  /** Slack's incoming webhooks take these: no previews of links that user text may hold. */
  unfurl_links: false;
  unfurl_media: false;
}

interface SlackPart {
  summary: string;
  blocks: KnownBlock[];
}

const DIVIDER: DividerBlock = { type: 'divider' };

export const slackFormat: ChatFormat<SlackPart, SlackPayload> = {
  part: (message) => ({ summary: summary(message), blocks: sections(message) }),
  body: (parts) => ({
    // Mattermost renders this line as Markdown: it must not start with a heading or list marker.
    text: guardLineStart(parts.map((p) => p.summary).join('; ')),
    blocks: parts.flatMap((part, i) => (i === 0 ? part.blocks : [DIVIDER, ...part.blocks])),
    unfurl_links: false,
    unfurl_media: false,
  }),
  fits: (body) =>
    body.blocks.length <= SLACK_MAX_BLOCKS &&
    body.text.length <= SLACK_MAX_TEXT &&
    body.blocks.every((block) => block.type !== 'section' || (block.text?.text.length ?? 0) <= SLACK_MAX_TEXT),
};

export function slackPayload(events: PeopleEvent[], publicUrl: string): SlackPayload {
  return renderBody(slackFormat, events, publicUrl);
}
