import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { eachStore } from '../../helpers/harness';
import { post } from '../../helpers/people';

let server: https.Server;
let url = '';
let received = 0;

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    days: 1,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  } as never);
  server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(200);
      res.end('secure ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

eachStore(
  'verifySsl against a self-signed HTTPS receiver',
  (hub) => {
    test('refused with verifySsl on (the default), delivered with it off for that webhook only', async () => {
      const before = received;
      const strict = await post(hub(), '/v1/webhooks/test-url', { url });
      expect(strict.body.data).toMatchObject({
        ok: false,
        statusCode: null,
        error: expect.stringMatching(/self[- ]signed|certificate/i),
      });
      expect(received).toBe(before);
      const relaxed = await post(hub(), '/v1/webhooks/test-url', { url, verifySsl: false });
      expect(relaxed.body.data).toMatchObject({ ok: true, statusCode: 200, responseBody: 'secure ok' });
      const webhook = (
        await post(hub(), '/v1/webhooks', { name: 'Self-signed', url, events: ['employee.created'], verifySsl: false })
      ).body.data;
      expect(webhook.verifySsl).toBe(false);
      expect((await post(hub(), `/v1/webhooks/${webhook.id}/test`, {})).body.data).toMatchObject({
        ok: true,
        statusCode: 200,
      });
      // The relaxed pool of one webhook does not leak into a strict one to the same origin.
      expect((await post(hub(), '/v1/webhooks/test-url', { url })).body.data.ok).toBe(false);
    });
  },
  { PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8' },
);
