import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { eachStore, restoreClockAfterEach } from '../../helpers/harness';
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
        await new Promise((resolve) => setTimeout(resolve, 100));
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

  eachStore(
    'retention of credentials',
    (server) => {
      restoreClockAfterEach(() => server().clock);
      test('expired sessions and idempotency records are pruned with the other retention jobs', async () => {
        const { db } = server().hub.services.store;
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

        // Two hours on: every session has expired (1-hour tokens); the idempotency records are still in their window.
        server().clock.advance(hours(2));
        await eventually(async () => (await count('app_sessions')) === 0);
        expect((await get(server(), `/v1/apps/${app.id}/sessions`)).body.data).toEqual([]);
        expect(await count('idempotency_keys')).toBe(5);
        server().clock.advance(hours(23));
        await eventually(async () => (await count('idempotency_keys')) === 0);
      });
    },
    { PEOPLEHUB_WORKER_POLL_MS: '5' },
  );
});
