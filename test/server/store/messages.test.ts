import { claimDue, fanOut, fanOutAndClaim } from '../../../server/src/store/messages';
import { type TestServer, eachStore } from '../../helpers/harness';
import { createEmployee, post } from '../../helpers/people';

/** Webhooks, their messages and the events not fanned out yet, on one test server. */
function queueOf(server: () => TestServer) {
  const hook = async (name: string, maxEventsPerRequest: number, maxConcurrency = 10) => {
    const res = await post(server(), '/v1/webhooks', {
      name,
      url: 'https://hooks.example.com/nobody',
      events: ['employee.created'],
      maxEventsPerRequest,
      maxConcurrency,
    });
    expect(res.status).toBe(201);
    return res.body.data.id as string;
  };

  const messagesOf = async (webhookId: string) => {
    const { db } = server().hub.context.store;
    const rows = await db
      .selectFrom('messages')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...r, attempts: Number(r.attempts), event_ids: JSON.parse(r.event_ids) as string[] }));
  };

  const waitingEvents = async () => {
    const { db } = server().hub.context.store;
    const rows = await db
      .selectFrom('events')
      .select('id')
      .where('fanned_out_at', 'is', null)
      .where('type', '=', 'employee.created')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  };
  return { hook, messagesOf, waitingEvents };
}

// Fan-out writes a pass's messages in one statement; the rows must be those one insert per message wrote.
eachStore(
  'fan-out',
  (server) => {
    const { hook, messagesOf, waitingEvents } = queueOf(server);

    test('one message per event, or batches filled up to maxEventsPerRequest while their window lasts', async () => {
      const { db, dialect } = server().hub.context.store;
      const single = await hook('single', 1);
      const batching = await hook('batching', 3);
      for (let i = 0; i < 5; i += 1) await createEmployee(server());
      const events = await waitingEvents();
      expect(events).toHaveLength(5);
      const now = server().clock.now();
      const at = now.toISOString();
      const windowEnd = new Date(now.getTime() + 200).toISOString();
      expect(await fanOut(db, dialect, now, 200)).toBeGreaterThanOrEqual(5);
      expect(await waitingEvents()).toEqual([]);

      const base = {
        organization_id: server().org.organizationId,
        status: 'pending',
        attempts: 0,
        lease_until: null,
        last_status_code: null,
        last_error: null,
        reported_at: null,
        created_at: at,
        updated_at: at,
      };
      const singles = await messagesOf(single);
      expect(singles).toEqual(
        events.map((id) => ({
          ...base,
          id: expect.stringMatching(/^msg_/),
          webhook_id: single,
          event_ids: [id],
          next_attempt_at: at,
          batch_open_until: null,
        })),
      );
      expect(new Set(singles.map((m) => m.id)).size).toBe(5);
      expect(await messagesOf(batching)).toEqual(
        [events.slice(0, 3), events.slice(3)].map((ids) => ({
          ...base,
          id: expect.stringMatching(/^msg_/),
          webhook_id: batching,
          event_ids: ids,
          next_attempt_at: windowEnd,
          batch_open_until: windowEnd,
        })),
      );

      // A later pass fills the batch still open, then opens another.
      for (let i = 0; i < 2; i += 1) await createEmployee(server());
      const later = await waitingEvents();
      await fanOut(db, dialect, now, 200);
      const batches = await messagesOf(batching);
      expect(batches.map((m) => m.event_ids)).toEqual([events.slice(0, 3), [...events.slice(3), later[0]], [later[1]]]);
      expect(batches[1].updated_at).toBe(at);
    });

    test('with no batch window, each event is a message of its own even on a batching webhook', async () => {
      const { db, dialect } = server().hub.context.store;
      const batching = await hook('no window', 3);
      for (let i = 0; i < 3; i += 1) await createEmployee(server());
      const events = await waitingEvents();
      await fanOut(db, dialect, server().clock.now(), 0);
      expect((await messagesOf(batching)).map((m) => m.event_ids)).toEqual(events.map((id) => [id]));
    });
  },
  { PEOPLEHUB_WORKER: 'false' },
);

// New messages a sender can take at once leave fan-out already claimed, as claimDue would claim them.
eachStore(
  'fan-out claiming',
  (server) => {
    const { hook, messagesOf, waitingEvents } = queueOf(server);

    test('fan-out claims what is due at once for a webhook that takes several requests, up to the room given', async () => {
      const { db, dialect } = server().hub.context.store;
      const parallel = await hook('claimed at fan-out', 1);
      const ordered = await hook('ordered, claimed in order', 1, 1);
      const batching = await hook('batching, due later', 3);
      for (let i = 0; i < 3; i += 1) await createEmployee(server());
      const events = await waitingEvents();
      const now = server().clock.now();
      const leaseUntil = new Date(now.getTime() + 60_000).toISOString();
      const { fanned, claimed } = await fanOutAndClaim(db, dialect, now, 200, 500, { leaseMs: 60_000, upTo: 2 });
      expect(fanned).toBeGreaterThanOrEqual(3);
      const first = await messagesOf(parallel);
      expect(claimed).toEqual(
        first.slice(0, 2).map((m) => ({
          id: m.id,
          organizationId: server().org.organizationId,
          webhookId: parallel,
          eventIds: m.event_ids,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: now.toISOString(),
          maxConcurrency: 10,
          leaseUntil,
        })),
      );
      // Leased as a claim leases: out of the due range until the lease ends.
      expect(first.map((m) => [m.event_ids, m.lease_until, m.next_attempt_at])).toEqual([
        [[events[0]], leaseUntil, leaseUntil],
        [[events[1]], leaseUntil, leaseUntil],
        [[events[2]], null, now.toISOString()],
      ]);
      expect((await messagesOf(ordered)).map((m) => m.lease_until)).toEqual([null, null, null]);
      expect((await messagesOf(batching)).map((m) => m.lease_until)).toEqual([null]);
      // The rest is claimDue's: the third message, and the ordered queue from its head; none twice.
      const due = await claimDue(db, dialect, now, 60_000, 100);
      expect(due.map((m) => m.id).sort()).toEqual(
        [first[2].id, ...(await messagesOf(ordered)).map((m) => m.id)].sort(),
      );
    });
  },
  { PEOPLEHUB_WORKER: 'false' },
);
