import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { REDACTED, sealAnswerUrl } from '../../../server/src/core/event-secrets';
import { EVENT_TYPE_NAMES, OPT_IN_EVENT_TYPES } from '../../../server/src/core/events';
import * as eventStore from '../../../server/src/store/events';
import { eachStore, restoreClockAfterEach } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';
import { createEmployee, del, eventsSince, get, patch, post } from '../../helpers/people';

eachStore('events', (server) => {
  restoreClockAfterEach(() => server().clock);
  test('the catalog lists every type with a description, a JSON Schema and an example that fits it', async () => {
    const res = await call(server().url, '/v1/webhook-event-types');
    expect(res.status).toBe(200);
    expect(res.body.data.map((t: { type: string }) => t.type)).toEqual(EVENT_TYPE_NAMES);
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    expect(res.body.data.filter((t: { optIn: boolean }) => t.optIn).map((t: { type: string }) => t.type)).toEqual([
      ...OPT_IN_EVENT_TYPES,
    ]);
    for (const entry of res.body.data) {
      expect(entry.description.length).toBeGreaterThan(10);
      const valid = ajv.validate(entry.schema, entry.example);
      expect({ type: entry.type, errors: ajv.errors ?? null, valid }).toEqual({
        type: entry.type,
        errors: null,
        valid: true,
      });
    }
  });

  test('each write emits the right type, actor, object and changes; a no-op PATCH emits nothing', async () => {
    server().clock.advance(1000);
    const since = server().clock.now().toISOString();
    const app = (
      await post(server(), '/v1/apps', {
        name: 'Writer',
        permissions: ['employees:write', 'employees:read', 'org:write', 'users:write'],
      })
    ).body.data;
    const e = await createEmployee(server(), { firstName: 'Eve', lastName: 'Vent', title: 'Analyst' }, app.token);
    server().clock.advance(1000);
    await patch(server(), `/v1/employees/${e.id}`, { title: 'Senior Analyst' }, app.token);
    await patch(server(), `/v1/employees/${e.id}`, { title: 'Senior Analyst' }, app.token);
    await patch(server(), '/v1/organization', { name: 'Renamed' }, app.token);
    await patch(server(), '/v1/organization', { name: 'Renamed' }, app.token);
    const user = (
      await post(
        server(),
        '/v1/users',
        { email: 'new.user@test.example', name: 'New User', accessRight: 'member' },
        app.token,
      )
    ).body.data;
    await patch(server(), `/v1/users/${user.id}`, { phone: '+1 555 0100' }, app.token);
    await del(server(), `/v1/employees/${e.id}`, app.token);
    const events = await eventsSince(server(), since);
    expect(events.map((ev) => ev.type)).toEqual([
      'employee.created',
      'employee.updated',
      'organization.updated',
      'user.updated',
      'user.updated',
      'employee.deleted',
    ]);
    const appActor = { type: 'app', id: app.id, name: 'Writer' };
    for (const ev of events) expect(ev.actor).toEqual(appActor);
    expect(events[0].data).toEqual({ object: e });
    expect(events[1].data.changes).toEqual([{ field: 'title', label: 'Title', old: 'Analyst', new: 'Senior Analyst' }]);
    expect(events[1].data.object).toMatchObject({ id: e.id, title: 'Senior Analyst', status: 'active' });
    expect(events[2].data).toMatchObject({
      object: { name: 'Renamed' },
      changes: [{ field: 'name', old: 'Test Org', new: 'Renamed' }],
    });
    expect(events[4].data.changes).toEqual([{ field: 'phone', label: 'Phone', old: null, new: '+1 555 0100' }]);
    expect(events[5].data.changes).toBeUndefined();
    const only = await get(server(), `/v1/events?type=employee.updated&since=${encodeURIComponent(since)}`);
    expect(only.body.data.map((ev: { id: string }) => ev.id)).toEqual([events[1].id]);
    expect((await get(server(), `/v1/events/${events[0].id}`)).body.data).toEqual(events[0]);
    expectProblem(await get(server(), `/v1/events/${events[0].id}`, server().other.ownerKey), 404);
    expectProblem(await get(server(), '/v1/events?type=employee.exploded'), 400);
  });

  test("a survey invitation's answer link reads as redacted in the list and on its own; other events are untouched", async () => {
    // Past every event the tests before wrote (the clock goes back after each test).
    server().clock.advance(3_600_000);
    const since = server().clock.now().toISOString();
    const e = await createEmployee(server(), { firstName: 'Ada', lastName: 'Lovelace' });
    const answerUrl = `${server().url}/s/inv_events${Math.random().toString(36).slice(2)}`;
    const { masterKey, store } = server().hub.context;
    const invited = await eventStore.recordEvent(store.db, {
      organizationId: server().org.organizationId,
      type: 'survey.invited',
      actor: { type: 'system' },
      object: {
        survey: { id: 'sur_events', name: 'Q4 pulse' },
        employee: { id: e.id, email: e.email, firstName: 'Ada', lastName: 'Lovelace' },
        answerUrl: sealAnswerUrl(masterKey, answerUrl, 'sur_events', e.id),
        closesAt: '2026-12-20T17:00:00.000Z',
        reminder: false,
      },
      at: server().clock.now(),
    });
    const expected = {
      survey: { id: 'sur_events', name: 'Q4 pulse' },
      employee: { id: e.id, email: e.email, firstName: 'Ada', lastName: 'Lovelace' },
      answerUrl: REDACTED,
      closesAt: '2026-12-20T17:00:00.000Z',
      reminder: false,
    };
    const listed = await get(server(), `/v1/events?since=${encodeURIComponent(since)}`);
    expect(listed.body.data.map((ev: { type: string }) => ev.type)).toEqual(['employee.created', 'survey.invited']);
    expect(listed.body.data[0].data.object).toEqual(e);
    expect(listed.body.data[1]).toMatchObject({ id: invited.id, actor: null, data: { object: expected } });
    const filtered = await get(server(), `/v1/events?type=survey.invited&since=${encodeURIComponent(since)}`);
    expect(filtered.body.data.map((ev: { data: unknown }) => ev.data)).toEqual([{ object: expected }]);
    const one = await get(server(), `/v1/events/${invited.id}`);
    expect(one.body.data.data).toEqual({ object: expected });
    // Neither the link nor its sealed form is shown anywhere in the answers.
    for (const res of [listed, filtered, one]) {
      expect(res.text).not.toContain(answerUrl);
      expect(res.text).not.toContain('sealed:');
    }
  });

  test('a failure between the change and its event rolls both back', async () => {
    const e = await createEmployee(server(), { title: 'Before' });
    const before = await eventsSince(server(), '2000-01-01T00:00:00.000Z');
    // The entity row is written first; the event (and audit entry) right after, in the same transaction.
    const spy = jest
      .spyOn(eventStore, 'recordChanges')
      .mockRejectedValueOnce(new Error('disk full between the two writes'));
    try {
      const failedUpdate = await patch(server(), `/v1/employees/${e.id}`, { title: 'After' });
      expect(failedUpdate.status).toBe(500);
      spy.mockRejectedValueOnce(new Error('again'));
      const failedCreate = await post(server(), '/v1/employees', {
        email: 'ghost@acme.example',
        firstName: 'Ghost',
        lastName: 'Writer',
      });
      expect(failedCreate.status).toBe(500);
    } finally {
      spy.mockRestore();
    }
    expect((await get(server(), `/v1/employees/${e.id}`)).body.data.title).toBe('Before');
    expect((await get(server(), '/v1/employees?email=ghost@acme.example')).body.data).toEqual([]);
    expect(await eventsSince(server(), '2000-01-01T00:00:00.000Z')).toEqual(before);
    // And with the store healthy again, the same write goes through with its event.
    expect((await patch(server(), `/v1/employees/${e.id}`, { title: 'After' })).status).toBe(200);
    expect((await eventsSince(server(), '2000-01-01T00:00:00.000Z')).length).toBe(before.length + 1);
  });

  test('events older than 30 days are not listed', async () => {
    const e = await createEmployee(server());
    server().clock.advance(31 * 24 * 3600 * 1000);
    const listed = await get(server(), '/v1/events?limit=200&since=2000-01-01T00:00:00.000Z');
    expect(listed.body.data.map((ev: { data: { object: { id: string } } }) => ev.data.object.id)).not.toContain(e.id);
  });
});
