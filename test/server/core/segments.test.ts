import { tenureBands } from '../../../server/src/core/tenure';
import {
  Decider,
  People,
  type Person,
  membershipDay,
  parseSegment,
  segmentText,
} from '../../../server/src/core/segments';

const person = (id: string, fields: Partial<Person> = {}): Person => ({
  id,
  name: id,
  department: null,
  title: null,
  managerId: null,
  startDate: '2020-01-01',
  separationDate: null,
  attributes: {},
  groups: [],
  ...fields,
});

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
    const bands = new People([], new Map(), new Map(), tenureBands([6, 12, 24, 60]));
    // 23 months on 1 November, 24 on the 11th: 1-2y for the whole of November.
    expect(bands.band(person('x', { startDate: '2024-11-11' }), '2026-11-01')).toBe('1-2y');
    // Someone who starts during the period counts from their first day: the first band, not none.
    expect(bands.band(person('new', { startDate: '2026-11-20' }), '2026-11-01')).toBe('<6m');
    // A leaver's service stops at the separation date.
    expect(bands.band(person('gone', { startDate: '2020-01-01', separationDate: '2021-06-30' }), '2026-11-01')).toBe(
      '1-2y',
    );
  });

  // boss ─ lead1 ─ a1..a5 ; boss ─ lead2 ─ b1..b6 ; boss ─ solo (no reports). Everyone answered.
  const org = [
    person('boss'),
    person('lead1', { managerId: 'boss' }),
    person('lead2', { managerId: 'boss' }),
    person('solo', { managerId: 'boss' }),
    ...['a1', 'a2', 'a3', 'a4', 'a5'].map((id) => person(id, { managerId: 'lead1' })),
    ...['b1', 'b2', 'b3', 'b4', 'b5', 'b6'].map((id) => person(id, { managerId: 'lead2' })),
  ];
  const people = () => new People(org, new Map(), new Map(), tenureBands([6, 12, 24, 60]));
  const decider = () => new Decider(people(), new Set(org.map((p) => p.id)), '2026-11-22', 5);

  test('a team is everyone under the manager, at any depth, not the manager', () => {
    expect([...people().under('boss')].sort()).toEqual(
      org
        .filter((p) => p.id !== 'boss')
        .map((p) => p.id)
        .sort(),
    );
    expect(decider().decide([{ kind: 'manager', employeeId: 'lead1' }]).members.size).toBe(5);
  });

  test("the boss's team minus the visible teams inside it is the leads and solo: three people, so the smaller team is withheld", () => {
    const d = decider();
    expect(d.decide([{ kind: 'manager', employeeId: 'lead2' }])).toMatchObject({ hidden: false });
    expect(d.decide([{ kind: 'manager', employeeId: 'lead1' }])).toMatchObject({
      hidden: true,
      hiddenReason: 'protectsAnother',
    });
    // Everyone minus the boss's team is the boss alone.
    expect(d.decide([{ kind: 'manager', employeeId: 'boss' }])).toMatchObject({
      hidden: true,
      hiddenReason: 'protectsAnother',
    });
  });

  test('deeper down, the family is the team above: its members minus the visible teams inside must not isolate a few', () => {
    // ceo ─ mid ─ lead1 ─ a1..a5, mid ─ lead2 ─ b1..b6, mid ─ x; ceo ─ other ─ o1..o10.
    const deep = [
      person('ceo'),
      person('mid', { managerId: 'ceo' }),
      person('other', { managerId: 'ceo' }),
      ...Array.from({ length: 10 }, (_, i) => person(`o${i}`, { managerId: 'other' })),
      person('lead1', { managerId: 'mid' }),
      person('lead2', { managerId: 'mid' }),
      person('x', { managerId: 'mid' }),
      ...['a1', 'a2', 'a3', 'a4', 'a5'].map((id) => person(id, { managerId: 'lead1' })),
      ...['b1', 'b2', 'b3', 'b4', 'b5', 'b6'].map((id) => person(id, { managerId: 'lead2' })),
    ];
    const d = new Decider(
      new People(deep, new Map(), new Map(), tenureBands([6, 12, 24, 60])),
      new Set(deep.map((p) => p.id)),
      '2026-11-22',
      5,
    );
    // mid's team (14) shows; inside it lead2's team (6) shows; lead1's (5) must not, or mid's team
    // minus the two would be lead1, lead2 and x alone.
    expect(d.decide([{ kind: 'manager', employeeId: 'mid' }])).toMatchObject({ hidden: false });
    expect(d.decide([{ kind: 'manager', employeeId: 'lead2' }])).toMatchObject({ hidden: false });
    expect(d.decide([{ kind: 'manager', employeeId: 'lead1' }])).toMatchObject({
      hidden: true,
      hiddenReason: 'protectsAnother',
    });
  });

  test('a segment that removes nobody adds nothing: repeats and a title inside one department decide as the smaller combination', () => {
    // Titles across the organization: Lead (6, all in Sales), Analyst (7), Intern (2): the interns are
    // hidden, so the smallest visible title, Lead, is withheld to protect them.
    const staff = [
      ...Array.from({ length: 6 }, (_, i) => person(`lead${i}`, { title: 'Lead', department: 'Sales' })),
      ...Array.from({ length: 7 }, (_, i) =>
        person(`an${i}`, { title: 'Analyst', department: i < 3 ? 'Sales' : 'Ops' }),
      ),
      ...Array.from({ length: 2 }, (_, i) => person(`in${i}`, { title: 'Intern', department: 'Ops' })),
    ];
    const d = new Decider(
      new People(staff, new Map(), new Map(), tenureBands([6, 12, 24, 60])),
      new Set(staff.map((p) => p.id)),
      '2026-11-22',
      5,
    );
    const lead = { kind: 'title' as const, value: 'Lead' };
    const sales = { kind: 'department' as const, value: 'Sales' };
    expect(d.decide([lead])).toMatchObject({ hidden: true, hiddenReason: 'protectsAnother' });
    // Asking for Lead AND Sales (every lead is in Sales), or for Lead twice, must not show it.
    expect(d.decide([lead, sales])).toMatchObject({ hidden: true, hiddenReason: 'protectsAnother' });
    expect(d.decide([sales, lead])).toMatchObject({ hidden: true, hiddenReason: 'protectsAnother' });
    expect(d.decide([lead, lead])).toMatchObject({ hidden: true, hiddenReason: 'protectsAnother' });
  });

  test('without the boss answering, the team under the boss is everyone who answered and may show', () => {
    const d = new Decider(people(), new Set(org.filter((p) => p.id !== 'boss').map((p) => p.id)), '2026-11-22', 5);
    expect(d.decide([{ kind: 'manager', employeeId: 'boss' }])).toMatchObject({ hidden: false });
  });
});
