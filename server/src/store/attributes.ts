// Custom attribute definitions: the typed fields employees may carry besides the built-in ones.
import type { Kysely } from 'kysely';
import type { AttributeDefinition, AttributeType } from '../core/attributes';
import { QueryTemplate, slot } from './prepared';
import type { AttributesTable, Database } from './schema';

export interface Attribute extends AttributeDefinition {
  id: string;
  organizationId: string;
  createdAt: string;
  updatedAt: string;
}

function toAttribute(row: AttributesTable): Attribute {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    type: row.type as AttributeType,
    options: JSON.parse(row.options) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listAttributes(db: Kysely<Database>, organizationId: string): Promise<Attribute[]> {
  const { rows } = await attributeList.execute(
    db,
    '',
    () =>
      db
        .selectFrom('attributes')
        .selectAll()
        .where('organization_id', '=', slot('organizationId'))
        .orderBy('name_lower'),
    { organizationId },
  );
  return rows.map(toAttribute);
}

/** Read by every employee write, to check custom attributes against their definitions. */
const attributeList = new QueryTemplate('attribute definitions');

/** Definitions keyed by lower-cased name: attribute names match case-insensitively. */
export async function attributesByName(db: Kysely<Database>, organizationId: string): Promise<Map<string, Attribute>> {
  return new Map((await listAttributes(db, organizationId)).map((a) => [a.name.toLowerCase(), a]));
}

export async function findAttribute(
  db: Kysely<Database>,
  organizationId: string,
  id: string,
): Promise<Attribute | null> {
  const row = await db
    .selectFrom('attributes')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toAttribute(row) : null;
}

export async function insertAttribute(db: Kysely<Database>, attribute: Attribute): Promise<void> {
  await db
    .insertInto('attributes')
    .values({
      id: attribute.id,
      organization_id: attribute.organizationId,
      name: attribute.name,
      name_lower: attribute.name.toLowerCase(),
      type: attribute.type,
      options: JSON.stringify(attribute.options),
      created_at: attribute.createdAt,
      updated_at: attribute.updatedAt,
    })
    .execute();
}

export async function updateAttribute(db: Kysely<Database>, attribute: Attribute): Promise<void> {
  await db
    .updateTable('attributes')
    .set({
      name: attribute.name,
      name_lower: attribute.name.toLowerCase(),
      options: JSON.stringify(attribute.options),
      updated_at: attribute.updatedAt,
    })
    .where('id', '=', attribute.id)
    .execute();
}

export async function deleteAttribute(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('attributes').where('id', '=', id).execute();
}
