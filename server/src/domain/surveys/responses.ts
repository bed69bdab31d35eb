// A person's response through their link: one per invitation, the last one counting. It becomes
// engagement answers through the same write as POST /v1/engagement/answers, replacing the earlier
// response's answers (rollups and department totals included) in the same transaction.
import type { FieldError } from '../../core/problem';
import { problems } from '../../core/problem';
import { answersOfInvitation, removeInvitationAnswers } from '../../store/engagement';
import { markResponded } from '../../store/survey-invitations';
import { holdOpen } from '../../store/surveys';
import type { DomainContext } from '../context';
import { writeAnswers } from '../engagement';
import { type LinkState, readLink } from './links';

export const MIN_SCORE = 0;
export const MAX_SCORE = 10;

/** What the person answered last time, by question (empty before their first response). */
export async function previousAnswers(ctx: DomainContext, invitationId: string): Promise<Map<string, number>> {
  const rows = await answersOfInvitation(ctx.store.db, invitationId);
  return new Map(rows.map((r) => [r.question, Number(r.score)]));
}

/**
 * Every question answered with a whole number from 0 to 10, and nothing else: the errors name each
 * question that is missing or out of range.
 */
export function responseErrors(questions: string[], scores: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of questions) {
    const value = scores[key];
    if (value === undefined || value === '')
      errors.push({ location: 'body', path: `/${key}`, message: 'needs an answer' });
    else if (!/^(?:[0-9]|10)$/.test(String(value)))
      errors.push({
        location: 'body',
        path: `/${key}`,
        message: `must be a whole number from ${MIN_SCORE} to ${MAX_SCORE}`,
      });
  }
  for (const key of Object.keys(scores))
    if (!questions.includes(key))
      errors.push({ location: 'body', path: `/${key}`, message: 'is not a question of this survey' });
  return errors;
}

/**
 * Records a response: 400 with every problem when it is incomplete or out of range; the link state
 * (closed, withdrawn, invalid) when the link no longer opens the questions. The state is read again
 * inside the transaction, so a response racing the round's closing either lands before it or not at all.
 */
export async function submitResponse(
  ctx: DomainContext,
  token: string,
  scores: Record<string, unknown>,
): Promise<LinkState> {
  const now = ctx.clock.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const state = await readLink({ ...ctx, store: { ...ctx.store, db: trx } }, token);
    if (state.kind !== 'open') return state;
    const { survey, invitation, employee } = state;
    const keys = survey.questions.map((q) => q.key);
    const errors = responseErrors(keys, scores);
    if (errors.length > 0) throw problems.validation(errors);
    if (!(await holdOpen(trx, ctx.store.dialect, survey.id)))
      return { kind: 'closed', survey, organization: state.organization, closedAt: now.toISOString() };
    if (!(await markResponded(trx, invitation.id, now.toISOString())))
      return { kind: 'revoked', survey, organization: state.organization };
    await removeInvitationAnswers(trx, survey.organizationId, employee.id, invitation.id);
    await writeAnswers(
      trx,
      survey.organizationId,
      keys.map((question) => ({
        employeeId: employee.id,
        question,
        score: Number(scores[question]),
        answeredAt: now.toISOString(),
      })),
      now,
      invitation.id,
    );
    return state;
  });
}
