// What the survey list and a round's page share: the status badge, the participation bar (a count
// the anonymity rules withhold reads "hidden", never 0), Open now and Close now behind a
// confirmation, the refresh while a round is open, and the link to its results on the Engagement page.
import { useEffect } from 'preact/hooks';
import type { Survey, SurveyCounts } from '../api';
import { Confirm, type Session } from '../ui';

/** How often an open round's participation is read again while its page is shown. */
export const REFRESH_MS = 2000;

/** Reads again every REFRESH_MS while `live` holds; each answer arms the next read, so they never pile up. */
export function useRefreshWhile(live: boolean, reload: () => void, seen: unknown): void {
  useEffect(() => {
    if (!live) return undefined;
    const timer = setTimeout(reload, REFRESH_MS);
    return () => clearTimeout(timer);
  }, [live, seen]);
}

export function SurveyStatusBadge({ status }: { status: Survey['status'] }) {
  const tone = status === 'open' ? 'good' : status === 'scheduled' ? 'warn' : '';
  return <span class={`badge ${tone}`}>{status}</span>;
}

/**
 * The share answered, from the counts where they are shown: the API's rate is already rounded to
 * three places, and rounding it again would say 46% for 5 of 11.
 */
function share(counts: SurveyCounts): number | null {
  if (counts.responded !== null && counts.invited !== null && counts.invited > 0)
    return counts.responded / counts.invited;
  return counts.rate;
}

const percent = (rate: number) => `${Math.round(rate * 100)}%`;

function hiddenWhy(counts: SurveyCounts): string {
  return counts.hiddenReason === 'protectsAnother'
    ? 'withheld: with the other counts it would give a smaller group away'
    : 'withheld: fewer people than the anonymity threshold';
}

/** Participation in words, as the bar's text and its accessible name. */
export function participationText(status: Survey['status'], counts: SurveyCounts): string {
  if (status === 'scheduled') return 'Not open yet';
  if (counts.hidden) return counts.invited === null ? 'hidden' : `hidden (${counts.invited} invited)`;
  const rate = share(counts);
  const shown = rate === null ? '' : ` (${percent(rate)})`;
  return `${counts.responded} of ${counts.invited} answered${shown}`;
}

/** Responded against invited as a bar with the same figures in words; a withheld count is striped and says hidden. */
export function ParticipationBar({ status, counts }: { status: Survey['status']; counts: SurveyCounts }) {
  const hidden = status !== 'scheduled' && counts.hidden;
  const rate = share(counts);
  return (
    <div class="participation">
      <div class={hidden ? 'bar hidden' : 'bar'} aria-hidden="true">
        {!hidden && rate !== null && <span style={{ width: percent(rate) }} />}
      </div>
      <span class="participation-text">{participationText(status, counts)}</span>
      {hidden && <span class="hint">{hiddenWhy(counts)}</span>}
    </div>
  );
}

/**
 * Where a round's answers show on the Engagement page: the periods up to the day it closed (today
 * while it is open), by month or by quarter as its cadence runs, and narrowed to its audience when
 * that is one segment (the page combines segments with AND, an audience joins them with OR).
 */
export function resultsLink(survey: Survey): string | null {
  if (survey.status === 'scheduled') return null;
  const params = new URLSearchParams({ interval: survey.cadence === 'quarterly' ? 'quarter' : 'month' });
  if (survey.closedAt) params.set('to', survey.closedAt.slice(0, 10));
  if (survey.audience.length === 1) params.set('segment', survey.audience[0]);
  return `/admin/engagement?${params.toString()}`;
}

export type SurveyAction = { kind: 'open' | 'close' | 'delete'; survey: Survey } | null;

/** The confirmation before a step that cannot be undone: opening invites everyone, closing ends the round. */
export function SurveyActionDialog({
  session,
  action,
  onClose,
  onDone,
}: {
  session: Session;
  action: SurveyAction;
  onClose: () => void;
  onDone: (survey: Survey | null) => void;
}) {
  if (!action) return null;
  const { survey } = action;
  const path = `/v1/surveys/${encodeURIComponent(survey.id)}`;
  const audience = survey.audience.length === 0 ? 'the whole organization' : survey.audience.join(', ');
  switch (action.kind) {
    case 'open':
      return (
        <Confirm
          title={`Open ${survey.name} now?`}
          message={`Everyone in ${audience} who can be surveyed today is invited by e-mail now, instead of at the scheduled time. This cannot be undone.`}
          action="Open round"
          onClose={onClose}
          onConfirm={async () => onDone(await session.api.send<Survey>('POST', `${path}/open`))}
        />
      );
    case 'close':
      return (
        <Confirm
          title={`Close ${survey.name} now?`}
          message="Nobody can answer after this, and the round's results are counted now. This cannot be undone."
          action="Close round"
          onClose={onClose}
          onConfirm={async () => onDone(await session.api.send<Survey>('POST', `${path}/close`))}
        />
      );
    case 'delete':
      return (
        <Confirm
          title={`Delete ${survey.name}?`}
          message="The round has not opened; nobody has been invited. Deleting it cannot be undone."
          action="Delete round"
          onClose={onClose}
          onConfirm={async () => {
            await session.api.send('DELETE', path);
            onDone(null);
          }}
        />
      );
  }
}
