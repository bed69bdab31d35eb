// Apps (custom integrations): list, create with the token shown exactly once, rename, revoke, and
// each app's sessions. The API keeps apps to owners, so an admin is told so instead of being refused.
import { useState } from 'preact/hooks';
import { SCOPES } from '../../../src/core/permissions';
import type { ApiError, App, AppSession, Page } from '../api';
import {
  Choices,
  Confirm,
  Dialog,
  Field,
  Loading,
  PageTitle,
  ProblemNote,
  SearchBox,
  Secret,
  type Session,
  SortHeader,
  formatTime,
  toApiError,
  useLoad,
} from '../ui';

/** The permissions an app can hold: the server's own list, bundled at build time. */
const PERMISSIONS: readonly string[] = SCOPES;

type Open =
  | { kind: 'create' }
  | { kind: 'token'; app: App }
  | { kind: 'rename'; app: App }
  | { kind: 'revoke'; app: App }
  | { kind: 'sessions'; app: App }
  | null;

export function AppsPage({ session }: { session: Session }) {
  if (session.me.accessRight !== 'owner') {
    return (
      <section>
        <PageTitle>Apps</PageTitle>
        <p>Apps and their tokens are managed by the organization's owners. Ask an owner to create or revoke an app.</p>
      </section>
    );
  }
  return <OwnerApps session={session} />;
}

function OwnerApps({ session }: { session: Session }) {
  const { api } = session;
  const [sort, setSort] = useState('-createdAt');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('active');
  const [open, setOpen] = useState<Open>(null);
  const apps = useLoad(() => api.list<App>('/v1/apps', { sort, q, status, limit: 100 }), [sort, q, status]);
  const close = () => setOpen(null);

  return (
    <section>
      <PageTitle
        actions={
          <button type="button" onClick={() => setOpen({ kind: 'create' })}>
            Create app
          </button>
        }
      >
        Apps
      </PageTitle>
      <p class="muted">Each app has one token for the API. The token is shown once, when the app is created.</p>
      <div class="filters">
        <SearchBox label="Search apps" value={q} onSearch={setQ} />
        <label>
          Show{' '}
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="active">Active</option>
            <option value="revoked">Revoked</option>
            <option value="all">All</option>
          </select>
        </label>
      </div>
      <ProblemNote error={apps.error} />
      {apps.loading && !apps.data ? (
        <Loading what="apps" />
      ) : (
        apps.data && (
          <table class="list">
            <caption class="visually-hidden">Apps</caption>
            <thead>
              <tr>
                <SortHeader label="Name" sortKey="name" sort={sort} onSort={setSort} />
                <th scope="col">Permissions</th>
                <SortHeader label="Created" sortKey="createdAt" sort={sort} onSort={setSort} />
                <th scope="col">Last used</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {apps.data.data.length === 0 && (
                <tr>
                  <td colSpan={5} class="empty">
                    No apps yet.
                  </td>
                </tr>
              )}
              {apps.data.data.map((app) => (
                <tr key={app.id}>
                  <td data-label="Name">
                    {app.name}
                    {app.revokedAt && <span class="badge bad">revoked</span>}
                  </td>
                  <td data-label="Permissions">
                    <span class="tags">{app.permissions.join(', ')}</span>
                  </td>
                  <td data-label="Created">{formatTime(app.createdAt)}</td>
                  <td data-label="Last used">{formatTime(app.lastUsedAt)}</td>
                  <td data-label="Actions" class="row-actions">
                    {!app.revokedAt && (
                      <button
                        type="button"
                        class="secondary"
                        aria-label={`Rename ${app.name}`}
                        onClick={() => setOpen({ kind: 'rename', app })}
                      >
                        Rename
                      </button>
                    )}
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`Sessions of ${app.name}`}
                      onClick={() => setOpen({ kind: 'sessions', app })}
                    >
                      Sessions
                    </button>
                    {!app.revokedAt && (
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Revoke ${app.name}`}
                        onClick={() => setOpen({ kind: 'revoke', app })}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}

      {open?.kind === 'create' && (
        <CreateApp
          session={session}
          onClose={close}
          onCreated={(app) => {
            setOpen({ kind: 'token', app });
            apps.reload();
          }}
        />
      )}
      {open?.kind === 'token' && (
        <Dialog title={`Token for ${open.app.name}`} onClose={close}>
          <p class="warning" role="note">
            Copy this token now. It is shown only once: PeopleHub keeps a hash of it, never the token itself.
          </p>
          <Secret label="App token" value={open.app.token ?? ''} />
          <div class="actions">
            <button type="button" onClick={close}>
              I have stored the token
            </button>
          </div>
        </Dialog>
      )}
      {open?.kind === 'rename' && (
        <RenameApp session={session} app={open.app} onClose={close} onRenamed={apps.reload} />
      )}
      {open?.kind === 'revoke' && (
        <Confirm
          title={`Revoke ${open.app.name}?`}
          message="Its token and every session stop working at once. This cannot be undone."
          action="Revoke app"
          onClose={close}
          onConfirm={async () => {
            await api.send('DELETE', `/v1/apps/${encodeURIComponent(open.app.id)}`);
            apps.reload();
          }}
        />
      )}
      {open?.kind === 'sessions' && <Sessions session={session} app={open.app} onClose={close} />}
    </section>
  );
}

function CreateApp({
  session,
  onClose,
  onCreated,
}: {
  session: Session;
  onClose: () => void;
  onCreated: (app: App) => void;
}) {
  const [name, setName] = useState('');
  const [permissions, setPermissions] = useState<string[]>(['employees:read']);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      onCreated(await session.api.send<App>('POST', '/v1/apps', { name, permissions }));
    } catch (e) {
      setError(toApiError(e));
      setBusy(false);
    }
  }
  return (
    <Dialog title="Create app" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <Field label="Name" name="name" error={error}>
          {(control) => <input {...control} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Choices
          legend="Permissions"
          name="permissions"
          options={PERMISSIONS.map((p) => ({ value: p, label: p }))}
          selected={permissions}
          onChange={setPermissions}
          error={error}
        />
        <ProblemNote error={error} fields={['name', 'permissions']} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            Create app
          </button>
          <button type="button" class="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RenameApp({
  session,
  app,
  onClose,
  onRenamed,
}: {
  session: Session;
  app: App;
  onClose: () => void;
  onRenamed: () => void;
}) {
  const [name, setName] = useState(app.name);
  const [error, setError] = useState<ApiError | null>(null);
  async function submit(event: Event) {
    event.preventDefault();
    try {
      await session.api.send('PATCH', `/v1/apps/${encodeURIComponent(app.id)}`, { name });
      onRenamed();
      onClose();
    } catch (e) {
      setError(toApiError(e));
    }
  }
  return (
    <Dialog title={`Rename ${app.name}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <Field label="Name" name="name" error={error}>
          {(control) => <input {...control} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <ProblemNote error={error} fields={['name']} />
        <div class="actions">
          <button type="submit">Save name</button>
          <button type="button" class="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function Sessions({ session, app, onClose }: { session: Session; app: App; onClose: () => void }) {
  const path = `/v1/apps/${encodeURIComponent(app.id)}/sessions`;
  const sessions = useLoad<Page<AppSession>>(() => session.api.list<AppSession>(path, { limit: 100 }), [path]);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <Dialog title={`Sessions of ${app.name}`} onClose={onClose}>
      <p class="muted">
        A session is an access token exchanged for the app token (an installation). Revoking one leaves the others
        working.
      </p>
      <ProblemNote error={sessions.error ?? error} />
      {sessions.loading && !sessions.data && <Loading what="sessions" />}
      {sessions.data && sessions.data.data.length === 0 && <p>No sessions.</p>}
      {sessions.data && sessions.data.data.length > 0 && (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Grant</th>
              <th scope="col">Expires</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.data.map((s) => (
              <tr key={s.id}>
                <td data-label="Started">{formatTime(s.createdAt)}</td>
                <td data-label="Grant">{s.grant}</td>
                <td data-label="Expires">{formatTime(s.expiresAt)}</td>
                <td data-label="State">{s.revokedAt ? 'revoked' : 'active'}</td>
                <td data-label="Actions">
                  {!s.revokedAt && (
                    <button
                      type="button"
                      class="danger"
                      onClick={async () => {
                        try {
                          await session.api.send('DELETE', `${path}/${encodeURIComponent(s.id)}`);
                          sessions.reload();
                        } catch (e) {
                          setError(toApiError(e));
                        }
                      }}
                    >
                      Revoke session
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}
