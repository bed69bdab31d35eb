import { Webhook as Verifier } from 'standardwebhooks';
import { eachStore } from '../../helpers/harness';
import { expectProblem } from '../../helpers/http';
import { post } from '../../helpers/people';
import { useReceiver } from '../../helpers/receiver';

const receiver = useReceiver();

eachStore(
  'webhook test sends',
  (server) => {
    beforeEach(() => {
      receiver().requests.length = 0;
      receiver().respond = (_req, res) => {
        res.writeHead(200, { 'x-seen': '1' });
        res.end('thanks');
      };
    });

    test('test-url sends an unsigned sample in the chosen format and answers with the attempt', async () => {
      const res = await post(server(), '/v1/webhooks/test-url', { url: `${receiver().url}/chat`, format: 'chat' });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        ok: true,
        statusCode: 200,
        error: null,
        responseBody: 'thanks',
        responseHeaders: { 'x-seen': '1' },
      });
      const [received] = receiver().requests;
      expect(received.headers['webhook-signature']).toBeUndefined();
      expect(received.headers['user-agent']).toMatch(/^PeopleHub-Webhooks\/\d+\.\d+\.\d+$/);
      const text = JSON.parse(received.body).text as string;
      expect(text.split('\n\n')[0]).toMatch(
        /^\*\*\[Role\]\(http:\/\/127\.0\.0\.1:\d+\/roles\/rol_\w+\)\*\* was updated$/,
      );
      expect(text).toContain('**Name:** Engineer → Senior Engineer');
    });

    test('a webhook test is signed so that the standardwebhooks library verifies it, and failures come back as they are', async () => {
      const created = (
        await post(server(), '/v1/webhooks', {
          name: 'Signed',
          url: `${receiver().url}/signed`,
          events: ['recognition.completed'],
        })
      ).body.data;
      const res = await post(server(), `/v1/webhooks/${created.id}/test`, {});
      expect(res.body.data).toMatchObject({ ok: true, statusCode: 200 });
      const [received] = receiver().requests;
      // The library checks the timestamp against its own clock: show it the server's (injected) time.
      jest.useFakeTimers({ now: server().clock.now() });
      let event: { type: string };
      try {
        event = new Verifier(created.secret).verify(received.body, received.headers as Record<string, string>) as {
          type: string;
        };
        expect(() =>
          new Verifier(created.secret).verify(
            received.body.replace('recognition', 'recognitions'),
            received.headers as Record<string, string>,
          ),
        ).toThrow();
      } finally {
        jest.useRealTimers();
      }
      expect(event.type).toBe('recognition.completed');
      receiver().respond = (_req, res2) => {
        res2.writeHead(503, { 'retry-after': '30' });
        res2.end('down for maintenance');
      };
      const failed = await post(server(), `/v1/webhooks/${created.id}/test`, { eventType: 'employee.updated' });
      expect(failed.body.data).toMatchObject({
        ok: false,
        statusCode: 503,
        responseBody: 'down for maintenance',
        responseHeaders: { 'retry-after': '30' },
      });
      expectProblem(await post(server(), `/v1/webhooks/${created.id}/test`, { eventType: 'nope' }), 400);

      // During a rotation's overlap both secrets sign: receivers on either one keep verifying.
      const rotated = (await post(server(), `/v1/webhooks/${created.id}/rotate-secret`, {})).body.data;
      receiver().respond = (_req, res2) => {
        res2.writeHead(200);
        res2.end();
      };
      await post(server(), `/v1/webhooks/${created.id}/test`, {});
      const signed = receiver().requests[receiver().requests.length - 1];
      expect(String(signed.headers['webhook-signature']).split(' ')).toHaveLength(2);
      jest.useFakeTimers({ now: server().clock.now() });
      try {
        for (const secret of [created.secret, rotated.secret]) {
          expect(() =>
            new Verifier(secret).verify(signed.body, signed.headers as Record<string, string>),
          ).not.toThrow();
        }
      } finally {
        jest.useRealTimers();
      }
    });
  },
  { PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true', PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8' },
);

eachStore(
  'webhook test sends without an allow-list',
  (server) => {
    test('test-url to loopback is refused by the SSRF guard, and no connection is made', async () => {
      const connections = receiver().connections;
      for (const host of ['127.0.0.1', 'localhost', '[::1]', '127.1', '0x7f000001']) {
        const res = await post(server(), '/v1/webhooks/test-url', { url: `http://${host}:${receiver().port}/x` });
        expect(expectProblem(res, 400).errors).toEqual([
          { location: 'body', path: '/url', message: expect.stringMatching(/^refused .* is a loopback address/) },
        ]);
      }
      expect(receiver().connections).toBe(connections);
      expectProblem(await post(server(), '/v1/webhooks/test-url', { url: 'ftp://example.com/x' }), 400);
    });
  },
  { PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true' },
);
