// Integrations → HiBob: connect (credentials are checked against HiBob first), the connection's
// status, the receiver URL to paste into HiBob, and its runs (hibob-sync.tsx). The token and hook
// secret are write-only: the API never returns them.
import { useState } from 'preact/hooks';
import type { ApiError, Hibob } from '../api';
import {
  Confirm,
  Field,
  Loading,
  PageTitle,
  ProblemNote,
  Secret,
  type Session,
  formatTime,
  toApiError,
  useLoad,
} from '../ui';
import { SyncPanel } from './hibob-sync';

export function HibobPage({ session }: { session: Session }) {
  const { api } = session;
  const status = useLoad(async () => {
    try {
      return await api.get<Hibob>('/v1/integrations/hibob');
    } catch (e) {
      // Not connected is an answer, not an error: the page shows the connect form.
      if (toApiError(e).problem.status === 404) return null;
      throw e;
    }
  }, []);
  const [editing, setEditing] = useState(false);
  const [disconnecting, setDisconnecting] = useState(false);

  if (status.loading && status.data === null && !status.error) return <Loading what="the HiBob connection" />;
  if (status.error) {
    return (
      <section>
        <PageTitle>HiBob</PageTitle>
        <ProblemNote error={status.error} />
      </section>
    );
  }
  const hibob = status.data;

  return (
    <section>
      <PageTitle
        actions={
          hibob && (
            <>
              <button type="button" class="secondary" onClick={() => setEditing(!editing)} aria-expanded={editing}>
                Change credentials
              </button>
              <button type="button" class="danger" onClick={() => setDisconnecting(true)}>
                Disconnect
              </button>
            </>
          )
        }
      >
        HiBob
      </PageTitle>
      {!hibob || editing ? (
        <ConnectForm
          session={session}
          current={hibob}
          onConnected={() => {
            setEditing(false);
            status.reload();
          }}
        />
      ) : null}
      {hibob && (
        <>
          <dl class="details">
            <dt>State</dt>
            <dd>
              <span class="badge good">connected</span>
            </dd>
            <dt>HiBob API</dt>
            <dd class="url">{hibob.baseUrl}</dd>
            <dt>Service user</dt>
            <dd class="mono">{hibob.serviceUserId}</dd>
            <dt>Connected</dt>
            <dd>{formatTime(hibob.connectedAt)}</dd>
            <dt>Automatic sync</dt>
            <dd>
              {hibob.autoSyncMinutes
                ? `every ${hibob.autoSyncMinutes} minutes, next ${formatTime(hibob.nextAutoSyncAt)}`
                : 'off'}
            </dd>
            <dt>Hook secret</dt>
            <dd>
              {hibob.hookSecretSet
                ? 'set: real-time changes are accepted'
                : 'not set: real-time changes are refused until you set one'}
            </dd>
          </dl>
          <Secret label="Receiver URL (paste it into HiBob's webhook settings)" value={hibob.receiverUrl} />
          <SyncPanel session={session} onFinished={status.reload} />
        </>
      )}
      {disconnecting && (
        <Confirm
          title="Disconnect HiBob?"
          message="Synchronizing stops and the credentials are deleted. Employees stay, and past runs stay listed."
          action="Disconnect"
          onClose={() => setDisconnecting(false)}
          onConfirm={async () => {
            await api.send('DELETE', '/v1/integrations/hibob');
            status.reload();
          }}
        />
      )}
    </section>
  );
}

function ConnectForm({
  session,
  current,
  onConnected,
}: {
  session: Session;
  current: Hibob | null;
  onConnected: () => void;
}) {
  const [serviceUserId, setServiceUserId] = useState(current?.serviceUserId ?? '');
  const [token, setToken] = useState('');
  const [baseUrl, setBaseUrl] = useState(current?.baseUrl ?? '');
  const [hookSecret, setHookSecret] = useState('');
  const [autoSync, setAutoSync] = useState(current?.autoSyncMinutes ? String(current.autoSyncMinutes) : '');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = { serviceUserId: serviceUserId.trim(), token };
    if (baseUrl.trim()) body.baseUrl = baseUrl.trim();
    if (hookSecret) body.hookSecret = hookSecret;
    body.autoSyncMinutes =
      autoSync.trim() === '' ? null : Number.isFinite(Number(autoSync)) ? Number(autoSync) : autoSync;
    try {
      await session.api.send('PUT', '/v1/integrations/hibob', body);
      onConnected();
    } catch (e) {
      setError(toApiError(e));
      setBusy(false);
    }
  }

  return (
    <form class="form" onSubmit={submit} noValidate>
      <h2>{current ? 'Replace the credentials' : 'Connect HiBob'}</h2>
      <p class="muted">
        Use a HiBob service user with read access to people and fields. PeopleHub checks the credentials with HiBob
        before it saves them.
      </p>
      <ProblemNote error={error} fields={['serviceUserId', 'token', 'baseUrl', 'hookSecret', 'autoSyncMinutes']} />
      <Field label="Service user ID" name="serviceUserId" error={error}>
        {(control) => (
          <input
            {...control}
            class="mono"
            autoComplete="off"
            value={serviceUserId}
            onInput={(e) => setServiceUserId(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field label="Service user token" name="token" error={error}>
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="off"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field label="HiBob API URL" name="baseUrl" error={error} hint="Blank for HiBob's own API.">
        {(control) => (
          <input
            {...control}
            type="url"
            class="mono"
            value={baseUrl}
            onInput={(e) => setBaseUrl(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field
        label="Hook secret"
        name="hookSecret"
        error={error}
        hint="The secret HiBob signs its webhooks with; needed for real-time changes."
      >
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="off"
            value={hookSecret}
            onInput={(e) => setHookSecret(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field
        label="Automatic sync every (minutes)"
        name="autoSyncMinutes"
        error={error}
        hint="Blank for on demand only."
      >
        {(control) => (
          <input
            {...control}
            type="number"
            min={1}
            value={autoSync}
            onInput={(e) => setAutoSync(e.currentTarget.value)}
          />
        )}
      </Field>
      <button type="submit" disabled={busy}>
        {busy ? 'Checking with HiBob…' : current ? 'Save credentials' : 'Connect'}
      </button>
    </form>
  );
}
