// Sign-in with an owner's or an admin's personal key. The key is checked with GET /v1/users/me and
// kept in this tab's sessionStorage only: closing the tab or signing out forgets it.
import { useState } from 'preact/hooks';
import { ApiError, type Me, whoAmI } from '../api';
import { Field, PageTitle, ProblemNote, toApiError } from '../ui';

export function SignInPage({
  notice,
  onSignedIn,
}: {
  notice: string | null;
  onSignedIn: (key: string, me: Me) => void;
}) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const trimmed = key.trim();
      if (trimmed === '') throw fieldProblem('Paste your personal key (it starts with phu_).');
      const me = await whoAmI(trimmed);
      if (me.accessRight === 'member')
        throw fieldProblem(
          'This key belongs to a member. The console is for owners and admins; ask one of them for access.',
        );
      onSignedIn(trimmed, me);
    } catch (e) {
      const problem = toApiError(e);
      // An unknown or revoked key, or an app's token (apps have no user), is about the key field: say so there.
      const refused = problem.problem.status === 401 || problem.problem.status === 403;
      setError(refused ? fieldProblem(problem.problem.detail, problem.problem.title) : problem);
      setBusy(false);
    }
  }

  return (
    <main id="main" class="sign-in">
      <PageTitle>Sign in to PeopleHub</PageTitle>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <Field
          label="Personal key"
          name="key"
          error={error}
          hint={
            <>
              An owner's or admin's key (<code>phu_…</code>), as <code>npx peoplehub init</code> or the demo printed it.
              It is kept in this tab only.
            </>
          }
        >
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="off"
              spellcheck={false}
              value={key}
              onInput={(e) => setKey(e.currentTarget.value)}
            />
          )}
        </Field>
        <ProblemNote error={error} fields={['key']} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

function fieldProblem(message: string, title = 'This key cannot sign in'): ApiError {
  return new ApiError({
    type: 'about:blank',
    title,
    status: 400,
    detail: message,
    errors: [{ location: 'body', path: '/key', message }],
  });
}
