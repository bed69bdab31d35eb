// How a round is going, in counts only: invited, responded and the rate, for the round and for each
// audience segment. Who responded is never told: a segment with fewer invitees than the anonymity
// threshold shows no counts, and neither does one whose counts would give such a segment away by
// subtraction (core/anonymity). Results (score, eNPS) need as many respondents.
import { type HiddenReason, suppressedSets } from '../../core/anonymity';
import { roundHalfAway } from '../../core/engagement';
import { ENGAGEMENT_QUESTION } from '../../core/surveys';
import { roundTotals } from '../../store/engagement';
import type { Invitation } from '../../store/survey-invitations';
import type { Survey, SurveyOutcome } from '../../store/surveys';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema';

export interface Counts {
  invited: number | null;
  responded: number | null;
  rate: number | null;
  hidden: boolean;
  hiddenReason: HiddenReason | null;
}

export interface Participation extends Counts {
  segments: ({ segment: string } & Counts)[];
}

/** Invitations that count: still open to their holder, or answered before they were withdrawn. */
const counted = (invitations: Invitation[]) =>
  invitations.filter((i) => i.status === 'active' || i.respondedAt !== null);

const rateOf = (responded: number, invited: number) => (invited === 0 ? null : roundHalfAway(responded / invited, 3));

function shown(invited: Invitation[]): Counts {
  const responded = invited.filter((i) => i.respondedAt !== null).length;
  return {
    invited: invited.length,
    responded,
    rate: rateOf(responded, invited.length),
    hidden: false,
    hiddenReason: null,
  };
}

const HIDDEN = (reason: HiddenReason): Counts => ({
  invited: null,
  responded: null,
  rate: null,
  hidden: true,
  hiddenReason: reason,
});

export function participationOf(survey: Survey, invitations: Invitation[], threshold: number): Participation {
  const all = counted(invitations);
  const whole: Counts =
    all.length === 0 || all.length >= threshold
      ? shown(all)
      : { ...shown(all), responded: null, rate: null, hidden: true, hiddenReason: 'belowThreshold' };
  const sets = new Map(
    survey.audience.map((segment) => [
      segment,
      new Set(all.filter((i) => i.segments.includes(segment)).map((i) => i.id)),
    ]),
  );
  const hidden = suppressedSets(sets, new Set(), threshold);
  const segments = survey.audience.map((segment) => {
    const reason = hidden.get(segment);
    const members = all.filter((i) => i.segments.includes(segment));
    return { segment, ...(reason !== undefined ? HIDDEN(reason) : shown(members)) };
  });
  return { ...whole, segments };
}

/**
 * The round's figures as it closes: participation, and the engagement score and eNPS of its
 * responses only when at least `threshold` people answered.
 */
export async function outcomeOf(
  db: Kysely<Database>,
  survey: Survey,
  invitations: Invitation[],
  threshold: number,
): Promise<SurveyOutcome> {
  const all = counted(invitations);
  const responded = all.filter((i) => i.respondedAt !== null).length;
  const totals = await roundTotals(db, survey.id, ENGAGEMENT_QUESTION);
  const visible = totals.respondents >= threshold && totals.answers > 0;
  return {
    invited: all.length,
    responded,
    rate: rateOf(responded, all.length),
    score: visible ? roundHalfAway(totals.scoreSum / totals.answers, 1) : null,
    enps: visible ? roundHalfAway(((totals.promoters - totals.detractors) * 100) / totals.answers) : null,
    hidden: !visible,
  };
}
