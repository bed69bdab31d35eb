// Which results of one family of segments to withhold so that no group smaller than the anonymity
// threshold can be read, directly or by subtraction: the base's total minus every visible segment
// is what is withheld, so that must cover at least the threshold too (complementary suppression).
// Pure, and deterministic: the same people always hide the same segments, so asking again, or
// asking for another segment, reveals nothing new. core/disclosure decides which families to check.

export type HiddenReason = 'belowThreshold' | 'protectsAnother';

/**
 * Which segments of one family to withhold. Segments may overlap (teams nested in a department, a
 * list attribute's options); `rest` is the people no segment covers (never shown on its own, so
 * always counted as withheld). Withholds every segment below the threshold, then, while what is
 * withheld (the rest included) holds some respondents but fewer than the threshold, the smallest
 * visible segment too.
 * Counting the union of people, not a sum, keeps the rule sound when segments overlap.
 */
export function suppressedSets(
  sets: ReadonlyMap<string, ReadonlySet<string>>,
  rest: ReadonlySet<string>,
  threshold: number,
): Map<string, HiddenReason> {
  const hidden = new Map<string, HiddenReason>();
  const answered = [...sets].filter(([, set]) => set.size > 0);
  const withheld = new Set(rest);
  for (const [key, set] of answered) {
    if (set.size < threshold) {
      hidden.set(key, 'belowThreshold');
      for (const id of set) withheld.add(id);
    }
  }
  const candidates = answered
    .filter(([key]) => !hidden.has(key))
    .sort(([a, x], [b, y]) => x.size - y.size || a.localeCompare(b));
  for (const [key, set] of candidates) {
    if (withheld.size === 0 || withheld.size >= threshold) break;
    hidden.set(key, 'protectsAnother');
    for (const id of set) withheld.add(id);
  }
  return hidden;
}
