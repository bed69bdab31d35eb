import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { WebhookClient } from '../../../server/src/net/http-client';
import { GuardedAgents } from '../../../server/src/net/outbound';
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

  const send = (client: WebhookClient, url: string, timeoutMs = 5000, onRender = () => undefined) =>
    client.send({
      url,
      render: () => {
        onRender();
        return { headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}' };
      },
      timeoutMs,
      verifySsl: true,
    });
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
    // IPv4-compatible IPv6 (::/96) carries the loopback address too.
    `http://[::127.0.0.1]:${port}/hook`,
    `http://[::7f00:1]:${port}/hook`,
    `http://[0:0:0:0:0:0:7f00:1]:${port}/hook`,
  ];

  test('every loopback spelling is refused, and no connection is made', async () => {
    const client = new WebhookClient(new GuardedAgents([], { allowHttp: true }));
    try {
      for (const url of spellings(receiver.port)) {
        const result = await send(client, url);
        expect({ url, ok: result.ok, status: result.statusCode, error: result.error }).toEqual({
          url,
          ok: false,
          status: null,
          error: expect.stringMatching(/^refused/),
        });
      }
      expect(receiver.connections).toBe(0);
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await client.agents.close();
    }
  });

  test('allow-listed loopback is reached, with status, headers and body recorded', async () => {
    const client = new WebhookClient(new GuardedAgents([ipaddr.parseCIDR('127.0.0.0/8')], { allowHttp: true }));
    receiver.respond = (_req, res) => {
      res.writeHead(202, { 'x-receiver': 'yes' });
      res.end('accepted');
    };
    try {
      for (const url of [
        `http://127.0.0.1:${receiver.port}/hook`,
        `http://localhost:${receiver.port}/hook`,
        `http://127.1:${receiver.port}/hook`,
        `http://2130706433:${receiver.port}/hook`,
      ]) {
        const result = await send(client, url);
        expect({
          url,
          ok: result.ok,
          status: result.statusCode,
          body: result.body,
          header: result.headers['x-receiver'],
        }).toEqual({ url, ok: true, status: 202, body: 'accepted', header: 'yes' });
      }
      expect(receiver.requests.map((r) => r.body)).toEqual(Array(4).fill('{"hello":"world"}'));
      // 0.0.0.0 reaches this host too, but it is not in 127.0.0.0/8: still refused.
      expect((await send(client, `http://0.0.0.0:${receiver.port}/hook`)).error).toMatch(/^refused/);
    } finally {
      await client.agents.close();
    }
  });

  test('redirects are failures and are not followed; the answer is capped at 20 KB', async () => {
    const client = new WebhookClient(new GuardedAgents([ipaddr.parseCIDR('127.0.0.0/8')], { allowHttp: true }));
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
      expect({ ok: big.ok, status: big.statusCode, length: big.body.length }).toEqual({
        ok: false,
        status: 500,
        length: 20 * 1024,
      });
    } finally {
      await client.agents.close();
    }
  });

  test('a receiver that never answers times out', async () => {
    const client = new WebhookClient(new GuardedAgents([ipaddr.parseCIDR('127.0.0.0/8')], { allowHttp: true }));
    receiver.respond = () => undefined;
    try {
      const result = await send(client, `${receiver.url}/hook`, 300);
      expect({ ok: result.ok, error: result.error }).toEqual({ ok: false, error: 'no answer within 300 ms' });
    } finally {
      await client.agents.close();
    }
  });

  test('plain http:// is refused at send time unless allowed, and says which variable allows it', async () => {
    const client = new WebhookClient(new GuardedAgents([ipaddr.parseCIDR('127.0.0.0/8')]));
    try {
      const result = await send(client, `${receiver.url}/hook`);
      expect({ ok: result.ok, status: result.statusCode, error: result.error }).toEqual({
        ok: false,
        status: null,
        error: expect.stringContaining('PEOPLEHUB_ALLOW_HTTP_WEBHOOKS=true'),
      });
      expect((await send(client, `ftp://127.0.0.1:${receiver.port}/hook`)).error).toMatch(/^refused ftp:/);
      expect(receiver.connections).toBe(0);
    } finally {
      await client.agents.close();
    }
  });

  test('keep-alive pools are bounded: the least recently used idle ones are closed', async () => {
    const client = new WebhookClient(
      new GuardedAgents([ipaddr.parseCIDR('127.0.0.0/8')], { allowHttp: true, maxPools: 4 }),
    );
    const closed: net.Server[] = [];
    try {
      // Distinct destinations: ports with nobody listening answer "connection refused" at once.
      for (let i = 0; i < 30; i += 1) {
        const probe = net.createServer();
        await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
        const port = (probe.address() as net.AddressInfo).port;
        await new Promise<void>((resolve) => probe.close(() => resolve()));
        closed.push(probe);
        const result = await send(client, `http://127.0.0.1:${port}/hook`, 2000);
        expect(result.error).toMatch(/ECONNREFUSED/);
        expect(client.agents.poolCount).toBeLessThanOrEqual(4);
      }
      // The live destination still works after all that churn, through a fresh pool.
      const result = await send(client, `${receiver.url}/hook`);
      expect({ ok: result.ok, pools: client.agents.poolCount }).toEqual({ ok: true, pools: 4 });
    } finally {
      await client.agents.close();
    }
    expect(client.agents.poolCount).toBe(0);
  });
  test('many requests to one destination wait for a connection before their timeout starts: none times out for waiting', async () => {
    const client = new WebhookClient(new GuardedAgents([ipaddr.parseCIDR('127.0.0.0/8')], { allowHttp: true }));
    let open = 0;
    let most = 0;
    receiver.respond = (_req, res) => {
      open += 1;
      most = Math.max(most, open);
      setTimeout(() => {
        open -= 1;
        res.writeHead(200);
        res.end('ok');
      }, 60);
    };
    try {
      // 160 at once, 16 connections, 60 ms each: about 0.6 s in all, far beyond the 300 ms timeout
      // had the wait for a connection counted against it.
      // Each request is rendered (signed) only once a connection is free for it, not all up front.
      let rendered = 0;
      let answered = 0;
      let renderedAhead = 0;
      const results = await Promise.all(
        Array.from({ length: 160 }, async () => {
          const result = await send(client, `${receiver.url}/busy`, 300, () => {
            rendered += 1;
            renderedAhead = Math.max(renderedAhead, rendered - answered);
          });
          answered += 1;
          return result;
        }),
      );
      expect(results.filter((r) => !r.ok).map((r) => r.error)).toEqual([]);
      expect(most).toBeLessThanOrEqual(16);
      expect(rendered).toBe(160);
      // A freed connection goes to the next request before the finished one's caller resumes, so the
      // count runs a little past 16; rendering everything up front would put it at 160.
      expect(renderedAhead).toBeLessThanOrEqual(32);
    } finally {
      await client.agents.close();
    }
  });
});
