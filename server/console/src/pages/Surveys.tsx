// Surveys: the rounds, newest first, each with its status, dates and participation bar, Open now
// for a scheduled round and Close now for an open one. The list reads again while a round is open.
import { useState } from 'preact/hooks';
import type { Survey } from '../api';
import { Link, Loading, PageTitle, Pager, ProblemNote, type Session, formatTime, useLoad, usePager } from '../ui';
import {
  ParticipationBar,
  type SurveyAction,
  SurveyActionDialog,
  SurveyStatusBadge,
  useRefreshWhile,
} from './survey-parts';

export function SurveysPage({ session }: { session: Session }) {
  const { api } = session;
  const [status, setStatus] = useState('');
  const [action, setAction] = useState<SurveyAction>(null);
  const pager = usePager();
  const rounds = useLoad(
    () => api.list<Survey>('/v1/surveys', { status, limit: 50, cursor: pager.cursor }),
    [status, pager.cursor],
  );
  const anyOpen = rounds.data?.data.some((s) => s.status === 'open') ?? false;
  useRefreshWhile(anyOpen && action === null, rounds.reload, rounds.data);

  return (
    <section>
      <PageTitle
        actions={
          <Link to="/admin/surveys/new" class="button">
            New round
          </Link>
        }
      >
        Surveys
      </PageTitle>
      <div class="filters">
        <label>
          Status{' '}
          <select
            value={status}
            onChange={(e) => {
              pager.reset();
              setStatus(e.currentTarget.value);
            }}
          >
            <option value="">Any</option>
            <option value="scheduled">Scheduled</option>
            <option value="open">Open</option>
            <option value="closed">Closed</option>
          </select>
        </label>
      </div>
      <ProblemNote error={rounds.error} />
      {rounds.loading && !rounds.data ? (
        <Loading what="survey rounds" />
      ) : (
        rounds.data && (
          <>
            <table class="list">
              <caption class="visually-hidden">Survey rounds</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Opens</th>
                  <th scope="col">Closes</th>
                  <th scope="col">Participation</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {rounds.data.data.length === 0 && (
                  <tr>
                    <td colSpan={6} class="empty">
                      {status
                        ? 'No round has this status.'
                        : 'No survey rounds yet. Schedule one to ask everyone the engagement question.'}
                    </td>
                  </tr>
                )}
                {rounds.data.data.map((survey) => (
                  <tr key={survey.id}>
                    <td data-label="Name">
                      <Link to={`/admin/surveys/${encodeURIComponent(survey.id)}`}>{survey.name}</Link>
                    </td>
                    <td data-label="Status">
                      <SurveyStatusBadge status={survey.status} />
                    </td>
                    <td data-label="Opens">{formatTime(survey.openedAt ?? survey.opensAt)}</td>
                    <td data-label="Closes">{formatTime(survey.closedAt ?? survey.closesAt)}</td>
                    <td data-label="Participation">
                      <ParticipationBar status={survey.status} counts={survey.participation} />
                    </td>
                    <td data-label="Actions">
                      <div class="row-actions">
                        {survey.status === 'scheduled' && (
                          <button
                            type="button"
                            aria-label={`Open now: ${survey.name}`}
                            onClick={() => setAction({ kind: 'open', survey })}
                          >
                            Open now
                          </button>
                        )}
                        {survey.status === 'open' && (
                          <button
                            type="button"
                            class="danger"
                            aria-label={`Close now: ${survey.name}`}
                            onClick={() => setAction({ kind: 'close', survey })}
                          >
                            Close now
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager pager={pager} nextCursor={rounds.data.nextCursor} />
          </>
        )
      )}
      <SurveyActionDialog
        session={session}
        action={action}
        onClose={() => setAction(null)}
        onDone={() => rounds.reload()}
      />
    </section>
  );
}
