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

  test('the seed example reads exactly as the article shows it', () => {
    const { text } = chatPayload(cases['role-updated'], URL);
    expect(text).toBe(
      '**[Role](https://hub.example.com/roles/rol_1)** was updated\n\n**Author:** Jane Doe (jane@example.com)\n\n**Name:** Engineer → Senior Engineer',
    );
  });
});
