import fc from 'fast-check';
import { chatPayload } from '../../../server/src/core/chat';
import type { PeopleEvent } from '../../../server/src/core/events';
import { slackPayload } from '../../../server/src/core/slack';
import { teamsPayload } from '../../../server/src/core/teams';
import { TEXT_EVENT_TYPES, TEXT_SLOTS, type TextSlot, eventsWithText } from '../../helpers/chat-events';

const URL = 'https://hub.example.com';

/** Markup that must never come from user text: mentions, and Markdown's link-opening `](`. */
const FORBIDDEN: [string, RegExp][] = [
  ['<!', /<!/g],
  ['<@', /<@/g],
  ['<#', /<#/g],
  ['@here', /@here/gi],
  ['@channel', /@channel/gi],
  ['@all', /@all/gi],
  ['@everyone', /@everyone/gi],
  ['](', /\]\(/g],
];
/** Every line break a chat tool might honour. */
const BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;
/** What would make a line inside a quote a heading, list, nested quote or rule. */
const BLOCK_MARKER = /^\s*(?:[#>+=*-]|\d+[.)])/;

const FORMATS = {
  chat: (events: PeopleEvent[]) => chatPayload(events, URL),
  slack: (events: PeopleEvent[]) => slackPayload(events, URL),
  teams: (events: PeopleEvent[]) => teamsPayload(events, URL),
};

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) strings(item, out);
  return out;
}

const count = (texts: string[], pattern: RegExp) =>
  texts.reduce((n, text) => n + (text.match(pattern)?.length ?? 0), 0);
const benignText = (slot: TextSlot) => `Plain ${slot}`;

/**
 * Compares the rendering of events holding hostile text with the rendering of the same events
 * holding plain placeholders: the hostile one may hold no more mention or link markup, and no more
 * lines outside the quote; the note's lines are all quoted and none starts a block.
 */
function expectInert(format: keyof typeof FORMATS, type: string, hostile: (slot: TextSlot) => string): void {
  const benign = strings(FORMATS[format]([eventsWithText(benignText)[type]]));
  const rendered = strings(FORMATS[format]([eventsWithText(hostile)[type]]));
  const where = `${format} ${type}`;
  for (const [token, pattern] of FORBIDDEN) {
    if (count(rendered, pattern) > count(benign, pattern))
      throw new Error(`${where}: user text put a raw ${token} into ${JSON.stringify(rendered)}`);
  }
  const noteLines = type === 'recognition.completed' ? hostile('note').split(BREAK).length : 0;
  if (format === 'teams') {
    // Card elements stay as they are; only the note's own TextBlock may hold several lines.
    if (rendered.length !== benign.length)
      throw new Error(`${where}: the card changed shape: ${JSON.stringify(rendered)}`);
    rendered.forEach((text, i) => {
      const lines = text.split(BREAK);
      if (benign[i] === 'Plain note') {
        if (lines.length !== noteLines)
          throw new Error(`${where}: the note has ${lines.length} lines, not ${noteLines}: ${JSON.stringify(text)}`);
        for (const line of lines)
          if (BLOCK_MARKER.test(line)) throw new Error(`${where}: a note line starts a block: ${JSON.stringify(line)}`);
      } else if (lines.length !== benign[i].split(BREAK).length) {
        throw new Error(`${where}: user text broke a line in ${JSON.stringify(text)}`);
      }
    });
    return;
  }
  const split = (texts: string[]) => texts.flatMap((text) => text.split(BREAK));
  const outside = (lines: string[]) => lines.filter((line) => !line.startsWith('>'));
  const quoted = split(rendered).filter((line) => line.startsWith('>'));
  if (outside(split(rendered)).length !== outside(split(benign)).length)
    throw new Error(`${where}: user text added a line outside the quote: ${JSON.stringify(rendered)}`);
  if (quoted.length !== noteLines)
    throw new Error(`${where}: ${quoted.length} quoted lines for a note of ${noteLines}: ${JSON.stringify(rendered)}`);
  if (format === 'chat')
    for (const line of quoted)
      if (!/^>( |$)/.test(line) || BLOCK_MARKER.test(line.replace(/^> ?/, '')))
        throw new Error(`${where}: a note line starts a block: ${JSON.stringify(line)}`);
}

/** Pieces that make markup when they meet, and every line break there is, mixed with any text at all. */
const FRAGMENTS = [
  '<!channel>',
  '<!here>',
  '<!all>',
  '<!everyone>',
  '<!',
  '<@U024BE7LH>',
  '<@',
  '<#C024BE7LR>',
  '<!subteam^S1>',
  '@here',
  '@channel',
  '@all',
  '@everyone',
  '@HERE',
  '@Channel',
  '@',
  '<',
  '>',
  '!',
  '|',
  '&',
  '&lt;',
  '&gt;',
  '[',
  ']',
  '(',
  ')',
  '](',
  '[Action required](https://evil.example/login)',
  '<https://evil.example/reset|Reset your password>',
  '\\',
  '\\]',
  '*',
  '**',
  '_',
  '~',
  '`',
  '#',
  '# ',
  '## ',
  '- ',
  '+ ',
  '> ',
  '1. ',
  '2) ',
  '---',
  '===',
  ' ',
  '   ',
  '\n',
  '\r',
  '\r\n',
  '\v',
  '\f',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u2060',
  'here',
  'channel',
  'all',
  'x',
];
const hostileText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => parts.join(''))
  .filter((text) => text !== '');

describe('user text is inert in every chat format', () => {
  test('no hostile text, in any slot of any event type, makes a mention, a link, a heading or a line of its own', () => {
    fc.assert(
      fc.property(
        fc.record(
          Object.fromEntries(TEXT_SLOTS.map((slot) => [slot, hostileText])) as Record<TextSlot, fc.Arbitrary<string>>,
        ),
        (texts) => {
          for (const type of TEXT_EVENT_TYPES)
            for (const format of Object.keys(FORMATS) as (keyof typeof FORMATS)[])
              expectInert(format, type, (slot) => texts[slot]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
