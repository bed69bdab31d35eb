// Who is in a segment: the organization as segments see it (reporting lines, the group tree, tenure
// bands, attributes), with each segment's members and invited count worked out once per request.
// Pure: the store hands over the people (store/segments), so hand-computed fixtures can check it.
import type { AttributeType, AttributeValue } from './attributes';
import { type Period, addDays } from './engagement';
import { type Dimension, type Segment, segmentText } from './segments';
import { type TenureBand, bandOfMonths, tenureMonths } from './tenure';

/** What segments read of one employee. */
export interface Person {
  id: string;
  /** The display name, for a heatmap row by manager. */
  name: string;
  department: string | null;
  title: string | null;
  managerId: string | null;
  startDate: string | null;
  separationDate: string | null;
  attributes: Record<string, AttributeValue>;
  /** Groups in which the person holds a role. */
  groups: string[];
}

export interface AttributeInfo {
  name: string;
  type: AttributeType;
}

/** The organization as segments see it, with the trees worked out once. */
export class People {
  readonly byId = new Map<string, Person>();
  private readonly reports = new Map<string, string[]>();
  private readonly childGroups = new Map<string | null, string[]>();
  private readonly underCache = new Map<string, Set<string>>();
  private readonly groupCache = new Map<string, Set<string>>();
  private readonly invitedCache = new Map<string, number>();
  private readonly memberCache = new Map<string, Set<string>>();
  private readonly rowCache = new Map<string, Segment[]>();

  constructor(
    people: Person[],
    readonly groupParents: Map<string, string | null>,
    readonly attributes: Map<string, AttributeInfo>,
    readonly bands: TenureBand[],
  ) {
    for (const p of people) this.byId.set(p.id, p);
    for (const p of people) {
      if (p.managerId !== null && this.byId.has(p.managerId)) {
        const list = this.reports.get(p.managerId) ?? [];
        list.push(p.id);
        this.reports.set(p.managerId, list);
      }
    }
    for (const [id, parent] of groupParents) {
      const key = parent !== null && groupParents.has(parent) ? parent : null;
      const list = this.childGroups.get(key) ?? [];
      list.push(id);
      this.childGroups.set(key, list);
    }
  }

  directReports(id: string): string[] {
    return this.reports.get(id) ?? [];
  }

  /** The manager of `id` inside this organization, or null at the top. */
  managerOf(id: string): string | null {
    const m = this.byId.get(id)?.managerId ?? null;
    return m !== null && this.byId.has(m) ? m : null;
  }

  /** Everyone under `id`, directly or not (not `id` itself). A cycle in the data ends the walk. */
  under(id: string): Set<string> {
    let set = this.underCache.get(id);
    if (set) return set;
    set = new Set<string>();
    const queue = [...this.directReports(id)];
    while (queue.length > 0) {
      const next = queue.pop() as string;
      if (next === id || set.has(next)) continue;
      set.add(next);
      queue.push(...this.directReports(next));
    }
    this.underCache.set(id, set);
    return set;
  }

  /** Managers (people with someone under them), the rows of a heatmap by manager. */
  managers(): string[] {
    return [...this.reports.keys()].sort();
  }

  /** The people at the top: no manager in the organization. */
  roots(): string[] {
    return [...this.byId.keys()].filter((id) => this.managerOf(id) === null).sort();
  }

  parentGroup(id: string): string | null {
    const parent = this.groupParents.get(id) ?? null;
    return parent !== null && this.groupParents.has(parent) ? parent : null;
  }

  groupChildren(id: string | null): string[] {
    return [...(this.childGroups.get(id) ?? [])].sort();
  }

  /** People holding a role in the group or in a group below it. */
  groupMembers(groupId: string): Set<string> {
    let set = this.groupCache.get(groupId);
    if (set) return set;
    const tree = new Set<string>([groupId]);
    const queue = [groupId];
    while (queue.length > 0) {
      for (const child of this.groupChildren(queue.pop() as string)) {
        if (!tree.has(child)) {
          tree.add(child);
          queue.push(child);
        }
      }
    }
    set = new Set([...this.byId.values()].filter((p) => p.groups.some((g) => tree.has(g))).map((p) => p.id));
    this.groupCache.set(groupId, set);
    return set;
  }

  /** The tenure band on `day`; someone who starts after it is in the first band, as on their first day. */
  band(person: Person, day: string): string | null {
    const on = person.startDate !== null && person.startDate > day ? person.startDate : day;
    return bandOfMonths(this.bands, tenureMonths(person.startDate, person.separationDate, on))?.name ?? null;
  }

  /** Everyone in a segment (respondent or not), tenure taken on `asOf` (a membershipDay); worked out once per segment and day. */
  members(segment: Segment, asOf: string): Set<string> {
    // Teams and groups are sets already: no walk over everyone for each of a thousand managers.
    if (segment.kind === 'manager') return this.under(segment.employeeId);
    if (segment.kind === 'group') return this.groupMembers(segment.groupId);
    const key = `${segmentText(segment)}\u0001${segment.kind === 'tenure' ? asOf : ''}`;
    let set = this.memberCache.get(key);
    if (!set) {
      set = new Set([...this.byId.values()].filter((p) => isMember(this, segment, p, asOf)).map((p) => p.id));
      this.memberCache.set(key, set);
    }
    return set;
  }

  /** A dimension's rows, worked out once. */
  rows(dimension: Dimension): Segment[] {
    const key = dimension.kind === 'attribute' ? `attribute:${dimension.name}` : dimension.kind;
    let rows = this.rowCache.get(key);
    if (!rows) {
      rows = rowsOf(this, dimension);
      this.rowCache.set(key, rows);
    }
    return rows;
  }

  /**
   * Employees who could be surveyed at some point in the period and are in every segment; the same
   * for every question, so worked out once per combination, period and day.
   */
  invitedTo(segments: Segment[], period: Period, asOf: string): number {
    const key = `${segments.map(segmentText).sort().join('\u0000')}\u0001${period.key}\u0001${asOf}`;
    const known = this.invitedCache.get(key);
    if (known !== undefined) return known;
    const lastDay = addDays(period.end, -1);
    // Walk the smallest segment's members (a team of five, not the whole organization) and check the rest.
    const sets = segments.map((s) => this.members(s, asOf)).sort((a, b) => a.size - b.size);
    const candidates = sets.length === 0 ? this.byId.keys() : sets[0].values();
    let n = 0;
    for (const id of candidates) {
      const person = this.byId.get(id);
      if (!person) continue;
      const surveyable =
        (person.startDate === null || person.startDate <= lastDay) &&
        (person.separationDate === null || person.separationDate >= period.start);
      if (surveyable && sets.every((set) => set.has(id))) n += 1;
    }
    this.invitedCache.set(key, n);
    return n;
  }
}

/** The values an attribute segment compares with: a date's year, a boolean as text, every option of a list. */
export function attributeValues(value: AttributeValue | undefined, type: AttributeType): string[] {
  if (value === undefined || value === null) return [];
  if (type === 'multi_option') return Array.isArray(value) ? value.map(String) : [];
  if (type === 'date') return [String(value).slice(0, 4)];
  return [String(value)];
}

/** Whether a person is in a segment, `asOf` being the day tenure is taken on. */
export function isMember(people: People, segment: Segment, person: Person, asOf: string): boolean {
  switch (segment.kind) {
    case 'department':
      return person.department === segment.value;
    case 'title':
      return person.title === segment.value;
    case 'manager':
      return people.under(segment.employeeId).has(person.id);
    case 'group':
      return people.groupMembers(segment.groupId).has(person.id);
    case 'tenure':
      return people.band(person, asOf) === segment.band;
    case 'attribute':
      return attributeValues(person.attributes[segment.name], segment.type).includes(segment.value);
  }
}

/** The segments a dimension splits people into, in a stable order (people without a value make no row). */
export function rowsOf(people: People, dimension: Dimension): Segment[] {
  const values = new Set<string>();
  switch (dimension.kind) {
    case 'department':
    case 'title': {
      const kind = dimension.kind;
      for (const p of people.byId.values()) {
        const v = kind === 'department' ? p.department : p.title;
        if (v !== null) values.add(v);
      }
      return [...values].sort().map((value): Segment => ({ kind, value }));
    }
    case 'tenure':
      return people.bands.map((b) => ({ kind: 'tenure', band: b.name }));
    case 'manager':
      return people.managers().map((employeeId) => ({ kind: 'manager', employeeId }));
    case 'attribute':
      for (const p of people.byId.values())
        for (const v of attributeValues(p.attributes[dimension.name], dimension.type)) values.add(v);
      return [...values]
        .sort()
        .map((value) => ({ kind: 'attribute', name: dimension.name, type: dimension.type, value }));
  }
}
