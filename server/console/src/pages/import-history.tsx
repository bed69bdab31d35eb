// The runs of every source, HiBob's too, newest first, with their status and counts; a run waiting
// to be applied (a preview, or one the deletion guard stopped) opens to be reviewed and applied.
import { useState } from 'preact/hooks';
import type { ImportRun, RunStatus } from '../api';
import { Link, Loading, Pager, ProblemNote, type Session, formatTime, useLoad, usePager } from '../ui';
import { RunStatusBadge, isWaiting, sourceTitle, statusLabel } from './run-report';

const review = (run: ImportRun) => (run.status === 'needs_confirmation' ? 'Review and confirm' : 'Review and apply');

const STATUSES: RunStatus[] = ['running', 'previewed', 'needs_confirmation', 'completed', 'failed'];

/** `generation` changes when the page started or applied a run, so the list is asked again. */
export function RunHistory({ session, generation }: { session: Session; generation: number }) {
  const [status, setStatus] = useState('');
  const pager = usePager();
  const runs = useLoad(
    () => session.api.list<ImportRun>('/v1/imports', { status, cursor: pager.cursor, limit: 20 }),
    [status, pager.cursor, generation],
  );
  return (
    <>
      <h2>History</h2>
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
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ProblemNote error={runs.error} />
      {runs.loading && !runs.data && <Loading what="runs" />}
      {runs.data && (
        <>
          <table class="list">
            <caption class="visually-hidden">Import runs</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Source</th>
                <th scope="col">Status</th>
                <th scope="col">Mode</th>
                <th scope="col">Created</th>
                <th scope="col">Updated</th>
                <th scope="col">Deleted</th>
                <th scope="col">Unchanged</th>
                <th scope="col">Skipped</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.data.length === 0 && (
                <tr>
                  <td colSpan={10} class="empty">
                    No runs yet.
                  </td>
                </tr>
              )}
              {runs.data.data.map((run) => {
                const to = `/admin/imports/${encodeURIComponent(run.id)}`;
                return (
                  <tr key={run.id}>
                    <td data-label="Started">
                      <Link to={to}>{formatTime(run.startedAt)}</Link>
                    </td>
                    <td data-label="Source">{sourceTitle(run.source)}</td>
                    <td data-label="Status">
                      <RunStatusBadge run={run} />
                    </td>
                    <td data-label="Mode">{run.mode}</td>
                    <td data-label="Created">{run.created}</td>
                    <td data-label="Updated">{run.updated}</td>
                    <td data-label="Deleted">{run.deleted}</td>
                    <td data-label="Unchanged">{run.unchanged}</td>
                    <td data-label="Skipped">{run.skipped}</td>
                    <td data-label="Actions">
                      {isWaiting(run) && (
                        <Link
                          to={to}
                          class="button secondary"
                          aria-label={`${review(run)}: ${sourceTitle(run.source)}, ${formatTime(run.startedAt)}`}
                        >
                          {review(run)}
                        </Link>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <Pager pager={pager} nextCursor={runs.data.nextCursor} />
        </>
      )}
    </>
  );
}
