// The people who administer PeopleHub: adding, changing and removing them. Only an owner may grant,
// change or take away the owner access right, and some owner must always be able to sign in.
import type { AccessRight } from '../core/permissions';
import { diffFields } from '../core/diff';
import { newId } from '../core/ids';
import { problems } from '../core/problem';
import { isUniqueViolation } from '../store/errors';
import { recordChange } from '../store/events';
import {
  type User,
  deleteUser as deleteUserRow,
  findUser,
  findUserIdByEmail,
  insertUser,
  updateUser as updateUserRow,
} from '../store/users';
import type { DomainContext } from './context';
import { changeCredentials } from './credentials';
import { guardOwnerAccess } from './owner-access';
import { type Principal, isOwner, principalActor } from './principal';

const USER_DIFF_FIELDS = [
  { field: 'name', label: 'Name' },
  { field: 'email', label: 'Email' },
  { field: 'phone', label: 'Phone' },
  { field: 'accessRight', label: 'Access right' },
];

export function presentUser(user: User) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    phone: user.phone,
    accessRight: user.accessRight,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

/** Owners are the only ones who may create, change or remove an owner. */
function guardOwnerChange(principal: Principal, touchesOwner: boolean): void {
  if (touchesOwner && !isOwner(principal))
    throw problems.forbidden('Only an owner can grant, change or remove the owner access right.');
}

function duplicateEmail(email: string) {
  return problems.conflict(`A user with the email ${email} already exists in this organization.`, { field: 'email' });
}

export interface UserFields {
  email?: string;
  name?: string | null;
  phone?: string | null;
  accessRight?: AccessRight;
}

/** Adds a user; 403 when a non-owner grants owner, 409 for a taken email. */
export async function createUser(
  ctx: DomainContext,
  who: Principal,
  input: UserFields & { email: string; accessRight: AccessRight },
): Promise<User> {
  guardOwnerChange(who, input.accessRight === 'owner');
  const now = ctx.clock.now();
  const user: User = {
    id: newId('usr', now),
    organizationId: who.organizationId,
    name: input.name ?? null,
    email: input.email,
    phone: input.phone ?? null,
    accessRight: input.accessRight,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  try {
    await ctx.store.db.transaction().execute(async (trx) => {
      if ((await findUserIdByEmail(trx, who.organizationId, user.email)) !== null) throw duplicateEmail(user.email);
      await insertUser(trx, user);
      await recordChange(trx, {
        organizationId: who.organizationId,
        type: 'user.updated',
        actor: principalActor(who),
        object: presentUser(user),
        changes: diffFields({}, presentUser(user), USER_DIFF_FIELDS),
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        at: now,
      });
    });
  } catch (error) {
    throw isUniqueViolation(error) ? duplicateEmail(user.email) : error;
  }
  return user;
}

/**
 * Changes a user; an access right change counts from the next request on. 409 for a taken email,
 * or when no owner could sign in afterwards.
 */
export async function updateUser(ctx: DomainContext, who: Principal, id: string, input: UserFields): Promise<User> {
  const now = ctx.clock.now();
  try {
    return await changeCredentials(ctx, async (trx) => {
      const before = await findUser(trx, who.organizationId, id);
      if (!before) throw problems.notFound(`There is no user ${id}.`);
      const after: User = {
        ...before,
        name: input.name === undefined ? before.name : input.name,
        email: input.email ?? before.email,
        phone: input.phone === undefined ? before.phone : input.phone,
        accessRight: input.accessRight ?? before.accessRight,
      };
      const changes = diffFields(presentUser(before), presentUser(after), USER_DIFF_FIELDS);
      if (changes.length === 0) return before;
      guardOwnerChange(who, before.accessRight === 'owner' || after.accessRight === 'owner');
      if (before.accessRight === 'owner' && after.accessRight !== 'owner')
        await guardOwnerAccess(trx, ctx.store.dialect, who.organizationId, { userId: before.id });
      if (after.email !== before.email) {
        const holder = await findUserIdByEmail(trx, who.organizationId, after.email);
        if (holder !== null && holder !== before.id) throw duplicateEmail(after.email);
      }
      const user = { ...after, updatedAt: now.toISOString() };
      await updateUserRow(trx, user);
      await recordChange(trx, {
        organizationId: who.organizationId,
        type: 'user.updated',
        actor: principalActor(who),
        object: presentUser(user),
        changes,
        targetType: 'user',
        targetId: user.id,
        at: now,
      });
      return user;
    });
  } catch (error) {
    throw isUniqueViolation(error) ? duplicateEmail(input.email ?? '') : error;
  }
}

/** Removes a user with their keys; 409 when it is the last owner, or the last owner who could sign in. */
export async function deleteUser(ctx: DomainContext, who: Principal, id: string): Promise<void> {
  const now = ctx.clock.now();
  await changeCredentials(ctx, async (trx) => {
    const user = await findUser(trx, who.organizationId, id);
    if (!user) throw problems.notFound(`There is no user ${id}.`);
    guardOwnerChange(who, user.accessRight === 'owner');
    if (user.accessRight === 'owner')
      await guardOwnerAccess(trx, ctx.store.dialect, who.organizationId, { userId: user.id });
    await deleteUserRow(trx, who.organizationId, user.id);
    await recordChange(trx, {
      organizationId: who.organizationId,
      type: 'user.deleted',
      actor: principalActor(who),
      object: presentUser(user),
      targetType: 'user',
      targetId: user.id,
      at: now,
    });
  });
}
