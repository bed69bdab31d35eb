// Survey rounds as people define them: create, change, delete, and how a round reads. What happens
// to a round over time (opening, reminders, closing) is lifecycle.ts.
import { newId } from '../../core/ids';
import { problems } from '../../core/problem';
import { type SurveyDefinition, definitionErrors, inUtc } from '../../core/surveys';
import { resolveSegments } from '../../core/segment-resolution';
import { tenureBands } from '../../core/tenure';
import { recordAudit } from '../../store/audit';
import { findOrganization } from '../../store/organizations';
import { loadPeople } from '../../store/segments';
import { type InvitationTally, invitationTalliesOf } from '../../store/survey-invitations';
import {
  type Survey,
  deleteScheduledSurvey,
  findSurvey,
  followingSurveyIds,
  insertSurvey,
  updateSurvey as updateSurveyRow,
} from '../../store/surveys';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema';
import type { DomainContext } from '../context';
import { type Principal, principalActor } from '../principal';
import { newLinkKey } from './links';
import { participationOf } from './participation';

/** A round as the API shows it: its definition, its state and its participation (counts only). */
export async function presentSurvey(db: Kysely<Database>, survey: Survey, threshold: number) {
  return (await presentSurveys(db, [survey], threshold))[0];
}

/** Rounds as the API shows them, read together (a page of the list costs two queries, not two a round). */
export async function presentSurveys(db: Kysely<Database>, surveys: Survey[], threshold: number) {
  const ids = surveys.map((s) => s.id);
  const tallies = await invitationTalliesOf(db, ids);
  const next = await followingSurveyIds(db, ids);
  return surveys.map((survey) => present(survey, tallies.get(survey.id) ?? [], next.get(survey.id) ?? null, threshold));
}

function present(survey: Survey, tallies: InvitationTally[], nextId: string | null, threshold: number) {
  return {
    id: survey.id,
    name: survey.name,
    status: survey.status,
    questions: survey.questions,
    opensAt: survey.opensAt,
    closesAt: survey.closesAt,
    reminders: survey.reminders,
    audience: survey.audience,
    cadence: survey.cadence,
    openedAt: survey.openedAt,
    closedAt: survey.closedAt,
    remindersSent: survey.remindersSent,
    previousId: survey.previousId,
    nextId,
    participation: participationOf(survey, tallies, threshold),
    results:
      survey.outcome === null
        ? null
        : { score: survey.outcome.score, enps: survey.outcome.enps, hidden: survey.outcome.hidden },
    createdAt: survey.createdAt,
    updatedAt: survey.updatedAt,
  };
}

/** Checks a definition against the rules and the organization (audience segments must name something real). */
async function checkDefinition(ctx: DomainContext, organizationId: string, d: SurveyDefinition): Promise<void> {
  const errors = definitionErrors(d);
  if (errors.length > 0) throw problems.validation(errors);
  if (d.audience.length === 0) return;
  const org = await findOrganization(ctx.store.db, organizationId);
  if (!org) throw problems.notFound('The organization no longer exists.');
  const people = await loadPeople(ctx.store.db, organizationId, tenureBands(org.tenureBoundaries));
  resolveSegments(d.audience, people, true, { location: 'body', path: '/audience' });
}

/** A new scheduled round with a link key of its own (created by hand, by a cadence, or by the demo). */
export function scheduledRound(
  masterKey: Buffer,
  organizationId: string,
  d: SurveyDefinition,
  now: Date,
  previousId: string | null = null,
): Survey {
  const id = newId('srv', now);
  return {
    id,
    organizationId,
    name: d.name,
    questions: d.questions,
    opensAt: d.opensAt,
    closesAt: d.closesAt,
    reminders: d.reminders,
    audience: d.audience,
    cadence: d.cadence,
    status: 'scheduled',
    openedAt: null,
    closedAt: null,
    remindersSent: 0,
    refreshedOn: null,
    linkKey: newLinkKey(masterKey, id),
    previousId,
    outcome: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

export async function createSurvey(ctx: DomainContext, who: Principal, input: SurveyDefinition): Promise<Survey> {
  const d = inUtc(input);
  await checkDefinition(ctx, who.organizationId, d);
  const now = ctx.clock.now();
  const survey = scheduledRound(ctx.masterKey, who.organizationId, d, now);
  const { id } = survey;
  await ctx.store.db.transaction().execute(async (trx) => {
    await insertSurvey(trx, survey);
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'survey.created',
      targetType: 'survey',
      targetId: id,
      details: { name: d.name, opensAt: d.opensAt, closesAt: d.closesAt },
      at: now,
    });
  });
  // A round due already opens at the worker's next pass; the signal makes that now.
  ctx.signals.surveysChanged.emit();
  return survey;
}

export async function getSurvey(ctx: DomainContext, organizationId: string, id: string): Promise<Survey> {
  const survey = await findSurvey(ctx.store.db, organizationId, id);
  if (!survey) throw problems.notFound(`There is no survey ${id}.`);
  return survey;
}

/** What may change while a round is open. */
const OPEN_FIELDS = new Set(['name', 'closesAt']);

/**
 * Changes a round: anything before it opens; only its name and closing time while it is open
 * (409 naming the fields otherwise); nothing once it closed.
 */
export async function updateSurvey(
  ctx: DomainContext,
  who: Principal,
  id: string,
  input: Partial<SurveyDefinition>,
): Promise<Survey> {
  const changes = inUtc(input);
  const survey = await getSurvey(ctx, who.organizationId, id);
  const fields = Object.keys(changes).filter((k) => changes[k as keyof SurveyDefinition] !== undefined);
  if (survey.status === 'closed') throw problems.conflict(`The survey ${id} is closed; it can no longer change.`);
  if (survey.status === 'open') {
    const refused = fields.filter((f) => !OPEN_FIELDS.has(f));
    if (refused.length > 0)
      throw problems.conflict(
        `The survey ${id} is open: only name and closesAt can change now (not ${refused.join(', ')}).`,
        { refused },
      );
  }
  const now = ctx.clock.now();
  const next: Survey = { ...survey, ...changes, updatedAt: now.toISOString() } as Survey;
  await checkDefinition(ctx, who.organizationId, next);
  if (survey.status === 'open' && changes.closesAt !== undefined && Date.parse(changes.closesAt) <= now.getTime())
    throw problems.validation([
      {
        location: 'body',
        path: '/closesAt',
        message: 'must be in the future while the survey is open (or close it now)',
      },
    ]);
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await updateSurveyRow(trx, next, survey.status)))
      throw problems.conflict(`The survey ${id} changed state meanwhile; read it again.`);
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'survey.updated',
      targetType: 'survey',
      targetId: id,
      details: { changed: fields },
      at: now,
    });
  });
  ctx.signals.surveysChanged.emit();
  return next;
}

/** Deletes a round that has not opened; 409 once it has. */
export async function deleteSurvey(ctx: DomainContext, who: Principal, id: string): Promise<void> {
  const survey = await getSurvey(ctx, who.organizationId, id);
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await deleteScheduledSurvey(trx, who.organizationId, id)))
      throw problems.conflict(
        `The survey ${id} is ${survey.status === 'scheduled' ? 'no longer scheduled' : survey.status}: only a survey that has not opened can be deleted.`,
      );
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'survey.deleted',
      targetType: 'survey',
      targetId: id,
      details: { name: survey.name },
      at: now,
    });
  });
}
