import { Decider } from '../../../server/src/core/disclosure';
import { People, type Person } from '../../../server/src/core/people';
import { tenureBands } from '../../../server/src/core/tenure';

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

describe('the decider', () => {
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

  test('a team is everyone under the manager who answered', () => {
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
