// How a round is going, in counts only: invited, responded and the rate, for the round and for each
// audience segment. Who responded is never told: a segment with fewer invitees than the anonymity
// threshold shows no counts, and neither does one whose counts would give such a segment away by
// subtraction (core/anonymity). Results (score, eNPS) need as many respondents.
import { type HiddenReason, suppressedSets } from '../../core/anonymity';
import { roundHalfAway } from '../../core/engagement';
import { ENGAGEMENT_QUESTION } from '../../core/surveys';
import { roundTotals } from '../../store/engagement';
import { type InvitationTally, invitationTallies } from '../../store/survey-invitations';
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

const rateOf = (responded: number, invited: number) => (invited === 0 ? null : roundHalfAway(responded / invited, 3));

function shown(tallies: InvitationTally[]): Counts {
  const invited = tallies.reduce((n, t) => n + t.counted, 0);
  const responded = tallies.reduce((n, t) => n + t.responded, 0);
  return { invited, responded, rate: rateOf(responded, invited), hidden: false, hiddenReason: null };
}

const HIDDEN = (reason: HiddenReason): Counts => ({
  invited: null,
  responded: null,
  rate: null,
  hidden: true,
  hiddenReason: reason,
});

export function participationOf(survey: Survey, tallies: InvitationTally[], threshold: number): Participation {
  const whole = shown(tallies);
  const invited = whole.invited ?? 0;
  const round: Counts =
    invited === 0 || invited >= threshold
      ? whole
      : { ...whole, responded: null, rate: null, hidden: true, hiddenReason: 'belowThreshold' };
  // Each tally stands for that many people (named by its index and a number): the suppression
  // counts unions of people, which holds when audience segments overlap.
  const people = tallies.map((t, g) => Array.from({ length: t.counted }, (_, k) => `${g}:${k}`));
  const sets = new Map(
    survey.audience.map((segment) => [
      segment,
      new Set(tallies.flatMap((t, g) => (t.segments.includes(segment) ? people[g] : []))),
    ]),
  );
  const hidden = suppressedSets(sets, new Set(), threshold);
  const segments = survey.audience.map((segment) => {
    const reason = hidden.get(segment);
    return {
      segment,
      ...(reason !== undefined ? HIDDEN(reason) : shown(tallies.filter((t) => t.segments.includes(segment)))),
    };
  });
  return { ...round, segments };
}

/**
 * The round's figures as it closes: participation, and the engagement score and eNPS of its
 * responses only when at least `threshold` people answered.
 */
export async function outcomeOf(db: Kysely<Database>, survey: Survey, threshold: number): Promise<SurveyOutcome> {
  const { invited, responded } = shown(await invitationTallies(db, survey.id)) as {
    invited: number;
    responded: number;
  };
  const totals = await roundTotals(db, survey.id, ENGAGEMENT_QUESTION);
  const visible = totals.respondents >= threshold && totals.answers > 0;
  return {
    invited,
    responded,
    rate: rateOf(responded, invited),
    score: visible ? roundHalfAway(totals.scoreSum / totals.answers, 1) : null,
    enps: visible ? roundHalfAway(((totals.promoters - totals.detractors) * 100) / totals.answers) : null,
    hidden: !visible,
  };
}
