// Users (the people who administer PeopleHub) and their personal API keys.
import type { Kysely } from 'kysely';
import type { AccessRight } from '../core/permissions';
import { QueryTemplate, slot } from './prepared';
import {
  type Keyset,
  type Page,
  containsPattern,
  keysetShape,
  keysetValues,
  pageBy,
  searchPattern,
  takePage,
} from './query';
import type { Database, UserKeysTable, UsersTable } from './schema';

export interface User {
  id: string;
  organizationId: string;
  name: string | null;
  email: string;
  phone: string | null;
  accessRight: AccessRight;
  createdAt: string;
  updatedAt: string;
}

export type UserChanges = Partial<Pick<User, 'name' | 'email' | 'phone' | 'accessRight'>>;

function toUser(row: UsersTable): User {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    accessRight: row.access_right as AccessRight,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** API sort fields and the columns behind them. */
export const USER_SORT_COLUMNS = { createdAt: 'users.created_at', email: 'users.email_lower' } as const;

export function userSortValue(user: User, field: keyof typeof USER_SORT_COLUMNS): string {
  return field === 'email' ? user.email.toLowerCase() : user.createdAt;
}

export async function insertUser(db: Kysely<Database>, user: User): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      organization_id: user.organizationId,
      name: user.name,
      email: user.email,
      email_lower: user.email.toLowerCase(),
      phone: user.phone,
      access_right: user.accessRight,
      created_at: user.createdAt,
      updated_at: user.updatedAt,
    })
    .execute();
}

export async function findUser(db: Kysely<Database>, organizationId: string, id: string): Promise<User | null> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function findUserIdByEmail(
  db: Kysely<Database>,
  organizationId: string,
  email: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('email_lower', '=', email.toLowerCase())
    .executeTakeFirst();
  return row?.id ?? null;
}

export interface UserFilter {
  q?: string;
  accessRight?: AccessRight;
}

const usersPage = new QueryTemplate('users page');

export async function listUsers(
  db: Kysely<Database>,
  organizationId: string,
  filter: UserFilter,
  keyset: Keyset,
): Promise<Page<User>> {
  const values = {
    organizationId,
    pattern: filter.q ? searchPattern(filter.q) : undefined,
    accessRight: filter.accessRight || undefined,
    ...keysetValues(keyset),
  };
  const { rows } = await usersPage.execute(
    db,
    keysetShape(keyset),
    () => {
      let query = db.selectFrom('users').selectAll().where('organization_id', '=', slot('organizationId'));
      if (values.pattern !== undefined)
        query = query.where(containsPattern(['users.name', 'users.email'], slot('pattern')));
      if (values.accessRight !== undefined) query = query.where('access_right', '=', slot('accessRight'));
      return pageBy(query, keyset, 'slots');
    },
    values,
  );
  return takePage(rows.map(toUser), keyset.limit);
}

export async function updateUser(db: Kysely<Database>, user: User): Promise<void> {
  await db
    .updateTable('users')
    .set({
      name: user.name,
      email: user.email,
      email_lower: user.email.toLowerCase(),
      phone: user.phone,
      access_right: user.accessRight,
      updated_at: user.updatedAt,
    })
    .where('organization_id', '=', user.organizationId)
    .where('id', '=', user.id)
    .execute();
}

export async function deleteUser(db: Kysely<Database>, organizationId: string, id: string): Promise<void> {
  await db.deleteFrom('users').where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

export async function countOwners(db: Kysely<Database>, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('organization_id', '=', organizationId)
    .where('access_right', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertUserKey(
  db: Kysely<Database>,
  key: { id: string; organizationId: string; userId: string; keyHash: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('user_keys')
    .values({
      id: key.id,
      organization_id: key.organizationId,
      user_id: key.userId,
      key_hash: key.keyHash,
      created_at: key.createdAt,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
}

/** A personal key as listed: never the key itself, which exists only as a hash. */
export interface UserKey {
  id: string;
  userId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const toUserKey = (row: UserKeysTable): UserKey => ({
  id: row.id,
  userId: row.user_id,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

/** A user's keys, newest first (live and revoked). */
export async function listUserKeys(db: Kysely<Database>, organizationId: string, userId: string): Promise<UserKey[]> {
  const rows = await db
    .selectFrom('user_keys')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toUserKey);
}

export async function findUserKey(
  db: Kysely<Database>,
  organizationId: string,
  userId: string,
  keyId: string,
): Promise<UserKey | null> {
  const row = await db
    .selectFrom('user_keys')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .where('id', '=', keyId)
    .executeTakeFirst();
  return row ? toUserKey(row) : null;
}

/** Revokes a live key; false when it was not live (already revoked, perhaps a moment ago by another request). */
export async function revokeUserKey(db: Kysely<Database>, keyId: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('user_keys')
    .set({ revoked_at: at })
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countLiveKeys(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('user_keys')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Owners who hold a live key, leaving out one user or one key: who could still sign in as an owner after a change. */
export async function countOwnersWithKeys(
  db: Kysely<Database>,
  organizationId: string,
  without: { userId?: string; keyId?: string },
): Promise<number> {
  let query = db
    .selectFrom('users')
    .select((eb) => eb.fn.count('users.id').distinct().as('n'))
    .innerJoin('user_keys', 'user_keys.user_id', 'users.id')
    .where('users.organization_id', '=', organizationId)
    .where('users.access_right', '=', 'owner')
    .where('user_keys.revoked_at', 'is', null);
  if (without.userId !== undefined) query = query.where('users.id', '!=', without.userId);
  if (without.keyId !== undefined) query = query.where('user_keys.id', '!=', without.keyId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/**
 * Locks the organization's owner rows until the transaction ends (PostgreSQL), so two changes that
 * each leave one owner able to sign in cannot together leave none. SQLite runs one write at a time.
 */
export async function lockOwners(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  organizationId: string,
): Promise<void> {
  if (dialect !== 'postgres') return;
  await db
    .selectFrom('users')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('access_right', '=', 'owner')
    .forUpdate()
    .execute();
}

export interface UserKeyMatch {
  keyId: string;
  keyHash: string;
  lastUsedAt: string | null;
  user: User;
}

/** The live key with this hash, and its user. */
export async function findUserByKeyHash(db: Kysely<Database>, keyHash: string): Promise<UserKeyMatch | null> {
  const row = await db
    .selectFrom('user_keys')
    .innerJoin('users', 'users.id', 'user_keys.user_id')
    .selectAll('users')
    .select(['user_keys.id as key_id', 'user_keys.key_hash', 'user_keys.last_used_at'])
    .where('user_keys.key_hash', '=', keyHash)
    .where('user_keys.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  return { keyId: row.key_id, keyHash: row.key_hash, lastUsedAt: row.last_used_at, user: toUser(row) };
}

export async function touchUserKey(db: Kysely<Database>, keyId: string, at: string): Promise<void> {
  await db.updateTable('user_keys').set({ last_used_at: at }).where('id', '=', keyId).execute();
}
