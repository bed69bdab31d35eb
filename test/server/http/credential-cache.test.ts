// Credentials are cached per process, yet a revocation made through one server process is refused at
// once by another one on the same store (PostgreSQL: LISTEN/NOTIFY; SQLite: the file's data_version).
import pg from 'pg';
import type { PeopleHub } from '../../../server/src/app';
import { CREDENTIAL_TTL_MS } from '../../../server/src/http/credential-cache';
import { ROUND_TRIP_TIMEOUT_MS, listenerName } from '../../../server/src/store/credential-changes';
import { eachStore, restoreClockAfterEach, startPeer, testOn } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';
import { del, patch, post } from '../../helpers/people';
import { TEST_DATABASE_URL } from '../../helpers/postgres';
import { eventually } from '../../helpers/receiver';

/** Lets stopped PostgreSQL backends run again; one that has exited since is fine. */
function resume(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

eachStore('credential cache across processes', (server, kind) => {
  /** The listener that carries revocations between processes exists only on PostgreSQL. */
  const onPostgres = testOn(kind, 'postgres');
  let peer: PeopleHub;
  beforeAll(async () => {
    peer = await startPeer(server(), { PEOPLEHUB_WORKER: 'false' });
  });
  afterAll(async () => {
    await peer.close();
  });
  restoreClockAfterEach(() => server().clock);

  /** The PostgreSQL backends of both servers' credential listeners. */
  const listenerPids = async (admin: pg.Client) =>
    (
      await admin.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [
        listenerName(server().schema ?? ''),
      ])
    ).rows.map((r) => r.pid);
  const users = (base: string, key: string) => call(base, '/v1/users', { key });
  const bearer = (base: string, token: string) =>
    call(base, '/v1/users', { headers: { authorization: `Bearer ${token}` } });

  async function createApp(name: string, permissions = ['users:read']): Promise<{ id: string; token: string }> {
    const res = await post(server(), '/v1/apps', { name, permissions });
    expect(res.status).toBe(201);
    return res.body.data;
  }

  async function accessToken(token: string): Promise<string> {
    const res = await call(server().url, '/v1/auth/application', { body: { token } });
    expect(res.status).toBe(200);
    return res.body.data.token;
  }

  /** Uses a credential on both servers twice, so that each has it cached. */
  async function warm(use: (base: string) => Promise<{ status: number }>): Promise<void> {
    for (const base of [server().url, peer.url, server().url, peer.url]) expect((await use(base)).status).toBe(200);
  }

  test('an app revoked in one process is refused at once by the other: token and access token', async () => {
    const app = await createApp('Revoked elsewhere');
    const jwt = await accessToken(app.token);
    await warm((base) => users(base, app.token));
    await warm((base) => bearer(base, jwt));

    expect((await del(server(), `/v1/apps/${app.id}`)).status).toBe(204);
    expectProblem(await users(peer.url, app.token), 401);
    expectProblem(await bearer(peer.url, jwt), 401);
    expectProblem(await users(server().url, app.token), 401);
  });

  test('a session revoked in the peer is refused at once here, and the app’s other sessions keep working', async () => {
    const app = await createApp('Two sessions');
    const first = await accessToken(app.token);
    const second = await accessToken(app.token);
    await warm((base) => bearer(base, first));
    await warm((base) => bearer(base, second));
    const firstSession = (JSON.parse(Buffer.from(first.split('.')[1], 'base64url').toString()) as { sid: string }).sid;

    expect(
      (
        await call(peer.url, `/v1/apps/${app.id}/sessions/${firstSession}`, {
          method: 'DELETE',
          key: server().org.ownerKey,
        })
      ).status,
    ).toBe(204);
    expectProblem(await bearer(server().url, first), 401);
    expect((await bearer(server().url, second)).status).toBe(200);
  });

  test('narrowed permissions and a lowered access right count at once in the other process', async () => {
    const app = await createApp('Narrowed', ['users:read', 'employees:read']);
    await warm((base) => users(base, app.token));
    expect((await patch(server(), `/v1/apps/${app.id}`, { permissions: ['employees:read'] })).status).toBe(200);
    expectProblem(await users(peer.url, app.token), 403);

    const admin = (await post(server(), '/v1/users', { email: 'ada@cache.example', name: 'Ada', accessRight: 'admin' }))
      .body.data as { id: string };
    const key = (await post(server(), `/v1/users/${admin.id}/keys`, {})).body.data.key as string;
    await warm((base) => call(base, '/v1/audit?limit=1', { key }));
    expect((await patch(server(), `/v1/users/${admin.id}`, { accessRight: 'member' })).status).toBe(200);
    expectProblem(await call(peer.url, '/v1/audit?limit=1', { key }), 403);
  });

  test('a personal key revoked, rotated or deleted with its user in one process stops at once in the other', async () => {
    const make = async (email: string) => {
      const user = (await post(server(), '/v1/users', { email, name: email, accessRight: 'member' })).body.data as {
        id: string;
      };
      const issued = (await post(server(), `/v1/users/${user.id}/keys`, {})).body.data as { id: string; key: string };
      await warm((base) => call(base, '/v1/users/me', { key: issued.key }));
      return { user, issued };
    };
    const revoked = await make('rev@cache.example');
    expect(
      (
        await call(peer.url, `/v1/users/${revoked.user.id}/keys/${revoked.issued.id}`, {
          method: 'DELETE',
          key: server().org.ownerKey,
        })
      ).status,
    ).toBe(204);
    expectProblem(await call(server().url, '/v1/users/me', { key: revoked.issued.key }), 401);

    const rotated = await make('rot@cache.example');
    const fresh = await call(server().url, '/v1/users/me/keys/rotate', {
      method: 'POST',
      key: rotated.issued.key,
      body: {},
    });
    expect(fresh.status).toBe(201);
    expectProblem(await call(peer.url, '/v1/users/me', { key: rotated.issued.key }), 401);
    expect((await call(peer.url, '/v1/users/me', { key: fresh.body.data.key })).status).toBe(200);

    const removed = await make('gone@cache.example');
    expect((await del(server(), `/v1/users/${removed.user.id}`)).status).toBe(204);
    expectProblem(await call(peer.url, '/v1/users/me', { key: removed.issued.key }), 401);
  });

  test('a change that reaches the store by another way than the API is seen within the safety time limit', async () => {
    const app = await createApp('Behind the back');
    await warm((base) => users(base, app.token));
    // Written straight into the store: no notice, no forgetting. The cache still answers for it...
    await server()
      .hub.context.store.db.updateTable('apps')
      .set({ revoked_at: server().clock.now().toISOString() })
      .where('id', '=', app.id)
      .execute();
    expect((await users(server().url, app.token)).status).toBe(200);
    // ...but never longer than the time limit.
    server().clock.advance(CREDENTIAL_TTL_MS);
    expectProblem(await users(server().url, app.token), 401);
  });

  onPostgres('while the PostgreSQL listener is down nothing cached is trusted; it comes back by itself', async () => {
    const app = await createApp('Listener down');
    await warm((base) => users(base, app.token));
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const pids = await listenerPids(admin);
      expect(pids).toHaveLength(2);
      for (const pid of pids) await admin.query('select pg_terminate_backend($1)', [pid]);
      await server()
        .hub.context.store.db.updateTable('apps')
        .set({ revoked_at: server().clock.now().toISOString() })
        .where('id', '=', app.id)
        .execute();
      // The clock stands still, so only distrust of the cache can refuse the revoked token.
      await eventually(async () => (await users(peer.url, app.token)).status === 401);
      expectProblem(await users(server().url, app.token), 401);
      await eventually(async () => {
        const now = await listenerPids(admin);
        return now.length === 2 && now.every((pid) => !pids.includes(pid));
      });
    } finally {
      await admin.end();
    }
    const after = await createApp('After reconnect');
    await warm((base) => users(base, after.token));
    expect((await del(server(), `/v1/apps/${after.id}`)).status).toBe(204);
    expectProblem(await users(peer.url, after.token), 401);
  });

  onPostgres(
    'a frozen PostgreSQL listener does not hold requests: they fall back to the store within the time limit',
    async () => {
      const app = await createApp('Frozen listener');
      await warm((base) => users(base, app.token));
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      const pids = await listenerPids(admin);
      expect(pids).toHaveLength(2);
      // The listeners' backends stop answering, as behind a dead network path.
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      try {
        const started = Date.now();
        expect((await users(peer.url, app.token)).status).toBe(200);
        expect(Date.now() - started).toBeLessThan(ROUND_TRIP_TIMEOUT_MS + 2_000);
        // Given up on, the listener is not trusted: a change it cannot report is still refused at once.
        await server()
          .hub.context.store.db.updateTable('apps')
          .set({ revoked_at: server().clock.now().toISOString() })
          .where('id', '=', app.id)
          .execute();
        expectProblem(await users(peer.url, app.token), 401);
        // The peer replaces its listener by itself, and the stuck one goes once it can hear it. (This
        // server never waited on its own, so it keeps it.)
        resume(pids);
        await eventually(async () => {
          const now = await listenerPids(admin);
          return now.length === 2 && now.filter((pid) => !pids.includes(pid)).length === 1;
        });
      } finally {
        resume(pids);
        await admin.end();
      }
    },
  );
});
