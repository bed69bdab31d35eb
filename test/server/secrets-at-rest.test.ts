import fs from 'node:fs';
import path from 'node:path';
import { exportJWK } from 'jose';
import pg from 'pg';
import { eachStore, type TestServer } from '../helpers/harness';
import { call } from '../helpers/http';
import { TEST_DATABASE_URL } from '../helpers/postgres';

/** Everything the store holds, as text: every file under DATA_DIR but the key file, or every PostgreSQL row. */
async function storeContents(server: TestServer): Promise<string> {
  if (server.schema === null) {
    return fs
      .readdirSync(server.dataDir)
      .filter((name) => name !== 'master.key')
      .map((name) => fs.readFileSync(path.join(server.dataDir, name)).toString('latin1'))
      .join('\n');
  }
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1', [server.schema]);
    expect(tables.rows.length).toBeGreaterThan(5);
    const dumps = [];
    for (const { table_name } of tables.rows) {
      const rows = await client.query(`select * from "${server.schema}"."${table_name}"`);
      dumps.push(JSON.stringify(rows.rows));
    }
    return dumps.join('\n');
  } finally {
    await client.end();
  }
}

eachStore('secrets at rest', (server) => {
  test('no token, key or secret appears in clear in the store', async () => {
    const owner = server().org.ownerKey;
    const app = (await call(server().url, '/v1/apps', { key: owner, body: { name: 'Secretive', permissions: ['users:read'] } })).body.data;
    const session = (await call(server().url, '/v1/auth/application', { body: { token: app.token } })).body.data;
    const oauth = await call(server().url, '/oauth/token', {
      body: `grant_type=client_credentials&client_id=${app.id}&client_secret=${app.token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    // Use them all, so last-used bookkeeping has written what it writes.
    const ways: Record<string, string>[] = [{ 'x-api-key': app.token }, { authorization: `Bearer ${session.token}` }, { authorization: `Bearer ${oauth.body.access_token}` }, { 'x-api-key': owner }];
    for (const headers of ways) {
      expect((await call(server().url, '/v1/users', { headers })).status).toBe(200);
    }
    const webhook = (await call(server().url, '/v1/webhooks', { key: owner, body: { name: 'Sealed', url: 'https://hooks.example.com/x', events: ['employee.created'] } })).body.data;
    const rotated = (await call(server().url, `/v1/webhooks/${webhook.id}/rotate-secret`, { key: owner, body: {} })).body.data;
    const privateJwk = await exportJWK(server().hub.services.keyring.current.privateKey);
    const masterKey = server().hub.services.masterKey;
    const secrets = {
      ownerKey: owner,
      otherOwnerKey: server().other.ownerKey,
      appToken: app.token,
      appTokenBody: app.token.slice(4),
      exchangedJwt: session.token,
      oauthJwt: oauth.body.access_token as string,
      jwtSignature: (session.token as string).split('.')[2],
      signingKeyPrivatePart: privateJwk.d as string,
      webhookSecret: webhook.secret as string,
      webhookSecretBody: (webhook.secret as string).slice(6),
      rotatedWebhookSecret: rotated.secret as string,
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
      const keyFile = fs.statSync(path.join(server().dataDir, 'master.key'));
      expect(keyFile.mode & 0o077).toBe(0);
    }
    // The check is real: what the store does hold shows up in the same dump.
    expect(contents).toContain(app.id);
    expect(contents).toContain('Secretive');
  });
});
