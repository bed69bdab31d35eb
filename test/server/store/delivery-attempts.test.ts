import { type AttemptOutcome, finishAttempts } from '../../../server/src/store/delivery-attempts';
import { type ClaimedMessage, claimDue, fanOut, releaseMessages } from '../../../server/src/store/messages';
import { eachStore } from '../../helpers/harness';
import { createEmployee, post } from '../../helpers/people';

// Batched recording: one insert and one set-wise update each for messages and webhooks per batch,
// which must leave exactly the rows that one update per attempt left.
eachStore(
  'recording attempts in batches',
  (server) => {
    const at = (seconds: number) => new Date(Date.parse('2026-11-22T10:00:00.000Z') + seconds * 1000).toISOString();

    const hook = async (name: string) => {
      const res = await post(server(), '/v1/webhooks', {
        name,
        url: 'https://hooks.example.com/nobody',
        events: ['employee.created'],
      });
      expect(res.status).toBe(201);
      return res.body.data.id as string;
    };

    const outcome = (
      m: ClaimedMessage,
      answer: { code: number | null; error?: string; status: AttemptOutcome['status']; sentAt: string },
      attempts = m.attempts + 1,
    ): AttemptOutcome => ({
      status: answer.status,
      attempts,
      nextAttemptAt: answer.status === 'pending' ? at(300) : answer.sentAt,
      attempt: {
        organization_id: m.organizationId,
        webhook_id: m.webhookId,
        message_id: m.id,
        url: 'https://hooks.example.com/nobody',
        request_headers: { 'webhook-id': m.id },
        request_body: '{}',
        status_code: answer.code,
        response_headers: {},
        response_body: answer.code === null ? '' : `answer ${answer.code}`,
        error: answer.error ?? null,
        duration_ms: 3,
        trigger: 'scheduled',
        sent_at: answer.sentAt,
      },
    });

    test('messages, webhooks and attempt rows come out as one update per attempt left them', async () => {
      const { db, dialect } = server().hub.context.store;
      const [recovering, breaking, answering, failing] = [
        await hook('recovering'),
        await hook('breaking'),
        await hook('answering'),
        await hook('failing'),
      ];
      await db
        .updateTable('webhooks')
        .set({ failing_since: at(-3600) })
        .where('id', 'in', [recovering, answering, failing])
        .execute();
      for (let i = 0; i < 3; i += 1) await createEmployee(server());
      const now = server().clock.now();
      await fanOut(db, dialect, now, 0);
      const claimed = await claimDue(db, dialect, now, 60_000, 100);
      const of = (webhookId: string) => claimed.filter((m) => m.webhookId === webhookId);
      const [r1, r2, released] = of(recovering);
      const [b1, b2, twice] = of(breaking);
      const [f1, f2, stale] = of(answering);
      const [g1, g2, unrecorded] = of(failing);
      expect([r1, r2, released, b1, b2, twice, f1, f2, stale, g1, g2, unrecorded].every((m) => m !== undefined)).toBe(
        true,
      );
      // Taken back meanwhile (a re-send would do this): its old attempt is recorded, its row left alone.
      await releaseMessages(db, [released.id], now);

      await finishAttempts(db, dialect, [
        // Out of order in the batch: the latest attempt decides, whatever the order they arrive in.
        outcome(r2, { code: 200, status: 'succeeded', sentAt: at(20) }),
        outcome(r1, { code: 500, status: 'pending', sentAt: at(10) }),
        outcome(released, { code: 200, status: 'succeeded', sentAt: at(15) }),
        outcome(b1, { code: 204, status: 'succeeded', sentAt: at(10) }),
        outcome(b2, { code: null, error: 'timeout', status: 'pending', sentAt: at(20) }),
        // The same message twice: the first verdict that matches its claim wins, the other finds it taken.
        outcome(twice, { code: 503, status: 'pending', sentAt: at(21) }, twice.attempts + 5),
        outcome(twice, { code: 410, status: 'failed', sentAt: at(22) }),
        outcome(twice, { code: 200, status: 'succeeded', sentAt: at(5) }),
        outcome(f1, { code: 500, status: 'failed', sentAt: at(10) }),
        outcome(f2, { code: 404, status: 'pending', sentAt: at(20) }),
        // Claimed with another attempt count than this verdict assumes: not this attempt's to change.
        outcome(stale, { code: 200, status: 'succeeded', sentAt: at(30) }, stale.attempts + 2),
        outcome(g2, { code: 502, status: 'pending', sentAt: at(20) }),
        outcome(g1, { code: null, error: 'refused', status: 'failed', sentAt: at(10) }),
      ]);

      const messages = await db
        .selectFrom('messages')
        .select([
          'id',
          'status',
          'attempts',
          'next_attempt_at',
          'lease_until',
          'last_status_code',
          'last_error',
          'updated_at',
        ])
        .where(
          'id',
          'in',
          claimed.map((m) => m.id),
        )
        .execute();
      const row = (m: ClaimedMessage) => {
        const found = messages.find((r) => r.id === m.id);
        return (
          found && {
            ...found,
            attempts: Number(found.attempts),
            last_status_code: found.last_status_code === null ? null : Number(found.last_status_code),
          }
        );
      };
      const verdict = (
        m: ClaimedMessage,
        v: { status: string; next: string; code: number | null; error?: string; at: string },
      ) => ({
        id: m.id,
        status: v.status,
        attempts: 1,
        next_attempt_at: v.next,
        lease_until: null,
        last_status_code: v.code,
        last_error: v.error ?? null,
        updated_at: v.at,
      });
      expect(row(r1)).toEqual(verdict(r1, { status: 'pending', next: at(300), code: 500, at: at(10) }));
      expect(row(r2)).toEqual(verdict(r2, { status: 'succeeded', next: at(20), code: 200, at: at(20) }));
      expect(row(b1)).toEqual(verdict(b1, { status: 'succeeded', next: at(10), code: 204, at: at(10) }));
      expect(row(b2)).toEqual(
        verdict(b2, { status: 'pending', next: at(300), code: null, error: 'timeout', at: at(20) }),
      );
      expect(row(twice)).toEqual(verdict(twice, { status: 'failed', next: at(22), code: 410, at: at(22) }));
      expect(row(f1)).toEqual(verdict(f1, { status: 'failed', next: at(10), code: 500, at: at(10) }));
      expect(row(f2)).toEqual(verdict(f2, { status: 'pending', next: at(300), code: 404, at: at(20) }));
      expect(row(g1)).toEqual(
        verdict(g1, { status: 'failed', next: at(10), code: null, error: 'refused', at: at(10) }),
      );
      expect(row(g2)).toEqual(verdict(g2, { status: 'pending', next: at(300), code: 502, at: at(20) }));
      // Left as they were: the released one due again without a lease, the stale
      // and the unrecorded ones still leased.
      expect(row(released)).toMatchObject({
        status: 'pending',
        attempts: 0,
        lease_until: null,
        last_status_code: null,
      });
      for (const untouched of [stale, unrecorded])
        expect(row(untouched)).toMatchObject({
          status: 'pending',
          attempts: 0,
          lease_until: untouched.leaseUntil,
          last_status_code: null,
        });

      const hooks = await db
        .selectFrom('webhooks')
        .select(['id', 'last_triggered_at', 'failing_since'])
        .where('id', 'in', [recovering, breaking, answering, failing])
        .orderBy('name')
        .execute();
      expect(hooks).toEqual([
        // answering: failing since before the batch; its latest attempt was answered 200 (the message
        // was not this claim's to change, but the endpoint works again), so the run is over.
        { id: answering, last_triggered_at: at(30), failing_since: null },
        // breaking: succeeded, then failed: failing since its first failure of the batch.
        { id: breaking, last_triggered_at: at(22), failing_since: at(20) },
        // failing: failing before the batch and still: the run keeps its start.
        { id: failing, last_triggered_at: at(20), failing_since: at(-3600) },
        // recovering: failed, then succeeded: the run of failures is over.
        { id: recovering, last_triggered_at: at(20), failing_since: null },
      ]);

      const attempts = await db
        .selectFrom('delivery_attempts')
        .select(['message_id', 'status_code', 'error', 'request_headers', 'sent_at'])
        .orderBy('sent_at')
        .orderBy('message_id')
        .execute();
      expect(attempts).toHaveLength(13);
      expect(attempts.filter((a) => a.message_id === twice.id).map((a) => Number(a.status_code))).toEqual([
        200, 503, 410,
      ]);
      expect(attempts.find((a) => a.message_id === b2.id)).toEqual({
        message_id: b2.id,
        status_code: null,
        error: 'timeout',
        request_headers: JSON.stringify({ 'webhook-id': b2.id }),
        sent_at: at(20),
      });
    });
  },
  { PEOPLEHUB_WORKER: 'false' },
);
