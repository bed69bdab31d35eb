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

describe('people', () => {
  test('tenure is taken on the membership day: a start during the period is the first band, a leaver stops counting', () => {
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

  test('a team is everyone under the manager, at any depth, not the manager; a cycle ends the walk', () => {
    const org = [
      person('boss'),
      person('lead', { managerId: 'boss' }),
      person('a', { managerId: 'lead' }),
      person('b', { managerId: 'lead' }),
      // x and y manage each other: the walk stops where it started.
      person('x', { managerId: 'y' }),
      person('y', { managerId: 'x' }),
    ];
    const people = new People(org, new Map(), new Map(), tenureBands([6, 12, 24, 60]));
    expect([...people.under('boss')].sort()).toEqual(['a', 'b', 'lead']);
    expect([...people.under('lead')].sort()).toEqual(['a', 'b']);
    expect([...people.under('x')].sort()).toEqual(['y']);
    expect(people.managers()).toEqual(['boss', 'lead', 'x', 'y']);
  });

  test('invited: everyone in every segment who could be surveyed on some day of the period', () => {
    const november = { key: '2026-11', start: '2026-11-01', end: '2026-12-01' };
    const people = new People(
      [
        person('long', { department: 'Sales', title: 'Lead', startDate: '2020-01-01' }),
        person('lastDay', { department: 'Sales', startDate: '2026-11-30' }),
        person('later', { department: 'Sales', startDate: '2026-12-01' }),
        person('leftOnFirst', { department: 'Sales', separationDate: '2026-11-01' }),
        person('leftBefore', { department: 'Sales', separationDate: '2026-10-31' }),
        person('ops', { department: 'Ops', title: 'Lead' }),
      ],
      new Map(),
      new Map(),
      tenureBands([6, 12, 24, 60]),
    );
    const sales = { kind: 'department' as const, value: 'Sales' };
    const lead = { kind: 'title' as const, value: 'Lead' };
    expect(people.invitedTo([], november, november.start)).toBe(4);
    expect(people.invitedTo([sales], november, november.start)).toBe(3);
    expect(people.invitedTo([sales, lead], november, november.start)).toBe(1);
    // The same combination in another order is the same count.
    expect(people.invitedTo([lead, sales], november, november.start)).toBe(1);
    expect(people.invitedTo([sales], { key: '2026-12', start: '2026-12-01', end: '2027-01-01' }, '2026-12-01')).toBe(3);
  });
});
