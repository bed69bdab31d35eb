import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { finishAttempts } from '../../../server/src/store/delivery-attempts';
import { claimDue, fanOut } from '../../../server/src/store/messages';
import { insertNotification } from '../../../server/src/store/notifications';
import {
  type UpkeepActions,
  applyRetention,
  disableFailingWebhooks,
  sendFailureDigests,
} from '../../../server/src/worker/scheduler';
import { type TestServer, eachStore, restoreClockAfterEach } from '../../helpers/harness';
import { call } from '../../helpers/http';
import { createEmployee, get, patch, post } from '../../helpers/people';
import { type Receiver, answerOk, eventually, startReceiver } from '../../helpers/receiver';

interface Mail {
  to: string[];
  data: string;
}

let receiver: Receiver;
let smtp: SMTPServer;
let smtpPort = 0;
const mails: Mail[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  process.env.TEST_SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
});

afterAll(async () => {
  await receiver.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const hours = (n: number) => n * 3_600_000;

/** Upkeep actions that only note what they were asked to disable. */
function disabling() {
  const calls: { organizationId: string; webhookId: string; reason: string }[] = [];
  const actions: UpkeepActions = {
    disable: async (organizationId, webhookId, reason) => {
      calls.push({ organizationId, webhookId, reason });
    },
  };
  return { calls, actions };
}

/** A webhook for employee.created at an address nobody is asked to answer (the worker is off). */
async function webhookTo(server: TestServer, name: string) {
  const res = await post(server, '/v1/webhooks', {
    name,
    url: 'http://127.0.0.1:9/upkeep',
    events: ['employee.created'],
    errorRecipientEmails: ['ops@example.com'],
  });
  expect(res.status).toBe(201);
  return res.body.data as { id: string; name: string };
}

/**
 * Fans out the waiting events and records one attempt for every message due, answered with `status`
 * (null: no answer) and out of retries unless it succeeded, as the dispatcher would after its last try.
 */
async function failAllDue(server: TestServer, answer: { status: number | null; error?: string }) {
  const { db, dialect } = server.hub.context.store;
  const now = server.clock.now();
  await fanOut(db, dialect, now, 0);
  const claimed = await claimDue(db, dialect, now, 60_000, 100);
  const ok = answer.status !== null && answer.status < 300;
  await finishAttempts(
    db,
    dialect,
    claimed.map((m) => ({
      status: ok ? 'succeeded' : 'failed',
      attempts: m.attempts + 1,
      nextAttemptAt: now.toISOString(),
      attempt: {
        organization_id: m.organizationId,
        webhook_id: m.webhookId,
        message_id: m.id,
        url: 'http://127.0.0.1:9/upkeep',
        request_headers: {},
        request_body: '{}',
        status_code: answer.status,
        response_headers: {},
        response_body: '',
        error: answer.error ?? null,
        duration_ms: 1,
        trigger: 'scheduled',
        sent_at: now.toISOString(),
      },
    })),
  );
  return claimed.map((m) => ({ messageId: m.id, webhookId: m.webhookId }));
}

describe('webhook upkeep', () => {
  eachStore(
    'with SMTP',
    (server) => {
      restoreClockAfterEach(() => server().clock);
      afterEach(() => {
        receiver.respond = answerOk;
      });
      test('410 disables the webhook and e-mails the error recipients through real SMTP', async () => {
        receiver.respond = (_req, res) => {
          res.writeHead(410);
          res.end();
        };
        const hook = (
          await post(server(), '/v1/webhooks', {
            name: 'Gone hook',
            url: `${receiver.url}/gone`,
            events: ['employee.created'],
            errorRecipientEmails: ['ops@example.com', 'dev@example.com'],
          })
        ).body.data;
        const before = mails.length;
        await createEmployee(server());
        const mail = await eventually(() => mails.slice(before).find((m) => m.data.includes('Gone hook')));
        expect(mail.to.sort()).toEqual(['dev@example.com', 'ops@example.com']);
        // The subject is MIME-encoded (it has quotes): PeopleHub: the webhook "Gone hook" was disabled.
        expect(mail.data).toMatch(
          /^Subject: =\?UTF-8\?Q\?PeopleHub=3A_the_webhook_=22Gone_hook=22\?=\s+=\?UTF-8\?Q\?_was_disabled\?=/m,
        );
        expect(mail.data).toContain('410 Gone');
        const notes = await eventually(async () => {
          const list = (await get(server(), `/v1/webhooks/${hook.id}/notifications`)).body.data;
          return list.length === 1 && list[0].sentAt !== null ? list : undefined;
        });
        expect(notes[0]).toMatchObject({
          kind: 'disabled',
          recipients: ['ops@example.com', 'dev@example.com'],
          error: null,
        });
      });
    },
    {
      PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true',
      PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
      PEOPLEHUB_WORKER_POLL_MS: '5',
      get SMTP_URL() {
        return process.env.TEST_SMTP_URL ?? '';
      },
    } as unknown as Record<string, string>,
  );

  eachStore(
    'without SMTP',
    (server) => {
      restoreClockAfterEach(() => server().clock);
      test('a message out of retries goes into one digest; 5 days of failure disable the webhook; old history is pruned', async () => {
        receiver.requests.length = 0;
        receiver.respond = (_req, res) => {
          res.writeHead(500);
          res.end('broken');
        };
        const hook = (
          await post(server(), '/v1/webhooks', {
            name: 'Broken hook',
            url: `${receiver.url}/broken`,
            events: ['employee.created'],
            errorRecipientEmails: ['ops@example.com'],
          })
        ).body.data;
        const sent = () => receiver.requests.filter((r) => r.url === '/broken').length;
        // An attempt counts once it is recorded: the next retry is planned from that moment's clock.
        const recorded = async (n: number) => {
          await eventually(() => sent() === n);
          await eventually(
            async () => (await get(server(), `/v1/webhooks/${hook.id}/deliveries?limit=200`)).body.data.length === n,
          );
        };
        await createEmployee(server());
        await recorded(1);
        // Walk the clock through the retry schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (+20 % margin each).
        for (const [i, delay] of [5_000, 300_000, 1_800_000, hours(2), hours(5), hours(10), hours(10)].entries()) {
          server().clock.advance(Math.ceil(delay * 1.2));
          await recorded(i + 2);
        }
        // Upkeep runs once a minute of clock time: the digest follows within it.
        server().clock.advance(60_000);
        const digest = await eventually(async () => {
          const list = (await get(server(), `/v1/webhooks/${hook.id}/notifications`)).body.data;
          return list.find((n: { kind: string }) => n.kind === 'digest');
        });
        expect(digest).toMatchObject({
          recipients: ['ops@example.com'],
          sentAt: null,
          subject: 'PeopleHub: deliveries to "Broken hook" failed',
        });
        expect(digest.body).toContain('HTTP 500');
        expect((await get(server(), `/v1/webhooks/${hook.id}`)).body.data.status).toBe('active');
        expect((await get(server(), `/v1/webhooks/${hook.id}/deliveries`)).body.data).toHaveLength(8);

        // Still failing, and the first failure is over 5 days old: disabled.
        server().clock.advance(hours(24 * 4));
        await eventually(async () => (await get(server(), `/v1/webhooks/${hook.id}`)).body.data.status === 'disabled');
        expect((await get(server(), `/v1/webhooks/${hook.id}`)).body.data.disabledReason).toBe(
          'Every delivery failed for 5 days.',
        );
        const kinds = (await get(server(), `/v1/webhooks/${hook.id}/notifications`)).body.data.map(
          (n: { kind: string }) => n.kind,
        );
        expect(kinds.sort()).toEqual(['digest', 'disabled']);

        // Re-enabled: a fresh failure window, so upkeep does not disable it again at once.
        expect((await patch(server(), `/v1/webhooks/${hook.id}`, { status: 'active' })).body.data).toMatchObject({
          status: 'active',
          disabledReason: null,
        });
        server().clock.advance(120_000);
        const again = disabling();
        await disableFailingWebhooks(server().hub.context, again.actions);
        expect(again.calls).toEqual([]);
        expect((await get(server(), `/v1/webhooks/${hook.id}`)).body.data.status).toBe('active');

        server().clock.advance(hours(24 * 31));
        await eventually(
          async () => (await get(server(), `/v1/webhooks/${hook.id}/deliveries`)).body.data.length === 0,
        );
      }, 60_000);
    },
    {
      PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true',
      PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
      PEOPLEHUB_WORKER_POLL_MS: '5',
    },
  );

  // Each job alone, with the worker off: nothing runs in the background, and the clock moves only
  // when a test moves it.
  const alone = {
    PEOPLEHUB_WORKER: 'false',
    PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true',
    PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
  };

  eachStore(
    'auto-disable alone',
    (server) => {
      restoreClockAfterEach(() => server().clock);
      test('disables active webhooks failing for the configured days, from the first second, and nothing else', async () => {
        const { db } = server().hub.context.store;
        const hook = async (name: string, failingFor: number, status = 'active') => {
          const id = (await webhookTo(server(), name)).id as string;
          if (status !== 'active') expect((await patch(server(), `/v1/webhooks/${id}`, { status })).status).toBe(200);
          const since = new Date(server().clock.now().getTime() - failingFor).toISOString();
          await db.updateTable('webhooks').set({ failing_since: since }).where('id', '=', id).execute();
          return id;
        };
        const due = await hook('Five days', hours(24 * 5));
        await hook('Almost five days', hours(24 * 5) - 1);
        await hook('Switched off', hours(24 * 30), 'inactive');
        const none = await webhookTo(server(), 'Never failed');
        const { calls, actions } = disabling();
        await disableFailingWebhooks(server().hub.context, actions);
        expect(calls).toEqual([
          { organizationId: server().org.organizationId, webhookId: due, reason: 'Every delivery failed for 5 days.' },
        ]);
        expect(calls.some((c) => c.webhookId === none.id)).toBe(false);
      });
    },
    alone,
  );

  eachStore(
    'failure digests alone',
    (server) => {
      restoreClockAfterEach(() => server().clock);
      test('one digest per webhook lists every message out of retries, then nothing new for an hour', async () => {
        const services = server().hub.context;
        const first = await webhookTo(server(), 'First');
        const second = await webhookTo(server(), 'Second');
        await createEmployee(server());
        await createEmployee(server());
        const failed = await failAllDue(server(), { status: 500 });
        expect(failed).toHaveLength(4);
        await sendFailureDigests(services);
        const digests = async (webhookId: string) =>
          (await get(server(), `/v1/webhooks/${webhookId}/notifications`)).body.data.filter(
            (n: { kind: string }) => n.kind === 'digest',
          ) as { subject: string; body: string; recipients: string[]; sentAt: string | null }[];
        for (const hook of [first, second]) {
          const [digest, ...more] = await digests(hook.id);
          expect(more).toEqual([]);
          expect(digest).toMatchObject({
            subject: `PeopleHub: deliveries to "${hook.name}" failed`,
            recipients: ['ops@example.com'],
            sentAt: null,
          });
          const mine = failed.filter((f) => f.webhookId === hook.id).map((f) => f.messageId);
          expect(digest.body).toContain(`2 message(s) to the webhook "${hook.name}"`);
          for (const id of mine) expect(digest.body).toContain(`- ${id}: HTTP 500`);
        }

        // Reported messages are not reported again.
        await sendFailureDigests(services);
        expect(await digests(first.id)).toHaveLength(1);

        // A new failure waits for the hour since the last digest to pass, then goes out alone.
        await createEmployee(server());
        const [late] = (await failAllDue(server(), { status: null, error: 'connect ECONNREFUSED' })).filter(
          (f) => f.webhookId === first.id,
        );
        server().clock.advance(hours(1) - 1);
        await sendFailureDigests(services);
        expect(await digests(first.id)).toHaveLength(1);
        server().clock.advance(1);
        await sendFailureDigests(services);
        const [newest] = await digests(first.id);
        expect(await digests(first.id)).toHaveLength(2);
        expect(newest.body).toContain(`1 message(s) to the webhook "First"`);
        expect(newest.body).toContain(`- ${late.messageId}: connect ECONNREFUSED`);
      });
    },
    alone,
  );

  eachStore(
    'retention alone',
    (server) => {
      restoreClockAfterEach(() => server().clock);
      test('history older than the retention days goes; pending messages and events not yet fanned out stay', async () => {
        const services = server().hub.context;
        const { db, dialect } = services.store;
        const clock = server().clock;
        const hook = await webhookTo(server(), 'History');
        await createEmployee(server());
        const [sent] = await failAllDue(server(), { status: 200 });
        await createEmployee(server());
        await fanOut(db, dialect, clock.now(), 0);
        await insertNotification(db, {
          organizationId: server().org.organizationId,
          webhookId: hook.id,
          kind: 'digest',
          recipients: [],
          subject: 'old',
          body: 'old',
          at: clock.now(),
        });
        // Written after the last fan-out: still to be delivered, however old it gets.
        await createEmployee(server());
        const ids = async (table: 'delivery_attempts' | 'messages' | 'notifications') =>
          (await db.selectFrom(table).select('id').execute()).map((r) => r.id).sort();
        const waiting = async () =>
          (await db.selectFrom('events').select('id').where('fanned_out_at', 'is', null).execute())
            .map((r) => r.id)
            .sort();
        const before = {
          attempts: await ids('delivery_attempts'),
          messages: await ids('messages'),
          notifications: await ids('notifications'),
        };
        expect(before.attempts).toHaveLength(1);
        expect(before.messages).toHaveLength(2);
        expect(before.notifications).toHaveLength(1);
        const unsent = await waiting();
        expect(unsent.length).toBeGreaterThan(0);

        // Exactly 30 days on, nothing is older than the window yet.
        clock.advance(hours(24 * 30));
        await applyRetention(services);
        expect({
          attempts: await ids('delivery_attempts'),
          messages: await ids('messages'),
          notifications: await ids('notifications'),
        }).toEqual(before);

        clock.advance(1);
        await applyRetention(services);
        expect(await ids('delivery_attempts')).toEqual([]);
        expect(await ids('messages')).toEqual(before.messages.filter((id) => id !== sent.messageId));
        expect(await ids('notifications')).toEqual([]);
        expect((await db.selectFrom('events').select('id').execute()).map((r) => r.id).sort()).toEqual(unsent);
      });
    },
    alone,
  );

  eachStore(
    'retention of credentials alone',
    (server) => {
      restoreClockAfterEach(() => server().clock);
      test('expired sessions go after their hour, idempotency records after their 24 hours', async () => {
        const services = server().hub.context;
        const { db } = services.store;
        const count = async (table: 'app_sessions' | 'idempotency_keys') =>
          Number(
            (
              await db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        const app = (await post(server(), '/v1/apps', { name: 'Chatty', permissions: ['users:read'] })).body.data;
        for (let i = 0; i < 20; i += 1)
          expect((await call(server().url, '/v1/auth/application', { body: { token: app.token } })).status).toBe(200);
        for (let i = 0; i < 5; i += 1) {
          expect(
            (
              await call(server().url, '/v1/employees', {
                key: server().org.ownerKey,
                body: { email: `idem${i}@acme.example`, firstName: 'I', lastName: 'Dem' },
                headers: { 'idempotency-key': `prune-${i}` },
              })
            ).status,
          ).toBe(201);
        }
        expect(await count('app_sessions')).toBe(20);
        expect(await count('idempotency_keys')).toBe(5);

        // Access tokens live an hour: a session is kept up to its expiry and deleted right after.
        server().clock.advance(hours(1));
        await applyRetention(services);
        expect(await count('app_sessions')).toBe(20);
        server().clock.advance(1);
        await applyRetention(services);
        expect(await count('app_sessions')).toBe(0);
        expect((await get(server(), `/v1/apps/${app.id}/sessions`)).body.data).toEqual([]);
        expect(await count('idempotency_keys')).toBe(5);

        server().clock.advance(hours(23) - 1);
        await applyRetention(services);
        expect(await count('idempotency_keys')).toBe(5);
        server().clock.advance(1);
        await applyRetention(services);
        expect(await count('idempotency_keys')).toBe(0);
      });
    },
    alone,
  );
});
