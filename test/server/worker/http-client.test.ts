import ipaddr from 'ipaddr.js';
import { WebhookClient } from '../../../server/src/worker/http-client';
import { type Receiver, startReceiver } from '../../helpers/receiver';

describe('the SSRF-safe webhook client', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
    receiver.connections = 0;
    receiver.respond = (_req, res) => {
      res.writeHead(200);
      res.end('ok');
    };
  });

  const send = (client: WebhookClient, url: string, timeoutMs = 5000) => client.send({ url, headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}', timeoutMs, verifySsl: true });
  const spellings = (port: number) => [
    `http://127.0.0.1:${port}/hook`,
    `http://localhost:${port}/hook`,
    `http://[::1]:${port}/hook`,
    `http://[::ffff:127.0.0.1]:${port}/hook`,
    `http://0.0.0.0:${port}/hook`,
    `http://127.1:${port}/hook`,
    `http://2130706433:${port}/hook`,
    `http://0x7f000001:${port}/hook`,
    `http://0177.0.0.1:${port}/hook`,
  ];

  test('every loopback spelling is refused, and no connection is made', async () => {
    const client = new WebhookClient([]);
    try {
      for (const url of spellings(receiver.port)) {
        const result = await send(client, url);
        expect({ url, ok: result.ok, status: result.statusCode, error: result.error }).toEqual({ url, ok: false, status: null, error: expect.stringMatching(/^refused/) });
      }
      expect(receiver.connections).toBe(0);
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await client.close();
    }
  });

  test('allow-listed loopback is reached, with status, headers and body recorded', async () => {
    const client = new WebhookClient([ipaddr.parseCIDR('127.0.0.0/8')]);
    receiver.respond = (_req, res) => {
      res.writeHead(202, { 'x-receiver': 'yes' });
      res.end('accepted');
    };
    try {
      for (const url of [`http://127.0.0.1:${receiver.port}/hook`, `http://localhost:${receiver.port}/hook`, `http://127.1:${receiver.port}/hook`, `http://2130706433:${receiver.port}/hook`]) {
        const result = await send(client, url);
        expect({ url, ok: result.ok, status: result.statusCode, body: result.body, header: result.headers['x-receiver'] }).toEqual({ url, ok: true, status: 202, body: 'accepted', header: 'yes' });
      }
      expect(receiver.requests.map((r) => r.body)).toEqual(Array(4).fill('{"hello":"world"}'));
      // 0.0.0.0 reaches this host too, but it is not in 127.0.0.0/8: still refused.
      expect((await send(client, `http://0.0.0.0:${receiver.port}/hook`)).error).toMatch(/^refused/);
    } finally {
      await client.close();
    }
  });

  test('redirects are failures and are not followed; the answer is capped at 20 KB', async () => {
    const client = new WebhookClient([ipaddr.parseCIDR('127.0.0.0/8')]);
    try {
      receiver.respond = (_req, res) => {
        res.writeHead(302, { location: `http://127.0.0.1:${receiver.port}/elsewhere` });
        res.end();
      };
      const redirected = await send(client, `${receiver.url}/hook`);
      expect({ ok: redirected.ok, status: redirected.statusCode }).toEqual({ ok: false, status: 302 });
      expect(receiver.requests.map((r) => r.url)).toEqual(['/hook']);
      receiver.respond = (_req, res) => {
        res.writeHead(500);
        res.end('x'.repeat(100_000));
      };
      const big = await send(client, `${receiver.url}/hook`);
      expect({ ok: big.ok, status: big.statusCode, length: big.body.length }).toEqual({ ok: false, status: 500, length: 20 * 1024 });
    } finally {
      await client.close();
    }
  });

  test('a receiver that never answers times out', async () => {
    const client = new WebhookClient([ipaddr.parseCIDR('127.0.0.0/8')]);
    receiver.respond = () => undefined;
    try {
      const result = await send(client, `${receiver.url}/hook`, 300);
      expect({ ok: result.ok, error: result.error }).toEqual({ ok: false, error: 'no answer within 300 ms' });
    } finally {
      await client.close();
    }
  });
});
