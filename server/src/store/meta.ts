// Facts about the store itself, as key and value (the master key's check value).
import type { Kysely } from 'kysely';
import type { Database } from './schema';

export async function readMeta(db: Kysely<Database>, key: string): Promise<string | null> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

/** Writes `value` unless the key already has one; the first writer wins, so read the key again after. */
export async function initMeta(db: Kysely<Database>, key: string, value: string): Promise<void> {
  await db
    .insertInto('meta')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}
