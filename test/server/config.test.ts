import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/src/config';

describe('configuration', () => {
  test('defaults: port 8080 on 127.0.0.1, SQLite under ./data, demo on', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('data'),
      store: { kind: 'sqlite', file: path.resolve('data', 'peoplehub.db') },
      publicUrl: null,
      masterKey: null,
      demo: true,
      logLevel: 'info',
      bodyLimitBytes: 1048576,
      jwtTtlSeconds: 3600,
    });
  });

  test('a postgres URL selects PostgreSQL; a master key may be hex or base64', () => {
    const hex = 'ab'.repeat(32);
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/hr',
      PEOPLEHUB_MASTER_KEY: hex,
      PUBLIC_URL: 'https://hr.example.com/',
    });
    expect(config.store).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/hr', schema: 'public' });
    expect(config.masterKey?.toString('hex')).toBe(hex);
    expect(config.publicUrl).toBe('https://hr.example.com');
    expect(loadConfig({ PEOPLEHUB_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }).masterKey).toEqual(
      Buffer.alloc(32, 7),
    );
  });

  test('PEOPLEHUB_DEV allows http:// and loopback and private destinations; secure defaults without it', () => {
    const strict = loadConfig({});
    expect({ http: strict.allowHttpWebhooks, cidrs: strict.webhookAllowCidrs, dev: strict.dev }).toEqual({
      http: false,
      cidrs: [],
      dev: false,
    });
    const dev = loadConfig({ PEOPLEHUB_DEV: 'true', PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '203.0.113.0/24' });
    expect(dev.allowHttpWebhooks).toBe(true);
    expect(dev.webhookAllowCidrs.map(([address, bits]) => `${address.toString()}/${bits}`)).toEqual([
      '203.0.113.0/24',
      '127.0.0.0/8',
      '::1/128',
      '10.0.0.0/8',
      '172.16.0.0/12',
      '192.168.0.0/16',
      'fc00::/7',
    ]);
    // An explicit setting still wins.
    expect(loadConfig({ PEOPLEHUB_DEV: 'true', PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'false' }).allowHttpWebhooks).toBe(false);
  });

  test.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://x'],
    ['PUBLIC_URL', 'ftp://x'],
    ['PEOPLEHUB_MASTER_KEY', 'short'],
    ['PEOPLEHUB_DEMO', 'maybe'],
    ['PEOPLEHUB_ALLOW_HTTP_WEBHOOKS', 'perhaps'],
    ['PEOPLEHUB_WEBHOOK_ALLOW_CIDRS', '10.0.0.0/8, banana'],
    ['SMTP_URL', 'http://mail'],
    ['DATABASE_SCHEMA', 'Robert"); drop table'],
    ['PEOPLEHUB_DEV', 'sure'],
    ['PEOPLEHUB_AUTH_RATE_LIMIT', '-1'],
    ['PEOPLEHUB_TRUST_PROXY', 'kind of'],
  ])('%s=%s is refused with a message naming the variable', (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.startsWith(variable)).toBe(true);
    expect((error as ConfigError).message).not.toContain('\n');
  });
});
