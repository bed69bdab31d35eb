import fs from 'node:fs';
import path from 'node:path';
import { parseChatMessages, type ParsedMessage } from '../../nodes/PeopleHub/message';
import { chatPayload } from '../../server/src/core/chat';
import { EVENT_TYPE_NAMES, type PeopleEvent } from '../../server/src/core/events';
import { eventMessage } from '../../server/src/core/message';
import { type TestServer, startTestServer } from '../helpers/harness';
import { call } from '../helpers/http';

const URL = 'https://hub.example.com';

/** What parsing should give back, built from the neutral message the server renders. */
function expected(event: PeopleEvent): ParsedMessage {
  const message = eventMessage(event, URL);
  const none = (text: string) => (text === '(none)' ? null : text);
  const result: ParsedMessage = { entity: null, action: null, url: null, author: null, fields: {}, changes: [] };
  if (message.title) {
    result.entity = message.title.entity;
    result.url = message.title.url;
    const [action, summary] = message.title.verb.replace(/^was /, '').split(': ');
    // A survey round "is open until 20 Dec"; every other verb is one word.
    const open = /^is open(?: until (.+))?$/.exec(action);
    result.action = open ? 'opened' : action;
    if (open?.[1] !== undefined) result.fields['Open until'] = open[1];
    // The summary's counts ("3 created") and named numbers ("engagement 7.9 (+0.3)"); words alone are not data.
    for (const part of summary?.split(', ') ?? []) {
      const count = /^(\d+) (.+)$/.exec(part);
      const measure = /^([A-Za-z ]+) (-?[\d.]+(?: \(.+\))?)$/.exec(part);
      if (count) result.fields[count[2]] = count[1];
      else if (measure) result.fields[measure[1]] = measure[2];
    }
  }
  if (message.recognition) {
    const r = message.recognition;
    result.entity = 'Recognition';
    result.action = 'recognized';
    result.fields = {
      Giver: r.giver,
      Recipients: r.recipients.join(', '),
      Points: String(r.points),
      Program: r.program,
    };
  }
  if (event.actor?.type === 'user') result.author = { name: event.actor.name, email: event.actor.email };
  if (event.actor?.type === 'app') result.author = { name: event.actor.name, email: null };
  if (message.recognition) result.author = null;
  for (const line of message.lines) {
    if (typeof line.value === 'string') result.fields[line.label] = none(line.value);
    else if ('old' in line.value)
      result.changes.push({
        label: line.label,
        old: none(line.value.old),
        new: none(line.value.new),
        added: [],
        removed: [],
      });
    else
      result.changes.push({
        label: line.label,
        old: null,
        new: null,
        added: line.value.added,
        removed: line.value.removed,
      });
  }
  if (message.quote) result.fields.Note = message.quote.replace(/\r\n|\r/g, '\n');
  return result;
}

describe('Message → Parse', () => {
  let server: TestServer;
  let examples: PeopleEvent[];

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    const catalog = await call(server.url, '/v1/webhook-event-types');
    examples = (catalog.body.data as { type: string; example: PeopleEvent }[]).map((entry) => entry.example);
  });
  afterAll(() => server?.close());

  test('every event type the server sends in the chat format reads back as it was written', () => {
    expect(examples.map((e) => e.type).sort()).toEqual([...EVENT_TYPE_NAMES].sort());
    for (const event of examples) {
      for (const actor of [
        event.actor,
        null,
        { type: 'user' as const, id: 'usr_9', name: null, email: 'solo@example.com' },
        { type: 'app' as const, id: 'app_1', name: 'Payroll sync' },
      ]) {
        const variant = { ...event, actor };
        const [parsed, ...rest] = parseChatMessages(chatPayload([variant], URL).text);
        expect(rest).toEqual([]);
        expect({ type: event.type, parsed }).toEqual({ type: event.type, parsed: expected(variant) });
      }
    }
  });

  test('survey rounds read back with their name, what happened, and their numbers', () => {
    const parsed = (type: string) => {
      const example = examples.find((e) => e.type === type) as PeopleEvent;
      return parseChatMessages(chatPayload([example], URL).text)[0];
    };
    expect(parsed('survey.opened')).toEqual({
      entity: 'Q4 pulse',
      action: 'opened',
      url: `${URL}/surveys/sur_01JEXAMPLE0000000000000001`,
      author: null,
      fields: { 'Open until': '20 Dec', 'people invited': '143' },
      changes: [],
    });
    expect(parsed('survey.closed')).toMatchObject({
      entity: 'Q4 pulse',
      action: 'closed',
      fields: { '% answered': '78', engagement: '7.9 (+0.3)', eNPS: '12' },
    });
    // What a chat webhook never receives reads back without any link but the survey's.
    expect(parsed('survey.invited')).toMatchObject({
      entity: 'Q4 pulse',
      action: 'invited',
      fields: { Employee: 'John Roe' },
    });
  });

  test('names full of Markdown come back exactly as they were typed', () => {
    const hostile =
      '[Action required](https://evil.example/x) *bold* _under_ `code` <b> ~strike~ \\slash #hash @here <!channel> <@U024BE7LH>';
    const employee = examples.find((e) => e.type === 'employee.updated') as PeopleEvent;
    const event: PeopleEvent = {
      ...employee,
      actor: { type: 'user', id: 'usr_1', name: hostile, email: 'x_y@example.com' },
      data: {
        object: { ...employee.data.object, displayName: hostile },
        changes: [
          { field: 'title', label: hostile, old: hostile, new: 'Plain' },
          { field: 'attributes.Skills', label: 'Skills', added: [hostile, 'Go'], removed: ['**Perl**'] },
        ],
      },
    };
    const [parsed] = parseChatMessages(chatPayload([event], URL).text);
    expect(parsed.author).toEqual({ name: hostile, email: 'x_y@example.com' });
    expect(parsed.changes).toEqual([
      { label: hostile, old: hostile, new: 'Plain', added: [], removed: [] },
      { label: 'Skills', old: null, new: null, added: [hostile, 'Go'], removed: ['**Perl**'] },
    ]);
    const recognition = examples.find((e) => e.type === 'recognition.completed') as PeopleEvent;
    const note = '# Heading\n- [list](https://evil.example/l)\n> nested\n1. numbered';
    const [thanks] = parseChatMessages(
      chatPayload(
        [
          {
            ...recognition,
            data: {
              object: {
                ...recognition.data.object,
                note,
                giver: { id: 'emp_1', name: hostile },
                recipients: [
                  { id: 'emp_2', name: 'Doe, Jane' },
                  { id: 'emp_3', name: '*Star*' },
                ],
              },
            },
          },
        ],
        URL,
      ).text,
    );
    expect(thanks.fields).toMatchObject({ Giver: hostile, Recipients: 'Doe, Jane, *Star*', Note: note });
  });

  test('a batch becomes one parsed message per event, in order', () => {
    const batch = examples.filter((e) => ['role.created', 'employee.updated', 'sync.completed'].includes(e.type));
    const parsed = parseChatMessages(chatPayload(batch, URL).text);
    expect(parsed.map((m) => `${m.entity} ${m.action}`)).toEqual(
      batch.map((e) => `${expected(e).entity} ${expected(e).action}`),
    );
  });

  test("the help article's example (Peerdom style) parses, and so do the golden files", () => {
    const seed = {
      text: '**[Role](https://app.peerdom.org/your-org/...)** was updated\n\n**Author:** Jane Doe (jane@example.com)\n\n**Name:** Engineer → Senior Engineer',
    };
    expect(parseChatMessages(seed.text)).toEqual([
      {
        entity: 'Role',
        action: 'updated',
        url: 'https://app.peerdom.org/your-org/...',
        author: { name: 'Jane Doe', email: 'jane@example.com' },
        fields: {},
        changes: [{ label: 'Name', old: 'Engineer', new: 'Senior Engineer', added: [], removed: [] }],
      },
    ]);
    // Variations the article allows: CRLF, single line breaks, a system change without an author, a plain header.
    expect(
      parseChatMessages('**[Peer](https://x.example/p/1)** was created\r\n**Name:** Ada\r\n**Map:** Main')[0],
    ).toMatchObject({ entity: 'Peer', action: 'created', author: null, fields: { Name: 'Ada', Map: 'Main' } });
    expect(parseChatMessages('**Circle** was deleted\n\n**Name:** Ops')[0]).toMatchObject({
      entity: 'Circle',
      action: 'deleted',
      url: null,
      fields: { Name: 'Ops' },
    });
    expect(
      parseChatMessages(
        '**[Peer](https://x.example/p/1)** was updated\n\n**Author:** jane@example.com\n\n**Skills:** [+] Go [-] Perl, COBOL',
      )[0],
    ).toMatchObject({
      author: { name: null, email: 'jane@example.com' },
      changes: [{ label: 'Skills', old: null, new: null, added: ['Go'], removed: ['Perl', 'COBOL'] }],
    });
    const golden = path.join(__dirname, '..', 'server', 'core', 'golden', 'chat');
    const files = fs.readdirSync(golden, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.md'));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const parsed = parseChatMessages(fs.readFileSync(path.join(golden, file), 'utf8'));
      expect(parsed.length).toBeGreaterThan(0);
      for (const message of parsed) expect(message.entity).not.toBeNull();
    }
    expect(parseChatMessages('   \n ')).toEqual([]);
  });
});
