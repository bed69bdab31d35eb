// The queue of survey e-mails. A row says whom to mail about what; the body and the link are made
// when it is sent, so the queue holds neither.
import type { Kysely } from 'kysely';
import { newId } from '../core/ids';
import type { Database, SurveyMailsTable } from './schema';

export type SurveyMailKind = 'invitation' | 'reminder';
export type SurveyMailStatus = 'pending' | 'sent' | 'kept' | 'failed' | 'cancelled';

export interface SurveyMail {
  id: string;
  organizationId: string;
  surveyId: string;
  invitationId: string;
  kind: SurveyMailKind;
  status: SurveyMailStatus;
  attempts: number;
  leaseUntil: string | null;
}

const toMail = (row: SurveyMailsTable): SurveyMail => ({
  id: row.id,
  organizationId: row.organization_id,
  surveyId: row.survey_id,
  invitationId: row.invitation_id,
  kind: row.kind as SurveyMailKind,
  status: row.status as SurveyMailStatus,
  attempts: Number(row.attempts),
  leaseUntil: row.lease_until,
});

/** Queues one mail per invitation (call it in the transaction that invites or reminds). */
export async function queueMails(
  db: Kysely<Database>,
  mails: { organizationId: string; surveyId: string; invitationId: string }[],
  kind: SurveyMailKind,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  for (let i = 0; i < mails.length; i += 200) {
    await db
      .insertInto('survey_mails')
      .values(
        mails.slice(i, i + 200).map((m) => ({
          id: newId('sml', now),
          organization_id: m.organizationId,
          survey_id: m.surveyId,
          invitation_id: m.invitationId,
          kind,
          status: 'pending',
          attempts: 0,
          next_attempt_at: at,
          lease_until: null,
          sent_at: null,
          error: null,
          created_at: at,
        })),
      )
      .execute();
  }
}

/**
 * Takes up to `limit` due mails for this process until `leaseUntil`: each is claimed by a
 * compare-and-set on its lease, so two processes never send the same mail.
 */
export async function claimMails(
  db: Kysely<Database>,
  now: string,
  leaseUntil: string,
  limit: number,
): Promise<SurveyMail[]> {
  const candidates = await db
    .selectFrom('survey_mails')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  const claimed: SurveyMail[] = [];
  for (const row of candidates) {
    let update = db
      .updateTable('survey_mails')
      .set({ lease_until: leaseUntil })
      .where('id', '=', row.id)
      .where('status', '=', 'pending');
    update =
      row.lease_until === null
        ? update.where('lease_until', 'is', null)
        : update.where('lease_until', '=', row.lease_until);
    if (Number((await update.executeTakeFirst()).numUpdatedRows) === 1) claimed.push({ ...toMail(row), leaseUntil });
  }
  return claimed;
}

export interface MailResult {
  status: SurveyMailStatus;
  sentAt: string | null;
  error: string | null;
  nextAttemptAt: string;
}

/** Records what became of a claimed mail, if this process still holds its lease. */
export async function finishMail(db: Kysely<Database>, mail: SurveyMail, result: MailResult): Promise<void> {
  await db
    .updateTable('survey_mails')
    .set({
      status: result.status,
      attempts: mail.attempts + 1,
      sent_at: result.sentAt,
      error: result.error,
      next_attempt_at: result.nextAttemptAt,
      lease_until: null,
    })
    .where('id', '=', mail.id)
    .where('lease_until', '=', mail.leaseUntil)
    .execute();
}

/** Cancels a round's unsent mails (it closed), or one invitation's (it was revoked). */
export async function cancelMails(
  db: Kysely<Database>,
  where: { surveyId: string } | { invitationIds: string[] },
): Promise<void> {
  if ('surveyId' in where) {
    await db
      .updateTable('survey_mails')
      .set({ status: 'cancelled', lease_until: null })
      .where('survey_id', '=', where.surveyId)
      .where('status', '=', 'pending')
      .execute();
    return;
  }
  for (let i = 0; i < where.invitationIds.length; i += 500) {
    await db
      .updateTable('survey_mails')
      .set({ status: 'cancelled', lease_until: null })
      .where('invitation_id', 'in', where.invitationIds.slice(i, i + 500))
      .where('status', '=', 'pending')
      .execute();
  }
}

/** How a round's mails stand, by status. */
export async function mailCounts(db: Kysely<Database>, surveyId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('survey_mails')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('survey_id', '=', surveyId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
