import { Webhook as Verifier } from 'standardwebhooks';
import { EVENT_TYPE_NAMES } from '../../../server/src/core/events';
import { eachStore, restoreClockAfterEach } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';
import { createEmployee, del, get, patch, post } from '../../helpers/people';
import { eventually, useReceiver } from '../../helpers/receiver';

const receiver = useReceiver();

eachStore(
  'webhook delivery',
  (server) => {
    restoreClockAfterEach(() => server().clock);
    beforeEach(() => {
      receiver().requests.length = 0;
      receiver().respond = (_req, res) => {
        res.writeHead(204);
        res.end();
      };
    });

    const hook = async (body: Record<string, unknown>) => {
      const res = await post(server(), '/v1/webhooks', { name: `Hook ${Math.random()}`, ...body });
      expect(res.status).toBe(201);
      return res.body.data as { id: string; secret: string };
    };
    const verify = (secret: string, r: { body: string; headers: Record<string, unknown> }) => {
      jest.useFakeTimers({ now: server().clock.now() });
      try {
        return new Verifier(secret).verify(r.body, r.headers as Record<string, string>) as {
          id: string;
          type: string;
          actor: unknown;
          data: { object: { id: string } };
        };
      } finally {
        jest.useRealTimers();
      }
    };

    test('writes reach every matching subscription, signed (checked by standardwebhooks), and nothing else', async () => {
      const all = await hook({ url: `${receiver().url}/all`, events: [...EVENT_TYPE_NAMES] });
      const employeesOnly = await hook({
        url: `${receiver().url}/employees`,
        events: ['employee.created', 'employee.updated'],
      });
      const inactive = await hook({
        url: `${receiver().url}/inactive`,
        events: [...EVENT_TYPE_NAMES],
        status: 'inactive',
      });
      const e = await createEmployee(server(), { title: 'Analyst' });
      await patch(server(), `/v1/employees/${e.id}`, { title: 'Senior Analyst' });
      const group = (await post(server(), '/v1/groups', { name: 'Delivery group' })).body.data;
      await del(server(), `/v1/groups/${group.id}`);
      await eventually(
        () =>
          receiver().requests.filter((r) => r.url === '/all').length >= 4 &&
          receiver().requests.filter((r) => r.url === '/employees').length >= 2,
      );
      const by = (path: string) => receiver().requests.filter((r) => r.url === path);
      const allTypes = by('/all').map((r) => verify(all.secret, r).type);
      expect(allTypes).toEqual(['employee.created', 'employee.updated', 'group.created', 'group.deleted']);
      expect(by('/employees').map((r) => verify(employeesOnly.secret, r).type)).toEqual([
        'employee.created',
        'employee.updated',
      ]);
      expect(by('/inactive')).toHaveLength(0);
      const first = by('/all')[0];
      expect(first.headers['webhook-id']).toMatch(/^msg_/);
      expect(() => verify(all.secret, { ...first, body: first.body.replace('Analyst', 'Hacker') })).toThrow();
      // The receiver can see a request a moment before the attempt is recorded.
      const history = await eventually(async () => {
        const res = await get(server(), `/v1/webhooks/${all.id}/deliveries`);
        return res.body.data.length === 4 ? res : undefined;
      });
      expect(history.body.data[0]).toMatchObject({
        statusCode: 204,
        error: null,
        trigger: 'scheduled',
        request: { headers: { 'webhook-id': expect.stringMatching(/^msg_/) } },
      });
      expect((await get(server(), `/v1/webhooks/${inactive.id}/deliveries`)).body.data).toEqual([]);
      const metrics = (await call(server().url, '/metrics')).text;
      expect(metrics).toMatch(/^peoplehub_webhook_deliveries_total\{result="succeeded"\} ([6-9]|\d\d+)$/m);
      expect(metrics).toMatch(/^peoplehub_webhook_queue_depth \d+$/m);
      expect(metrics).toMatch(/^peoplehub_webhook_oldest_pending_age_seconds \d+/m);
      expect(metrics).toMatch(/^peoplehub_webhook_attempt_duration_seconds_count ([6-9]|\d\d+)$/m);
    });

    test('a rotation signs the next claim with both secrets, and only the new one once the overlap ends', async () => {
      const h = await hook({ url: `${receiver().url}/rotating`, events: ['employee.created'] });
      const sent = () => receiver().requests.filter((r) => r.url === '/rotating');
      const signatures = (n: number) => String(sent()[n].headers['webhook-signature']).split(' ').length;
      // The receiver can see a request before its attempt is recorded; the clock must not jump past
      // the lease of a message still being recorded (it would be sent again, rightly).
      const recorded = (n: number) =>
        eventually(async () => (await get(server(), `/v1/webhooks/${h.id}/deliveries`)).body.data.length === n);
      const employees = [await createEmployee(server())];
      await eventually(() => sent().length === 1);
      expect(verify(h.secret, sent()[0]).type).toBe('employee.created');
      expect(signatures(0)).toBe(1);
      await recorded(1);
      // The secret opened for the first claim must not outlive the rotation.
      const rotated = (await post(server(), `/v1/webhooks/${h.id}/rotate-secret`, {})).body.data as { secret: string };
      employees.push(await createEmployee(server()));
      await eventually(() => sent().length === 2);
      expect(verify(rotated.secret, sent()[1]).type).toBe('employee.created');
      expect(verify(h.secret, sent()[1]).type).toBe('employee.created');
      expect(signatures(1)).toBe(2);
      await recorded(2);
      // The overlap is decided against the clock at each claim, not when the secrets were first opened.
      server().clock.advance(24 * 3_600_000);
      employees.push(await createEmployee(server()));
      await eventually(() => sent().length === 3);
      expect(verify(rotated.secret, sent()[2]).type).toBe('employee.created');
      expect(() => verify(h.secret, sent()[2])).toThrow();
      expect(signatures(2)).toBe(1);
      // One request per event: none was sent twice.
      expect(sent().map((r) => (JSON.parse(r.body) as { data: { object: { id: string } } }).data.object.id)).toEqual(
        employees.map((e) => e.id),
      );
      await recorded(3);
    });

    test('a failure is kept with its status and answer, retried on schedule, re-sent with the same webhook-id, and recovered', async () => {
      const h = await hook({ url: `${receiver().url}/flaky`, events: ['employee.created'] });
      let answer = 500;
      receiver().respond = (_req, res) => {
        res.writeHead(answer, { 'x-why': 'maintenance' });
        res.end(answer === 500 ? 'try later' : 'ok');
      };
      const flaky = () => receiver().requests.filter((r) => r.url === '/flaky');
      await createEmployee(server());
      await eventually(() => flaky().length === 1);
      const [failed] = (await eventually(async () => {
        const list = (await get(server(), `/v1/webhooks/${h.id}/deliveries`)).body.data;
        return list.length === 1 ? list : undefined;
      })) as { id: string; messageId: string; statusCode: number }[];
      const detail = (await get(server(), `/v1/deliveries/${failed.id}`)).body.data;
      expect(detail).toMatchObject({
        statusCode: 500,
        response: { body: 'try later', headers: { 'x-why': 'maintenance' } },
      });
      // The record says what comes next: another attempt in about 5 s, and 7 more in all.
      expect(detail).toMatchObject({ messageStatus: 'pending', attemptsLeft: 7 });
      const wait = Date.parse(detail.nextAttemptAt) - Date.parse(detail.sentAt);
      expect(wait >= 4_000 && wait <= 6_000).toBe(true);
      // The first retry is due 5 s later (±20 %): not before 4 s, surely by 6 s.
      server().clock.advance(3_900);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(flaky()).toHaveLength(1);
      server().clock.advance(2_200);
      await eventually(() => flaky().length === 2);
      expect(flaky()[1].headers['webhook-id']).toBe(flaky()[0].headers['webhook-id']);
      answer = 200;
      const resent = await post(server(), `/v1/deliveries/${failed.id}/resend`, {});
      expect(resent.status).toBe(202);
      await eventually(() => flaky().length === 3);
      expect(flaky()[2].headers['webhook-id']).toBe(failed.messageId);
      await eventually(
        async () => (await get(server(), `/v1/webhooks/${h.id}/deliveries?limit=1`)).body.data[0]?.statusCode === 200,
      );
      expect((await get(server(), `/v1/deliveries/${failed.id}`)).body.data).toMatchObject({
        messageStatus: 'succeeded',
        nextAttemptAt: null,
        attemptsLeft: 0,
      });
      const codes = async (sort: string) =>
        (await get(server(), `/v1/webhooks/${h.id}/deliveries?sort=${sort}&limit=2`)).body;
      const firstPage = await codes('statusCode');
      expect(firstPage.data.map((a: { statusCode: number }) => a.statusCode)).toEqual([200, 500]);
      const secondPage = (
        await get(server(), `/v1/webhooks/${h.id}/deliveries?sort=statusCode&limit=2&cursor=${firstPage.nextCursor}`)
      ).body;
      expect(secondPage.data.map((a: { statusCode: number }) => a.statusCode)).toEqual([500]);
      expect((await codes('-statusCode')).data.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500]);
    });

    test('410 Gone disables the webhook at once and emits webhook.disabled', async () => {
      const gone = await hook({ url: `${receiver().url}/gone`, events: ['employee.created'] });
      const watcher = await hook({ url: `${receiver().url}/watcher`, events: ['webhook.disabled'] });
      receiver().respond = (req, res) => {
        res.writeHead(req.url === '/gone' ? 410 : 200);
        res.end();
      };
      await createEmployee(server());
      const notice = await eventually(() => receiver().requests.find((r) => r.url === '/watcher'));
      const event = verify(watcher.secret, notice);
      expect(event).toMatchObject({
        type: 'webhook.disabled',
        actor: null,
        data: { object: { id: gone.id, reason: 'The endpoint answered 410 Gone.' } },
      });
      expect((await get(server(), `/v1/webhooks/${gone.id}`)).body.data).toMatchObject({
        status: 'disabled',
        disabledReason: 'The endpoint answered 410 Gone.',
      });
      await createEmployee(server());
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(receiver().requests.filter((r) => r.url === '/gone')).toHaveLength(1);
    });

    test('maxConcurrency is 10 unless set, and must be 1 to 50', async () => {
      expect(await hook({ url: `${receiver().url}/default`, events: ['employee.created'] })).toMatchObject({
        maxConcurrency: 10,
      });
      for (const maxConcurrency of [0, 51, 2.5, '3']) {
        expectProblem(
          await post(server(), '/v1/webhooks', {
            name: 'Bad concurrency',
            url: `${receiver().url}/bad`,
            events: ['employee.created'],
            maxConcurrency,
          }),
          400,
        );
      }
      expect((await get(server(), '/v1/webhooks?q=Bad%20concurrency')).body.data).toEqual([]);
    });

    test('maxConcurrency 1 delivers strictly in order: a message waiting for its retry holds back the ones behind it', async () => {
      const h = await hook({ url: `${receiver().url}/ordered`, events: ['employee.created'], maxConcurrency: 1 });
      let refuse = true;
      receiver().respond = (req, res) => {
        const busy = req.url === '/ordered' && refuse;
        refuse = refuse && req.url !== '/ordered';
        res.writeHead(busy ? 503 : 204);
        res.end();
      };
      const ordered = () =>
        receiver()
          .requests.filter((r) => r.url === '/ordered')
          .map((r) => (JSON.parse(r.body) as { data: { object: { id: string } } }).data.object.id);
      const a = await createEmployee(server());
      await eventually(async () => (await get(server(), `/v1/webhooks/${h.id}/deliveries`)).body.data.length === 1);
      const b = await createEmployee(server());
      const c = await createEmployee(server());
      // b and c are due now, but wait behind a, whose retry is 4-6 s away.
      const dispatcher = server().hub.dispatcher;
      for (let i = 0; i < 3; i += 1) await dispatcher?.tick();
      const db = server().hub.context.store.db;
      const waiting = await db
        .selectFrom('messages')
        .select(['status', 'attempts', 'lease_until'])
        .where('webhook_id', '=', h.id)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      expect(waiting.map((m) => [m.status, Number(m.attempts), m.lease_until])).toEqual([
        ['pending', 1, null],
        ['pending', 0, null],
        ['pending', 0, null],
      ]);
      expect(ordered()).toEqual([a.id]);
      server().clock.advance(6_100);
      dispatcher?.nudge();
      await eventually(() => ordered().length === 4);
      expect(ordered()).toEqual([a.id, a.id, b.id, c.id]);
    });

    test('above 1, one webhook gets several requests at once: a slow answer does not hold back the next event', async () => {
      const h = await hook({ url: `${receiver().url}/parallel`, events: ['employee.created'], maxConcurrency: 3 });
      const held: (() => void)[] = [];
      receiver().respond = (req, res) => {
        const answer = () => {
          res.writeHead(204);
          res.end();
        };
        if (req.url === '/parallel') held.push(answer);
        else answer();
      };
      try {
        // Each employee is its own commit and claim; none is answered until three are in flight.
        for (let i = 0; i < 3; i += 1) {
          await createEmployee(server());
          await eventually(() => held.length === i + 1);
        }
        expect(held).toHaveLength(3);
      } finally {
        for (const answer of held.splice(0)) answer();
      }
      await eventually(
        async () => (await get(server(), `/v1/webhooks/${h.id}/deliveries?succeeded=true`)).body.data.length === 3,
      );
    });

    test('maxEventsPerRequest batches events into one request; chat batches join with a rule', async () => {
      const batched = await hook({
        url: `${receiver().url}/batch`,
        events: ['employee.created'],
        maxEventsPerRequest: 3,
      });
      const chat = await hook({
        url: `${receiver().url}/chat`,
        events: ['employee.created'],
        maxEventsPerRequest: 3,
        format: 'chat',
      });
      for (let i = 0; i < 3; i += 1) await createEmployee(server(), { firstName: `Batch${i}` });
      // Let the dispatcher take all three events into the open batch before the linger ends.
      const db = server().hub.context.store.db;
      await eventually(
        async () =>
          (await db.selectFrom('events').select('id').where('fanned_out_at', 'is', null).execute()).length === 0,
      );
      server().clock.advance(1000);
      const request = await eventually(() => receiver().requests.find((r) => r.url === '/batch'));
      const body = verify(batched.secret, request) as unknown as {
        type: string;
        data: { data: { object: { firstName: string } } }[];
      };
      expect(body.type).toBe('batch');
      expect(
        (body.data as unknown as { data: { object: { firstName: string } } }[]).map((ev) => ev.data.object.firstName),
      ).toEqual(['Batch0', 'Batch1', 'Batch2']);
      const chatRequest = await eventually(() => receiver().requests.find((r) => r.url === '/chat'));
      expect((JSON.parse(chatRequest.body).text as string).split('\n\n---\n\n')).toHaveLength(3);
      void chat;
    });

    test('recover re-queues messages that ran out of retries since a time, with the same webhook-id; bad input is refused', async () => {
      expectProblem(await post(server(), '/v1/webhooks/wh_missing/recover', { since: '2026-11-01T00:00:00Z' }), 404);
      const h = await hook({ url: `${receiver().url}/recover`, events: ['employee.created'] });
      expectProblem(await post(server(), `/v1/webhooks/${h.id}/recover`, { since: 'yesterday' }), 400);
      expectProblem(await post(server(), '/v1/deliveries/dlv_missing/resend', {}), 404);
      let status = 503;
      receiver().respond = (_req, res) => {
        res.writeHead(status);
        res.end();
      };
      const sent = () => receiver().requests.filter((r) => r.url === '/recover');
      const recorded = async (n: number) => {
        await eventually(() => sent().length === n);
        await eventually(
          async () => (await get(server(), `/v1/webhooks/${h.id}/deliveries?limit=200`)).body.data.length === n,
        );
      };
      await createEmployee(server());
      await recorded(1);
      for (const [i, delay] of [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000].entries()) {
        server().clock.advance(Math.ceil(delay * 1.2));
        await recorded(i + 2);
      }
      const byStatus = (await get(server(), `/v1/webhooks/${h.id}/deliveries?sort=statusCode&limit=200`)).body.data.map(
        (a: { statusCode: number }) => a.statusCode,
      );
      expect(byStatus).toEqual(Array(8).fill(503));
      status = 200;
      const recovered = await post(server(), `/v1/webhooks/${h.id}/recover`, { since: '2026-11-22T00:00:00Z' });
      expect(recovered.body.data).toEqual({ requeued: 1 });
      await eventually(() => sent().length === 9);
      expect(new Set(sent().map((r) => r.headers['webhook-id'])).size).toBe(1);
      const none = await post(server(), `/v1/webhooks/${h.id}/recover`, { since: '2026-11-22T00:00:00Z' });
      expect(none.body.data).toEqual({ requeued: 0 });
    }, 30_000);

    test('every event type reaches its subscribers, signed; tampered bodies and stale timestamps fail verification', async () => {
      const everything = await hook({ url: `${receiver().url}/every`, events: [...EVENT_TYPE_NAMES] });
      receiver().respond = (req, res) => {
        res.writeHead(req.url === '/goner' ? 410 : 200);
        res.end();
      };
      const e = await createEmployee(server(), { title: 'A' });
      await patch(server(), `/v1/employees/${e.id}`, { title: 'B' });
      const other = await createEmployee(server());
      const g = (await post(server(), '/v1/groups', { name: 'G' })).body.data;
      await patch(server(), `/v1/groups/${g.id}`, { name: 'G2' });
      const r = (await post(server(), '/v1/roles', { name: 'R', groupId: g.id })).body.data;
      await patch(server(), `/v1/roles/${r.id}`, { name: 'R2' });
      await del(server(), `/v1/roles/${r.id}`);
      await del(server(), `/v1/groups/${g.id}`);
      await post(server(), '/v1/recognitions', { giverId: e.id, recipientIds: [other.id], points: 5 });
      await patch(server(), '/v1/organization', { name: `Org ${Math.random()}` });
      const u = (await post(server(), '/v1/users', { email: `u${Math.random()}@example.com`, accessRight: 'member' }))
        .body.data;
      await del(server(), `/v1/users/${u.id}`);
      await del(server(), `/v1/employees/${e.id}`);
      await hook({ url: `${receiver().url}/goner`, events: ['employee.created'] });
      await createEmployee(server());
      // HiBob runs (another issue) will emit the sync events; the delivery path is the same for every type.
      const { recordChange } = await import('../../../server/src/store/events');
      for (const type of ['sync.completed', 'sync.failed'] as const) {
        await recordChange(server().hub.context.store.db, {
          organizationId: server().org.organizationId,
          type,
          actor: { type: 'system' },
          object: {
            id: 'run_1',
            status: type.split('.')[1],
            created: 0,
            updated: 0,
            deleted: 0,
            unchanged: 0,
            error: null,
          },
          targetType: 'sync_run',
          targetId: 'run_1',
          at: server().clock.now(),
        });
      }
      // So will survey rounds (another issue); survey.invited carries its answer link sealed.
      const { sealAnswerUrl } = await import('../../../server/src/core/event-secrets');
      const round = {
        id: 'sur_1',
        name: 'Q4 pulse',
        status: 'open',
        participation: { invited: 1, responded: 0, rate: 0 },
      };
      const invitation = {
        survey: { id: 'sur_1', name: 'Q4 pulse' },
        employee: { id: other.id, email: other.email, firstName: 'Pat', lastName: 'Person' },
        answerUrl: sealAnswerUrl(server().hub.context.masterKey, 'https://hub.example.com/s/inv_1', 'sur_1', other.id),
        closesAt: '2026-12-20T17:00:00.000Z',
        reminder: false,
      };
      for (const [type, object] of [
        ['survey.opened', round],
        ['survey.invited', invitation],
        [
          'survey.closed',
          { ...round, status: 'closed', results: { score: null, enps: null, change: null, hidden: true } },
        ],
      ] as const)
        await recordChange(server().hub.context.store.db, {
          organizationId: server().org.organizationId,
          type,
          actor: { type: 'system' },
          object,
          targetType: 'survey',
          targetId: 'sur_1',
          at: server().clock.now(),
        });
      server().hub.dispatcher?.nudge();
      const types = await eventually(() => {
        const seen = new Set(
          receiver()
            .requests.filter((q) => q.url === '/every')
            .map((q) => verify(everything.secret, q).type),
        );
        return EVENT_TYPE_NAMES.every((t) => seen.has(t)) ? seen : undefined;
      });
      expect([...types].sort()).toEqual([...EVENT_TYPE_NAMES].sort());
      const sample = receiver().requests.find((q) => q.url === '/every') as {
        body: string;
        headers: Record<string, unknown>;
      };
      expect(() => verify(everything.secret, { ...sample, body: sample.body.replace('"type"', '"typo"') })).toThrow();
      jest.useFakeTimers({ now: new Date(server().clock.now().getTime() + 10 * 60_000) });
      try {
        expect(() =>
          new Verifier(everything.secret).verify(sample.body, sample.headers as Record<string, string>),
        ).toThrow(/timestamp/i);
      } finally {
        jest.useRealTimers();
      }
    });
  },
  {
    PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true',
    PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
    PEOPLEHUB_WORKER_POLL_MS: '5',
  },
);
