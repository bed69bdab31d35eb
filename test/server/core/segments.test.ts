import { membershipDay, parseSegment, segmentText } from '../../../server/src/core/segments';

describe('segments', () => {
  test('parse kind:value; attribute names are matched later, against the definitions', () => {
    expect(parseSegment('department:Sales: EMEA')).toEqual({ kind: 'department', value: 'Sales: EMEA' });
    expect(parseSegment('attribute:Office:Berlin')).toEqual({ kind: 'attribute', rest: 'Office:Berlin' });
    expect(parseSegment('tenure:1-2y')).toEqual({ kind: 'tenure', band: '1-2y' });
    expect(parseSegment('department:')).toMatch(/kind:value/);
    expect(parseSegment('attribute:Office')).toMatch(/needs a value/);
    expect(parseSegment('team:x')).toMatch(/not a segment kind/);
    expect(segmentText({ kind: 'manager', employeeId: 'emp_1' })).toBe('manager:emp_1');
  });

  test("memberships are taken on the period's first day, whatever day a request names; `all` on its last month's first day", () => {
    expect(membershipDay({ key: '2026-11', start: '2026-11-01', end: '2026-12-01' })).toBe('2026-11-01');
    expect(membershipDay({ key: '2026-Q4', start: '2026-10-01', end: '2027-01-01' })).toBe('2026-10-01');
    expect(membershipDay({ key: '2026', start: '2026-01-01', end: '2027-01-01' })).toBe('2026-01-01');
    expect(membershipDay({ key: 'all', start: '1000-01-01', end: '2026-12-01' })).toBe('2026-11-01');
  });
});
