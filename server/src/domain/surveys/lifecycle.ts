// What happens to a round over time, each step one transaction that starts with a compare-and-set on
// the round's row, so that of several processes (or a request and the worker) exactly one takes it:
// opening (everyone in the audience who can be surveyed that day is invited), the day's refresh
// (a start date that arrived invites, a separation date that passed withdraws), each reminder, and
// closing (with the next round of a cadence). Invitations and reminders queue their e-mails and
// their survey.invited events in the same transaction.
import type { Kysely } from 'kysely';
import { type Actor, SYSTEM_ACTOR } from '../../core/actor';
import { calendarDate, isSurveyable } from '../../core/employee-status';
import { sealAnswerUrl } from '../../core/event-secrets';
import { newId } from '../../core/ids';
import type { People } from '../../core/people';
import { problems } from '../../core/problem';
import { resolveSegments } from '../../core/segment-resolution';
import { nextRound } from '../../core/surveys';
import { tenureBands } from '../../core/tenure';
import { recordAudit } from '../../store/audit';
import { type Employee, employeesByIds } from '../../store/employees';
import { type ChangeRecord, recordChange, recordChanges } from '../../store/events';
import { findOrganization } from '../../store/organizations';
import type { Database } from '../../store/schema';
import { loadPeople } from '../../store/segments';
import { type Invitation, insertInvitations, invitationsOf, revokeInvitations } from '../../store/survey-invitations';
import { cancelMails, queueMails } from '../../store/survey-mails';
import {
  type Survey,
  claimRefresh,
  claimReminder,
  findSurvey,
  insertSurvey,
  markClosed,
  markOpened,
  recordOutcome,
} from '../../store/surveys';
import type { SurveyContext } from './context';
import { answerUrl } from './links';
import { outcomeOf } from './participation';
import { presentSurvey, scheduledRound } from './rounds';

/** Who is in a round's audience today and can be surveyed today, with the audience segments each is in. */
async function audienceToday(db: Kysely<Database>, survey: Survey, today: string): Promise<Map<string, string[]>> {
  const org = await findOrganization(db, survey.organizationId);
  const people: People = await loadPeople(db, survey.organizationId, tenureBands(org?.tenureBoundaries ?? []));
  const surveyable = [...people.byId.values()].filter((p) => isSurveyable(p, today));
  const inAudience = new Map<string, string[]>();
  if (survey.audience.length === 0) {
    for (const p of surveyable) inAudience.set(p.id, []);
    return inAudience;
  }
  // A segment that no longer matches anything (a department renamed) invites no one; it is not an error now.
  const segments = survey.audience.map((text) => {
    try {
      return resolveSegments([text], people, false)[0];
    } catch {
      return null;
    }
  });
  const sets = segments.map((s) => (s === null ? new Set<string>() : people.members(s, today)));
  for (const p of surveyable) {
    const of = survey.audience.filter((_, i) => sets[i].has(p.id));
    if (of.length > 0) inAudience.set(p.id, of);
  }
  return inAudience;
}

async function employeesOf(
  db: Kysely<Database>,
  organizationId: string,
  ids: string[],
): Promise<Map<string, Employee>> {
  const found = new Map<string, Employee>();
  for (let i = 0; i < ids.length; i += 500)
    for (const e of await employeesByIds(db, organizationId, ids.slice(i, i + 500))) found.set(e.id, e);
  return found;
}

/** The survey.invited events of invitations or reminders: the link sealed, opened only for delivery. */
function invitedEvents(
  ctx: SurveyContext,
  survey: Survey,
  invitations: Invitation[],
  employees: Map<string, Employee>,
  reminder: boolean,
  at: Date,
): ChangeRecord[] {
  return invitations.flatMap((inv) => {
    const e = employees.get(inv.employeeId);
    if (!e) return [];
    return [
      {
        organizationId: survey.organizationId,
        type: 'survey.invited' as const,
        actor: SYSTEM_ACTOR,
        object: {
          survey: { id: survey.id, name: survey.name },
          employee: { id: e.id, email: e.email, firstName: e.firstName, lastName: e.lastName },
          answerUrl: sealAnswerUrl(ctx.masterKey, answerUrl(ctx, survey, inv.id), survey.id, e.id),
          closesAt: survey.closesAt,
          reminder,
        },
        targetType: 'survey',
        targetId: survey.id,
        at,
      },
    ];
  });
}

/** Invites these people (in the transaction): invitations, their mails and their events. */
async function invite(
  ctx: SurveyContext,
  trx: Kysely<Database>,
  survey: Survey,
  audience: Map<string, string[]>,
  now: Date,
): Promise<Invitation[]> {
  const invitations: Invitation[] = [...audience].map(([employeeId, segments]) => ({
    id: newId('inv', now),
    organizationId: survey.organizationId,
    surveyId: survey.id,
    employeeId,
    status: 'active',
    segments,
    invitedAt: now.toISOString(),
    revokedAt: null,
    respondedAt: null,
  }));
  if (invitations.length === 0) return [];
  await insertInvitations(trx, invitations);
  await queueMails(
    trx,
    invitations.map((i) => ({ organizationId: i.organizationId, surveyId: i.surveyId, invitationId: i.id })),
    'invitation',
    now,
  );
  const employees = await employeesOf(trx, survey.organizationId, [...audience.keys()]);
  await recordChanges(trx, invitedEvents(ctx, survey, invitations, employees, false, now), { audit: false });
  return invitations;
}

/**
 * Opens a round now (by hand, or because its time came): false when it was not scheduled any more
 * (opened or deleted meanwhile).
 */
export async function openRound(ctx: SurveyContext, survey: Survey, actor: Actor = SYSTEM_ACTOR): Promise<boolean> {
  const now = ctx.clock.now();
  const today = calendarDate(now);
  const opened = await ctx.store.db.transaction().execute(async (trx) => {
    const at = now.toISOString();
    const opensAt = survey.opensAt < at ? survey.opensAt : at;
    if (!(await markOpened(trx, survey.id, at, opensAt, today))) return null;
    const open: Survey = { ...survey, status: 'open', opensAt, openedAt: at, refreshedOn: today };
    const invitations = await invite(ctx, trx, open, await audienceToday(trx, open, today), now);
    await recordChange(trx, {
      organizationId: survey.organizationId,
      type: 'survey.opened',
      actor,
      object: await presentSurvey(trx, open, ctx.config.anonymityThreshold),
      targetType: 'survey',
      targetId: survey.id,
      at: now,
    });
    return invitations;
  });
  if (opened === null) return false;
  ctx.logger.info({ surveyId: survey.id, invited: opened.length }, 'survey opened');
  ctx.signals.committed.emit();
  ctx.signals.surveysChanged.emit();
  return true;
}

/**
 * Closes a round now: its unsent mails are cancelled, survey.closed carries participation and the
 * results the anonymity rules allow, and a cadence schedules the next round. False when it was not
 * open any more.
 */
export async function closeRound(ctx: SurveyContext, survey: Survey, actor: Actor = SYSTEM_ACTOR): Promise<boolean> {
  const now = ctx.clock.now();
  const closed = await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await markClosed(trx, survey.id, now.toISOString()))) return false;
    const threshold = ctx.config.anonymityThreshold;
    const outcome = await outcomeOf(trx, survey, threshold);
    await recordOutcome(trx, survey.id, outcome);
    const done: Survey = { ...survey, status: 'closed', closedAt: now.toISOString(), outcome };
    // The next round first, so that survey.closed names it.
    await scheduleNext(ctx, trx, done, now);
    await cancelMails(trx, { surveyId: survey.id });
    const previous =
      survey.previousId === null ? null : await findSurvey(trx, survey.organizationId, survey.previousId);
    const change =
      previous?.outcome?.score != null && outcome.score !== null
        ? Math.round((outcome.score - previous.outcome.score) * 10) / 10
        : null;
    await recordChange(trx, {
      organizationId: survey.organizationId,
      type: 'survey.closed',
      actor,
      object: {
        ...(await presentSurvey(trx, done, threshold)),
        results: { score: outcome.score, enps: outcome.enps, change, hidden: outcome.hidden },
      },
      targetType: 'survey',
      targetId: survey.id,
      at: now,
    });
    return true;
  });
  if (!closed) return false;
  ctx.logger.info({ surveyId: survey.id }, 'survey closed');
  ctx.signals.committed.emit();
  return true;
}

/** The next round of a cadence, opening a month or a quarter after this one did (later ones skipped if already past). */
async function scheduleNext(ctx: SurveyContext, trx: Kysely<Database>, survey: Survey, now: Date): Promise<void> {
  let round = nextRound(survey);
  while (round !== null && Date.parse(round.closesAt) <= now.getTime()) round = nextRound({ ...survey, ...round });
  if (round === null) return;
  await insertSurvey(
    trx,
    scheduledRound(ctx.masterKey, survey.organizationId, { ...survey, ...round }, now, survey.id),
  );
}

/**
 * The day's refresh of an open round: a start date that arrived, or someone new in the audience,
 * is invited; an invitation whose holder can no longer be surveyed (separation date passed) is
 * withdrawn, and its unsent mails with it. Once a day per round, whichever process comes first.
 */
export async function refreshRound(
  ctx: SurveyContext,
  survey: Survey,
): Promise<{ invited: number; revoked: number } | null> {
  const now = ctx.clock.now();
  const today = calendarDate(now);
  if (survey.refreshedOn === today) return null;
  const result = await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await claimRefresh(trx, survey.id, survey.refreshedOn, today))) return null;
    const audience = await audienceToday(trx, survey, today);
    const existing = await invitationsOf(trx, survey.id);
    const invitedIds = new Set(existing.map((i) => i.employeeId));
    const fresh = new Map([...audience].filter(([id]) => !invitedIds.has(id)));
    const invited = await invite(ctx, trx, survey, fresh, now);
    const employees = await employeesOf(
      trx,
      survey.organizationId,
      existing.filter((i) => i.status === 'active').map((i) => i.employeeId),
    );
    const gone = existing.filter((i) => {
      const e = employees.get(i.employeeId);
      return i.status === 'active' && e !== undefined && !isSurveyable(e, today);
    });
    if (gone.length > 0) {
      await revokeInvitations(
        trx,
        gone.map((i) => i.id),
        now.toISOString(),
      );
      await cancelMails(trx, { invitationIds: gone.map((i) => i.id) });
    }
    return { invited: invited.length, revoked: gone.length };
  });
  if (result !== null && result.invited + result.revoked > 0) {
    ctx.logger.info({ surveyId: survey.id, ...result }, 'survey invitations refreshed');
    ctx.signals.committed.emit();
    ctx.signals.surveysChanged.emit();
  }
  return result;
}

/** Sends reminder `index` of an open round to everyone invited who has not answered: false when it went out already. */
export async function remind(ctx: SurveyContext, survey: Survey, index: number): Promise<boolean> {
  const now = ctx.clock.now();
  const sent = await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await claimReminder(trx, survey.id, index, now.toISOString()))) return false;
    const waiting = (await invitationsOf(trx, survey.id)).filter(
      (i) => i.status === 'active' && i.respondedAt === null,
    );
    await queueMails(
      trx,
      waiting.map((i) => ({ organizationId: i.organizationId, surveyId: i.surveyId, invitationId: i.id })),
      'reminder',
      now,
    );
    const employees = await employeesOf(
      trx,
      survey.organizationId,
      waiting.map((i) => i.employeeId),
    );
    await recordChanges(trx, invitedEvents(ctx, survey, waiting, employees, true, now), { audit: false });
    return true;
  });
  if (sent) {
    ctx.signals.committed.emit();
    ctx.signals.surveysChanged.emit();
  }
  return sent;
}

/** Opens or closes a round by hand (POST …/open, …/close): 409 when it is not in the state for it. */
export async function openNow(ctx: SurveyContext, survey: Survey, actor: Actor): Promise<void> {
  if (survey.status !== 'scheduled' || !(await openRound(ctx, survey, actor)))
    throw problems.conflict(
      `The survey ${survey.id} is ${survey.status === 'scheduled' ? 'already open' : survey.status}; only a scheduled survey can be opened.`,
    );
}

export async function closeNow(ctx: SurveyContext, survey: Survey, actor: Actor): Promise<void> {
  if (survey.status !== 'open' || !(await closeRound(ctx, survey, actor)))
    throw problems.conflict(
      `The survey ${survey.id} is ${survey.status === 'open' ? 'already closed' : survey.status}; only an open survey can be closed.`,
    );
}

/**
 * Withdraws one person's invitation to an open round (someone on leave, a link sent to the wrong
 * place): their link then says the survey is closed for them, and their unsent mails are cancelled.
 * Answers they already gave stay. 404 when the person holds no active invitation.
 */
export async function revokeInvitation(
  ctx: SurveyContext,
  survey: Survey,
  employeeId: string,
  actor: Actor,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const invitation = (await invitationsOf(trx, survey.id)).find(
      (i) => i.employeeId === employeeId && i.status === 'active',
    );
    if (survey.status !== 'open' || invitation === undefined)
      throw problems.notFound(`${employeeId} holds no active invitation to the open survey ${survey.id}.`);
    await revokeInvitations(trx, [invitation.id], now.toISOString());
    await cancelMails(trx, { invitationIds: [invitation.id] });
    await recordAudit(trx, {
      organizationId: survey.organizationId,
      actor,
      action: 'survey.invitation_revoked',
      targetType: 'survey',
      targetId: survey.id,
      details: { employeeId },
      at: now,
    });
  });
}
