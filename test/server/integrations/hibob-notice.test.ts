import {
  NOTICE_MAX_AGE_MS,
  NOTICE_MAX_AHEAD_MS,
  PING_BODY_LIMIT,
  employeeOf,
  freshnessOf,
  isPing,
  parseTriggeredAt,
  receiptExpiry,
} from '../../../server/src/integrations/hibob/notice';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

describe("reading HiBob's triggeredAt", () => {
  test('ISO 8601 with Z or an offset is read as written; without an offset it is UTC, whatever the machine', () => {
    expect(parseTriggeredAt('2026-11-22T10:00:00Z')?.toISOString()).toBe('2026-11-22T10:00:00.000Z');
    expect(parseTriggeredAt('2026-11-22T12:00:00+02:00')?.toISOString()).toBe('2026-11-22T10:00:00.000Z');
    expect(parseTriggeredAt('2026-11-22T05:00:00-0500')?.toISOString()).toBe('2026-11-22T10:00:00.000Z');
    expect(parseTriggeredAt('2026-11-22T10:00:00.123456Z')?.toISOString()).toBe('2026-11-22T10:00:00.123Z');
    expect(parseTriggeredAt('2026-11-22T10:00:00.5Z')?.toISOString()).toBe('2026-11-22T10:00:00.500Z');
    expect(parseTriggeredAt('2026-11-22 10:00')?.toISOString()).toBe('2026-11-22T10:00:00.000Z');
    expect(parseTriggeredAt('2026-11-22T10:00:00')?.getTime()).toBe(Date.UTC(2026, 10, 22, 10));
  });

  test('anything else is unreadable', () => {
    for (const value of [
      'last Tuesday',
      '2026-11-22',
      '1795341600000',
      '2026-13-01T00:00:00Z',
      '2026-11-22T10:00:00+25:00',
      '',
      1795341600000,
      {},
      ['2026-11-22T10:00:00Z'],
      true,
    ]) {
      expect({ value, parsed: parseTriggeredAt(value) }).toEqual({ value, parsed: null });
    }
  });
});

describe('judging a notice by its time', () => {
  test(`fresh from ${NOTICE_MAX_AGE_MS / 60_000} minutes old to ${NOTICE_MAX_AHEAD_MS / 1000} s ahead, edges included`, () => {
    for (const offset of [-NOTICE_MAX_AGE_MS, -1, 0, NOTICE_MAX_AHEAD_MS]) {
      expect(freshnessOf({ triggeredAt: at(offset) }, NOW).kind).toBe('fresh');
    }
    expect(freshnessOf({ triggeredAt: at(-NOTICE_MAX_AGE_MS - 1) }, NOW)).toEqual({
      kind: 'stale',
      triggeredAt: new Date(at(-NOTICE_MAX_AGE_MS - 1)),
      ageMs: NOTICE_MAX_AGE_MS + 1,
    });
    expect(freshnessOf({ triggeredAt: '2019-06-01T00:00:00Z' }, NOW).kind).toBe('stale');
    expect(freshnessOf({ triggeredAt: at(NOTICE_MAX_AHEAD_MS + 1) }, NOW)).toEqual({
      kind: 'ahead',
      triggeredAt: new Date(at(NOTICE_MAX_AHEAD_MS + 1)),
      aheadMs: NOTICE_MAX_AHEAD_MS + 1,
    });
  });

  test('no triggeredAt is undated; one that is not a timestamp is unreadable', () => {
    for (const notice of [{}, { triggeredAt: null }, null, 'Ping test', []])
      expect(freshnessOf(notice, NOW)).toEqual({ kind: 'undated' });
    expect(freshnessOf({ triggeredAt: 'soon' }, NOW)).toEqual({ kind: 'unreadable' });
  });

  test('a receipt lasts as long as its notice could be accepted: from triggeredAt, or from receipt when undated', () => {
    expect(receiptExpiry(freshnessOf({ triggeredAt: at(-60_000) }, NOW), NOW).toISOString()).toBe(
      at(NOTICE_MAX_AGE_MS - 60_000),
    );
    expect(receiptExpiry(freshnessOf({ triggeredAt: at(30_000) }, NOW), NOW).toISOString()).toBe(
      at(NOTICE_MAX_AGE_MS + 30_000),
    );
    expect(receiptExpiry({ kind: 'undated' }, NOW).toISOString()).toBe(at(NOTICE_MAX_AGE_MS));
  });
});

describe("HiBob's ping", () => {
  test('is recognized in its three forms, with surrounding space', () => {
    for (const text of [
      'Ping test',
      '"Ping test"',
      '{"text":"Ping test"}',
      ' { "text" : "Ping test" }\n',
      '\tPing test\r\n',
    ])
      expect(isPing(Buffer.from(text))).toBe(true);
  });

  test(`is never looked for in a body over ${PING_BODY_LIMIT} bytes, nor parsed when nested too deep`, () => {
    const padded = (size: number) => Buffer.from(`{"text":"Ping test"${' '.repeat(size - 20)}}`);
    expect(padded(PING_BODY_LIMIT).length).toBe(PING_BODY_LIMIT);
    expect(isPing(padded(PING_BODY_LIMIT))).toBe(true);
    expect(isPing(padded(PING_BODY_LIMIT + 1))).toBe(false);
    const parse = jest.spyOn(JSON, 'parse');
    try {
      expect(isPing(Buffer.from(`{"a":${'['.repeat(100)}`))).toBe(false);
      expect(isPing(Buffer.from(`{${'x'.repeat(PING_BODY_LIMIT)}}`))).toBe(false);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
    for (const text of ['Ping', 'ping test', '{"text":"Ping"}', '{"text":["Ping test"]}', 'null', '{', ''])
      expect(isPing(Buffer.from(text))).toBe(false);
  });
});

describe('the person a notice is about', () => {
  test('v2 data.employeeId or an older data.employee.id, as trimmed text', () => {
    expect(employeeOf({ data: { employeeId: ' 3332883884017713041 ' } })).toEqual({
      kind: 'id',
      id: '3332883884017713041',
    });
    expect(employeeOf({ data: { employee: { id: 42 } } })).toEqual({ kind: 'id', id: '42' });
    for (const notice of [{}, { data: {} }, { data: { employeeId: '  ' } }, { data: { employeeId: true } }, null, 'x'])
      expect(employeeOf(notice)).toEqual({ kind: 'none' });
  });

  test('an id with control characters or over 64 characters is invalid, not cut or stored', () => {
    expect(employeeOf({ data: { employeeId: '12\u000034' } }).kind).toBe('invalid');
    expect(employeeOf({ data: { employeeId: '12\n34' } }).kind).toBe('invalid');
    expect(employeeOf({ data: { employeeId: '1'.repeat(65) } }).kind).toBe('invalid');
    expect(employeeOf({ data: { employeeId: '1'.repeat(64) } })).toEqual({ kind: 'id', id: '1'.repeat(64) });
  });
});
