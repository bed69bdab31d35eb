import { randomBytes } from 'node:crypto';
import { REDACTED, holdsSecret, openEvent, redactEvent, sealAnswerUrl } from '../../../server/src/core/event-secrets';
import {
  ALL_EVENTS,
  EVENT_TYPE_NAMES,
  OPT_IN_EVENT_TYPES,
  type PeopleEvent,
  subscribes,
} from '../../../server/src/core/events';

const key = randomBytes(32);
const URL = 'https://hub.example.com/s/inv_0123456789abcdef';

function invited(answerUrl: unknown, employeeId = 'emp_1'): PeopleEvent {
  return {
    id: 'evt_1',
    type: 'survey.invited',
    timestamp: '2026-11-22T10:00:00.000Z',
    organizationId: 'org_1',
    actor: null,
    data: {
      object: {
        survey: { id: 'sur_1', name: 'Q4 pulse' },
        employee: { id: employeeId, email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
        answerUrl,
        closesAt: '2026-12-20T17:00:00.000Z',
        reminder: false,
      },
    },
  };
}

describe('secrets inside events', () => {
  test('a sealed answer link holds no trace of the link, opens for its survey and person only, and reads as redacted', () => {
    const sealed = sealAnswerUrl(key, URL, 'sur_1', 'emp_1');
    expect(sealed).not.toContain('inv_0123456789abcdef');
    const event = invited(sealed);
    expect(holdsSecret(event)).toBe(true);
    expect(openEvent(event, key).data.object.answerUrl).toBe(URL);
    expect(redactEvent(event).data.object.answerUrl).toBe(REDACTED);
    // The rest of the event is left as it was, and the stored event is not changed.
    expect({
      ...openEvent(event, key),
      data: { object: { ...openEvent(event, key).data.object, answerUrl: sealed } },
    }).toEqual(event);
    expect(event.data.object.answerUrl).toBe(sealed);
    // Copied into another person's invitation, or opened with another key, it stays shut.
    expect(openEvent(invited(sealed, 'emp_2'), key).data.object.answerUrl).toBe(REDACTED);
    expect(openEvent(event, randomBytes(32)).data.object.answerUrl).toBe(REDACTED);
  });

  test('events without a secret pass through unchanged', () => {
    const opened: PeopleEvent = { ...invited(undefined), type: 'survey.opened', data: { object: { id: 'sur_1' } } };
    expect(holdsSecret(opened)).toBe(false);
    expect(redactEvent(opened)).toBe(opened);
    expect(openEvent(opened, key)).toBe(opened);
    const noLink = invited(undefined);
    expect(holdsSecret(noLink)).toBe(false);
    expect(redactEvent(noLink)).toBe(noLink);
  });
});

describe('which webhooks receive a type', () => {
  test('a name subscribes to its type; * to every type but the opt-in ones, also types added later', () => {
    const ordinary = EVENT_TYPE_NAMES.filter((t) => !OPT_IN_EVENT_TYPES.includes(t));
    expect(ordinary.length).toBe(EVENT_TYPE_NAMES.length - OPT_IN_EVENT_TYPES.length);
    for (const type of ordinary) {
      expect({ type, star: subscribes([ALL_EVENTS], type) }).toEqual({ type, star: true });
      expect({ type, named: subscribes([type], type) }).toEqual({ type, named: true });
    }
    expect(subscribes([ALL_EVENTS], 'survey.later' as PeopleEvent['type'])).toBe(true);
    expect(subscribes(['employee.created'], 'employee.updated')).toBe(false);
    for (const type of OPT_IN_EVENT_TYPES) {
      expect(subscribes([ALL_EVENTS], type)).toBe(false);
      expect(subscribes([type], type)).toBe(true);
      expect(subscribes([ALL_EVENTS, type], type)).toBe(true);
    }
    expect(OPT_IN_EVENT_TYPES).toEqual(['survey.invited']);
  });
});
