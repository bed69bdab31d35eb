import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { call } from '../helpers/http';
import { cli, run, stop } from '../helpers/process';

const LISTENING = /PeopleHub is listening on (http:\/\/\S+)/;
const OWNER_KEY = /Owner key \(shown once, keep it\): (phu_\S+)/;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-cli-'));
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('the peoplehub command', () => {
  test('npm start serves on :8080 with the demo organization, and prints its owner key once', async () => {
    expect(await portIsFree(8080)).toBe(true);
    const dataDir = tempDir();
    const first = run('npm', ['start', '--silent'], { DATA_DIR: dataDir, PORT: undefined, PEOPLEHUB_DEMO: undefined });
    try {
      const [, url] = await first.waitFor(LISTENING);
      expect(url).toBe('http://127.0.0.1:8080');
      const [, key] = OWNER_KEY.exec(first.output()) ?? [];
      const users = await call(url, '/v1/users', { key });
      expect(users.status).toBe(200);
      expect(users.body.data.map((u: { email: string }) => u.email).sort()).toEqual(['adam.admin@acme.example', 'mia.member@acme.example', 'olivia.owner@acme.example']);
      expect((await call(url, '/v1/organization', { key })).body.data.name).toBe('Acme Demo');
      // Sample people data: about 50 employees over several departments, org structure, recognitions,
      // and enough engagement answers that the overview shows numbers.
      const employees = await call(url, '/v1/employees?limit=200', { key });
      expect(employees.body.data).toHaveLength(50);
      expect(new Set(employees.body.data.map((e: { department: string }) => e.department)).size).toBeGreaterThanOrEqual(5);
      for (const path of ['/v1/groups', '/v1/roles', '/v1/recognitions', '/v1/programs', '/v1/attributes']) {
        expect((await call(url, path, { key })).body.data.length).toBeGreaterThan(0);
      }
      const overview = await call(url, '/v1/engagement/overview', { key });
      expect(overview.body.data).toMatchObject({ hidden: false, score: expect.any(Number), nps: { score: expect.any(Number) } });
      expect(overview.body.data.participation.responded).toBeGreaterThanOrEqual(5);
    } finally {
      await stop(first);
    }
    // A second start on the same store keeps the data and shows no key.
    const second = cli(['serve'], { DATA_DIR: dataDir, PORT: '0' });
    try {
      await second.waitFor(LISTENING);
      expect(second.output()).not.toMatch(OWNER_KEY);
    } finally {
      await stop(second);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  test('init --json creates an organization whose owner key works; migrate reports an up-to-date store', async () => {
    const dataDir = tempDir();
    const init = cli(['init', '--org', 'Initech', '--owner-email', 'bill@initech.example', '--owner-name', 'Bill L', '--json'], { DATA_DIR: dataDir });
    expect(await init.exited).toBe(0);
    const created = JSON.parse(init.output());
    expect(Object.keys(created).sort()).toEqual(['organizationId', 'ownerKey', 'userId']);
    const migrate = cli(['migrate'], { DATA_DIR: dataDir });
    expect(await migrate.exited).toBe(0);
    expect(migrate.output()).toMatch(/up to date/);
    const server = cli(['serve'], { DATA_DIR: dataDir, PORT: '0' });
    try {
      const [, url] = await server.waitFor(LISTENING);
      expect(server.output()).not.toMatch(OWNER_KEY);
      const me = await call(url, `/v1/users/${created.userId}`, { key: created.ownerKey });
      expect(me.body.data).toMatchObject({ email: 'bill@initech.example', name: 'Bill L', accessRight: 'owner' });
    } finally {
      await stop(server);
    }
    const bad = cli(['init', '--org', 'X', '--owner-email', 'nope'], { DATA_DIR: dataDir });
    expect(await bad.exited).not.toBe(0);
    expect(bad.errors()).toMatch(/owner-email/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  test.each([
    [{ PORT: 'eighty' }, /^peoplehub: invalid configuration: PORT /],
    [{ DATABASE_URL: 'mysql://localhost/x' }, /^peoplehub: invalid configuration: DATABASE_URL /],
    [{ PEOPLEHUB_DEMO: 'sometimes' }, /^peoplehub: invalid configuration: PEOPLEHUB_DEMO /],
  ])('a bad configuration value stops start-up with one clear line (%o)', async (env, message) => {
    const server = cli(['serve'], { DATA_DIR: tempDir(), ...env });
    expect(await server.exited).toBe(1);
    expect(server.errors().trim().split('\n')).toHaveLength(1);
    expect(server.errors()).toMatch(message);
  });

  test('a master key that does not match the store stops start-up with one clear line', async () => {
    const dataDir = tempDir();
    expect(await cli(['migrate'], { DATA_DIR: dataDir }).exited).toBe(0);
    const wrong = cli(['serve'], { DATA_DIR: dataDir, PORT: '0', PEOPLEHUB_MASTER_KEY: 'cd'.repeat(32) });
    expect(await wrong.exited).toBe(1);
    expect(wrong.errors().trim()).toMatch(/^peoplehub: the master key does not match/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('SIGTERM stops accepting, finishes the request in flight, then exits 0', async () => {
    const dataDir = tempDir();
    const server = cli(['serve'], { DATA_DIR: dataDir, PORT: '0' });
    const [, url] = await server.waitFor(LISTENING);
    const [, key] = OWNER_KEY.exec(server.output()) ?? [];
    const { port } = new URL(url);
    const body = JSON.stringify({ email: 'late@acme.example', accessRight: 'member' });

    // Send the headers and half the body, then ask the server to stop.
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(`POST /v1/users HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await call(url, '/healthz'); // the request above is now being read
    process.kill(server.child.pid as number, 'SIGTERM');

    // New connections are refused once the listener is closed.
    for (;;) {
      const refused = await new Promise<boolean>((resolve) => {
        const probe = net.connect(Number(port), '127.0.0.1');
        probe.once('connect', () => {
          probe.destroy();
          resolve(false);
        });
        probe.once('error', () => resolve(true));
      });
      if (refused) break;
    }
    socket.write(body.slice(10));
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 201 Created/);
    expect(answer).toMatch(/connection: close/i);
    expect(await server.exited).toBe(0);

    // The write it finished is in the store.
    const again = cli(['serve'], { DATA_DIR: dataDir, PORT: '0' });
    try {
      const [, url2] = await again.waitFor(LISTENING);
      const users = await call(url2, '/v1/users?q=late', { key });
      expect(users.body.data.map((u: { email: string }) => u.email)).toEqual(['late@acme.example']);
    } finally {
      await stop(again);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);
});
