// One webhook: every setting, its signing secret on request (with copy and rotate), a test send
// with the endpoint's answer, activate/deactivate, and delete.
import { useContext, useState } from 'preact/hooks';
import type { EventType, Webhook } from '../api';
import {
  Confirm,
  Link,
  Loading,
  Navigation,
  PageTitle,
  ProblemNote,
  Secret,
  type Session,
  formatTime,
  toApiError,
  useLoad,
} from '../ui';
import type { ApiError } from '../api';
import { StateBadge } from './Webhooks';
import { TestOutcome, useWebhookActions } from './webhook-actions';

interface SigningSecret {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
}

export function WebhookDetailsPage({ session, id }: { session: Session; id: string }) {
  const { api } = session;
  const navigate = useContext(Navigation);
  const path = `/v1/webhooks/${encodeURIComponent(id)}`;
  const hook = useLoad(() => api.get<Webhook>(path), [path]);
  const types = useLoad(() => api.list<EventType>('/v1/webhook-event-types'), []);
  const actions = useWebhookActions(session, hook.reload);
  const [secret, setSecret] = useState<SigningSecret | null>(null);
  const [secretError, setSecretError] = useState<ApiError | null>(null);
  const [eventType, setEventType] = useState('');
  const [confirm, setConfirm] = useState<'delete' | 'rotate' | null>(null);

  if (hook.error) {
    return (
      <section>
        <PageTitle>Webhook</PageTitle>
        <ProblemNote error={hook.error} />
        <Link to="/admin/webhooks">Back to webhooks</Link>
      </section>
    );
  }
  if (!hook.data) return <Loading what="the webhook" />;
  const w = hook.data;
  const base = `/admin/webhooks/${encodeURIComponent(w.id)}`;

  async function showSecret() {
    try {
      setSecret(await api.get<SigningSecret>(`${path}/secret`));
      setSecretError(null);
    } catch (e) {
      setSecretError(toApiError(e));
    }
  }

  return (
    <section>
      <p class="crumbs">
        <Link to="/admin/webhooks">Webhooks</Link> / {w.name}
      </p>
      <PageTitle
        actions={
          <>
            <Link to={`${base}/edit`} class="button secondary">
              Edit
            </Link>
            <Link to={`${base}/history`} class="button secondary">
              History
            </Link>
            <button type="button" class="secondary" onClick={() => actions.toggle(w)}>
              {w.status === 'active' ? 'Set inactive' : 'Set active'}
            </button>
            <button type="button" class="danger" onClick={() => setConfirm('delete')}>
              Delete
            </button>
          </>
        }
      >
        {w.name}
      </PageTitle>
      <ProblemNote error={actions.error} />
      {w.status === 'disabled' && (
        <p class="problem" role="note">
          PeopleHub disabled this webhook: {w.disabledReason ?? 'its endpoint kept failing'}. Set it active to send
          again.
        </p>
      )}
      <dl class="details">
        <dt>State</dt>
        <dd>
          <StateBadge hook={w} />
        </dd>
        <dt>URL</dt>
        <dd class="url">{w.url}</dd>
        <dt>Event types</dt>
        <dd>{w.events.join(', ')}</dd>
        <dt>Format</dt>
        <dd>{w.format}</dd>
        <dt>Signing</dt>
        <dd>{w.signing ? 'Signed (webhook-id, webhook-timestamp, webhook-signature)' : 'Not signed'}</dd>
        <dt>SSL verification</dt>
        <dd>{w.verifySsl ? 'On' : 'Off'}</dd>
        <dt>Max events per request</dt>
        <dd>{w.maxEventsPerRequest}</dd>
        <dt>Parallel requests</dt>
        <dd>{w.maxConcurrency}</dd>
        <dt>Error e-mails</dt>
        <dd>{w.errorRecipientEmails.length ? w.errorRecipientEmails.join(', ') : '—'}</dd>
        <dt>Last triggered</dt>
        <dd>{formatTime(w.lastTriggeredAt)}</dd>
        <dt>Created</dt>
        <dd>{formatTime(w.createdAt)}</dd>
      </dl>

      <h2>Signing secret</h2>
      <p class="muted">Your endpoint checks each request's signature with this secret.</p>
      <ProblemNote error={secretError} />
      {secret ? (
        <>
          <Secret label="Secret" value={secret.secret} />
          {secret.previousSecret && (
            <p class="muted">The previous secret also signs until {formatTime(secret.previousSecretExpiresAt)}.</p>
          )}
          <button type="button" class="secondary" onClick={() => setConfirm('rotate')}>
            Rotate secret
          </button>
        </>
      ) : (
        <button type="button" class="secondary" onClick={showSecret}>
          Show secret
        </button>
      )}

      <h2>Test</h2>
      <div class="test-form">
        <label>
          Event type{' '}
          <select value={eventType} onChange={(e) => setEventType(e.currentTarget.value)}>
            <option value="">First subscribed type</option>
            {types.data?.data.map((t) => (
              <option key={t.type} value={t.type}>
                {t.type}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={actions.testing === w.id}
          onClick={() => actions.test(w, eventType || undefined)}
        >
          {actions.testing === w.id ? 'Testing…' : 'Run test'}
        </button>
      </div>
      <TestOutcome outcome={actions.results[w.id]} full />

      {confirm === 'delete' && (
        <Confirm
          title={`Delete ${w.name}?`}
          message={`PeopleHub stops sending to ${w.url} and deletes the webhook. This cannot be undone.`}
          action="Delete webhook"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await api.send('DELETE', path);
            navigate('/admin/webhooks');
          }}
        />
      )}
      {confirm === 'rotate' && (
        <Confirm
          title="Rotate the signing secret?"
          message="A new secret signs from now on; the current one keeps signing beside it for 24 hours, so your endpoint can switch over."
          action="Rotate secret"
          onClose={() => setConfirm(null)}
          onConfirm={async () => setSecret(await api.send<SigningSecret>('POST', `${path}/rotate-secret`))}
        />
      )}
    </section>
  );
}
