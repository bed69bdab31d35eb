// What the webhook list and the details page both do to a webhook: run a test send and show what
// the endpoint answered, and switch it between active and inactive.
import { useState } from 'preact/hooks';
import type { ApiError, TestResult, Webhook } from '../api';
import { type Session, toApiError } from '../ui';

export type Outcome = { result: TestResult } | { error: ApiError };

export function useWebhookActions(session: Session, changed: () => void) {
  const [testing, setTesting] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, Outcome>>({});
  const [error, setError] = useState<ApiError | null>(null);

  async function test(hook: Webhook, eventType?: string) {
    setTesting(hook.id);
    try {
      const result = await session.api.send<TestResult>(
        'POST',
        `/v1/webhooks/${encodeURIComponent(hook.id)}/test`,
        eventType ? { eventType } : {},
      );
      setResults((all) => ({ ...all, [hook.id]: { result } }));
    } catch (e) {
      setResults((all) => ({ ...all, [hook.id]: { error: toApiError(e) } }));
    } finally {
      setTesting(null);
    }
  }

  async function toggle(hook: Webhook) {
    setError(null);
    try {
      await session.api.send('PATCH', `/v1/webhooks/${encodeURIComponent(hook.id)}`, {
        status: hook.status === 'active' ? 'inactive' : 'active',
      });
      changed();
    } catch (e) {
      setError(toApiError(e));
    }
  }

  return { testing, results, error, test, toggle };
}

/** A test send's outcome where it was asked for: status, time, and the start of the endpoint's answer. */
export function TestOutcome({ outcome, full = false }: { outcome: Outcome | undefined; full?: boolean }) {
  if (!outcome) return <div role="status" class="test-outcome" />;
  if ('error' in outcome) {
    return (
      <div role="status" class="test-outcome bad">
        Test not sent: {outcome.error.problem.detail}
      </div>
    );
  }
  const { result } = outcome;
  const answer =
    result.statusCode === null ? `no answer (${result.error ?? 'unknown error'})` : `HTTP ${result.statusCode}`;
  return (
    <div role="status" class={`test-outcome ${result.ok ? 'good' : 'bad'}`}>
      <strong>{result.ok ? 'Test delivered' : 'Test failed'}</strong>: {answer} in {result.durationMs} ms
      {result.error && result.statusCode !== null && <span> ({result.error})</span>}
      {full && result.responseBody && (
        <>
          <h3>Response body</h3>
          <pre class="payload">{result.responseBody}</pre>
        </>
      )}
    </div>
  );
}
