// What the Import page, one run's page and the HiBob page show of a run of the import engine: its
// status badge, its counts, applying a preview or confirming its deletions, the changes a preview
// plans (with their diffs), and its notes (skipped fields and people, warnings, options added).
import { useEffect, useState } from 'preact/hooks';
import type { ApiError, Employee, FieldChange, ImportRun, NoteKind, PlannedChange, RunStatus } from '../api';
import { Pager, ProblemNote, type Session, toApiError, useLoad, usePager } from '../ui';

/** Planned changes shown per page. */
const CHANGES_PAGE = 20;
/** A run's own lists stop at this many entries each; the rest are at /notes. */
const REPORT_LIMIT = 100;

export function statusLabel(status: RunStatus): string {
  return status === 'needs_confirmation' ? 'needs confirmation' : status;
}

export function RunStatusBadge({ run }: { run: ImportRun }) {
  const tone =
    run.status === 'completed'
      ? 'good'
      : run.status === 'failed'
        ? 'bad'
        : run.status === 'needs_confirmation' || run.status === 'previewed'
          ? 'warn'
          : '';
  return (
    <span class={`badge ${tone}`} title={run.error ?? undefined}>
      {statusLabel(run.status)}
    </span>
  );
}

export function sourceTitle(source: string): string {
  return source === 'hibob' ? 'HiBob' : source;
}

export const isWaiting = (run: ImportRun) => run.status === 'previewed' || run.status === 'needs_confirmation';

/** One sentence on where the run stands, in the words a person would use. */
export function runHeadline(run: ImportRun): string {
  const source = sourceTitle(run.source);
  switch (run.status) {
    case 'running':
      return `Running (${run.phase})${run.total !== null ? `: ${run.processed} of ${run.total} people` : ''}`;
    case 'previewed':
      return `Preview of ${source}: nothing has been written yet. Apply it to make these changes.`;
    case 'needs_confirmation': {
      const guard = run.deletionGuard;
      const share = guard ? `${guard.wouldDelete} of the ${guard.of}` : `${run.deleted}`;
      return `Stopped before deleting: this run would delete ${share} people of ${source}, more than the ${run.maxDeletePercent} % allowed. Nothing has been written.`;
    }
    case 'completed':
      return `${source}: completed, the changes are written.`;
    case 'failed':
      return `${source}: failed${run.error ? `: ${run.error}` : '.'}`;
  }
}

/** The counts, as planned (a preview, a stopped run) or as done. */
export function RunCounts({ run }: { run: ImportRun }) {
  const planned = isWaiting(run);
  const counts: [string, number][] = [
    [planned ? 'To create' : 'Created', run.created],
    [planned ? 'To update' : 'Updated', run.updated],
    [planned ? 'To delete' : 'Deleted', run.deleted],
    ['Unchanged', run.unchanged],
    ['People skipped', run.skipped],
  ];
  return (
    <dl class="counts">
      {counts.map(([label, n]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{n}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * Apply for a preview, "Confirm deletions and apply" for a run the deletion guard stopped; nothing
 * for any other run. `context` tells apart the buttons of several runs in one list.
 */
export function ApplyActions({
  session,
  run,
  onApplied,
  context,
}: {
  session: Session;
  run: ImportRun;
  onApplied: (run: ImportRun) => void;
  context?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (!isWaiting(run)) return null;
  const confirming = run.status === 'needs_confirmation';
  const label = confirming ? 'Confirm deletions and apply' : 'Apply';

  async function apply() {
    setBusy(true);
    setError(null);
    try {
      const body = confirming ? { confirmDeletions: true } : {};
      onApplied(await session.api.send<ImportRun>('POST', `/v1/imports/${encodeURIComponent(run.id)}/apply`, body));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="apply">
      <button
        type="button"
        class={confirming ? 'danger' : undefined}
        disabled={busy}
        aria-label={context ? `${label}: ${context}` : undefined}
        onClick={apply}
      >
        {busy ? 'Applying…' : label}
      </button>
      <ProblemNote error={error} />
    </div>
  );
}

/** Everything a run has to say: where it stands, its counts, apply, the planned changes, its notes. */
export function RunReport({
  session,
  run,
  onApplied,
}: {
  session: Session;
  run: ImportRun;
  onApplied: (run: ImportRun) => void;
}) {
  return (
    <div class="report">
      <div class="run" role="status" aria-live="polite">
        <p>
          <RunStatusBadge run={run} /> <strong>{runHeadline(run)}</strong>
        </p>
      </div>
      <RunCounts run={run} />
      <ApplyActions session={session} run={run} onApplied={onApplied} />
      {isWaiting(run) && <PlannedChanges key={run.id} session={session} runId={run.id} />}
      <RunNotes key={run.id} session={session} run={run} />
    </div>
  );
}

function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.map(shown).join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function describeChange(change: FieldChange): string {
  if ('added' in change) {
    const parts = [
      change.added.length > 0 ? `+ ${shown(change.added)}` : '',
      change.removed.length > 0 ? `− ${shown(change.removed)}` : '',
    ];
    return `${change.label}: ${parts.filter(Boolean).join('; ')}`;
  }
  return `${change.label}: ${shown(change.old)} → ${shown(change.new)}`;
}

function newEmployee(e: Employee): string[] {
  const facts: [string, unknown][] = [
    ['External ID', e.externalId],
    ['Title', e.title],
    ['Department', e.department],
    ['Start date', e.startDate],
  ];
  return facts.filter(([, value]) => value !== null && value !== undefined).map(([l, v]) => `${l}: ${shown(v)}`);
}

/**
 * A page of the changes the run would make. A deletion carries only the employee's id, so the page
 * asks for the people it deletes (they are still there until the run is applied).
 */
function PlannedChanges({ session, runId }: { session: Session; runId: string }) {
  const { api } = session;
  const pager = usePager();
  const changes = useLoad(async () => {
    const page = await api.list<PlannedChange>(`/v1/imports/${encodeURIComponent(runId)}/changes`, {
      limit: CHANGES_PAGE,
      cursor: pager.cursor,
    });
    // Someone removed meanwhile is shown by id: the apply will say the plan is out of date.
    const leaving = await Promise.all(
      page.data
        .filter((c) => c.action === 'delete')
        .map((c) => api.get<Employee>(`/v1/employees/${encodeURIComponent(c.employeeId)}`).catch(() => null)),
    );
    const known = new Map(leaving.filter((e): e is Employee => e !== null).map((e) => [e.id, e]));
    return { ...page, known };
  }, [runId, pager.cursor]);

  if (changes.error) return <ProblemNote error={changes.error} />;
  if (!changes.data) return null;
  const { data, nextCursor, known } = changes.data;
  return (
    <>
      <h3>Planned changes</h3>
      {data.length === 0 ? (
        <p class="muted">Nothing to change.</p>
      ) : (
        <table class="list">
          <caption class="visually-hidden">Planned changes</caption>
          <thead>
            <tr>
              <th scope="col">Change</th>
              <th scope="col">Employee</th>
              <th scope="col">What changes</th>
            </tr>
          </thead>
          <tbody>
            {data.map((c, i) => {
              const who = c.employee ?? known.get(c.employeeId) ?? null;
              const lines =
                c.action === 'delete'
                  ? ['Deleted: not in the snapshot']
                  : c.changes && c.changes.length > 0
                    ? c.changes.map(describeChange)
                    : c.action === 'create' && who
                      ? newEmployee(who)
                      : [];
              return (
                <tr key={`${c.employeeId}-${i}`}>
                  <td data-label="Change">
                    <span class={`badge ${c.action === 'delete' ? 'bad' : c.action === 'create' ? 'good' : ''}`}>
                      {c.action}
                    </span>
                  </td>
                  <td data-label="Employee">
                    {who ? (
                      <>
                        {who.displayName} <span class="muted">{who.email}</span>
                      </>
                    ) : (
                      <span class="mono">{c.employeeId}</span>
                    )}
                  </td>
                  <td data-label="What changes">
                    <ul class="plain">
                      {lines.map((line) => (
                        <li key={line}>{line}</li>
                      ))}
                    </ul>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Pager pager={pager} nextCursor={nextCursor} />
    </>
  );
}

/** Each list a run keeps, and how one of its entries reads. */
const NOTES: { kind: NoteKind; title: string; of: (run: ImportRun) => unknown[]; say: (note: never) => string }[] = [
  {
    kind: 'warning',
    title: 'Warnings',
    of: (run) => run.warnings,
    say: (n: ImportRun['warnings'][number]) => (n.externalId ? `${n.externalId}: ${n.warning}` : n.warning),
  },
  {
    kind: 'skippedField',
    title: 'Skipped fields',
    of: (run) => run.skippedFields,
    say: (n: ImportRun['skippedFields'][number]) => `${n.field}${n.hibobType ? ` (${n.hibobType})` : ''}: ${n.reason}`,
  },
  {
    kind: 'skippedPerson',
    title: 'Skipped people',
    of: (run) => run.skippedPeople,
    say: (n: ImportRun['skippedPeople'][number]) => `${n.externalId ?? 'no id'}: ${n.reason}`,
  },
  {
    kind: 'addedOption',
    title: 'Options added',
    of: (run) => run.addedOptions,
    say: (n: ImportRun['addedOptions'][number]) => `${n.attribute}: ${n.option}`,
  },
];

/** Every list the run keeps, each in full; a list at the run's limit pages on through /notes. */
function RunNotes({ session, run }: { session: Session; run: ImportRun }) {
  return (
    <>
      {NOTES.map(({ kind, title, of, say }) => {
        const items = of(run);
        if (items.length === 0) return null;
        return (
          <NoteList
            key={kind}
            session={session}
            runId={run.id}
            kind={kind}
            title={title}
            first={items}
            say={say as (note: unknown) => string}
          />
        );
      })}
    </>
  );
}

function NoteList({
  session,
  runId,
  kind,
  title,
  first,
  say,
}: {
  session: Session;
  runId: string;
  kind: NoteKind;
  title: string;
  first: unknown[];
  say: (note: unknown) => string;
}) {
  /** The notes past the run's own list, as /notes pages them. */
  const [extra, setExtra] = useState<unknown[]>([]);
  /** Where the notes not yet shown start; null when there are none (or the run kept them all). */
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const path = `/v1/imports/${encodeURIComponent(runId)}/notes`;
  const full = first.length >= REPORT_LIMIT;
  const items = [...first, ...extra];

  // The run's list stops at its limit: the first page of /notes (the same notes) says whether more follow.
  useEffect(() => {
    if (!full) return;
    session.api.list<unknown>(path, { kind, limit: REPORT_LIMIT }).then(
      (page) => setNext(page.nextCursor),
      (e: unknown) => setError(toApiError(e)),
    );
  }, [path, kind, full]);

  async function more() {
    if (next === null) return;
    try {
      const page = await session.api.list<unknown>(path, { kind, limit: REPORT_LIMIT, cursor: next });
      setExtra((all) => [...all, ...page.data]);
      setNext(page.nextCursor);
    } catch (e) {
      setError(toApiError(e));
    }
  }

  return (
    <div class="notes">
      <h3>
        {title} ({items.length}
        {next !== null && ' shown, more kept'})
      </h3>
      <ul>
        {items.map((item, i) => (
          <li key={i}>{say(item)}</li>
        ))}
      </ul>
      {next !== null && (
        <button type="button" class="secondary" onClick={more}>
          Show more {title.toLowerCase()}
        </button>
      )}
      <ProblemNote error={error} />
    </div>
  );
}
