import {
  CompiledQuery,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { newId } from '../../../server/src/core/ids';
import { type Employee, employeePageQuery, insertEmployees } from '../../../server/src/store/employees';
import {
  claimDue,
  failedMessageIdsSince,
  queueDepth,
  releaseMessages,
  unreportedFailures,
} from '../../../server/src/store/messages';
import type { Keyset } from '../../../server/src/store/query';
import type { Dialect } from '../../../server/src/store/database';
import type { Database } from '../../../server/src/store/schema';
import { eachStore } from '../../helpers/harness';
import { get, post } from '../../helpers/people';

const DEPARTMENTS = ['Engineering', 'Sales', 'Support', 'Finance', 'People'];

/**
 * The plan the store would run `query` with. Small tables make a sequential scan look cheap to
 * PostgreSQL: it is forbidden there (and sorting too unless `allowSort`), to see whether a plan without
 * it exists.
 */
async function planOf(
  db: Kysely<Database>,
  dialect: Dialect,
  query: { sql: string; parameters: readonly unknown[] },
  { allowSort }: { allowSort: boolean },
): Promise<string> {
  return db.connection().execute(async (conn) => {
    const run = async (text: string) => (await conn.executeQuery(CompiledQuery.raw(text, [...query.parameters]))).rows;
    if (dialect === 'sqlite')
      return ((await run(`EXPLAIN QUERY PLAN ${query.sql}`)) as { detail: string }[]).map((r) => r.detail).join('\n');
    const settings = allowSort ? ['enable_seqscan'] : ['enable_seqscan', 'enable_sort'];
    for (const setting of settings) await conn.executeQuery(CompiledQuery.raw(`SET ${setting} = off`));
    try {
      return ((await run(`EXPLAIN ${query.sql}`)) as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      for (const setting of settings) await conn.executeQuery(CompiledQuery.raw(`RESET ${setting}`));
    }
  });
}

// A page of one department sorted by last name is read in index order: no sort of the whole
// department, so its cost does not grow with the table.
eachStore('employee pages use an index', (server) => {
  beforeAll(async () => {
    const { db } = server().hub.context.store;
    const at = server().clock.now();
    const employees: Employee[] = Array.from({ length: 3_000 }, (_, i) => ({
      id: newId('emp', at),
      organizationId: server().org.organizationId,
      externalId: null,
      email: `plan${i}@plans.example`,
      firstName: `First${i}`,
      lastName: `Last${String((i * 7919) % 3_000).padStart(4, '0')}`,
      displayName: `First${i} Last${i}`,
      title: null,
      department: DEPARTMENTS[i % DEPARTMENTS.length],
      managerId: null,
      phone: null,
      startDate: null,
      separationDate: null,
      separationReason: null,
      attributes: {},
      source: 'api',
      syncHash: null,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    }));
    await insertEmployees(db, employees);
    await db.executeQuery(CompiledQuery.raw('ANALYZE'));
  });

  const keyset = (after: Keyset['after']): Keyset => ({
    column: 'employees.last_name',
    idColumn: 'employees.id',
    direction: 'desc',
    after,
    limit: 50,
  });

  /** The SQL of a department page sorted by -lastName, 50 a page. */
  function departmentPage(after: Keyset['after']) {
    const { db } = server().hub.context.store;
    const filter = { department: 'Engineering', today: '2026-11-22' };
    return employeePageQuery(db, server().org.organizationId, filter, keyset(after)).compile();
  }

  /** The plan of a department page, first page and a later one. */
  async function plan(after: Keyset['after']): Promise<string> {
    const { db, dialect } = server().hub.context.store;
    // Sorting is forbidden too: the page must come out of the index in order.
    return planOf(db, dialect, departmentPage(after), { allowSort: false });
  }

  test('the first page and a later page of one department, sorted by last name, walk the department index without sorting', async () => {
    for (const after of [null, { value: 'Last1500', id: 'emp_zzzzzzzz' }]) {
      const text = await plan(after);
      expect(text).toContain('employees_org_department_last_name');
      expect(text).not.toMatch(/TEMP B-TREE FOR ORDER BY|Sort(\s|$)|Sort Key/);
    }
  });

  // Bound, a LIMIT makes SQLite plan the statement again at every run (it plans with the value).
  test('a page carries its limit in its SQL, and each limit a client asks for gets that many rows', async () => {
    const compiled = departmentPage(null);
    expect(compiled.sql).toMatch(/ limit 51$/);
    expect(compiled.parameters).not.toContain(51);
    for (const limit of [7, 50, 7]) {
      const res = await get(server(), `/v1/employees?limit=${limit}&department=Engineering&sort=-lastName`);
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(limit);
      expect(res.body.nextCursor).toEqual(expect.any(String));
    }
  });

  test('the pages the API returns are the same department in last-name order, with no repeats across pages', async () => {
    const seen: { lastName: string; department: string }[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const res = await get(
        server(),
        `/v1/employees?limit=50&department=Engineering&sort=-lastName${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...(res.body.data as { lastName: string; department: string }[]));
      cursor = res.body.nextCursor;
    }
    expect(seen).toHaveLength(150);
    expect(new Set(seen.map((e) => e.department))).toEqual(new Set(['Engineering']));
    const names = seen.map((e) => e.lastName);
    expect(names).toEqual([...names].sort().reverse());
    expect(new Set(names).size).toBe(150);
  });
});

/** Records every query run through the Kysely instance it is added to, compiled, for EXPLAIN. */
class QueryRecorder implements KyselyPlugin {
  readonly queries: RootOperationNode[] = [];

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    this.queries.push(node);
    return node;
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

// The delivery queue's reads go through the partial indexes of pending (and failed) messages: with
// thousands of finished messages in the table, no read of the queue scans it.
eachStore(
  'the delivery queue reads only what is pending or failed',
  (server) => {
    const FINISHED = 3_000;
    let ordered = '';
    let parallel = '';

    beforeAll(async () => {
      const { db } = server().hub.context.store;
      const hook = async (name: string, maxConcurrency: number) => {
        const res = await post(server(), '/v1/webhooks', {
          name,
          url: 'https://hooks.example.com/plans',
          events: ['employee.created'],
          maxConcurrency,
        });
        expect(res.status).toBe(201);
        return res.body.data.id as string;
      };
      ordered = await hook('ordered', 1);
      parallel = await hook('parallel', 10);
      const at = server().clock.now();
      const message = (webhookId: string, status: string) => ({
        id: newId('msg', at),
        organization_id: server().org.organizationId,
        webhook_id: webhookId,
        event_ids: '[]',
        status,
        attempts: status === 'pending' ? 0 : 1,
        next_attempt_at: at.toISOString(),
        lease_until: null,
        batch_open_until: null,
        last_status_code: status === 'pending' ? null : 200,
        last_error: null,
        reported_at: null,
        created_at: at.toISOString(),
        updated_at: at.toISOString(),
      });
      const rows = [
        ...Array.from({ length: FINISHED }, (_, i) => message(i % 2 ? ordered : parallel, 'succeeded')),
        ...Array.from({ length: 5 }, () => message(ordered, 'pending')),
        ...Array.from({ length: 5 }, () => message(parallel, 'pending')),
        message(parallel, 'failed'),
      ];
      for (let i = 0; i < rows.length; i += 500)
        await db
          .insertInto('messages')
          .values(rows.slice(i, i + 500))
          .execute();
      await db.executeQuery(CompiledQuery.raw('ANALYZE'));
    });

    /** The plans of the reads of messages that `work` ran. */
    async function plansOf(work: (db: Kysely<Database>) => Promise<unknown>): Promise<string[]> {
      const { db, dialect } = server().hub.context.store;
      const recorder = new QueryRecorder();
      await work(db.withPlugin(recorder));
      const reads = recorder.queries
        .map((node) => db.getExecutor().compileQuery(node, { queryId: 'plan' }))
        .filter((q) => /^select\b/i.test(q.sql) && /\bfrom "messages"/.test(q.sql));
      expect(reads.length).toBeGreaterThan(0);
      const plans: string[] = [];
      for (const read of reads) plans.push(await planOf(db, dialect, read, { allowSort: true }));
      return plans;
    }

    /** A read of the whole messages table (with its thousands of finished messages). */
    const WHOLE_TABLE = /SCAN messages(?! USING)|Seq Scan on messages/;

    test('claiming due messages, an ordered queue and all: the pending indexes', async () => {
      const now = server().clock.now();
      const plans = await plansOf(async (db) => {
        const { dialect } = server().hub.context.store;
        const claimed = await claimDue(db, dialect, now, 60_000, 100);
        expect(new Set(claimed.map((m) => m.webhookId))).toEqual(new Set([ordered, parallel]));
        await releaseMessages(
          db,
          claimed.map((m) => m.id),
          now,
        );
      });
      for (const plan of plans) {
        expect(plan).not.toMatch(WHOLE_TABLE);
        expect(plan).toMatch(/messages_pending_(due|webhook)/);
      }
    });

    test('the queue depth, the failures to report and the failures to re-send: the partial indexes', async () => {
      const plans = await plansOf(async (db) => {
        expect((await queueDepth(db)).pending).toBe(10);
        expect(await unreportedFailures(db, server().clock.now().toISOString())).toHaveLength(1);
        expect(await failedMessageIdsSince(db, parallel, '2000-01-01T00:00:00.000Z')).toHaveLength(1);
      });
      for (const plan of plans) {
        expect(plan).not.toMatch(WHOLE_TABLE);
        expect(plan).toMatch(/messages_(pending_due|failed_webhook)/);
      }
    });
  },
  { PEOPLEHUB_WORKER: 'false' },
);
