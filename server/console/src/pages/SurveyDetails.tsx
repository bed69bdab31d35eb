// One survey round: its definition, its participation for the round and for each audience segment
// (read again every few seconds while it is open), its results once closed, Open now, Close now or
// Delete as its status allows, and the link to its answers on the Engagement page.
import { useContext, useState } from 'preact/hooks';
import type { Survey } from '../api';
import { Link, Loading, Navigation, PageTitle, ProblemNote, type Session, formatTime, useLoad } from '../ui';
import {
  ParticipationBar,
  type SurveyAction,
  SurveyActionDialog,
  SurveyStatusBadge,
  resultsLink,
  useRefreshWhile,
} from './survey-parts';

export function SurveyDetailsPage({ session, id }: { session: Session; id: string }) {
  const { api } = session;
  const navigate = useContext(Navigation);
  const path = `/v1/surveys/${encodeURIComponent(id)}`;
  const round = useLoad(() => api.get<Survey>(path), [path]);
  const [action, setAction] = useState<SurveyAction>(null);
  useRefreshWhile(round.data?.status === 'open' && action === null, round.reload, round.data);

  if (!round.data) {
    return round.error ? (
      <section>
        <PageTitle>Survey round</PageTitle>
        <ProblemNote error={round.error} />
        <Link to="/admin/surveys">Back to surveys</Link>
      </section>
    ) : (
      <Loading what="the survey round" />
    );
  }
  const s = round.data;
  const results = resultsLink(s);

  return (
    <section>
      <p class="crumbs">
        <Link to="/admin/surveys">Surveys</Link> / {s.name}
      </p>
      <PageTitle
        actions={
          <>
            {s.status === 'scheduled' && (
              <>
                <button type="button" onClick={() => setAction({ kind: 'open', survey: s })}>
                  Open now
                </button>
                <button type="button" class="danger" onClick={() => setAction({ kind: 'delete', survey: s })}>
                  Delete
                </button>
              </>
            )}
            {s.status === 'open' && (
              <button type="button" class="danger" onClick={() => setAction({ kind: 'close', survey: s })}>
                Close now
              </button>
            )}
          </>
        }
      >
        {s.name}
      </PageTitle>
      <ProblemNote error={round.error} />
      <dl class="details">
        <dt>Status</dt>
        <dd>
          <SurveyStatusBadge status={s.status} />
        </dd>
        <dt>{s.openedAt ? 'Opened' : 'Opens'}</dt>
        <dd>{formatTime(s.openedAt ?? s.opensAt)}</dd>
        <dt>{s.closedAt ? 'Closed' : 'Closes'}</dt>
        <dd>{formatTime(s.closedAt ?? s.closesAt)}</dd>
        <dt>Reminders</dt>
        <dd>
          {s.reminders.length === 0
            ? 'None'
            : `${s.reminders.length === 1 ? 'Day' : 'Days'} ${s.reminders.join(', ')} after opening (${s.remindersSent} sent)`}
        </dd>
        <dt>Audience</dt>
        <dd>{s.audience.length === 0 ? 'The whole organization' : s.audience.join(', ')}</dd>
        <dt>Cadence</dt>
        <dd>{s.cadence === 'none' ? 'This round only' : s.cadence}</dd>
        {s.previousId && (
          <>
            <dt>Previous round</dt>
            <dd>
              <Link to={`/admin/surveys/${encodeURIComponent(s.previousId)}`}>Open the previous round</Link>
            </dd>
          </>
        )}
        {s.nextId && (
          <>
            <dt>Next round</dt>
            <dd>
              <Link to={`/admin/surveys/${encodeURIComponent(s.nextId)}`}>Open the next round</Link>
            </dd>
          </>
        )}
      </dl>
      <h2>Questions</h2>
      <ol class="questions">
        {s.questions.map((q) => (
          <li key={q.key}>
            <strong>{q.key}</strong>: {q.text}
          </li>
        ))}
      </ol>
      <h2 id="participation-title">Participation</h2>
      {s.status === 'open' && (
        <p class="hint">Counts only, never who; read again every few seconds while the round is open.</p>
      )}
      <ParticipationBar status={s.status} counts={s.participation} />
      {s.participation.segments.length > 0 && (
        <table class="list segments-table">
          <caption>Participation by audience segment</caption>
          <thead>
            <tr>
              <th scope="col">Segment</th>
              <th scope="col">Participation</th>
            </tr>
          </thead>
          <tbody>
            {s.participation.segments.map((segment) => (
              <tr key={segment.segment}>
                <td data-label="Segment">{segment.segment}</td>
                <td data-label="Participation">
                  <ParticipationBar status={s.status} counts={segment} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Results</h2>
      {s.results === null ? (
        <p class="muted">
          {s.status === 'closed'
            ? 'No results were counted for this round.'
            : 'The round’s score and eNPS are counted when it closes.'}
        </p>
      ) : s.results.hidden ? (
        <p class="notice" role="note">
          The results are hidden: too few people answered to show them without risking that someone is recognized.
        </p>
      ) : (
        <dl class="counts">
          <div>
            <dt>Score</dt>
            <dd>{s.results.score?.toFixed(1)}</dd>
          </div>
          <div>
            <dt>eNPS</dt>
            <dd>{s.results.enps}</dd>
          </div>
        </dl>
      )}
      {results && (
        <p>
          <Link to={results}>Results of {s.name} on the Engagement page</Link>
          {s.audience.length > 1 && (
            <span class="hint"> (for everyone: the page narrows to one segment, or to several combined with AND)</span>
          )}
        </p>
      )}
      <SurveyActionDialog
        session={session}
        action={action}
        onClose={() => setAction(null)}
        onDone={(changed) => (changed ? round.reload() : navigate('/admin/surveys'))}
      />
    </section>
  );
}
