// HiBob's runs: "Synchronize now" and "Preview sync" with the run's live progress, Apply for a
// preview and "Confirm deletions and apply" for a run the deletion guard stopped, and the runs
// with their counts, each opening to what it counts.
import { useEffect, useState } from 'preact/hooks';
import type { ApiError, SyncRun } from '../api';
import { Link, ProblemNote, type Session, formatTime, toApiError, useLoad } from '../ui';
import { ApplyActions, RunStatusBadge, isWaiting } from './run-report';

const POLL_MS = 500;

export function SyncPanel({ session, onFinished }: { session: Session; onFinished: () => void }) {
  const { api } = session;
  const runs = useLoad(() => api.list<SyncRun>('/v1/integrations/hibob/runs', { limit: 20 }), []);
  const [live, setLive] = useState<SyncRun | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  // Follows the running run until it ends, then refreshes the runs and the status.
  useEffect(() => {
    if (!live || live.status !== 'running') return undefined;
    const timer = setTimeout(async () => {
      try {
        const next = await api.get<SyncRun>(`/v1/integrations/hibob/runs/${encodeURIComponent(live.id)}`);
        setLive(next);
        if (next.status !== 'running') {
          runs.reload();
          onFinished();
        }
      } catch (e) {
        setError(toApiError(e));
      }
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [live]);

  async function start(dryRun: boolean) {
    setError(null);
    try {
      setLive(await api.send<SyncRun>('POST', '/v1/integrations/hibob/sync', dryRun ? { dryRun } : undefined));
    } catch (e) {
      setError(toApiError(e));
    }
  }

  /** A preview applied or deletions confirmed: the run as it ended, everywhere on the page. */
  function applied(run: SyncRun) {
    if (live?.id === run.id) setLive(run);
    runs.reload();
    onFinished();
  }

  const running = live?.status === 'running';
  return (
    <>
      <h2>Synchronize</h2>
      <div class="test-form">
        <button type="button" disabled={running} onClick={() => start(false)}>
          {running && !live?.dryRun ? 'Synchronizing…' : 'Synchronize now'}
        </button>
        <button type="button" class="secondary" disabled={running} onClick={() => start(true)}>
          {running && live?.dryRun ? 'Previewing…' : 'Preview sync'}
        </button>
      </div>
      <p class="hint">A preview plans the changes without writing them; apply it once you have looked.</p>
      <ProblemNote error={error ?? runs.error} />
      {live && <RunProgress run={live} />}
      {live && isWaiting(live) && (
        <div class="actions">
          <ApplyActions session={session} run={live} onApplied={applied} />
          <Link to={`/admin/imports/${encodeURIComponent(live.id)}`}>Review the planned changes</Link>
        </div>
      )}
      <h2>Runs</h2>
      {runs.data && runs.data.data.length === 0 && <p class="muted">No runs yet.</p>}
      {runs.data && runs.data.data.length > 0 && (
        <table class="list">
          <caption class="visually-hidden">Synchronization runs</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Trigger</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Updated</th>
              <th scope="col">Deleted</th>
              <th scope="col">Unchanged</th>
              <th scope="col">Skipped fields</th>
              <th scope="col">Skipped people</th>
              <th scope="col">Options added</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.data.map((run) => (
              <tr key={run.id}>
                <td data-label="Started">{formatTime(run.startedAt)}</td>
                <td data-label="Trigger">{run.trigger}</td>
                <td data-label="Status">
                  <RunStatusBadge run={run} />
                </td>
                <td data-label="Created">{run.created}</td>
                <td data-label="Updated">{run.updated}</td>
                <td data-label="Deleted">{run.deleted}</td>
                <td data-label="Unchanged">{run.unchanged}</td>
                <td data-label="Skipped fields">
                  <Listed
                    items={run.skippedFields.map(
                      (f) => `${f.field}${f.hibobType ? ` (${f.hibobType})` : ''}: ${f.reason}`,
                    )}
                  />
                </td>
                <td data-label="Skipped people">
                  <Listed items={run.skippedPeople.map((p) => `${p.externalId ?? 'no id'}: ${p.reason}`)} />
                </td>
                <td data-label="Options added">
                  <Listed items={run.addedOptions.map((o) => `${o.attribute}: ${o.option}`)} />
                </td>
                <td data-label="Actions">
                  {/* The run just started has its buttons above, beside its progress. */}
                  {isWaiting(run) && run.id !== live?.id && (
                    <div class="row-actions">
                      <ApplyActions
                        session={session}
                        run={run}
                        onApplied={applied}
                        context={`run of ${formatTime(run.startedAt)}`}
                      />
                      <Link
                        to={`/admin/imports/${encodeURIComponent(run.id)}`}
                        aria-label={`Review the changes of the run of ${formatTime(run.startedAt)}`}
                      >
                        Review
                      </Link>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A count that opens to what was counted, as the run in the API lists it. */
function Listed({ items }: { items: string[] }) {
  if (items.length === 0) return <>0</>;
  return (
    <details>
      <summary>{items.length}</summary>
      <ul class="plain">
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </details>
  );
}

const OUTCOMES: Record<Exclude<SyncRun['status'], 'running'>, string> = {
  completed: 'Synchronization completed',
  failed: 'Synchronization failed',
  previewed: 'Preview ready: nothing has been written yet',
  needs_confirmation: 'Synchronization stopped before deleting: nothing has been written',
};

function RunProgress({ run }: { run: SyncRun }) {
  const label =
    run.status === 'running' ? `${run.dryRun ? 'Previewing' : 'Synchronizing'}: ${run.phase}` : OUTCOMES[run.status];
  const planned = isWaiting(run);
  return (
    <div class="run" role="status" aria-live="polite">
      <p>
        <strong>{label}</strong>
        {run.total !== null && ` · ${run.processed} of ${run.total} people`}
      </p>
      {run.status === 'running' && (
        <progress
          max={run.total ?? undefined}
          value={run.total !== null ? run.processed : undefined}
          aria-label="Synchronization progress"
        />
      )}
      {run.status !== 'running' && (
        <p>
          {planned
            ? `${run.created} to create, ${run.updated} to update, ${run.deleted} to delete, ${run.unchanged} unchanged`
            : `${run.created} created, ${run.updated} updated, ${run.deleted} deleted, ${run.unchanged} unchanged`}
          {run.skippedFields.length > 0 && `, ${count(run.skippedFields.length, 'field')} skipped`}
          {run.skippedPeople.length > 0 && `, ${count(run.skippedPeople.length, 'person', 'people')} skipped`}
          {run.addedOptions.length > 0 && `, ${count(run.addedOptions.length, 'option')} added`}
          {run.error && ` · ${run.error}`}
        </p>
      )}
    </div>
  );
}
