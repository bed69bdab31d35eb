import fs from 'node:fs';
import path from 'node:path';
import { chatPayload } from '../../../server/src/core/chat';
import { slackPayload } from '../../../server/src/core/slack';
import { teamsPayload } from '../../../server/src/core/teams';
import { EVENT_TYPE_NAMES, type PeopleEvent } from '../../../server/src/core/events';
import { TEXT_EVENT_TYPES, TEXT_SLOTS, type TextSlot, eventsWithText } from '../../helpers/chat-events';

const URL = 'https://hub.example.com';
const GOLDEN = path.join(__dirname, 'golden', 'chat');
const jane = { type: 'user' as const, id: 'usr_1', name: 'Jane Doe', email: 'jane@example.com' };
const role = {
  id: 'rol_1',
  name: 'Engineer',
  purpose: null,
  accountabilities: ['Code review'],
  groupId: 'grp_1',
  groupName: 'Platform',
  assignments: [],
};

const q4 = {
  id: 'sur_1',
  name: 'Q4 pulse',
  opensAt: '2026-11-22T10:00:00.000Z',
  closesAt: '2026-12-20T17:00:00.000Z',
  participation: { invited: 143, responded: 0, rate: 0 },
};

function event(
  type: PeopleEvent['type'],
  object: Record<string, unknown>,
  changes?: PeopleEvent['data']['changes'],
  actor: PeopleEvent['actor'] = jane,
): PeopleEvent {
  return {
    id: 'evt_1',
    type,
    timestamp: '2026-11-22T10:00:00.000Z',
    organizationId: 'org_1',
    actor,
    data: changes ? { object, changes } : { object },
  };
}

const cases: Record<string, PeopleEvent[]> = {
  'role-created': [event('role.created', role)],
  'role-updated': [
    event('role.updated', { ...role, name: 'Senior Engineer' }, [
      { field: 'name', label: 'Name', old: 'Engineer', new: 'Senior Engineer' },
    ]),
  ],
  'role-deleted': [event('role.deleted', role)],
  'employee-updated-list-attribute': [
    event(
      'employee.updated',
      { id: 'emp_1', displayName: 'John Roe' },
      [
        { field: 'title', label: 'Title', old: 'Engineer', new: 'Senior Engineer' },
        { field: 'attributes.Skills', label: 'Skills', added: ['Go', 'Rust'], removed: ['Perl'] },
        { field: 'phone', label: 'Phone', old: null, new: '+44 20 7946 0000' },
      ],
      { type: 'user', id: 'usr_2', name: null, email: 'ops@example.com' },
    ),
  ],
  'system-cascade': [
    event(
      'role.updated',
      { ...role, groupId: 'grp_0' },
      [{ field: 'groupId', label: 'Group', old: 'grp_1', new: 'grp_0' }],
      null,
    ),
  ],
  recognition: [
    event('recognition.completed', {
      id: 'rec_1',
      giver: { id: 'emp_2', name: 'Jane Doe' },
      recipients: [{ id: 'emp_1', name: 'John Roe' }],
      points: 50,
      note: 'Thanks for the late-night fix!\nYou saved the launch.',
      program: { id: 'prg_1', name: 'Peer Awards' },
    }),
  ],
  batch: [event('role.created', role), event('role.deleted', role, undefined, null)],
  'sync-completed': [
    event('sync.completed', { id: 'run_1', status: 'succeeded', created: 3, updated: 1, deleted: 0 }, undefined, null),
  ],
  'sync-failed': [
    event(
      'sync.failed',
      { id: 'run_2', status: 'failed', error: 'HiBob answered 500 (server error); nothing was changed' },
      undefined,
      null,
    ),
  ],
  'survey-opened': [event('survey.opened', { ...q4, status: 'open' }, undefined, null)],
  'survey-closed': [
    event(
      'survey.closed',
      {
        ...q4,
        status: 'closed',
        participation: { invited: 143, responded: 112, rate: 0.783 },
        results: { score: 7.9, enps: 12, change: 0.3, hidden: false },
      },
      undefined,
      null,
    ),
  ],
  'survey-closed-hidden': [
    event(
      'survey.closed',
      {
        ...q4,
        status: 'closed',
        participation: { invited: 9, responded: 2, rate: 0.222 },
        results: { score: null, enps: null, change: null, hidden: true },
      },
      undefined,
      null,
    ),
  ],
  'hostile-names': [
    event(
      'employee.updated',
      { id: 'emp_1', displayName: '[Action required](https://evil.example/login)' },
      [
        {
          field: 'displayName',
          label: 'Display name',
          old: 'John Roe',
          new: '[Action required](https://evil.example/login)',
        },
        { field: 'title', label: 'Title', old: '**CEO**', new: '<https://evil.example/a>\n\n**Author:** The CEO' },
        {
          field: 'attributes.Skills',
          label: '[Skills](https://evil.example/s)',
          added: ['![img](https://evil.example/i.png)'],
          removed: ['`code`'],
        },
      ],
      { type: 'user', id: 'usr_2', name: '[Jane](https://evil.example/j)', email: 'jane_doe@example.com' },
    ),
    event('recognition.completed', {
      id: 'rec_1',
      giver: { id: 'emp_2', name: '[Giver](https://evil.example/g)' },
      recipients: [{ id: 'emp_1', name: '*Recipient*' }],
      points: 5,
      note: '# Heading\n- [list](https://evil.example/l)\n> nested\n1. numbered\r## after a lone CR\r\n+ after CRLF',
      program: { id: 'prg_1', name: '_Program_' },
    }),
  ],
};

/**
 * Compares with a golden file (or writes it, with UPDATE_GOLDEN=1). The invisible word joiner that
 * defuses mentions is shown as `&#x2060;` in Markdown files and as `\u2060` in JSON ones, which
 * mean the same character to a Markdown renderer and a JSON parser, so a reviewer sees where it is.
 */
function expectGolden(file: string, rendered: string): void {
  const visible = rendered.replace(/\u2060/g, file.endsWith('.md') ? '&#x2060;' : '\\u2060');
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${visible}\n`);
  }
  expect(visible).toBe(fs.readFileSync(file, 'utf8').replace(/\n$/, ''));
}

/**
 * Hostile text of four kinds, one per slot in turn: the link and Slack markup an outside probe sent
 * as a name, every mention syntax, every line break with block markers after it, and Markdown's
 * other inline markup with entities. Each event type gets each kind in some slot.
 */
const HOSTILE = [
  '[Action required](https://evil.example/login) <!channel> <!here> <https://evil.example/reset|Reset your password>',
  '@here @channel @all @everyone <@U024BE7LH> <#C024BE7LR> <!subteam^S1|devs> @jane',
  'Line one\n# Heading\u2028- item\u2029> quote\u0085**Author:** forged\vnext\fpage\r\n---\r1. one',
  '![img](https://evil.example/i.png) \\](https://evil.example/x) *bold* _it_ ~s~ `code` &lt;!here&gt; & < > |',
];
const hostileText = (slot: TextSlot) =>
  slot === 'note' ? HOSTILE.join('\n') : HOSTILE[TEXT_SLOTS.indexOf(slot) % HOSTILE.length];

describe('chat format (help article 001)', () => {
  test.each(Object.keys(cases))('%s matches its golden file', (name) => {
    expectGolden(path.join(GOLDEN, `${name}.md`), chatPayload(cases[name], URL).text);
  });

  test.each([
    'role-updated',
    'employee-updated-list-attribute',
    'recognition',
    'batch',
    'hostile-names',
    'sync-completed',
    'survey-opened',
    'survey-closed',
    'survey-closed-hidden',
  ])('%s as Slack and Teams payloads match their golden files', (name) => {
    for (const [format, payload] of [
      ['slack', slackPayload(cases[name], URL)],
      ['teams', teamsPayload(cases[name], URL)],
    ] as const) {
      expectGolden(path.join(__dirname, 'golden', format, `${name}.json`), JSON.stringify(payload, null, 2));
    }
  });

  test.each(TEXT_EVENT_TYPES)('%s with hostile text in every slot matches its golden files in every format', (type) => {
    const event = eventsWithText(hostileText)[type];
    expectGolden(path.join(GOLDEN, 'hostile', `${type}.md`), chatPayload([event], URL).text);
    expectGolden(
      path.join(__dirname, 'golden', 'slack', 'hostile', `${type}.json`),
      JSON.stringify(slackPayload([event], URL), null, 2),
    );
    expectGolden(
      path.join(__dirname, 'golden', 'teams', 'hostile', `${type}.json`),
      JSON.stringify(teamsPayload([event], URL), null, 2),
    );
  });

  test('Slack text is escaped; every format covers every event type', () => {
    const tricky = event('group.created', { id: 'grp_1', name: 'R&D <core>', purpose: null });
    expect(JSON.stringify(slackPayload([tricky], URL))).toContain('R&amp;D &lt;core&gt;');
    for (const type of EVENT_TYPE_NAMES) {
      const object = {
        id: 'x_1',
        name: 'N',
        giver: { name: 'G' },
        recipients: [{ name: 'R' }],
        points: 1,
        program: null,
        reason: 'r',
        error: 'e',
      };
      const ev = event(
        type,
        object,
        type.endsWith('.updated') ? [{ field: 'name', label: 'Name', old: 'a', new: 'b' }] : undefined,
      );
      expect(chatPayload([ev], URL).text.length).toBeGreaterThan(5);
      expect(slackPayload([ev], URL).blocks.length).toBeGreaterThan(0);
      expect(JSON.stringify(teamsPayload([ev], URL))).toContain('AdaptiveCard');
    }
  });

  test('hostile names never become links or markup in any format', () => {
    const unescapedLink = /(^|[^\\])\[[^\]]*\]\(https:\/\/evil/;
    const { text } = chatPayload(cases['hostile-names'], URL);
    expect(text).not.toMatch(unescapedLink);
    expect(text).not.toMatch(/(^|[^\\])<https:/);
    // A value cannot start a line of its own, so no forged author line appears.
    expect(text.split('\n').filter((line) => line.startsWith('**Author:**'))).toEqual([
      '**Author:** \\[Jane\\]\\(https://evil.example/j) (jane_doe@example.com)',
    ]);
    const teams = JSON.stringify(teamsPayload(cases['hostile-names'], URL));
    expect(
      JSON.parse(teams)
        .attachments[0].content.body.map(
          (item: { text?: string; facts?: { title: string; value: string }[] }) =>
            item.text ?? item.facts?.map((f) => `${f.title} ${f.value}`).join(' '),
        )
        .join('\n'),
    ).not.toMatch(unescapedLink);
    expect(JSON.stringify(slackPayload(cases['hostile-names'], URL))).not.toMatch(/<https:\/\/evil/);
  });

  test('a HiBob sync reads as one line in a channel', () => {
    const { text } = chatPayload(cases['sync-completed'], URL);
    expect(text.split('\n')[0]).toBe(
      '**[HiBob sync](https://hub.example.com/integrations/hibob/runs/run_1)** completed: 3 created, 1 updated, 0 deleted',
    );
  });

  test('a survey round reads as one line in a channel; hidden results show no number at all', () => {
    const header = (name: string) => chatPayload(cases[name], URL).text.split('\n')[0];
    const link = '**[Q4 pulse](https://hub.example.com/surveys/sur_1)**';
    expect(header('survey-opened')).toBe(`${link} is open until 20 Dec: 143 people invited`);
    expect(header('survey-closed')).toBe(`${link} closed: 78 % answered, engagement 7.9 (+0.3), eNPS 12`);
    expect(header('survey-closed-hidden')).toBe(
      `${link} closed: results hidden (too few answers to keep them anonymous)`,
    );
    const teams = teamsPayload(cases['survey-closed-hidden'], URL) as { attachments: { content: { body: unknown } }[] };
    for (const payload of [
      chatPayload(cases['survey-closed-hidden'], URL),
      slackPayload(cases['survey-closed-hidden'], URL),
      teams.attachments[0].content.body,
    ])
      // Digits only in the survey's name and link.
      expect(JSON.stringify(payload).replace(/Q4 pulse|https:\/\/hub\.example\.com\/surveys\/sur_1/g, '')).not.toMatch(
        /\d/,
      );
    expect(slackPayload(cases['survey-opened'], URL).text).toBe('Q4 pulse is open until 20 Dec: 143 people invited');
    // The year shows when it is not the event's; a change of nothing, or a drop, shows its direction.
    const later = event(
      'survey.closed',
      {
        ...q4,
        closesAt: '2027-01-08T17:00:00.000Z',
        participation: { invited: 1, responded: 1, rate: 1 },
        results: { score: 6, enps: -4, change: -0.04, hidden: false },
      },
      undefined,
      null,
    );
    expect(chatPayload([later], URL).text).toBe(`${link} closed: 100 % answered, engagement 6.0 (±0.0), eNPS -4`);
    const opened = event('survey.opened', {
      ...q4,
      closesAt: '2027-01-08T17:00:00.000Z',
      participation: { invited: 1 },
    });
    expect(chatPayload([opened], URL).text.split('\n')[0]).toBe(`${link} is open until 8 Jan 2027: 1 person invited`);
  });

  test('survey.invited never reaches a chat webhook, and even so renders without its link, whatever its object', () => {
    const answerUrl = 'https://hub.example.com/s/inv_0123456789abcdef';
    const invited = (object: Record<string, unknown>) => event('survey.invited', object, undefined, null);
    const full = invited({
      survey: { id: 'sur_1', name: 'Q4 pulse' },
      employee: { id: 'emp_1', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
      answerUrl,
      closesAt: q4.closesAt,
      reminder: true,
    });
    expect(chatPayload([full], URL).text).toBe(
      '**[Q4 pulse](https://hub.example.com/surveys/sur_1)** reminded\n\n**Employee:** Ada Lovelace',
    );
    for (const ev of [full, invited({}), invited({ survey: 'x', employee: null, answerUrl: 42 })]) {
      for (const payload of [chatPayload([ev], URL), slackPayload([ev], URL), teamsPayload([ev], URL)]) {
        const text = JSON.stringify(payload);
        expect(text).not.toContain('/s/inv_');
        expect(text).not.toContain('answerUrl');
        expect(text.length).toBeGreaterThan(20);
      }
    }
  });

  test('a survey name too long for any tool is clipped like any other user text', () => {
    const long = event('survey.opened', { ...q4, name: 'Q'.repeat(40_000) }, undefined, null);
    for (const text of [
      chatPayload([long], URL).text,
      JSON.stringify(slackPayload([long], URL)),
      JSON.stringify(teamsPayload([long], URL)),
    ]) {
      expect(text.length).toBeLessThan(30_000);
      expect(text).toContain('characters left out');
    }
  });

  test('the seed example reads exactly as the article shows it', () => {
    const { text } = chatPayload(cases['role-updated'], URL);
    expect(text).toBe(
      '**[Role](https://hub.example.com/roles/rol_1)** was updated\n\n**Author:** Jane Doe (jane@example.com)\n\n**Name:** Engineer → Senior Engineer',
    );
  });
});
