import { fanOut } from '../../../server/src/store/messages';
import { eachStore } from '../../helpers/harness';
import { createEmployee, post } from '../../helpers/people';

// Fan-out writes a pass's messages in one statement; the rows must be those one insert per message wrote.
eachStore(
  'fan-out',
  (server) => {
    const hook = async (name: string, maxEventsPerRequest: number) => {
      const res = await post(server(), '/v1/webhooks', {
        name,
        url: 'https://hooks.example.com/nobody',
        events: ['employee.created'],
        maxEventsPerRequest,
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
