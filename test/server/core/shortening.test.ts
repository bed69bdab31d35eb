import fc from 'fast-check';
import { CHAT_MAX_CHARACTERS, chatFormat, chatPayload } from '../../../server/src/core/chat';
import type { ChatFormat } from '../../../server/src/core/chat-format';
import type { PeopleEvent } from '../../../server/src/core/events';
import type { Message } from '../../../server/src/core/message';
import { shortenMessage } from '../../../server/src/core/shortening';
import { SLACK_MAX_BLOCKS, SLACK_MAX_TEXT, slackFormat, slackPayload } from '../../../server/src/core/slack';
import { TEAMS_MAX_BYTES, teamsFormat, teamsPayload } from '../../../server/src/core/teams';

const URL = 'https://hub.example.com';
const jane = { type: 'user' as const, id: 'usr_1', name: 'Jane Doe', email: 'jane@example.com' };

function event(
  type: PeopleEvent['type'],
  object: Record<string, unknown>,
  changes?: PeopleEvent['data']['changes'],
): PeopleEvent {
  return {
    id: 'evt_1',
    type,
    timestamp: '2026-11-22T10:00:00.000Z',
    organizationId: 'org_1',
    actor: jane,
    data: changes ? { object, changes } : { object },
  };
}

/** Each format's whole body for one event, and whether it keeps to the receiving tool's limits. */
const FORMATS = {
  chat: (e: PeopleEvent) => {
    const body = chatPayload([e], URL);
    return { text: body.text, fits: body.text.length <= CHAT_MAX_CHARACTERS };
  },
  slack: (e: PeopleEvent) => {
    const body = slackPayload([e], URL);
    const texts = body.blocks.map((b) => (b.type === 'section' ? (b.text?.text ?? '') : ''));
    return {
      text: [body.text, ...texts].join('\n'),
      fits:
        body.blocks.length <= SLACK_MAX_BLOCKS &&
        body.text.length <= SLACK_MAX_TEXT &&
        texts.every((t) => t.length <= SLACK_MAX_TEXT),
    };
  },
  teams: (e: PeopleEvent) => {
    const json = JSON.stringify(teamsPayload([e], URL));
    return {
      text: (
        JSON.parse(json) as {
          attachments: { content: { body: { text?: string; facts?: { title: string; value: string }[] }[] } }[];
        }
      ).attachments[0].content.body
        .map((b) => b.text ?? b.facts?.map((f) => `${f.title}: ${f.value}`).join('\n'))
        .join('\n'),
      fits: Buffer.byteLength(json) <= TEAMS_MAX_BYTES,
    };
  },
};

const changes = (n: number, value = (i: number) => `value ${i}`) =>
  Array.from({ length: n }, (_, i) => ({
    field: `attributes.Skill ${i}`,
    label: `Skill ${i}`,
    old: null,
    new: value(i),
  }));

describe('shortening one event until the chat tool takes it', () => {
  test('a message that fits is left exactly as it is', () => {
    const message: Message = {
      title: { entity: 'Role', url: `${URL}/roles/rol_1`, verb: 'was created' },
      recognition: null,
      author: 'Jane',
      lines: [{ label: 'Name', value: 'Engineer' }],
      quote: null,
      link: `${URL}/roles/rol_1`,
      omitted: null,
    };
    expect(shortenMessage(message, () => true)).toBe(message);
    expect(chatPayload([event('role.created', { id: 'rol_1', name: 'Engineer' })], URL).text).not.toContain('left out');
  });

  test.each(Object.keys(FORMATS) as (keyof typeof FORMATS)[])(
    '%s: an update with 600 changed values keeps the first ones in order, says how many it left out and links the employee',
    (format) => {
      const huge = event('employee.updated', { id: 'emp_1', displayName: 'John Roe' }, changes(600));
      const { text, fits } = FORMATS[format](huge);
      expect(fits).toBe(true);
      const kept = [...text.matchAll(/Skill (\d+)/g)].map((m) => Number(m[1]));
      expect(kept.length).toBeGreaterThanOrEqual(format === 'slack' ? 40 : 200);
      expect(kept).toEqual(kept.map((_, i) => i));
      const link = format === 'teams' ? `[${URL}/employees/emp_1](${URL}/employees/emp_1)` : `<${URL}/employees/emp_1>`;
      expect(text).toContain(`… ${600 - kept.length} more changes left out: ${link}`);
    },
  );

  test.each(Object.keys(FORMATS) as (keyof typeof FORMATS)[])(
    '%s: one enormous value is clipped, and the characters left out are counted',
    (format) => {
      const value = `${'x'.repeat(99_990)}END`;
      const { text, fits } = FORMATS[format](
        event('employee.updated', { id: 'emp_1' }, [{ field: 'title', label: 'Title', old: 'Engineer', new: value }]),
      );
      expect(fits).toBe(true);
      expect(text).toContain('Engineer → xxx');
      expect(text).not.toContain('END');
      const left = Number(/… (\d+) characters left out/.exec(text)?.[1]);
      const shown = /x+…/.exec(text)?.[0].length ?? 0;
      expect(left + shown - 1).toBe(value.length);
    },
  );

  test.each(Object.keys(FORMATS) as (keyof typeof FORMATS)[])(
    '%s: a recognition of 2,000 people with a long note keeps the giver, the first recipients and quoted lines',
    (format) => {
      const recipients = Array.from({ length: 2_000 }, (_, i) => ({
        id: `emp_${i}`,
        name: `Recipient Number ${i} of the whole company`,
      }));
      const note = Array.from({ length: 4_000 }, (_, i) => `Line ${i} of thanks`).join('\n');
      const { text, fits } = FORMATS[format](
        event('recognition.completed', {
          id: 'rec_1',
          giver: { id: 'emp_x', name: 'Jane Doe' },
          recipients,
          points: 5,
          note,
          program: { id: 'prg_1', name: 'Peer Awards' },
        }),
      );
      expect(fits).toBe(true);
      expect(text).toContain('Jane Doe');
      expect(text).toContain('Recipient Number 0');
      expect(text).toMatch(/… \d+ more recipients(, | and )\d+ characters left out/);
      expect(text).toContain(`${URL}/recognitions/rec_1`);
      if (format !== 'teams')
        for (const line of text.split('\n').filter((l) => l.includes('of thanks'))) expect(line).toMatch(/^>/);
    },
  );

  test('the last rung holds no link and fits every format, whatever the message: even a 20,000-character address', () => {
    const url = `https://hub.example.com/${'p'.repeat(20_000)}`;
    const giant = 'Ä<@&'.repeat(5_000);
    const message: Message = {
      title: { entity: 'Employee', url, verb: 'was updated' },
      recognition: null,
      author: giant,
      lines: Array.from({ length: 50 }, () => ({ label: giant, value: { added: [giant, giant], removed: [giant] } })),
      quote: giant,
      link: url,
      omitted: null,
    };
    const formats: [string, ChatFormat<unknown, unknown>][] = [
      ['chat', chatFormat as ChatFormat<unknown, unknown>],
      ['slack', slackFormat as ChatFormat<unknown, unknown>],
      ['teams', teamsFormat as ChatFormat<unknown, unknown>],
    ];
    for (const [, format] of formats) {
      const fits = (m: Message) => format.fits(format.body([format.part(m)]));
      const short = shortenMessage(message, fits);
      expect(fits(short)).toBe(true);
      expect(short.link).toBeNull();
      expect(short.title?.url).toBeNull();
      expect(short.omitted).toMatch(/ \d+ characters$/);
    }
  });

  test('property: whatever the sizes, every format ends within its limits and says what it left out', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', minLength: 500, maxLength: 4_000 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ label: text, old: text, new: text }), { maxLength: 150 }),
        fc.array(text, { maxLength: 60 }),
        fc.option(text, { nil: null }),
        (lines, names, note) => {
          const update = event(
            'employee.updated',
            { id: 'emp_1' },
            lines.map((l, i) => ({ field: `f${i}`, label: l.label, old: l.old, new: l.new })),
          );
          const thanks = event('recognition.completed', {
            id: 'rec_1',
            giver: { id: 'emp_2', name: names[0] ?? 'G' },
            recipients: names.map((name, i) => ({ id: `emp_${i}`, name })),
            points: 1,
            note,
            program: null,
          });
          for (const render of Object.values(FORMATS)) {
            for (const e of [update, thanks]) {
              const { fits } = render(e);
              expect(fits).toBe(true);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
