// Survey invitations: one per person and round. Who responded is kept here so that reminders skip
// them; the API only ever shows counts.
import { type Kysely, sql } from 'kysely';
import type { Database, SurveyInvitationsTable } from './schema';

export type InvitationStatus = 'active' | 'revoked';

export interface Invitation {
  id: string;
  organizationId: string;
  surveyId: string;
  employeeId: string;
  status: InvitationStatus;
  segments: string[];
  invitedAt: string;
  revokedAt: string | null;
  respondedAt: string | null;
}

const toInvitation = (row: SurveyInvitationsTable): Invitation => ({
  id: row.id,
  organizationId: row.organization_id,
  surveyId: row.survey_id,
  employeeId: row.employee_id,
  status: row.status as InvitationStatus,
  segments: JSON.parse(row.segments) as string[],
  invitedAt: row.invited_at,
  revokedAt: row.revoked_at,
  respondedAt: row.responded_at,
});

const BATCH = 200;

export async function insertInvitations(db: Kysely<Database>, invitations: Invitation[]): Promise<void> {
  for (let i = 0; i < invitations.length; i += BATCH) {
    await db
      .insertInto('survey_invitations')
      .values(
        invitations.slice(i, i + BATCH).map((inv) => ({
          id: inv.id,
          organization_id: inv.organizationId,
          survey_id: inv.surveyId,
          employee_id: inv.employeeId,
          status: inv.status,
          segments: JSON.stringify(inv.segments),
          invited_at: inv.invitedAt,
          revoked_at: inv.revokedAt,
          responded_at: inv.respondedAt,
        })),
      )
      .execute();
  }
}

/** An invitation by id alone: what a personal link names. */
export async function findInvitation(db: Kysely<Database>, id: string): Promise<Invitation | null> {
  const row = await db.selectFrom('survey_invitations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toInvitation(row) : null;
}

/** Every invitation of a round. */
export async function invitationsOf(db: Kysely<Database>, surveyId: string): Promise<Invitation[]> {
  const rows = await db.selectFrom('survey_invitations').selectAll().where('survey_id', '=', surveyId).execute();
  return rows.map(toInvitation);
}

export async function revokeInvitations(db: Kysely<Database>, ids: string[], at: string): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .updateTable('survey_invitations')
      .set({ status: 'revoked', revoked_at: at })
      .where('id', 'in', ids.slice(i, i + 500))
      .where('status', '=', 'active')
      .execute();
  }
}

/** Records a response; false when the invitation is no longer active (revoked meanwhile). */
export async function markResponded(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('survey_invitations')
    .set({ responded_at: at })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * For each [firstDay, lastDay], the people invited to the rounds that were open at some point in it,
 * with their department: null for a range in which no round ran (the overview then counts everyone
 * who could be surveyed, as without surveys).
 */
export async function invitedInRanges(
  db: Kysely<Database>,
  organizationId: string,
  ranges: [string, string][],
): Promise<(Map<string, string | null> | null)[]> {
  const day = (instant: string | null) => (instant === null ? '9999-12-31' : instant.slice(0, 10));
  const rounds = await db
    .selectFrom('surveys')
    .select(['id', 'opened_at', 'closed_at'])
    .where('organization_id', '=', organizationId)
    .where('opened_at', 'is not', null)
    .execute();
  const ranIn = ranges.map(([first, last]) =>
    rounds.filter((r) => day(r.opened_at) <= last && day(r.closed_at) >= first).map((r) => r.id),
  );
  const ran = [...new Set(ranIn.flat())];
  // No round in any of the periods (the usual case without surveys): nothing more to read.
  if (ran.length === 0) return ranges.map(() => null);
  const rows: {
    surveyId: string;
    employeeId: string;
    department: string | null;
    invitedAt: string;
    revokedAt: string | null;
    respondedAt: string | null;
  }[] = [];
  for (let i = 0; i < ran.length; i += 200) {
    rows.push(
      ...(await db
        .selectFrom('survey_invitations')
        .innerJoin('employees', 'employees.id', 'survey_invitations.employee_id')
        .select([
          'survey_invitations.survey_id as surveyId',
          'survey_invitations.employee_id as employeeId',
          'employees.department as department',
          'survey_invitations.invited_at as invitedAt',
          'survey_invitations.revoked_at as revokedAt',
          'survey_invitations.responded_at as respondedAt',
        ])
        .where('survey_invitations.survey_id', 'in', ran.slice(i, i + 200))
        .execute()),
    );
  }
  return ranges.map(([first, last], i) => {
    if (ranIn[i].length === 0) return null;
    const running = new Set(ranIn[i]);
    const invited = new Map<string, string | null>();
    for (const r of rows) {
      const held =
        day(r.invitedAt) <= last && (r.revokedAt === null || r.respondedAt !== null || day(r.revokedAt) >= first);
      if (running.has(r.surveyId) && held) invited.set(r.employeeId, r.department);
    }
    return invited;
  });
}

/** A round's invitations counted by the audience segments they were in: what participation reads. */
export interface InvitationTally {
  segments: string[];
  /** Invitations that count: still open to their holder, or answered before they were withdrawn. */
  counted: number;
  responded: number;
}

export async function invitationTallies(db: Kysely<Database>, surveyId: string): Promise<InvitationTally[]> {
  return (await invitationTalliesOf(db, [surveyId])).get(surveyId) ?? [];
}

/** The tallies of several rounds in one query (a page of the list), by round. */
export async function invitationTalliesOf(
  db: Kysely<Database>,
  surveyIds: string[],
): Promise<Map<string, InvitationTally[]>> {
  const tallies = new Map<string, InvitationTally[]>();
  if (surveyIds.length === 0) return tallies;
  const rows = await db
    .selectFrom('survey_invitations')
    .select([
      'survey_id',
      'segments',
      sql<number>`sum(case when status = 'active' or responded_at is not null then 1 else 0 end)`.as('counted'),
      sql<number>`sum(case when responded_at is not null then 1 else 0 end)`.as('responded'),
    ])
    .where('survey_id', 'in', surveyIds)
    .groupBy(['survey_id', 'segments'])
    .execute();
  for (const r of rows) {
    const list = tallies.get(r.survey_id) ?? [];
    list.push({
      segments: JSON.parse(r.segments) as string[],
      counted: Number(r.counted),
      responded: Number(r.responded),
    });
    tallies.set(r.survey_id, list);
  }
  return tallies;
}
