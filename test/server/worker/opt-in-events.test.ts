import { randomBytes } from 'node:crypto';
import { Webhook as Verifier } from 'standardwebhooks';
import { REDACTED, sealAnswerUrl } from '../../../server/src/core/event-secrets';
import type { EventType } from '../../../server/src/core/events';
import { recordEvent } from '../../../server/src/store/events';
import { eachStore, restoreClockAfterEach } from '../../helpers/harness';
import { expectProblem } from '../../helpers/http';
import { createEmployee, del, get, post } from '../../helpers/people';
import { type Received, eventually, useReceiver } from '../../helpers/receiver';
import { storeContents } from '../../helpers/store-contents';

const receiver = useReceiver();

interface SentEvent {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}

eachStore(
  'every event, and opt-in events with a sealed answer link',
  (server) => {
    restoreClockAfterEach(() => server().clock);
    beforeEach(() => {
      receiver().requests.length = 0;
    });
    // Each test's webhooks go with it, so none of them receives the next test's events.
    afterEach(async () => {
      for (const w of (await get(server(), '/v1/webhooks?limit=200')).body.data as { id: string }[])
        await del(server(), `/v1/webhooks/${w.id}`);
    });

    const hook = async (body: Record<string, unknown>) => {
      const res = await post(server(), '/v1/webhooks', { name: `Hook ${Math.random()}`, ...body });
      expect(res.status).toBe(201);
      return res.body.data as { id: string; secret: string };
    };
    // Checked as of when the request was sent (a test that jumps in time checks earlier requests too).
    const verify = (secret: string, r: Received): SentEvent => {
      jest.useFakeTimers({ now: Number(r.headers['webhook-timestamp']) * 1000 });
      try {
        return new Verifier(secret).verify(r.body, r.headers as Record<string, string>) as SentEvent;
      } finally {
        jest.useRealTimers();
      }
    };
    const at = (path: string) => receiver().requests.filter((r) => r.url === path);

    /** A survey.invited event as the surveys worker writes it: the answer link sealed. */
    const invite = async () => {
      const s = server();
      const employee = await createEmployee(s, { firstName: 'Ada', lastName: 'Lovelace' });
      const surveyId = `sur_${randomBytes(4).toString('hex')}`;
      const answerUrl = `${s.url}/s/inv_${randomBytes(16).toString('hex')}`;
      const event = await recordEvent(s.hub.context.store.db, {
        organizationId: s.org.organizationId,
        type: 'survey.invited',
        actor: { type: 'system' },
        object: {
          survey: { id: surveyId, name: 'Q4 pulse' },
          employee: { id: employee.id, email: employee.email, firstName: 'Ada', lastName: 'Lovelace' },
          answerUrl: sealAnswerUrl(s.hub.context.masterKey, answerUrl, surveyId, employee.id),
          closesAt: '2026-12-20T17:00:00.000Z',
          reminder: false,
        },
        at: s.clock.now(),
      });
      s.hub.dispatcher.nudge();
      return { event, answerUrl };
    };
    const record = async (type: string, object: Record<string, unknown>) => {
      const event = await recordEvent(server().hub.context.store.db, {
        organizationId: server().org.organizationId,
        // A type this server does not know yet stands for one added in a later version.
        type: type as EventType,
        actor: { type: 'system' },
        object,
        at: server().clock.now(),
      });
      server().hub.dispatcher.nudge();
      return event;
    };
    const history = async (webhookId: string) =>
      (await get(server(), `/v1/webhooks/${webhookId}/deliveries?limit=200`)).body.data as {
        id: string;
        messageId: string;
        statusCode: number | null;
        request: { headers: Record<string, string>; body: string };
      }[];

    test('* receives every event type, also one added later, but never the opt-in survey.invited', async () => {
      const every = await hook({ url: `${receiver().url}/every`, events: ['*'] });
      const both = await hook({ url: `${receiver().url}/both`, events: ['*', 'survey.invited'] });
      const named = await hook({ url: `${receiver().url}/named`, events: ['survey.invited'] });
      const employee = await createEmployee(server());
      await record('survey.opened', { id: 'sur_1', name: 'Q4 pulse', status: 'open' });
      await record('survey.archived', { id: 'sur_1', name: 'Q4 pulse' });
      const { event: invited } = await invite();
      // Fan-out writes every webhook's message for an event in one transaction, and the history
      // records each attempt: once /both has all five and /every's history is complete, nothing more comes.
      await eventually(() => at('/both').length === 5 && at('/named').length === 1);
      await eventually(async () => (await history(every.id)).length === 4);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const types = (path: string, secret: string) =>
        at(path)
          .map((r) => verify(secret, r).type)
          .sort();
      expect(types('/every', every.secret)).toEqual([
        'employee.created',
        'employee.created',
        'survey.archived',
        'survey.opened',
      ]);
      expect(types('/both', both.secret)).toEqual([
        'employee.created',
        'employee.created',
        'survey.archived',
        'survey.invited',
        'survey.opened',
      ]);
      expect(at('/named').map((r) => verify(named.secret, r).id)).toEqual([invited.id]);
      expect(at('/every').map((r) => verify(every.secret, r).data.object.id)).toContain(employee.id);
    });

    test('a webhook that lists survey.invited gets the real link, signed; history, events API and store never hold it; a re-send delivers it again', async () => {
      const h = await hook({ url: `${receiver().url}/invited`, events: ['survey.invited'] });
      const { event, answerUrl } = await invite();
      const token = answerUrl.slice(answerUrl.lastIndexOf('/') + 1);
      const [first] = await eventually(() => (at('/invited').length === 1 ? at('/invited') : undefined));
      const sent = verify(h.secret, first);
      expect(sent).toMatchObject({
        id: event.id,
        type: 'survey.invited',
        data: {
          object: {
            survey: { name: 'Q4 pulse' },
            employee: { firstName: 'Ada', lastName: 'Lovelace' },
            answerUrl,
            reminder: false,
          },
        },
      });

      // The history holds the request as sent, but with the link redacted.
      const [attempt] = await eventually(async () => {
        const list = await history(h.id);
        return list.length === 1 ? list : undefined;
      });
      expect(attempt.statusCode).toBe(200);
      expect(attempt.request.headers['webhook-id']).toBe(first.headers['webhook-id']);
      const recorded = JSON.parse(attempt.request.body) as SentEvent;
      expect(recorded).toEqual({
        ...JSON.parse(first.body),
        data: { object: { ...sent.data.object, answerUrl: REDACTED } },
      });
      const detail = await get(server(), `/v1/deliveries/${attempt.id}`);
      expect(JSON.parse(detail.body.data.request.body).data.object.answerUrl).toBe(REDACTED);
      // The events API shows it redacted too.
      const shown = await get(server(), `/v1/events/${event.id}`);
      expect(shown.body.data.data.object.answerUrl).toBe(REDACTED);
      const listed = await get(server(), '/v1/events?type=survey.invited&limit=200');
      expect(listed.body.data.map((e: SentEvent) => e.data.object.answerUrl)).toEqual(
        listed.body.data.map(() => REDACTED),
      );
      for (const res of [detail, shown, listed]) expect(res.text).not.toContain(token);
      expect(JSON.stringify(await history(h.id))).not.toContain(token);

      // A re-send renders from the event again: the same message, with the real link.
      expect((await post(server(), `/v1/deliveries/${attempt.id}/resend`, {})).status).toBe(202);
      const [, again] = await eventually(() => (at('/invited').length === 2 ? at('/invited') : undefined));
      expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
      expect(verify(h.secret, again).data.object.answerUrl).toBe(answerUrl);
      const attempts = await eventually(async () => {
        const list = await history(h.id);
        return list.length === 2 ? list : undefined;
      });
      for (const a of attempts) expect(JSON.parse(a.request.body).data.object.answerUrl).toBe(REDACTED);

      // Nowhere in the store, WAL included (or any PostgreSQL table), while the event itself is there.
      const contents = await storeContents(server());
      expect(contents).toContain(event.id);
      expect(contents).toContain('Lovelace');
      expect(contents.includes(token)).toBe(false);
      expect(contents.includes(answerUrl)).toBe(false);
    });

    test('a recover after every retry failed delivers the real link as well', async () => {
      const h = await hook({ url: `${receiver().url}/recover`, events: ['survey.invited'] });
      let status = 503;
      receiver().respond = (req, res) => {
        res.writeHead(req.url === '/recover' ? status : 204);
        res.end();
      };
      const recorded = async (n: number) => {
        await eventually(() => at('/recover').length === n);
        await eventually(async () => (await history(h.id)).length === n);
      };
      const { answerUrl } = await invite();
      await recorded(1);
      for (const [i, delay] of [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000].entries()) {
        server().clock.advance(Math.ceil(delay * 1.2));
        await recorded(i + 2);
      }
      status = 200;
      const recovered = await post(server(), `/v1/webhooks/${h.id}/recover`, { since: '2026-11-22T00:00:00Z' });
      expect(recovered.body.data).toEqual({ requeued: 1 });
      await recorded(9);
      expect(at('/recover').map((r) => verify(h.secret, r).data.object.answerUrl)).toEqual(Array(9).fill(answerUrl));
      const attempts = await history(h.id);
      expect(attempts.map((a) => a.statusCode).sort()).toEqual([200, ...Array(8).fill(503)]);
      expect(attempts.map((a) => JSON.parse(a.request.body).data.object.answerUrl)).toEqual(Array(9).fill(REDACTED));
    }, 30_000);

    test('tests send samples: a * webhook its default sample; survey.invited only to a json one', async () => {
      const chat = await hook({ url: `${receiver().url}/chat`, events: ['*'], format: 'chat' });
      const tested = await post(server(), `/v1/webhooks/${chat.id}/test`, {});
      expect(tested.body.data).toMatchObject({ ok: true, statusCode: 200 });
      expect(JSON.parse(at('/chat')[0].body).text).toMatch(/^\*\*\[Role\]\(.*\)\*\* was updated/);
      const refused = expectProblem(
        await post(server(), `/v1/webhooks/${chat.id}/test`, { eventType: 'survey.invited' }),
        400,
      );
      expect(refused.errors).toEqual([
        { location: 'body', path: '/eventType', message: expect.stringContaining('personal link') },
      ]);
      const untested = expectProblem(
        await post(server(), '/v1/webhooks/test-url', {
          url: `${receiver().url}/teams`,
          format: 'teams',
          eventType: 'survey.invited',
        }),
        400,
      );
      expect((untested.errors as { path: string }[]).map((e) => e.path)).toEqual(['/eventType']);
      expect(at('/chat')).toHaveLength(1);
      expect(at('/teams')).toHaveLength(0);
      const json = await hook({ url: `${receiver().url}/json`, events: ['survey.invited'] });
      const sample = await post(server(), `/v1/webhooks/${json.id}/test`, {});
      expect(sample.body.data).toMatchObject({ ok: true });
      expect(verify(json.secret, at('/json')[0])).toMatchObject({
        type: 'survey.invited',
        data: { object: { answerUrl: expect.stringMatching(/^https:\/\/.*\/s\/inv_/), reminder: false } },
      });
    });

    test("a real round: the invited person's link reaches the webhook that asked for it, opens the page, and the * webhook gets survey.opened only", async () => {
      const s = server();
      const json = await hook({ url: `${receiver().url}/invited`, events: ['survey.invited'] });
      const every = await hook({ url: `${receiver().url}/every`, events: ['*'] });
      const person = await createEmployee(s, { department: 'Pulse', startDate: '2024-01-01' });
      const round = await post(s, '/v1/surveys', {
        name: 'Pulse check',
        questions: [{ key: 'engagement' }],
        opensAt: new Date(s.clock.now().getTime() + 60_000).toISOString(),
        closesAt: new Date(s.clock.now().getTime() + 7 * 86_400_000).toISOString(),
        audience: ['department:Pulse'],
      });
      expect((await post(s, `/v1/surveys/${round.body.data.id}/open`, {})).status).toBe(200);
      const [invited] = await eventually(() => (at('/invited').length > 0 ? at('/invited') : undefined));
      const sent = verify(json.secret, invited);
      expect(sent.data.object).toMatchObject({
        survey: { id: round.body.data.id, name: 'Pulse check' },
        employee: { id: person.id, email: person.email },
        reminder: false,
      });
      const link = new URL(String(sent.data.object.answerUrl));
      const page = await fetch(`${s.url}${link.pathname}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Pulse check');
      const opened = await eventually(() =>
        at('/every')
          .map((r) => verify(every.secret, r))
          .find((e) => e.type === 'survey.opened'),
      );
      expect(opened.data.object).toMatchObject({ id: round.body.data.id, participation: { invited: 1 } });
      expect(at('/every').map((r) => verify(every.secret, r).type)).not.toContain('survey.invited');
      const listed = await get(s, '/v1/events?type=survey.invited&limit=200');
      const mine = listed.body.data.find(
        (e: SentEvent) => e.data.object.employee && (e.data.object.employee as { id: string }).id === person.id,
      );
      expect(mine.data.object.answerUrl).toBe(REDACTED);
    });
  },
  {
    PEOPLEHUB_ALLOW_HTTP_WEBHOOKS: 'true',
    PEOPLEHUB_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
    PEOPLEHUB_WORKER_POLL_MS: '5',
  },
);
