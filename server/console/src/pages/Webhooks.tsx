// Webhooks: the list with Name, URL, Last triggered, State and Actions (details, edit, history,
// test with the answer shown in the row, activate/deactivate, delete after a confirmation).
import { useState } from 'preact/hooks';
import type { Webhook } from '../api';
import {
  Confirm,
  Link,
  Loading,
  PageTitle,
  Pager,
  ProblemNote,
  SearchBox,
  type Session,
  SortHeader,
  formatTime,
  useLoad,
  usePager,
} from '../ui';
import { TestOutcome, useWebhookActions } from './webhook-actions';

export function WebhooksPage({ session }: { session: Session }) {
  const { api } = session;
  const [sort, setSort] = useState('name');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const pager = usePager();
  const hooks = useLoad(
    () => api.list<Webhook>('/v1/webhooks', { sort, q, status, limit: 50, cursor: pager.cursor }),
    [sort, q, status, pager.cursor],
  );
  const actions = useWebhookActions(session, hooks.reload);

  return (
    <section>
      <PageTitle
        actions={
          <Link to="/admin/webhooks/new" class="button">
            New webhook
          </Link>
        }
      >
        Webhooks
      </PageTitle>
      <div class="filters">
        <SearchBox
          label="Search by name or URL"
          value={q}
          onSearch={(text) => {
            pager.reset();
            setQ(text);
          }}
        />
        <label>
          State{' '}
          <select
            value={status}
            onChange={(e) => {
              pager.reset();
              setStatus(e.currentTarget.value);
            }}
          >
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="inactive">Inactive</option>
            <option value="disabled">Disabled</option>
          </select>
        </label>
      </div>
      <ProblemNote error={hooks.error ?? actions.error} />
      {hooks.loading && !hooks.data ? (
        <Loading what="webhooks" />
      ) : (
        hooks.data && (
          <>
            <table class="list">
              <caption class="visually-hidden">Webhooks</caption>
              <thead>
                <tr>
                  <SortHeader
                    label="Name"
                    sortKey="name"
                    sort={sort}
                    onSort={(s) => {
                      pager.reset();
                      setSort(s);
                    }}
                  />
                  <th scope="col">URL</th>
                  <SortHeader
                    label="Last triggered"
                    sortKey="lastTriggeredAt"
                    sort={sort}
                    onSort={(s) => {
                      pager.reset();
                      setSort(s);
                    }}
                  />
                  <SortHeader
                    label="State"
                    sortKey="status"
                    sort={sort}
                    onSort={(s) => {
                      pager.reset();
                      setSort(s);
                    }}
                  />
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {hooks.data.data.length === 0 && (
                  <tr>
                    <td colSpan={5} class="empty">
                      {q || status
                        ? 'No webhook matches.'
                        : 'No webhooks yet. Create one to receive every change as it happens.'}
                    </td>
                  </tr>
                )}
                {hooks.data.data.map((hook) => (
                  <tr key={hook.id}>
                    <td data-label="Name">
                      <Link to={`/admin/webhooks/${encodeURIComponent(hook.id)}`}>{hook.name}</Link>
                    </td>
                    <td data-label="URL" class="url">
                      {hook.url}
                    </td>
                    <td data-label="Last triggered">{formatTime(hook.lastTriggeredAt)}</td>
                    <td data-label="State">
                      <StateBadge hook={hook} />
                    </td>
                    <td data-label="Actions">
                      <div class="row-actions">
                        <Link
                          to={`/admin/webhooks/${encodeURIComponent(hook.id)}`}
                          class="button secondary"
                          aria-label={`Details of ${hook.name}`}
                        >
                          Details
                        </Link>
                        <Link
                          to={`/admin/webhooks/${encodeURIComponent(hook.id)}/edit`}
                          class="button secondary"
                          aria-label={`Edit ${hook.name}`}
                        >
                          Edit
                        </Link>
                        <Link
                          to={`/admin/webhooks/${encodeURIComponent(hook.id)}/history`}
                          class="button secondary"
                          aria-label={`History of ${hook.name}`}
                        >
                          History
                        </Link>
                        <button
                          type="button"
                          class="secondary"
                          aria-label={`Run test of ${hook.name}`}
                          disabled={actions.testing === hook.id}
                          onClick={() => actions.test(hook)}
                        >
                          {actions.testing === hook.id ? 'Testing…' : 'Run test'}
                        </button>
                        <button
                          type="button"
                          class="secondary"
                          aria-label={`${hook.status === 'active' ? 'Set inactive' : 'Set active'}: ${hook.name}`}
                          onClick={() => actions.toggle(hook)}
                        >
                          {hook.status === 'active' ? 'Set inactive' : 'Set active'}
                        </button>
                        <button
                          type="button"
                          class="danger"
                          aria-label={`Delete ${hook.name}`}
                          onClick={() => setDeleting(hook)}
                        >
                          Delete
                        </button>
                      </div>
                      <TestOutcome outcome={actions.results[hook.id]} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager pager={pager} nextCursor={hooks.data.nextCursor} />
          </>
        )
      )}
      {deleting && (
        <Confirm
          title={`Delete ${deleting.name}?`}
          message={`PeopleHub stops sending to ${deleting.url} and deletes the webhook. This cannot be undone.`}
          action="Delete webhook"
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api.send('DELETE', `/v1/webhooks/${encodeURIComponent(deleting.id)}`);
            hooks.reload();
          }}
        />
      )}
    </section>
  );
}

export function StateBadge({ hook }: { hook: Webhook }) {
  const tone = hook.status === 'active' ? 'good' : hook.status === 'disabled' ? 'bad' : '';
  return (
    <span class={`badge ${tone}`} title={hook.disabledReason ?? undefined}>
      {hook.status}
    </span>
  );
}
