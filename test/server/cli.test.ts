import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { NewOrganization } from '../../server/src/domain/organization';
import { startTestServer, storeKinds } from '../helpers/harness';
import { call } from '../helpers/http';
import { createEmployee, get, post } from '../helpers/people';
import { TEST_DATABASE_URL } from '../helpers/postgres';
import { REPO_ROOT, cli, run, stop } from '../helpers/process';

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
      // The organization's id is printed too: `keys issue` needs it if the keys are ever lost.
      const [, orgId] = /Created the demo organization "Acme Demo" \((org_\S+)\)/.exec(first.output()) ?? [];
      expect((await call(url, '/v1/organization', { key })).body.data.id).toBe(orgId);
      // The banner points to the docs, and shows one key per access right; each is that user's.
      expect(first.output()).toContain('API docs (try every endpoint): http://127.0.0.1:8080/v1/docs');
      for (const [right, email] of [
        ['Owner', 'olivia.owner'],
        ['Admin', 'adam.admin'],
        ['Member', 'mia.member'],
      ]) {
        const [, own] = new RegExp(`${right} key \\(shown once, keep it\\): (phu_\\S+)`).exec(first.output()) ?? [];
        expect((await call(url, '/v1/users/me', { key: own })).body.data).toMatchObject({
          email: `${email}@acme.example`,
          accessRight: right.toLowerCase(),
        });
      }
      const users = await call(url, '/v1/users', { key });
      expect(users.status).toBe(200);
      expect(users.body.data.map((u: { email: string }) => u.email).sort()).toEqual([
        'adam.admin@acme.example',
        'mia.member@acme.example',
        'olivia.owner@acme.example',
      ]);
      expect((await call(url, '/v1/organization', { key })).body.data.name).toBe('Acme Demo');
      // Sample people data: about 50 employees over several departments, org structure, recognitions,
      // and enough engagement answers that the overview shows numbers.
      const employees = await call(url, '/v1/employees?limit=200', { key });
      expect(employees.body.data).toHaveLength(50);
      expect(new Set(employees.body.data.map((e: { department: string }) => e.department)).size).toBeGreaterThanOrEqual(
        5,
      );
      for (const path of ['/v1/groups', '/v1/roles', '/v1/recognitions', '/v1/programs', '/v1/attributes']) {
        expect((await call(url, path, { key })).body.data.length).toBeGreaterThan(0);
      }
      const overview = await call(url, '/v1/engagement/overview', { key });
      expect(overview.body.data).toMatchObject({
        hidden: false,
        score: expect.any(Number),
        nps: { score: expect.any(Number) },
      });
      expect(overview.body.data.participation.responded).toBeGreaterThanOrEqual(5);
      // A survey round is open, and the banner's link opens one demo employee's answer page: answering
      // it moves the round's participation.
      const [, link] = /personal answer link[^\n]*\n\s+(http\S+)/.exec(first.output()) ?? [];
      const page = await call(url, new URL(link).pathname);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Demo pulse');
      const [round] = (await call(url, '/v1/surveys?status=open', { key })).body.data;
      expect(round.participation).toMatchObject({ invited: expect.any(Number), responded: 0 });
      expect(round.participation.invited).toBeGreaterThanOrEqual(40);
      const invitation = /name="invitation" value="([^"]+)"/.exec(page.text)?.[1] as string;
      const answered = await call(url, new URL(link).pathname, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ invitation, q0: '9', q1: '8' }).toString(),
      });
      expect(answered.status).toBe(303);
      expect((await call(url, `/v1/surveys/${round.id}`, { key })).body.data.participation.responded).toBe(1);
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
    const init = cli(
      ['init', '--org', 'Initech', '--owner-email', 'bill@initech.example', '--owner-name', 'Bill L', '--json'],
      { DATA_DIR: dataDir },
    );
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

  test('keys issue gives an owner a fresh key straight from the store; not for admins, members or strangers', async () => {
    const dataDir = tempDir();
    const init = cli(['init', '--org', 'Locked Out', '--owner-email', 'olga@locked.example', '--json'], {
      DATA_DIR: dataDir,
    });
    expect(await init.exited).toBe(0);
    const { organizationId, userId } = JSON.parse(init.output());
    const issue = cli(['keys', 'issue', '--org', organizationId, '--email', 'OLGA@locked.example', '--json'], {
      DATA_DIR: dataDir,
    });
    expect(await issue.exited).toBe(0);
    const issued = JSON.parse(issue.output());
    expect(issued).toEqual({
      organizationId,
      userId,
      keyId: expect.stringMatching(/^ukey_/),
      key: expect.stringMatching(/^phu_/),
    });
    const server = cli(['serve'], { DATA_DIR: dataDir, PORT: '0' });
    try {
      const [, url] = await server.waitFor(LISTENING);
      expect((await call(url, '/v1/users/me', { key: issued.key })).body.data).toMatchObject({
        id: userId,
        accessRight: 'owner',
      });
      const member = (
        await call(url, '/v1/users', { key: issued.key, body: { email: 'max@locked.example', accessRight: 'member' } })
      ).body.data;
      expect(member.accessRight).toBe('member');
      const audit = (await call(url, `/v1/audit?targetId=${userId}`, { key: issued.key })).body.data;
      expect(audit[0]).toMatchObject({
        action: 'user.key_issued',
        actor: { type: 'system' },
        details: { keyId: issued.keyId },
      });
    } finally {
      await stop(server);
    }
    const notOwner = cli(['keys', 'issue', '--org', organizationId, '--email', 'max@locked.example'], {
      DATA_DIR: dataDir,
    });
    expect(await notOwner.exited).toBe(1);
    expect(notOwner.errors()).toMatch(/^peoplehub: max@locked.example is a member, not an owner/);
    const stranger = cli(['keys', 'issue', '--org', organizationId, '--email', 'nobody@locked.example'], {
      DATA_DIR: dataDir,
    });
    expect(await stranger.exited).toBe(1);
    expect(stranger.errors()).toMatch(/there is no user nobody@locked.example/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  test('orgs lists every organization with its id and owners, so a lost owner key can be replaced without one', async () => {
    const dataDir = tempDir();
    const empty = cli(['orgs'], { DATA_DIR: dataDir });
    expect(await empty.exited).toBe(0);
    expect(empty.output()).toMatch(/no organization yet/);
    for (const [name, owner] of [
      ['First Co', 'ann@first.example'],
      ['Second Co', 'bob@second.example'],
    ]) {
      expect(await cli(['init', '--org', name, '--owner-email', owner], { DATA_DIR: dataDir }).exited).toBe(0);
    }
    const listed = cli(['orgs', '--json'], { DATA_DIR: dataDir });
    expect(await listed.exited).toBe(0);
    const orgs = JSON.parse(listed.output()) as { id: string; name: string; ownerEmails: string[] }[];
    expect(orgs).toEqual([
      { id: expect.stringMatching(/^org_/), name: 'First Co', ownerEmails: ['ann@first.example'] },
      { id: expect.stringMatching(/^org_/), name: 'Second Co', ownerEmails: ['bob@second.example'] },
    ]);
    const text = cli(['orgs'], { DATA_DIR: dataDir });
    expect(await text.exited).toBe(0);
    expect(text.output()).toBe(
      `${orgs[0].id}  First Co  (owners: ann@first.example)\n${orgs[1].id}  Second Co  (owners: bob@second.example)\n`,
    );
    const issue = cli(['keys', 'issue', '--org', orgs[1].id, '--email', 'bob@second.example'], { DATA_DIR: dataDir });
    expect(await issue.exited).toBe(0);
    expect(issue.output()).toMatch(/Key \(shown once, keep it\): phu_/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  test('an unknown command says so instead of starting the server', async () => {
    const bogus = cli(['bogus'], { DATA_DIR: tempDir(), PORT: '0' });
    expect(await bogus.exited).toBe(1);
    expect(bogus.errors()).toMatch(/unknown command 'bogus'/);
    expect(bogus.output()).not.toMatch(LISTENING);
  });

  test('right after npm install (no build yet) the command builds the server once, then runs', async () => {
    // A copy of the server package inside the repository, so it finds the installed modules.
    const copy = fs.mkdtempSync(path.join(REPO_ROOT, '.tmp-unbuilt-'));
    try {
      const server = path.join(REPO_ROOT, 'server');
      for (const entry of ['bin', 'src', 'console', 'package.json', 'tsconfig.json'])
        fs.cpSync(path.join(server, entry), path.join(copy, entry), { recursive: true });
      fs.symlinkSync(path.join(server, 'node_modules'), path.join(copy, 'node_modules'));
      expect(fs.existsSync(path.join(copy, 'dist'))).toBe(false);
      const help = run(process.execPath, [path.join(copy, 'bin/peoplehub.js'), '--help'], {});
      expect(await help.exited).toBe(0);
      expect(help.errors()).toContain('building the server once');
      // The admin console's bundle is built with it, so /admin works without `npm run build`.
      expect(fs.existsSync(path.join(copy, 'dist', 'console', 'console.js'))).toBe(true);
      expect(help.output()).toContain('Usage: peoplehub');
      const again = run(process.execPath, [path.join(copy, 'bin/peoplehub.js'), '--version'], {});
      expect(await again.exited).toBe(0);
      expect(again.errors()).toBe('');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  }, 90_000);

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
    socket.write(
      `POST /v1/users HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
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

// The command runs beside a live server on the same store, as an operator would run it.
describe.each(storeKinds())('peoplehub rollups rebuild [%s]', (kind) => {
  test('puts damaged rollups right again, for one organization or for all; the overview reads only the rollups', async () => {
    const server = await startTestServer(kind);
    try {
      // In each organization, eight people answer in October and in November.
      for (const org of [server.org, server.other]) {
        const answers = [];
        for (let i = 0; i < 8; i += 1) {
          const { id } = await createEmployee(
            server,
            { department: i % 2 === 0 ? 'Eng' : 'Ops', startDate: '2020-01-01' },
            org.ownerKey,
          );
          answers.push({ employeeId: id, question: 'engagement', score: i + 3, answeredAt: '2026-10-15T09:00:00Z' });
          answers.push({ employeeId: id, question: 'engagement', score: 10 - i, answeredAt: '2026-11-15T09:00:00Z' });
        }
        expect((await post(server, '/v1/engagement/answers', { answers }, org.ownerKey)).status).toBe(201);
      }
      const overview = async (org: NewOrganization) =>
        (await get(server, '/v1/engagement/overview', org.ownerKey)).body.data;
      const right = { org: await overview(server.org), other: await overview(server.other) };
      expect(right.org).toMatchObject({ period: '2026-11', hidden: false, participation: { responded: 8 } });

      // Damage both organizations' rollups: November gone, October's promoters inflated.
      const { db } = server.hub.context.store;
      await db.deleteFrom('engagement_monthly').where('month', '=', '2026-11').execute();
      await db.updateTable('engagement_monthly').set({ promoters: 100 }).execute();
      expect((await overview(server.org)).participation.responded).toBe(0);

      const env = {
        DATA_DIR: server.dataDir,
        ...(server.schema === null ? {} : { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: server.schema }),
      };
      const one = cli(['rollups', 'rebuild', '--org', server.org.organizationId], env);
      expect(await one.exited).toBe(0);
      expect(one.output()).toBe(`Rebuilt the engagement rollups of ${server.org.organizationId}: 16 rows written.\n`);
      expect(await overview(server.org)).toEqual(right.org);
      expect(await overview(server.other)).not.toEqual(right.other);

      const all = cli(['rollups', 'rebuild'], env);
      expect(await all.exited).toBe(0);
      expect(all.output()).toBe('Rebuilt the engagement rollups of every organization: 32 rows written.\n');
      expect(await overview(server.other)).toEqual(right.other);

      const unknown = cli(['rollups', 'rebuild', '--org', 'org_nobody'], env);
      expect(await unknown.exited).toBe(1);
      expect(unknown.errors()).toMatch(/^peoplehub: there is no organization org_nobody/);
    } finally {
      await server.close();
    }
  }, 60_000);
});
