// One run of the import engine (an import or a HiBob sync): where it stands, followed while it runs,
// with its counts, planned changes and notes, and Apply or "Confirm deletions and apply" when it waits.
import { useEffect, useState } from 'preact/hooks';
import type { ImportRun } from '../api';
import { Link, Loading, PageTitle, ProblemNote, type Session, formatTime, useLoad } from '../ui';
import { RunReport, sourceTitle } from './run-report';

const POLL_MS = 1000;

export function ImportRunPage({ session, id }: { session: Session; id: string }) {
  const run = useLoad(() => session.api.get<ImportRun>(`/v1/imports/${encodeURIComponent(id)}`), [id]);
  /** The run as applying it ended, shown at once (the apply answers with it). */
  const [applied, setApplied] = useState<ImportRun | null>(null);

  // A run still going is asked again until it ends.
  useEffect(() => {
    if (run.data?.status !== 'running') return undefined;
    const timer = setTimeout(run.reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [run.data]);

  const crumbs = (
    <p class="crumbs">
      <Link to="/admin/imports">Import</Link> / run
    </p>
  );
  if (run.error)
    return (
      <section>
        {crumbs}
        <PageTitle>Run</PageTitle>
        <ProblemNote error={run.error} />
      </section>
    );
  const shown = applied ?? run.data;
  if (!shown) return <Loading what="the run" />;
  return (
    <section>
      {crumbs}
      <PageTitle>
        Run of {sourceTitle(shown.source)}, {formatTime(shown.startedAt)}
      </PageTitle>
      <dl class="details">
        <dt>Trigger</dt>
        <dd>{shown.trigger}</dd>
        <dt>Options</dt>
        <dd>
          {shown.mode === 'full' ? 'full snapshot' : 'partial'}, matched by {shown.match}
          {shown.mode === 'full' && `, stops above ${shown.maxDeletePercent} % deletions`}
          {shown.adopt && ', takes over people of other sources'}
          {shown.dryRun && ', previewed first'}
        </dd>
        <dt>Finished</dt>
        <dd>{formatTime(shown.finishedAt)}</dd>
      </dl>
      <RunReport session={session} run={shown} onApplied={setApplied} />
    </section>
  );
}
