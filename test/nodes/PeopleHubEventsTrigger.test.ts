import type { IDataObject } from 'n8n-workflow';
import { OVERLAP_MS, PeopleHubEventsTrigger } from '../../nodes/PeopleHubEventsTrigger/PeopleHubEventsTrigger.node';
import { type TestServer, startTestServer } from '../helpers/harness';
import { appCredentials, n8nContext } from '../helpers/n8n-context';
import { createEmployee, post } from '../helpers/people';

type Event = { id: string; type: string; timestamp: string; data: { object: { email?: string; name?: string } } };

// The polling trigger against a real server: every event once, oldest first, however many arrive.
describe('PeopleHub Events Trigger', () => {
  let server: TestServer;
  let credentials: IDataObject;
  const trigger = new PeopleHubEventsTrigger();
  const staticData: IDataObject = {};

  async function poll(
    events: string[] = [],
    mode: 'trigger' | 'manual' = 'trigger',
    data = staticData,
  ): Promise<Event[]> {
    const context = n8nContext({ credentials, parameters: { events }, staticData: data, mode });
    const result = await trigger.poll.call(context.self);
    return result === null ? [] : (result[0].map((item) => item.json) as unknown as Event[]);
  }

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    credentials = await appCredentials(server, ['audit:read']);
  });
  afterAll(() => server?.close());
  // Time runs forward through this file (the trigger's cursor follows it); a test that steps back
  // says where to resume, and is put there again even when it fails half-way. Whatever a test left
  // unpolled (because it failed before its last poll) is polled away, so the next one starts level.
  let resumeAt: Date | null = null;
  afterEach(async () => {
    if (resumeAt !== null) server.clock.set(resumeAt);
    resumeAt = null;
    await poll();
  });

  test('the first poll marks the place and emits nothing; later polls emit what is new, once', async () => {
    await createEmployee(server, { email: 'before@acme.example' });
    expect(await poll()).toEqual([]);
    expect(await poll()).toEqual([]);
    server.clock.advance(1_000);
    await createEmployee(server, { email: 'after@acme.example' });
    const first = await poll();
    expect(first.map((e) => e.data.object.email)).toEqual(['after@acme.example']);
    expect(await poll()).toEqual([]);
  });

  test('an event written while the first poll is under way is emitted by the next poll, not swallowed', async () => {
    const data: IDataObject = {};
    const context = n8nContext({ credentials, parameters: { events: [] }, staticData: data, mode: 'trigger' });
    const helpers = context.self.helpers as { httpRequestWithAuthentication: (...args: unknown[]) => Promise<unknown> };
    const send = helpers.httpRequestWithAuthentication.bind(helpers);
    let calls = 0;
    // Between the first poll's look at the newest event and its read of the window after it.
    helpers.httpRequestWithAuthentication = async (...args: unknown[]) => {
      const answer = await send(...args);
      calls += 1;
      if (calls === 1) {
        server.clock.advance(1_000);
        await createEmployee(server, { email: 'during@acme.example' });
      }
      return answer;
    };
    expect(await trigger.poll.call(context.self)).toBeNull();
    expect((await poll([], 'trigger', data)).map((e) => e.data.object.email)).toEqual(['during@acme.example']);
    expect(await poll([], 'trigger', data)).toEqual([]);
  });

  test('more events than fit in a page: all of them, oldest first, none twice', async () => {
    const created: string[] = [];
    for (let i = 0; i < 230; i += 1) {
      server.clock.advance(5);
      created.push(String((await createEmployee(server, { email: `bulk${i}@acme.example` })).email));
    }
    const emitted = await poll();
    expect(emitted.map((e) => e.data.object.email)).toEqual(created);
    expect(emitted.map((e) => e.timestamp)).toEqual([...emitted.map((e) => e.timestamp)].sort());
    expect(await poll()).toEqual([]);
  });

  test('an event that becomes visible late, with an older timestamp, is still emitted', async () => {
    server.clock.advance(10_000);
    await createEmployee(server, { email: 'newest@acme.example' });
    expect((await poll()).map((e) => e.data.object.email)).toEqual(['newest@acme.example']);
    // A change that began before the newest one committed after the last poll.
    resumeAt = server.clock.now();
    server.clock.advance(-30_000);
    await createEmployee(server, { email: 'late@acme.example' });
    server.clock.set(resumeAt);
    expect((await poll()).map((e) => e.data.object.email)).toEqual(['late@acme.example']);
    expect(await poll()).toEqual([]);
    expect(30_000).toBeLessThan(OVERLAP_MS);
  });

  test('only the chosen event types start the workflow, and the others are not held back', async () => {
    server.clock.advance(1_000);
    await post(server, '/v1/groups', { name: 'Polled group' });
    await createEmployee(server, { email: 'ignored@acme.example' });
    expect((await poll(['group.created'])).map((e) => e.data.object.name)).toEqual(['Polled group']);
    expect(await poll()).toEqual([]);
  });

  test('manual mode returns the newest matching event without moving the cursor', async () => {
    server.clock.advance(1_000);
    await post(server, '/v1/groups', { name: 'Sampled group' });
    await createEmployee(server, { email: 'sampled@acme.example' });
    const before = JSON.stringify(staticData);
    const [latest] = await poll([], 'manual');
    expect(latest).toMatchObject({ type: 'employee.created', data: { object: { email: 'sampled@acme.example' } } });
    const [group] = await poll(['group.created'], 'manual');
    expect(group.data.object.name).toBe('Sampled group');
    expect(JSON.stringify(staticData)).toBe(before);
    expect(await poll(['sync.failed'], 'manual')).toEqual([]);
  });

  test('the cursor stays small: only the overlap window is remembered', async () => {
    expect((staticData.cursor as { seen: string[] }).seen.length).toBeGreaterThan(230);
    server.clock.advance(OVERLAP_MS + 1_000);
    await createEmployee(server, { email: 'later@acme.example' });
    expect((await poll()).map((e) => e.data.object.email)).toEqual(['later@acme.example']);
    const cursor = staticData.cursor as { since: string; seen: string[] };
    expect(cursor.seen).toHaveLength(1);
    expect(cursor.since).toBe(server.clock.now().toISOString());
  });

  test('a notice names the audit:read permission, which an app without it is refused for', async () => {
    const notice = trigger.description.properties.find((p) => p.type === 'notice');
    expect(notice?.displayName).toContain('audit:read');
    const without = await appCredentials(server, ['employees:read'], 'n8n without audit');
    const context = n8nContext({ credentials: without, parameters: { events: [] }, staticData: {}, mode: 'trigger' });
    await expect(trigger.poll.call(context.self)).rejects.toMatchObject({ httpCode: '403' });
    // With it, the same trigger starts polling.
    expect(await poll([], 'trigger', {})).toEqual([]);
  });
});
