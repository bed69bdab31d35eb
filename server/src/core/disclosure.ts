// Which segment results anonymity allows to show: each result is checked against its segments'
// families (siblings and the sets that hold it), so no small group can be read directly or by
// subtraction. Complementary suppression within one family is core/anonymity.
import { type HiddenReason, suppressedSets } from './anonymity';
import type { People } from './people';
import { type Segment, segmentText } from './segments';

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
