// A webhook's history: every request PeopleHub sent (Sent at, URL, Result, Actions), sortable and
// searchable, with a drawer showing the payload and the endpoint's answer, and Re-send.
import { useState } from 'preact/hooks';
import type { ApiError, Delivery, Webhook } from '../api';
import {
  Dialog,
  Link,
  Loading,
  PageTitle,
  Pager,
  ProblemNote,
  SearchBox,
  type Session,
  SortHeader,
  formatTime,
  toApiError,
  useLoad,
  usePager,
} from '../ui';

function resultOf(d: Delivery): { text: string; good: boolean } {
  if (d.statusCode === null) return { text: d.error ?? 'No answer', good: false };
  const good = d.statusCode >= 200 && d.statusCode < 300;
  return { text: `HTTP ${d.statusCode}${d.error && !good ? ` · ${d.error}` : ''}`, good };
}

/** JSON bodies indented for reading; anything else as sent. */
function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function HistoryPage({ session, id }: { session: Session; id: string }) {
  const { api } = session;
  const hookPath = `/v1/webhooks/${encodeURIComponent(id)}`;
  const [sort, setSort] = useState('-sentAt');
  const [q, setQ] = useState('');
  const [result, setResult] = useState('');
  const pager = usePager();
  const [open, setOpen] = useState<Delivery | null>(null);
  const [resent, setResent] = useState<Record<string, string | ApiError>>({});
  const hook = useLoad(() => api.get<Webhook>(hookPath), [hookPath]);
  const history = useLoad(
    () =>
      api.list<Delivery>(`${hookPath}/deliveries`, {
        sort,
        q,
        succeeded: result || undefined,
        cursor: pager.cursor,
        limit: 50,
      }),
    [hookPath, sort, q, result, pager.cursor],
  );

  async function resend(delivery: Delivery) {
    try {
      const answer = await api.send<{ messageId: string }>(
        'POST',
        `/v1/deliveries/${encodeURIComponent(delivery.id)}/resend`,
      );
      setResent((all) => ({ ...all, [delivery.id]: answer.messageId }));
    } catch (e) {
      setResent((all) => ({ ...all, [delivery.id]: toApiError(e) }));
    }
  }

  const name = hook.data?.name ?? 'webhook';
  const restart =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      pager.reset();
      set(value);
    };

  return (
    <section>
      <p class="crumbs">
        <Link to="/admin/webhooks">Webhooks</Link> /{' '}
        <Link to={`/admin/webhooks/${encodeURIComponent(id)}`}>{name}</Link> / History
      </p>
      <PageTitle
        actions={
          <button type="button" class="secondary" onClick={history.reload}>
            Refresh
          </button>
        }
      >
        History of {name}
      </PageTitle>
      <div class="filters">
        <SearchBox label="Search payloads and answers" value={q} onSearch={restart(setQ)} />
        <label>
          Result{' '}
          <select value={result} onChange={(e) => restart(setResult)(e.currentTarget.value)}>
            <option value="">Any</option>
            <option value="true">Succeeded</option>
            <option value="false">Failed</option>
          </select>
        </label>
      </div>
      <ProblemNote error={hook.error ?? history.error} />
      {history.loading && !history.data ? (
        <Loading what="the history" />
      ) : (
        history.data && (
          <>
            <table class="list">
              <caption class="visually-hidden">Requests sent to {name}</caption>
              <thead>
                <tr>
                  <SortHeader label="Sent at" sortKey="sentAt" sort={sort} onSort={restart(setSort)} />
                  <th scope="col">URL</th>
                  <SortHeader label="Result" sortKey="statusCode" sort={sort} onSort={restart(setSort)} />
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {history.data.data.length === 0 && (
                  <tr>
                    <td colSpan={4} class="empty">
                      Nothing sent yet.
                    </td>
                  </tr>
                )}
                {history.data.data.map((d) => {
                  const r = resultOf(d);
                  const again = resent[d.id];
                  return (
                    <tr key={d.id}>
                      <td data-label="Sent at">{formatTime(d.sentAt)}</td>
                      <td data-label="URL" class="url">
                        {d.url}
                      </td>
                      <td data-label="Result">
                        <span class={`badge ${r.good ? 'good' : 'bad'}`}>{r.text}</span>
                        {d.trigger !== 'scheduled' && <span class="muted"> ({d.trigger})</span>}
                      </td>
                      <td data-label="Actions">
                        <div class="row-actions">
                          <button
                            type="button"
                            class="secondary"
                            aria-label={`Details of the request sent ${formatTime(d.sentAt)}`}
                            onClick={() => setOpen(d)}
                          >
                            Details
                          </button>
                          <button
                            type="button"
                            class="secondary"
                            aria-label={`Re-send the request sent ${formatTime(d.sentAt)}`}
                            onClick={() => resend(d)}
                          >
                            Re-send
                          </button>
                        </div>
                        <div role="status" class="test-outcome">
                          {typeof again === 'string'
                            ? `Queued again (message ${again})`
                            : again
                              ? `Not re-sent: ${again.problem.detail}`
                              : ''}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <Pager pager={pager} nextCursor={history.data.nextCursor} />
          </>
        )
      )}
      {open && (
        <Dialog title="Request details" variant="drawer" onClose={() => setOpen(null)}>
          <dl class="details">
            <dt>Sent at</dt>
            <dd>{formatTime(open.sentAt)}</dd>
            <dt>URL</dt>
            <dd class="url">{open.url}</dd>
            <dt>Result</dt>
            <dd>{resultOf(open).text}</dd>
            <dt>Duration</dt>
            <dd>{open.durationMs} ms</dd>
            <dt>Message</dt>
            <dd>
              {open.messageId} · {open.messageStatus}
              {open.nextAttemptAt && ` · next attempt ${formatTime(open.nextAttemptAt)}`}
            </dd>
          </dl>
          <h3>Request headers</h3>
          <Headers headers={open.request.headers} />
          <h3>Payload</h3>
          <pre class="payload" tabIndex={0}>
            {pretty(open.request.body)}
          </pre>
          <h3>Response headers</h3>
          <Headers headers={open.response.headers} />
          <h3>Response body</h3>
          <pre class="payload" tabIndex={0}>
            {open.response.body ? pretty(open.response.body) : '(empty)'}
          </pre>
          <div class="actions">
            <button type="button" onClick={() => resend(open)}>
              Re-send
            </button>
            <span role="status">
              {typeof resent[open.id] === 'string' ? `Queued again (message ${resent[open.id] as string})` : ''}
            </span>
          </div>
        </Dialog>
      )}
    </section>
  );
}

function Headers({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <p class="muted">None</p>;
  return (
    <table class="headers">
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td class="mono">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
