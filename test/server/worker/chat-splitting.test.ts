import type { KnownBlock } from '@slack/types';
import { CHAT_MAX_CHARACTERS } from '../../../server/src/core/chat';
import { splitPayload } from '../../../server/src/core/payload';
import { SLACK_MAX_BLOCKS, SLACK_MAX_TEXT } from '../../../server/src/core/slack';
import { TEAMS_MAX_BYTES } from '../../../server/src/core/teams';
import { eventsByIds } from '../../../server/src/store/events';
import { claimDue, fanOut, splitMessage } from '../../../server/src/store/messages';
import { type TestServer, eachStore, restoreClockAfterEach } from '../../helpers/harness';
import { createEmployee, get, patch, post } from '../../helpers/people';
import { type Received, eventually, useReceiver } from '../../helpers/receiver';

const receiver = useReceiver();
const ENV = {
  PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true',
  PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
  PEOPLEHUB_WORKER_POLL_MS: '5',
};
const FORMATS = ['chat', 'slack', 'teams'] as const;
type Format = (typeof FORMATS)[number];

/** Slack's section and divider blocks as Block Kit defines them; anything else is not what we send. */
function isKnownBlock(value: unknown): value is KnownBlock {
  const block = value as Record<string, unknown>;
  const only = (object: Record<string, unknown>, keys: string[]) =>
    Object.keys(object).every((key) => keys.includes(key));
  if (block.type === 'divider') return only(block, ['type']);
  const text = block.text as Record<string, unknown> | undefined;
  return (
    block.type === 'section' &&
    only(block, ['type', 'text']) &&
    text !== undefined &&
    only(text, ['type', 'text', 'verbatim']) &&
    text.type === 'mrkdwn' &&
    typeof text.text === 'string' &&
    text.text.length >= 1 &&
    text.text.length <= SLACK_MAX_TEXT &&
    text.verbatim === true
  );
}

/** Whether one request keeps to its tool's limits; Slack blocks are checked against Block Kit too. */
function expectWithinLimits(format: Format, request: Received): void {
  const body = JSON.parse(request.body) as Record<string, unknown>;
  if (format === 'chat') {
    expect((body.text as string).length).toBeLessThanOrEqual(CHAT_MAX_CHARACTERS);
  } else if (format === 'teams') {
    expect(Buffer.byteLength(request.body, 'utf8')).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
  } else {
    const received = body.blocks as unknown[];
    const blocks: KnownBlock[] = received.filter(isKnownBlock);
    expect(blocks).toHaveLength(received.length);
    expect(blocks.length).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
    expect((body.text as string).length).toBeLessThanOrEqual(SLACK_MAX_TEXT);
    expect(body).toMatchObject({ unfurl_links: false, unfurl_media: false });
  }
}

/** The employees a request tells about, by the links to them (each event links its employee). */
const employeesIn = (request: Received) => [
  ...new Set([...request.body.matchAll(/\/employees\/(emp_[0-9A-Z]+)/g)].map((m) => m[1])),
];

eachStore(
  'chat batches split to fit the receiving tool',
  (server) => {
    beforeEach(() => {
      receiver().requests.length = 0;
      receiver().respond = (_req, res) => {
        res.writeHead(204);
        res.end();
      };
    });
    restoreClockAfterEach(() => server().clock);
    afterEach(async () => {
      // Each test's webhooks stop here, so the next test's events go only to its own.
      for (const webhook of (await get(server(), '/v1/webhooks?limit=100')).body.data as { id: string }[])
        await patch(server(), `/v1/webhooks/${webhook.id}`, { status: 'inactive' });
    });

    const hook = async (body: Record<string, unknown>) => {
      const res = await post(server(), '/v1/webhooks', {
        name: `Hook ${Math.random()}`,
        events: ['employee.created'],
        maxEventsPerRequest: 100,
        ...body,
      });
      expect(res.status).toBe(201);
      return res.body.data as { id: string };
    };
    /** Creates employees while their batch stays open (the clock stands still), then lets it go. */
    const batchOf = async (count: number, fields: (i: number) => Record<string, unknown> = () => ({})) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) ids.push((await createEmployee(server(), fields(i))).id);
      const db = server().hub.context.store.db;
      await eventually(
        async () =>
          (await db.selectFrom('events').select('id').where('fanned_out_at', 'is', null).execute()).length === 0,
      );
      server().clock.advance(1_000);
      server().hub.dispatcher?.nudge();
      return ids;
    };
    const history = async (webhookId: string) =>
      (await get(server(), `/v1/webhooks/${webhookId}/deliveries?limit=200`)).body.data as {
        messageId: string;
        statusCode: number;
        request: { headers: Record<string, string> };
      }[];

    test('100 events with long names reach chat, Slack and Teams webhooks in requests that each fit, every event exactly once, each request its own delivery', async () => {
      const hooks = Object.fromEntries(
        await Promise.all(
          FORMATS.map(async (format) => [format, await hook({ url: `${receiver().url}/${format}`, format })]),
        ),
      );
      const long = (i: number) => ({
        firstName: `Maximiliane-Alexandrine ${'Ö'.repeat(60)} ${i}`,
        lastName: `von Hohenzollern-Sigmaringen ${'ß'.repeat(60)}`,
      });
      const employees = await batchOf(100, long);
      for (const format of FORMATS) {
        const requests = await eventually(() => {
          const got = receiver().requests.filter((r) => r.url === `/${format}`);
          return got.flatMap(employeesIn).length >= 100 ? got : undefined;
        }, 30_000);
        expect(requests.length).toBeGreaterThan(1);
        for (const request of requests) expectWithinLimits(format, request);
        const carried = requests.flatMap(employeesIn);
        expect(carried.length).toBe(100);
        expect(new Set(carried)).toEqual(new Set(employees));
        const webhookIds = requests.map((r) => String(r.headers['webhook-id']));
        expect(new Set(webhookIds).size).toBe(requests.length);
        const deliveries = await eventually(async () => {
          const list = await history(hooks[format].id);
          return list.length === requests.length ? list : undefined;
        });
        expect(new Set(deliveries.map((d) => d.messageId))).toEqual(new Set(webhookIds));
        expect(deliveries.every((d) => d.statusCode === 204)).toBe(true);
      }
    }, 60_000);

    test('an ordered webhook (maxConcurrency 1) receives the parts of several batches in order; a failing part is retried alone and holds back the rest', async () => {
      // Batches of 20 new employees are 59 Slack blocks each: every full batch is split in two.
      const ordered = await hook({
        url: `${receiver().url}/ordered`,
        format: 'slack',
        maxConcurrency: 1,
        maxEventsPerRequest: 20,
      });
      let refused = false;
      receiver().respond = (req, res) => {
        // The first request (the first part) is refused once.
        const refuse = req.url === '/ordered' && !refused;
        refused ||= req.url === '/ordered';
        res.writeHead(refuse ? 503 : 204);
        res.end();
      };
      const employees = await batchOf(50);
      const sent = () => receiver().requests.filter((r) => r.url === '/ordered');
      await eventually(async () => (await history(ordered.id)).length === 1);
      // Everything behind the failed part waits for its retry, 4-6 s away.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sent()).toHaveLength(1);
      server().clock.advance(6_100);
      server().hub.dispatcher?.nudge();
      await eventually(() => new Set(sent().flatMap(employeesIn)).size === 50);
      const [first, retry, ...rest] = sent();
      expect(retry.headers['webhook-id']).toBe(first.headers['webhook-id']);
      expect(retry.body).toBe(first.body);
      // Three batches (20, 20, 10), the full ones in two parts: five requests after the retry, each sent once, in order.
      expect(rest).toHaveLength(4);
      expect([retry, ...rest].flatMap(employeesIn)).toEqual(employees);
      expect(
        new Set(
          sent()
            .slice(1)
            .map((r) => r.headers['webhook-id']),
        ).size,
      ).toBe(5);
      for (const request of sent()) expectWithinLimits('slack', request);
    }, 60_000);

    test('one huge event (an update of 400 attribute values) arrives shortened in every format, saying what it left out and linking the employee', async () => {
      for (const format of FORMATS)
        await hook({
          url: `${receiver().url}/huge-${format}`,
          format,
          events: ['employee.updated'],
          maxEventsPerRequest: 1,
        });
      const e = await createEmployee(server());
      const { recordChange } = await import('../../../server/src/store/events');
      await recordChange(server().hub.context.store.db, {
        organizationId: server().org.organizationId,
        type: 'employee.updated',
        actor: { type: 'system' },
        object: { id: e.id, displayName: 'Pat Person' },
        changes: Array.from({ length: 400 }, (_, i) => ({
          field: `attributes.Skill ${i}`,
          label: `Skill ${i}`,
          old: `Beginner ${i}`,
          new: `Expert in a long list of things, number ${i}`,
        })),
        targetType: 'employee',
        targetId: e.id,
        at: server().clock.now(),
      });
      server().hub.dispatcher?.nudge();
      for (const format of FORMATS) {
        const request = await eventually(() => receiver().requests.find((r) => r.url === `/huge-${format}`));
        expectWithinLimits(format, request);
        const text = JSON.stringify(JSON.parse(request.body));
        expect(text).toContain('Skill 0');
        expect(text).toMatch(
          new RegExp(`… \\d+ more changes left out: (<|\\[)${server().hub.context.publicUrl}/employees/${e.id}`),
        );
      }
    }, 30_000);
  },
  ENV,
);

eachStore(
  'a split survives a crash before anything is sent',
  (server: () => TestServer) => {
    test('the split is one transaction: after it, a restarted dispatcher sends every part once; a stale claim splits nothing', async () => {
      receiver().requests.length = 0;
      const res = await post(server(), '/v1/webhooks', {
        name: 'Crash split',
        url: `${receiver().url}/crash`,
        events: ['employee.created'],
        format: 'teams',
        maxEventsPerRequest: 100,
        maxConcurrency: 1,
      });
      const webhookId = res.body.data.id as string;
      const { db, dialect } = server().hub.context.store;
      const employees: string[] = [];
      for (let i = 0; i < 60; i += 1)
        employees.push(
          (await createEmployee(server(), { firstName: `Crash ${'W'.repeat(80)}`, lastName: `Person ${i}` })).id,
        );
      const clock = server().clock;
      await fanOut(db, dialect, clock.now(), 200);
      clock.advance(1_000);
      const [claimed] = await claimDue(db, dialect, clock.now(), 60_000, 10);
      expect(claimed.eventIds).toHaveLength(60);
      const parts = splitPayload('teams', await eventsByIds(db, claimed.eventIds), server().hub.context.publicUrl).map(
        (part) => part.map((e) => e.id),
      );
      expect(parts.length).toBeGreaterThan(1);
      // Another process took the message over (a newer lease): this claim splits nothing.
      expect(
        await splitMessage(db, { ...claimed, leaseUntil: '1999-01-01T00:00:00.000Z' }, parts, [], clock.now()),
      ).toBe(false);
      expect(await db.selectFrom('messages').select('id').where('webhook_id', '=', webhookId).execute()).toHaveLength(
        1,
      );
      expect(await splitMessage(db, claimed, parts, [], clock.now())).toBe(true);
      // The process dies here, before sending. The rows say everything there is to send.
      const rows = await db
        .selectFrom('messages')
        .select(['id', 'event_ids', 'created_at', 'lease_until', 'status'])
        .where('webhook_id', '=', webhookId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.id)).toEqual([
        claimed.id,
        ...parts.slice(1).map((_, i) => `${claimed.id}-${String(i + 1).padStart(3, '0')}`),
      ]);
      expect(rows.map((r) => JSON.parse(r.event_ids))).toEqual(parts);
      expect(new Set(rows.map((r) => r.created_at)).size).toBe(1);
      expect(rows.every((r) => r.lease_until === null && r.status === 'pending')).toBe(true);
      // A dispatcher started afresh sends each part once, in order.
      const dispatcher = server().hub.dispatcher;
      await eventually(async () => {
        await dispatcher?.tick();
        return receiver().requests.length >= parts.length;
      }, 20_000);
      for (let i = 0; i < 5; i += 1) await dispatcher?.tick();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const requests = receiver().requests.filter((r) => r.url === '/crash');
      expect(requests.map((r) => r.headers['webhook-id'])).toEqual(rows.map((r) => r.id));
      expect(requests.flatMap(employeesIn)).toEqual(employees);
      for (const request of requests) expectWithinLimits('teams', request);
    }, 60_000);
  },
  { ...ENV, PEOPLEHUB_WORKER: 'false' },
);
