// Recognitions (someone thanks colleagues, with points) and the programs they belong to.
import type { Kysely } from 'kysely';
import { type Keyset, type Page, containsLiteral, containsText, pageBy, takePage } from './query';
import type { Database, ProgramsTable, RecognitionsTable } from './schema';

export interface Program {
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  createdAt: string;
}

export interface Recognition {
  id: string;
  organizationId: string;
  giverId: string;
  recipientIds: string[];
  points: number;
  note: string | null;
  programId: string | null;
  createdAt: string;
}

const toProgram = (row: ProgramsTable): Program => ({
  id: row.id,
  organizationId: row.organization_id,
  name: row.name,
  description: row.description,
  createdAt: row.created_at,
});

const toRecognition = (row: RecognitionsTable): Recognition => ({
  id: row.id,
  organizationId: row.organization_id,
  giverId: row.giver_id,
  recipientIds: JSON.parse(row.recipient_ids) as string[],
  points: Number(row.points),
  note: row.note,
  programId: row.program_id,
  createdAt: row.created_at,
});

export async function insertProgram(db: Kysely<Database>, p: Program): Promise<void> {
  await db
    .insertInto('programs')
    .values({
      id: p.id,
      organization_id: p.organizationId,
      name: p.name,
      name_lower: p.name.toLowerCase(),
      description: p.description,
      created_at: p.createdAt,
    })
    .execute();
}

export async function findProgram(db: Kysely<Database>, organizationId: string, id: string): Promise<Program | null> {
  const row = await db
    .selectFrom('programs')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toProgram(row) : null;
}

export async function findProgramIdByName(
  db: Kysely<Database>,
  organizationId: string,
  name: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('programs')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('name_lower', '=', name.toLowerCase())
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function listPrograms(
  db: Kysely<Database>,
  organizationId: string,
  filter: { q?: string },
  keyset: Keyset,
): Promise<Page<Program>> {
  let query = db.selectFrom('programs').selectAll().where('organization_id', '=', organizationId);
  if (filter.q) query = query.where(containsText(['programs.name'], filter.q));
  return takePage((await pageBy(query, keyset).execute()).map(toProgram), keyset.limit);
}

export async function insertRecognition(db: Kysely<Database>, r: Recognition): Promise<void> {
  await db
    .insertInto('recognitions')
    .values({
      id: r.id,
      organization_id: r.organizationId,
      giver_id: r.giverId,
      recipient_ids: JSON.stringify(r.recipientIds),
      points: r.points,
      note: r.note,
      program_id: r.programId,
      created_at: r.createdAt,
    })
    .execute();
}

export async function findRecognition(
  db: Kysely<Database>,
  organizationId: string,
  id: string,
): Promise<Recognition | null> {
  const row = await db
    .selectFrom('recognitions')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRecognition(row) : null;
}

export interface RecognitionFilter {
  q?: string;
  giverId?: string;
  recipientId?: string;
  programId?: string;
  since?: string;
}

export async function listRecognitions(
  db: Kysely<Database>,
  organizationId: string,
  filter: RecognitionFilter,
  keyset: Keyset,
): Promise<Page<Recognition>> {
  let query = db.selectFrom('recognitions').selectAll().where('organization_id', '=', organizationId);
  if (filter.q) query = query.where(containsText(['recognitions.note'], filter.q));
  if (filter.giverId !== undefined) query = query.where('giver_id', '=', filter.giverId);
  if (filter.recipientId !== undefined)
    query = query.where(containsLiteral('recognitions.recipient_ids', JSON.stringify(filter.recipientId)));
  if (filter.programId !== undefined) query = query.where('program_id', '=', filter.programId);
  if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
  return takePage((await pageBy(query, keyset).execute()).map(toRecognition), keyset.limit);
}
