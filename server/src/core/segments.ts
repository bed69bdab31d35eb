// Segments of respondents, and which segment results anonymity allows to show. Pure: the store
// hands over the people (with what segments read of them) and each employee's counts; this module
// decides membership and visibility, so hand-computed fixtures can check every number.
//
// Membership is a function of the calendar period only, never of the days a request asks for or of
// the day it is made: department, title, manager, groups and attributes are current values (the
// store keeps no history of them), and tenure is taken on the period's membership day (see
// membershipDay), so every period splits its respondents into bands exactly once, the same way for
// every request that covers it. Were it taken on a request's `to`, two visible results a day apart
// could differ by the one person whose band changed between them.
import type { AttributeType, AttributeValue } from './attributes';
import { suppressedSets, type HiddenReason } from './anonymity';
import type { Period } from './engagement';
import { type TenureBand, bandOfMonths, tenureMonths } from './tenure';

/**
 * The day memberships are taken on for a period: its first day. `all` reaches back to the first
 * answer, so its first day says nothing about anyone; it uses the first day of its last month.
 * Someone who starts later in the period counts from their start date (0 months), so every
 * respondent of the period has a band.
 */
export function membershipDay(period: Period): string {
  if (period.key !== 'all') return period.start;
  const last = new Date(Date.parse(`${period.end}T00:00:00Z`) - 86_400_000).toISOString();
  return `${last.slice(0, 7)}-01`;
}

export type Segment =
  | { kind: 'department'; value: string }
  | { kind: 'title'; value: string }
  | { kind: 'manager'; employeeId: string }
  | { kind: 'group'; groupId: string }
  | { kind: 'tenure'; band: string }
  | { kind: 'attribute'; name: string; type: AttributeType; value: string };

/** A segment as written in a query, before an attribute's name is matched to its definition. */
export type ParsedSegment = Exclude<Segment, { kind: 'attribute' }> | { kind: 'attribute'; rest: string };

export const SEGMENT_EXAMPLES = {
  department: 'department:Engineering',
  title: 'title:Account Executive',
  manager: 'manager:emp_01JEXAMPLE0000000000000001',
  group: 'group:grp_01JEXAMPLE0000000000000001',
  tenure: 'tenure:1-2y',
  attribute: 'attribute:Office:Berlin',
} as const;

/** Parses `kind:value`; returns the reason when it is not a segment. */
export function parseSegment(text: string): ParsedSegment | string {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const value = colon < 0 ? '' : text.slice(colon + 1);
  if (colon < 0 || value === '')
    return `"${text}" is not kind:value (kinds: ${Object.keys(SEGMENT_EXAMPLES).join(', ')})`;
  switch (kind) {
    case 'department':
    case 'title':
      return { kind, value };
    case 'manager':
      return { kind, employeeId: value };
    case 'group':
      return { kind, groupId: value };
    case 'tenure':
      return { kind, band: value };
    case 'attribute':
      return value.includes(':') ? { kind, rest: value } : `"${text}" needs a value: attribute:<Name>:<value>`;
    default:
      return `"${kind}" is not a segment kind (kinds: ${Object.keys(SEGMENT_EXAMPLES).join(', ')})`;
  }
}

export function segmentText(segment: Segment): string {
  switch (segment.kind) {
    case 'department':
    case 'title':
      return `${segment.kind}:${segment.value}`;
    case 'manager':
      return `manager:${segment.employeeId}`;
    case 'group':
      return `group:${segment.groupId}`;
    case 'tenure':
      return `tenure:${segment.band}`;
    case 'attribute':
      return `attribute:${segment.name}:${segment.value}`;
  }
}

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
  /** Invited counts already worked out for this request (api/engagement-segments). */
  readonly invited = new Map<string, number>();
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

/** A dimension a heatmap has one row per value of. */
export type Dimension =
  { kind: 'department' | 'title' | 'tenure' | 'manager' } | { kind: 'attribute'; name: string; type: AttributeType };

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

/**
 * A segment's family: the sets it must be compared with, so that no difference between them is small.
 * `members` split `within` (the team or group above, or the whole base when null) together with the
 * people none of them covers; `nested` are the sets that hold it.
 */
function familyOf(people: People, segment: Segment): { members: Segment[]; nested: Segment[]; within: Segment | null } {
  switch (segment.kind) {
    case 'department':
    case 'title':
    case 'tenure':
      return { members: people.rows({ kind: segment.kind }), nested: [], within: null };
    case 'attribute':
      return {
        members: people.rows({ kind: 'attribute', name: segment.name, type: segment.type }),
        nested: [],
        within: null,
      };
    case 'manager': {
      // Siblings: the teams of the other managers reporting to the same person (or of the other
      // people at the top). Nested: every manager above, each of whose teams holds this one.
      const boss = people.managerOf(segment.employeeId);
      const level = boss === null ? people.roots() : people.directReports(boss);
      const members = level
        .filter((id) => people.directReports(id).length > 0)
        .map((employeeId): Segment => ({ kind: 'manager', employeeId }));
      const nested: Segment[] = [];
      const seen = new Set<string>([segment.employeeId]);
      for (let m = boss; m !== null && !seen.has(m); m = people.managerOf(m)) {
        seen.add(m);
        nested.push({ kind: 'manager', employeeId: m });
      }
      return { members, nested, within: boss === null ? null : { kind: 'manager', employeeId: boss } };
    }
    case 'group': {
      const parent = people.parentGroup(segment.groupId);
      const members = people.groupChildren(parent).map((groupId): Segment => ({ kind: 'group', groupId }));
      const nested: Segment[] = [];
      const seen = new Set<string>([segment.groupId]);
      for (let g = parent; g !== null && !seen.has(g); g = people.parentGroup(g)) {
        seen.add(g);
        nested.push({ kind: 'group', groupId: g });
      }
      return { members, nested, within: parent === null ? null : { kind: 'group', groupId: parent } };
    }
  }
}

const keyOf = (segments: Segment[]) => segments.map(segmentText).sort().join('\u0000');

export interface Decision {
  hidden: boolean;
  hiddenReason: HiddenReason | null;
  /** The respondents in the combination. */
  members: Set<string>;
}

/**
 * Decides segment results for one question in one period, from its respondents. Every result it
 * shows passes, for each segment of the combination (the others being its base):
 * - at least `threshold` respondents;
 * - complementary suppression among the segment's family within the base (every department, every
 *   band…; for a team, the sibling teams within the team above; for a group, its sibling groups within
 *   the group above), plus whoever the family does not cover, so a total minus the visible members
 *   never isolates a small group;
 * - against the base and every set of the family that holds it (the teams above), a difference of
 *   zero or at least `threshold`, so a combination minus its parts, or a team minus the team above,
 *   gives nothing away.
 * A segment that removes nobody from the others' respondents is left out before deciding.
 * Decisions are memoized: asking again, or in another order, gives the same answer.
 */
export class Decider {
  private readonly memo = new Map<string, Decision>();
  private readonly familyMemo = new Map<string, Map<string, HiddenReason>>();
  private readonly setMemo = new Map<string, Set<string>>();

  constructor(
    private readonly people: People,
    private readonly respondents: ReadonlySet<string>,
    private readonly asOf: string,
    private readonly threshold: number,
  ) {}

  /** The respondents in every segment of the combination. */
  membersOf(segments: Segment[]): Set<string> {
    const key = keyOf(segments);
    let set = this.setMemo.get(key);
    if (set) return set;
    // Walk the smallest of the sets and keep what is in all the others.
    const sets = [this.respondents, ...segments.map((s) => this.people.members(s, this.asOf))].sort(
      (a, b) => a.size - b.size,
    );
    set = new Set<string>();
    for (const id of sets[0]) if (sets.every((other) => other.has(id))) set.add(id);
    this.setMemo.set(key, set);
    return set;
  }

  decide(segments: Segment[]): Decision {
    const key = keyOf(segments);
    const known = this.memo.get(key);
    if (known) return known;
    const members = this.membersOf(segments);
    // A segment that leaves out none of the others' respondents adds nothing (a repeat, a title held
    // only inside one department): drop it and decide the rest, so a combination never shows what
    // the smaller combination withholds.
    for (let i = 0; segments.length > 1 && i < segments.length; i += 1) {
      const rest = [...segments.slice(0, i), ...segments.slice(i + 1)];
      if (this.membersOf(rest).size === members.size) {
        const reduced = this.decide(rest);
        this.memo.set(key, reduced);
        return reduced;
      }
    }
    const decision = (reason: HiddenReason | null): Decision => ({
      hidden: reason !== null,
      hiddenReason: reason,
      members,
    });
    let result: Decision;
    if (members.size < this.threshold) result = decision('belowThreshold');
    else
      result = decision(
        segments.some((s, i) =>
          this.protectsAnother(s, [...segments.slice(0, i), ...segments.slice(i + 1)], members.size),
        )
          ? 'protectsAnother'
          : null,
      );
    this.memo.set(key, result);
    return result;
  }

  /** Whether `segment`'s result within `base` must be withheld for another group's sake. */
  private protectsAnother(segment: Segment, base: Segment[], n: number): boolean {
    const small = (difference: number) => difference > 0 && difference < this.threshold;
    const baseSize = this.membersOf(base).size;
    if (small(baseSize - n)) return true;
    const family = familyOf(this.people, segment);
    for (const above of family.nested) if (small(this.membersOf([...base, above]).size - n)) return true;
    const within = family.within === null ? base : [...base, family.within];
    return this.familyHidden(family.members, within).get(segmentText(segment)) === 'protectsAnother';
  }

  /**
   * Complementary suppression among a family within a set (the base, or the team above within the
   * base), the people of that set no member covers counting as withheld.
   */
  private familyHidden(members: Segment[], within: Segment[]): Map<string, HiddenReason> {
    const key = `${keyOf(within)}\u0001${members.map(segmentText).join('\u0000')}`;
    let hidden = this.familyMemo.get(key);
    if (hidden) return hidden;
    const sets = new Map<string, Set<string>>();
    const covered = new Set<string>();
    for (const member of members) {
      const set = this.membersOf([...within, member]);
      sets.set(segmentText(member), set);
      for (const id of set) covered.add(id);
    }
    const rest = new Set([...this.membersOf(within)].filter((id) => !covered.has(id)));
    hidden = suppressedSets(sets, rest, this.threshold);
    this.familyMemo.set(key, hidden);
    return hidden;
  }
}
