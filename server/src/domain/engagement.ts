// Engagement survey answers: recorded in bulk, all or nothing, from employees who could be surveyed
// when they answered.
import type { Kysely } from 'kysely';
import { calendarDate, isSurveyable } from '../core/employee-status';
import { newId } from '../core/ids';
import { type FieldError, problems } from '../core/problem';
import { recordAudit } from '../store/audit';
import { type Employee, existingEmployeeIds, findEmployee } from '../store/employees';
import { insertAnswers } from '../store/engagement';
import type { Database } from '../store/schema';
import type { DomainContext } from './context';
import { type Principal, principalActor } from './principal';

export interface Answer {
  employeeId: string;
  /** "engagement", or the name of a driver. */
  question: string;
  score: number;
  answeredAt: string;
}

/**
 * Records the answers, or none of them: 400 naming answers from someone who is not an employee,
 * 422 listing answers from the future or from someone not surveyable that day. Returns how many.
 */
export async function recordAnswers(ctx: DomainContext, who: Principal, answers: Answer[]): Promise<number> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    await writeAnswers(trx, who.organizationId, answers, now, null);
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'engagement.answers_recorded',
      targetType: 'organization',
      targetId: who.organizationId,
      details: { count: answers.length },
      at: now,
    });
  });
  return answers.length;
}

/**
 * The checks and the write behind every answer, from the API and from survey responses alike (call
 * it inside a transaction): answers land in the rollups and department totals with them.
 */
export async function writeAnswers(
  trx: Kysely<Database>,
  organizationId: string,
  answers: Answer[],
  now: Date,
  invitationId: string | null,
): Promise<void> {
  const ids = [...new Set(answers.map((a) => a.employeeId))];
  const known = await existingEmployeeIds(trx, organizationId, ids);
  const unknown: FieldError[] = [];
  answers.forEach((a, i) => {
    if (!known.has(a.employeeId))
      unknown.push({
        location: 'body',
        path: `/answers/${i}/employeeId`,
        message: `${a.employeeId} is not an employee`,
      });
  });
  if (unknown.length > 0) throw problems.validation(unknown);
  const refused: { index: number; reason: string }[] = [];
  const employees = new Map<string, Employee | null>();
  for (const id of ids) employees.set(id, await findEmployee(trx, organizationId, id));
  answers.forEach((a, index) => {
    const at = new Date(a.answeredAt);
    if (at.getTime() > now.getTime()) refused.push({ index, reason: 'answeredAt is in the future' });
    else if (!isSurveyable(employees.get(a.employeeId) as Employee, calendarDate(at))) {
      refused.push({
        index,
        reason: `${a.employeeId} was not surveyable on ${calendarDate(at)} (not started yet, or separated)`,
      });
    }
  });
  if (refused.length > 0) {
    throw problems.unprocessable(`${refused.length} answer(s) cannot be recorded; nothing was recorded.`, {
      refused,
    });
  }
  await insertAnswers(
    trx,
    answers.map((a) => ({
      id: newId('ans', now),
      organization_id: organizationId,
      employee_id: a.employeeId,
      question: a.question,
      score: a.score,
      answered_at: new Date(a.answeredAt).toISOString(),
      created_at: now.toISOString(),
      invitation_id: invitationId,
    })),
  );
}
