// A new survey round: name, when it opens and closes, the questions (the engagement question always,
// then drivers picked from those answered so far or typed new, each with its wording), reminder days,
// the audience as segments and the cadence. The server validates; its message for a field is shown
// beside that field.
import { useContext, useState } from 'preact/hooks';
import type { ApiError, Drivers, Survey } from '../api';
import { Field, Link, Loading, Navigation, PageTitle, ProblemNote, type Session, toApiError, useLoad } from '../ui';

const ENGAGEMENT = 'engagement';
const FIELDS = ['name', 'questions', 'opensAt', 'closesAt', 'reminders', 'audience', 'cadence'];

interface Draft {
  name: string;
  opensAt: string;
  closesAt: string;
  /** The drivers asked, in the order they were picked. */
  drivers: string[];
  /** Each driver's wording as typed; blank asks it by its name. */
  wording: Record<string, string>;
  reminders: string;
  audience: string;
  cadence: Survey['cadence'];
}

const EMPTY: Draft = {
  name: '',
  opensAt: '',
  closesAt: '',
  drivers: [],
  wording: {},
  reminders: '',
  audience: '',
  cadence: 'none',
};

/** A datetime-local value (the browser's time zone) as an instant; anything else goes as typed, for the server to explain. */
function instant(local: string): string {
  const date = new Date(local);
  return local.trim() !== '' && !Number.isNaN(date.getTime()) ? date.toISOString() : local;
}

const listOf = (text: string, separators: RegExp) =>
  text
    .split(separators)
    .map((item) => item.trim())
    .filter(Boolean);

function bodyOf(draft: Draft): Record<string, unknown> {
  return {
    name: draft.name,
    questions: [
      { key: ENGAGEMENT },
      ...draft.drivers.map((key) => {
        const text = (draft.wording[key] ?? '').trim();
        return text ? { key, text } : { key };
      }),
    ],
    opensAt: instant(draft.opensAt),
    closesAt: instant(draft.closesAt),
    reminders: listOf(draft.reminders, /[\s,;]+/).map((day) => (/^\d+$/.test(day) ? Number(day) : day)),
    audience: listOf(draft.audience, /\n/),
    cadence: draft.cadence,
  };
}

export function SurveyFormPage({ session }: { session: Session }) {
  const { api } = session;
  const navigate = useContext(Navigation);
  // Every driver ever answered: the whole history as one period.
  const known = useLoad(() => api.get<Drivers>('/v1/engagement/drivers', { interval: 'all' }), []);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [added, setAdded] = useState<string[]>([]);
  const [newDriver, setNewDriver] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const choices = [...(known.data?.drivers.map((d) => d.question) ?? []), ...added];

  function pick(driver: string, on: boolean) {
    setDraft((d) => ({ ...d, drivers: on ? [...d.drivers, driver] : d.drivers.filter((q) => q !== driver) }));
  }

  /** A driver typed in joins the choices, picked; one that is there already (in any case) is picked instead. */
  function addDriver() {
    const name = newDriver.trim();
    if (!name) return;
    const existing = [ENGAGEMENT, ...choices].find((q) => q.toLowerCase() === name.toLowerCase());
    if (existing === undefined) setAdded((all) => [...all, name]);
    const driver = existing ?? name;
    if (driver !== ENGAGEMENT && !draft.drivers.includes(driver)) pick(driver, true);
    setNewDriver('');
  }

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await api.send<Survey>('POST', '/v1/surveys', bodyOf(draft));
      navigate(`/admin/surveys/${encodeURIComponent(saved.id)}`);
    } catch (e) {
      setError(toApiError(e));
      setBusy(false);
    }
  }

  if (!known.data && !known.error) return <Loading what="the drivers" />;
  // About the questions as a whole (the engagement question missing); one question's problem shows beside its wording.
  const questionsError =
    error?.problem.errors?.find((e) => e.location === 'body' && e.path === '/questions')?.message ?? null;

  return (
    <section>
      <p class="crumbs">
        <Link to="/admin/surveys">Surveys</Link> / New round
      </p>
      <PageTitle>New survey round</PageTitle>
      <form class="form" onSubmit={submit} noValidate>
        <ProblemNote error={error ?? known.error} fields={FIELDS} />
        <Field label="Name" name="name" error={error}>
          {(control) => <input {...control} value={draft.name} onInput={(e) => set('name', e.currentTarget.value)} />}
        </Field>
        <div class="field-row">
          <Field label="Opens" name="opensAt" error={error} hint="Invitations go out then, by e-mail.">
            {(control) => (
              <input
                {...control}
                type="datetime-local"
                value={draft.opensAt}
                onInput={(e) => set('opensAt', e.currentTarget.value)}
              />
            )}
          </Field>
          <Field label="Closes" name="closesAt" error={error} hint="Answers are taken until then.">
            {(control) => (
              <input
                {...control}
                type="datetime-local"
                value={draft.closesAt}
                onInput={(e) => set('closesAt', e.currentTarget.value)}
              />
            )}
          </Field>
        </div>
        <fieldset
          class={questionsError ? 'choices invalid' : 'choices'}
          aria-describedby={questionsError ? 'questions-error' : undefined}
        >
          <legend>Questions</legend>
          <p class="hint">
            The engagement question is always asked: "How likely is it that you would recommend your organization as a
            place to work?" (0–10). Pick drivers answered before, so their trend goes on, or add new ones.
          </p>
          {choices.length === 0 && <p class="muted">No driver has been answered yet.</p>}
          <div class="choice-grid">
            {choices.map((driver) => (
              <label key={driver} class="choice">
                <input
                  type="checkbox"
                  name="drivers"
                  value={driver}
                  checked={draft.drivers.includes(driver)}
                  onChange={(e) => pick(driver, e.currentTarget.checked)}
                />
                <span>{driver}</span>
              </label>
            ))}
          </div>
          <div class="add-driver">
            <label for="new-driver">New driver</label>
            <div class="secret-row">
              <input
                id="new-driver"
                value={newDriver}
                onInput={(e) => setNewDriver(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key !== 'Enter') return;
                  e.preventDefault();
                  addDriver();
                }}
              />
              <button type="button" class="secondary" onClick={addDriver}>
                Add driver
              </button>
            </div>
          </div>
          {draft.drivers.map((driver) => {
            const index = draft.drivers.indexOf(driver) + 1;
            return (
              <Field
                key={driver}
                label={`Wording of ${driver}`}
                name={`questions/${index}`}
                error={error}
                hint="A statement to rate from 0 (strongly disagree) to 10 (strongly agree); blank asks it by the driver's name."
              >
                {(control) => (
                  <input
                    {...control}
                    value={draft.wording[driver] ?? ''}
                    onInput={(e) => {
                      const text = e.currentTarget.value;
                      setDraft((d) => ({ ...d, wording: { ...d.wording, [driver]: text } }));
                    }}
                  />
                )}
              </Field>
            );
          })}
          {questionsError && (
            <p class="field-error" id="questions-error">
              {questionsError}
            </p>
          )}
        </fieldset>
        <div class="field-row">
          <Field
            label="Reminder days"
            name="reminders"
            error={error}
            hint="Days after opening to remind those who have not answered, such as 3, 7."
          >
            {(control) => (
              <input
                {...control}
                inputMode="numeric"
                value={draft.reminders}
                onInput={(e) => set('reminders', e.currentTarget.value)}
              />
            )}
          </Field>
          <Field
            label="Cadence"
            name="cadence"
            error={error}
            hint="With one, closing this round schedules the next a month or a quarter after it opened."
          >
            {(control) => (
              <select
                {...control}
                value={draft.cadence}
                onChange={(e) => set('cadence', e.currentTarget.value as Draft['cadence'])}
              >
                <option value="none">None (this round only)</option>
                <option value="monthly">Monthly</option>
                <option value="quarterly">Quarterly</option>
              </select>
            )}
          </Field>
        </div>
        <Field
          label="Audience"
          name="audience"
          error={error}
          hint="One segment per line: department:Sales, title:Engineer, tenure:1-2y, group:grp_…, attribute:Office:Berlin. Anyone in any of them is invited; blank invites the whole organization."
        >
          {(control) => (
            <textarea
              {...control}
              rows={3}
              class="mono"
              value={draft.audience}
              onInput={(e) => set('audience', e.currentTarget.value)}
            />
          )}
        </Field>
        <div class="actions">
          <button type="submit" disabled={busy}>
            Schedule round
          </button>
          <Link to="/admin/surveys" class="button secondary">
            Cancel
          </Link>
        </div>
      </form>
    </section>
  );
}
