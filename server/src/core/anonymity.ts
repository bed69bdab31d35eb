// Which results of one segmentation to withhold so that no group smaller than the anonymity
// threshold can be read, directly or by subtraction. Segments of a dimension (every department,
// and "no department") partition the respondents, so the organization's total minus every visible
// segment is the sum of the hidden ones: that sum must cover at least the threshold too
// (complementary suppression). Pure, and deterministic: the same counts always hide the same
// segments, so asking again, or asking for another segment, reveals nothing new.

export type HiddenReason = 'belowThreshold' | 'protectsAnother';

/** A segment's key: a department name, or null for the people without one. */
export type SegmentKey = string | null;

/**
 * For every segment that must be withheld, why. Segments nobody answered in are left out: they hold
 * nothing to protect and protect nothing.
 */
export function suppressedSegments(respondents: ReadonlyMap<SegmentKey, number>, threshold: number): Map<SegmentKey, HiddenReason> {
  const hidden = new Map<SegmentKey, HiddenReason>();
  const answered = [...respondents].filter(([, n]) => n > 0);
  for (const [key, n] of answered) if (n < threshold) hidden.set(key, 'belowThreshold');
  if (hidden.size === 0) return hidden;
  let covered = answered.filter(([key]) => hidden.has(key)).reduce((sum, [, n]) => sum + n, 0);
  // Hide the smallest visible segments first (least information lost), ties in a fixed order.
  const candidates = answered.filter(([key]) => !hidden.has(key)).sort(([a, n], [b, m]) => n - m || String(a ?? '').localeCompare(String(b ?? '')));
  for (const [key, n] of candidates) {
    if (covered >= threshold) break;
    hidden.set(key, 'protectsAnother');
    covered += n;
  }
  return hidden;
}
