// Keeping an organization manageable: some owner must always be able to sign in. Personal keys are
// issued here, for the API and for the break-glass command alike, and every change that could take
// the last owner's access away (stepping down, removal, revoking a key) is checked here.
import type { Kysely } from 'kysely';
import type { Actor } from '../core/actor';
import { newId } from '../core/ids';
import { generateToken, hashToken } from '../core/tokens';
import { problems } from '../core/problem';
import { recordAudit } from '../store/audit';
import type { Dialect } from '../store/database';
import type { Database } from '../store/schema';
import { type User, countLiveKeys, countOwners, countOwnersWithKeys, insertUserKey, lockOwners } from '../store/users';

/** Live keys one user may hold at once: enough for a laptop, a CI job and a spare. */
export const MAX_LIVE_KEYS = 10;

export interface IssuedKey {
  id: string;
  userId: string;
  createdAt: string;
  lastUsedAt: null;
  revokedAt: null;
  /** Shown once; the store keeps its hash. */
  key: string;
}

/**
 * Issues a key and records who did it. The API keeps to MAX_LIVE_KEYS; the break-glass command does
 * not, because it is needed most when an owner's keys have to be replaced in a hurry.
 */
export async function issueUserKey(
  db: Kysely<Database>,
  user: User,
  actor: Actor,
  at: Date,
  options: { enforceLimit: boolean },
): Promise<IssuedKey> {
  if (options.enforceLimit && (await countLiveKeys(db, user.id)) >= MAX_LIVE_KEYS) {
    throw problems.conflict(`This user already holds ${MAX_LIVE_KEYS} live keys; revoke one first.`);
  }
  const key = generateToken('user');
  const record = {
    id: newId('ukey', at),
    organizationId: user.organizationId,
    userId: user.id,
    keyHash: hashToken(key),
    createdAt: at.toISOString(),
  };
  await insertUserKey(db, record);
  await recordAudit(db, {
    organizationId: user.organizationId,
    actor,
    action: 'user.key_issued',
    targetType: 'user',
    targetId: user.id,
    details: { keyId: record.id },
    at,
  });
  return { id: record.id, userId: user.id, createdAt: record.createdAt, lastUsedAt: null, revokedAt: null, key };
}

/**
 * Refuses a change that would leave no owner able to sign in: an owner stepping down or being
 * removed (`userId`), or a key being revoked (`keyId`). Call it inside the change's transaction.
 */
export async function guardOwnerAccess(
  db: Kysely<Database>,
  dialect: Dialect,
  organizationId: string,
  change: { userId: string } | { keyId: string },
): Promise<void> {
  await lockOwners(db, dialect, organizationId);
  if ('userId' in change && (await countOwners(db, organizationId)) <= 1)
    throw problems.conflict('This is the last owner; make another user an owner first.');
  if ((await countOwnersWithKeys(db, organizationId, change)) === 0) {
    const what = 'userId' in change ? 'step down or be removed' : 'lose this key';
    throw problems.conflict(
      `No other owner holds a personal key, so nobody could sign in as an owner if this owner were to ${what}; issue another owner a key first (POST /v1/users/{id}/keys).`,
    );
  }
}
