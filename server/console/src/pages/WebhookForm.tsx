// Create or edit a webhook: name, URL, event types, state, format, signing, SSL verification,
// max events per request, parallel requests and error e-mails. The server validates; its message
// for a field is shown beside that field.
import { useContext, useEffect, useState } from 'preact/hooks';
import { ALL_EVENTS, type ApiError, type EventType, type Webhook, type WebhookFormat } from '../api';
import {
  Choices,
  Field,
  Link,
  Loading,
  Navigation,
  PageTitle,
  ProblemNote,
  type Session,
  toApiError,
  useLoad,
} from '../ui';

interface Draft {
  name: string;
  url: string;
  events: string[];
  status: 'active' | 'inactive';
  format: WebhookFormat;
  signing: boolean;
  verifySsl: boolean;
  maxEventsPerRequest: string;
  maxConcurrency: string;
  errorRecipientEmails: string;
}

const EMPTY: Draft = {
  name: '',
  url: '',
  events: [],
  status: 'active',
  format: 'json',
  signing: true,
  verifySsl: true,
  maxEventsPerRequest: '',
  maxConcurrency: '',
  errorRecipientEmails: '',
};

const FIELDS = [
  'name',
  'url',
  'events',
  'status',
  'format',
  'signing',
  'verifySsl',
  'maxEventsPerRequest',
  'maxConcurrency',
  'errorRecipientEmails',
];

function draftOf(hook: Webhook): Draft {
  return {
    name: hook.name,
    url: hook.url,
    events: hook.events,
    status: hook.status === 'active' ? 'active' : 'inactive',
    format: hook.format,
    signing: hook.signing,
    verifySsl: hook.verifySsl,
    maxEventsPerRequest: String(hook.maxEventsPerRequest),
    maxConcurrency: String(hook.maxConcurrency),
    errorRecipientEmails: hook.errorRecipientEmails.join('\n'),
  };
}

/** Numbers as typed: blank leaves the server's default; anything else goes as typed, so the server's message explains it. */
const asNumber = (text: string): number | string | undefined =>
  text.trim() === '' ? undefined : Number.isFinite(Number(text)) ? Number(text) : text;

function bodyOf(draft: Draft): Record<string, unknown> {
  return {
    name: draft.name,
    url: draft.url.trim(),
    events: draft.events,
    status: draft.status,
    format: draft.format,
    signing: draft.signing,
    verifySsl: draft.verifySsl,
    maxEventsPerRequest: asNumber(draft.maxEventsPerRequest),
    maxConcurrency: asNumber(draft.maxConcurrency),
    errorRecipientEmails: draft.errorRecipientEmails
      .split(/[\s,;]+/)
      .map((e) => e.trim())
      .filter(Boolean),
  };
}

export function WebhookFormPage({ session, id }: { session: Session; id: string | null }) {
  const { api } = session;
  const navigate = useContext(Navigation);
  const types = useLoad(() => api.list<EventType>('/v1/webhook-event-types'), []);
  const existing = useLoad(
    () => (id ? api.get<Webhook>(`/v1/webhooks/${encodeURIComponent(id)}`) : Promise.resolve(null)),
    [id],
  );
  const [draft, setDraft] = useState<Draft | null>(id ? null : EMPTY);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (existing.data) setDraft(draftOf(existing.data));
  }, [existing.data]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => (d ? { ...d, [key]: value } : d));

  async function submit(event: Event) {
    event.preventDefault();
    if (!draft) return;
    setBusy(true);
    setError(null);
    try {
      const saved = id
        ? await api.send<Webhook>('PATCH', `/v1/webhooks/${encodeURIComponent(id)}`, bodyOf(draft))
        : await api.send<Webhook>('POST', '/v1/webhooks', bodyOf(draft));
      navigate(`/admin/webhooks/${encodeURIComponent(saved.id)}`);
    } catch (e) {
      setError(toApiError(e));
      setBusy(false);
    }
  }

  const title = id ? `Edit ${existing.data?.name ?? 'webhook'}` : 'New webhook';
  if (existing.error) {
    return (
      <section>
        <PageTitle>{title}</PageTitle>
        <ProblemNote error={existing.error} />
      </section>
    );
  }
  if (!draft || !types.data) return <Loading what="the webhook" />;

  return (
    <section>
      <PageTitle>{title}</PageTitle>
      <form class="form" onSubmit={submit} noValidate>
        <ProblemNote error={error} fields={FIELDS} />
        <Field label="Name" name="name" error={error}>
          {(control) => <input {...control} value={draft.name} onInput={(e) => set('name', e.currentTarget.value)} />}
        </Field>
        <Field
          label="URL"
          name="url"
          error={error}
          hint="Where PeopleHub sends events: an https:// address your endpoint answers at."
        >
          {(control) => (
            <input
              {...control}
              type="url"
              inputMode="url"
              class="mono"
              value={draft.url}
              onInput={(e) => set('url', e.currentTarget.value)}
            />
          )}
        </Field>
        <Choices
          legend="Event types"
          name="events"
          options={[
            {
              value: ALL_EVENTS,
              label: `${ALL_EVENTS} (every type)`,
              hint: 'Every event type, also those added later, except the opt-in ones, which are listed by name.',
            },
            ...types.data.data.map((t) => ({
              value: t.type,
              label: t.optIn ? `${t.type} (opt-in, JSON only)` : t.type,
              hint: t.description,
            })),
          ]}
          selected={draft.events}
          onChange={(events) => set('events', events)}
          error={error}
        />
        <div class="field-row">
          <Field label="State" name="status" error={error}>
            {(control) => (
              <select
                {...control}
                value={draft.status}
                onChange={(e) => set('status', e.currentTarget.value as Draft['status'])}
              >
                <option value="active">Active</option>
                <option value="inactive">Inactive</option>
              </select>
            )}
          </Field>
          <Field
            label="Format"
            name="format"
            error={error}
            hint="JSON for code; chat, Slack or Teams for a message a channel can post."
          >
            {(control) => (
              <select
                {...control}
                value={draft.format}
                onChange={(e) => set('format', e.currentTarget.value as WebhookFormat)}
              >
                <option value="json">JSON</option>
                <option value="chat">Chat (plain text)</option>
                <option value="slack">Slack</option>
                <option value="teams">Microsoft Teams</option>
              </select>
            )}
          </Field>
        </div>
        <div class="field-row">
          <Field
            label="Max events per request"
            name="maxEventsPerRequest"
            error={error}
            hint="1 to 100 (blank: 1); more than 1 sends an array."
          >
            {(control) => (
              <input
                {...control}
                type="number"
                min={1}
                max={100}
                value={draft.maxEventsPerRequest}
                onInput={(e) => set('maxEventsPerRequest', e.currentTarget.value)}
              />
            )}
          </Field>
          <Field
            label="Parallel requests"
            name="maxConcurrency"
            error={error}
            hint="1 to 50 (blank: 10); 1 keeps events in order."
          >
            {(control) => (
              <input
                {...control}
                type="number"
                min={1}
                max={50}
                value={draft.maxConcurrency}
                onInput={(e) => set('maxConcurrency', e.currentTarget.value)}
              />
            )}
          </Field>
        </div>
        <div class="checks">
          <label class="choice">
            <input type="checkbox" checked={draft.signing} onChange={(e) => set('signing', e.currentTarget.checked)} />
            <span>Sign requests (webhook-signature header)</span>
          </label>
          <label class="choice">
            <input
              type="checkbox"
              checked={draft.verifySsl}
              onChange={(e) => set('verifySsl', e.currentTarget.checked)}
            />
            <span>Verify the endpoint's SSL certificate</span>
          </label>
        </div>
        <Field
          label="Error e-mails"
          name="errorRecipientEmails"
          error={error}
          hint="Who hears when deliveries fail: one address per line."
        >
          {(control) => (
            <textarea
              {...control}
              rows={3}
              value={draft.errorRecipientEmails}
              onInput={(e) => set('errorRecipientEmails', e.currentTarget.value)}
            />
          )}
        </Field>
        <div class="actions">
          <button type="submit" disabled={busy}>
            {id ? 'Save webhook' : 'Create webhook'}
          </button>
          <Link to={id ? `/admin/webhooks/${encodeURIComponent(id)}` : '/admin/webhooks'} class="button secondary">
            Cancel
          </Link>
        </div>
      </form>
    </section>
  );
}
