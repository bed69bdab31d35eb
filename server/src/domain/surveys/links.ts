// Personal links: each round has its own key, sealed with the master key; a link is the invitation's
// id and its MAC under that key (core/survey-links). Reading a link tells what its holder may see.
import { randomBytes } from 'node:crypto';
import { calendarDate, isSurveyable } from '../../core/employee-status';
import { openSecret, sealSecret } from '../../core/secret-box';
import { NO_KEY, invitationOfToken, linkToken, tokenMatches } from '../../core/survey-links';
import { type Employee, findEmployee } from '../../store/employees';
import { type Organization, findOrganization } from '../../store/organizations';
import { type Invitation, findInvitation } from '../../store/survey-invitations';
import { type Survey, findSurveyById } from '../../store/surveys';
import type { DomainContext } from '../context';
import type { SurveyContext } from './context';

const purposeOf = (surveyId: string) => `survey-link-key:${surveyId}`;

/** A new round's link key, sealed for its row. */
export function newLinkKey(masterKey: Buffer, surveyId: string): string {
  return sealSecret(masterKey, randomBytes(32).toString('base64'), purposeOf(surveyId));
}

function linkKeyOf(masterKey: Buffer, survey: Survey): Buffer {
  return Buffer.from(openSecret(masterKey, survey.linkKey, purposeOf(survey.id)), 'base64');
}

/** The answer page's address for an invitation: a bearer secret, derived again whenever it is needed. */
export function answerUrl(
  ctx: Pick<SurveyContext, 'masterKey' | 'publicUrl'>,
  survey: Survey,
  invitationId: string,
): string {
  return `${ctx.publicUrl.replace(/\/+$/, '')}/s/${linkToken(linkKeyOf(ctx.masterKey, survey), invitationId)}`;
}

/** What a link opens: nothing, a closed round, an invitation withdrawn, or the questions. */
export type LinkState =
  | { kind: 'invalid' }
  | { kind: 'closed'; survey: Survey; organization: Organization; closedAt: string }
  | { kind: 'revoked'; survey: Survey; organization: Organization }
  | { kind: 'open'; survey: Survey; organization: Organization; invitation: Invitation; employee: Employee };

/**
 * Reads a token. Its MAC is checked in constant time, against a key of no round when the invitation
 * does not exist, so that a made-up link takes as long as a real one; whatever is wrong with a
 * link that is not genuine, the answer is the same "invalid".
 */
export async function readLink(ctx: DomainContext, token: string): Promise<LinkState> {
  const invitationId = invitationOfToken(token);
  if (invitationId === null) return { kind: 'invalid' };
  const { db } = ctx.store;
  const invitation = await findInvitation(db, invitationId);
  const survey = invitation === null ? null : await findSurveyById(db, invitation.surveyId);
  const genuine = tokenMatches(survey === null ? NO_KEY : linkKeyOf(ctx.masterKey, survey), token, invitationId);
  if (!genuine || invitation === null || survey === null || survey.status === 'scheduled') return { kind: 'invalid' };
  const organization = await findOrganization(db, survey.organizationId);
  if (organization === null) return { kind: 'invalid' };
  const now = ctx.clock.now();
  if (survey.status === 'closed')
    return { kind: 'closed', survey, organization, closedAt: survey.closedAt ?? survey.closesAt };
  if (Date.parse(survey.closesAt) <= now.getTime())
    return { kind: 'closed', survey, organization, closedAt: survey.closesAt };
  if (invitation.status === 'revoked') return { kind: 'revoked', survey, organization };
  const employee = await findEmployee(db, survey.organizationId, invitation.employeeId);
  if (employee === null) return { kind: 'invalid' };
  // A separation date that passed today counts at once, before the day's refresh revokes the invitation.
  if (!isSurveyable(employee, calendarDate(now))) return { kind: 'revoked', survey, organization };
  return { kind: 'open', survey, organization, invitation, employee };
}
