import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { exportJWK } from 'jose';
import { eachStore } from '../helpers/harness';
import { call } from '../helpers/http';
import { storeContents } from '../helpers/store-contents';

eachStore(
  'secrets at rest',
  (server) => {
    test('no token, key or secret appears in clear in the store, whether or not the request carried an Idempotency-Key', async () => {
      const owner = server().org.ownerKey;
      /** Every route that answers with a secret, sent once without and once with an Idempotency-Key. */
      const both = async (path: string, body: unknown, key = owner) => {
        const plain = await call(server().url, path, { key, body: typeof body === 'function' ? body('plain') : body });
        const keyed = await call(server().url, path, {
          key,
          body: typeof body === 'function' ? body('keyed') : body,
          headers: { 'idempotency-key': `secret-${path}-${Math.random()}` },
        });
        expect(plain.status).toBeLessThan(300);
        expect(keyed.status).toBeLessThan(300);
        return [plain.body.data, keyed.body.data];
      };
      const [app, keyedApp] = await both('/v1/apps', (v: string) => ({
        name: `Secretive ${v}`,
        permissions: ['users:read'],
      }));
      const session = (await call(server().url, '/v1/auth/application', { body: { token: app.token } })).body.data;
      const oauth = await call(server().url, '/oauth/token', {
        body: `grant_type=client_credentials&client_id=${app.id}&client_secret=${app.token}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const [webhook, keyedWebhook] = await both('/v1/webhooks', (v: string) => ({
        name: `Sealed ${v}`,
        url: 'https://hooks.example.com/x',
        events: ['employee.created'],
      }));
      const rotated = await both(`/v1/webhooks/${webhook.id}/rotate-secret`, {});
      const member = (
        await call(server().url, '/v1/users', {
          key: owner,
          body: { email: 'keyed@example.com', accessRight: 'admin' },
        })
      ).body.data;
      const userKeys = await both(`/v1/users/${member.id}/keys`, {});
      // Rotation revokes the key it is called with, so each call uses the key the last one returned.
      const rotatedPlain = (await call(server().url, '/v1/users/me/keys/rotate', { key: userKeys[0].key, body: {} }))
        .body.data;
      const rotatedKeyed = (
        await call(server().url, '/v1/users/me/keys/rotate', {
          key: userKeys[1].key,
          body: {},
          headers: { 'idempotency-key': 'rotate-once' },
        })
      ).body.data;
      expect([rotatedPlain.key, rotatedKeyed.key]).toEqual([
        expect.stringMatching(/^phu_/),
        expect.stringMatching(/^phu_/),
      ]);

      // A HiBob connection: its token and hook secret are sealed too. (The credential check at connect
      // needs a HiBob; a minimal one on loopback answers the field list for the right Basic credentials.)
      const hibobToken = `hibob-token-${'t'.repeat(24)}`;
      const hookSecret = `hibob-hook-${'h'.repeat(24)}`;
      const hibob = http.createServer((req, res) => {
        const ok = req.headers.authorization === `Basic ${Buffer.from(`SU-1:${hibobToken}`).toString('base64')}`;
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(ok ? '[]' : '{}');
      });
      await new Promise<void>((resolve) => hibob.listen(0, '127.0.0.1', resolve));
      try {
        const baseUrl = `http://127.0.0.1:${(hibob.address() as AddressInfo).port}`;
        const connected = await call(server().url, '/v1/integrations/hibob', {
          method: 'PUT',
          key: owner,
          body: { serviceUserId: 'SU-1', token: hibobToken, hookSecret, baseUrl },
        });
        expect(connected.status).toBe(200);
        expect(JSON.stringify(connected.body)).not.toContain(hibobToken);
      } finally {
        hibob.close();
      }

      // Use them all, so last-used bookkeeping has written what it writes.
      const ways: Record<string, string>[] = [
        { 'x-api-key': app.token },
        { authorization: `Bearer ${session.token}` },
        { authorization: `Bearer ${oauth.body.access_token}` },
        { 'x-api-key': owner },
        { 'x-api-key': rotatedKeyed.key },
      ];
      for (const headers of ways) {
        expect((await call(server().url, '/v1/users', { headers })).status).toBe(200);
      }
      const privateJwk = await exportJWK(server().hub.context.keyring.current.privateKey);
      const masterKey = server().hub.context.masterKey;
      const secrets: Record<string, string> = {
        ownerKey: owner,
        otherOwnerKey: server().other.ownerKey,
        appToken: app.token,
        appTokenBody: app.token.slice(4),
        keyedAppToken: keyedApp.token,
        exchangedJwt: session.token,
        oauthJwt: oauth.body.access_token as string,
        jwtSignature: (session.token as string).split('.')[2],
        signingKeyPrivatePart: privateJwk.d as string,
        webhookSecret: webhook.secret as string,
        webhookSecretBody: (webhook.secret as string).slice(6),
        keyedWebhookSecret: keyedWebhook.secret as string,
        rotatedWebhookSecret: rotated[0].secret as string,
        keyedRotatedWebhookSecret: rotated[1].secret as string,
        issuedUserKey: userKeys[0].key as string,
        keyedIssuedUserKey: userKeys[1].key as string,
        rotatedUserKey: rotatedPlain.key as string,
        keyedRotatedUserKey: rotatedKeyed.key as string,
        hibobToken,
        hibobHookSecret: hookSecret,
        masterKeyHex: masterKey.toString('hex'),
        masterKeyBase64: masterKey.toString('base64'),
      };
      const contents = await storeContents(server());
      expect(contents.length).toBeGreaterThan(1000);
      for (const [name, secret] of Object.entries(secrets)) {
        expect({ name, found: contents.includes(secret) }).toEqual({ name, found: false });
      }
      if (server().schema === null) {
        expect(contents.includes(masterKey.toString('latin1'))).toBe(false);
        // master.key, the database and its WAL files are for the server's user only.
        for (const name of fs.readdirSync(server().dataDir)) {
          expect({ name, mode: fs.statSync(path.join(server().dataDir, name)).mode & 0o077 }).toEqual({
            name,
            mode: 0,
          });
        }
        expect(fs.statSync(server().dataDir).mode & 0o077).toBe(0);
      }
      // The check is real: what the store does hold shows up in the same dump, and the keyed answers replay.
      expect(contents).toContain(app.id);
      expect(contents).toContain('Secretive plain');
      const replay = await call(server().url, '/v1/users/me/keys/rotate', {
        key: rotatedKeyed.key,
        body: {},
        headers: { 'idempotency-key': 'rotate-once' },
      });
      expect({
        status: replay.status,
        replayed: replay.headers['idempotent-replayed'],
        key: replay.body.data.key,
      }).toEqual({ status: 201, replayed: 'true', key: rotatedKeyed.key });
    });
  },
  // The loopback HiBob stand-in is plain http on 127.0.0.1.
  { PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true', PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8' },
);
