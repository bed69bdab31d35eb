// The organization: creating one with its first owner (`peoplehub init`, the demo, tests), and
// renaming it or redefining its tenure bands.
import type { Clock } from '../clock';
import { SYSTEM_ACTOR } from '../core/actor';
import { newId } from '../core/ids';
import type { AccessRight } from '../core/permissions';
import { problems } from '../core/problem';
import { DEFAULT_TENURE_BOUNDARIES, boundariesProblem, tenureBands } from '../core/tenure';
import { generateToken, hashToken } from '../core/tokens';
import type { Store } from '../store/database';
import { recordChange } from '../store/events';
import {
  type Organization,
  findOrganization,
  insertOrganization,
  updateOrganization as updateOrganizationRow,
} from '../store/organizations';
import { insertUser, insertUserKey } from '../store/users';
import type { DomainContext } from './context';
import { type Principal, principalActor } from './principal';

export interface NewOrganization {
  organizationId: string;
  userId: string;
  /** The owner's personal key; shown once, stored only as a hash. */
  ownerKey: string;
  /** Keys of the other users, when the input asked for them (the demo does, one per access right). */
  userKeys: { userId: string; email: string; accessRight: AccessRight; key: string }[];
}

export interface OrganizationInput {
  name: string;
  ownerEmail: string;
  ownerName?: string;
  /** More users to add right away (the demo uses this). */
  users?: { name: string; email: string; accessRight: AccessRight }[];
  /** Issue a personal key to each of those users too. */
  keysForAll?: boolean;
}

export async function createOrganizationWithOwner(
  store: Store,
  clock: Clock,
  input: OrganizationInput,
): Promise<NewOrganization> {
  const now = clock.now();
  const at = now.toISOString();
  const organizationId = newId('org', now);
  const userId = newId('usr', now);
  const ownerKey = generateToken('user');
  const userKeys: NewOrganization['userKeys'] = [];
  await store.db.transaction().execute(async (trx) => {
    await insertOrganization(trx, {
      id: organizationId,
      name: input.name,
      tenureBoundaries: [...DEFAULT_TENURE_BOUNDARIES],
      createdAt: at,
      updatedAt: at,
    });
    const people = [
      { id: userId, name: input.ownerName ?? null, email: input.ownerEmail, accessRight: 'owner' as AccessRight },
    ];
    for (const user of input.users ?? []) people.push({ id: newId('usr', now), ...user });
    for (const person of people) {
      await insertUser(trx, { ...person, organizationId, phone: null, createdAt: at, updatedAt: at });
    }
    await insertUserKey(trx, {
      id: newId('ukey', now),
      organizationId,
      userId,
      keyHash: hashToken(ownerKey),
      createdAt: at,
    });
    for (const person of input.keysForAll ? people.slice(1) : []) {
      const key = generateToken('user');
      await insertUserKey(trx, {
        id: newId('ukey', now),
        organizationId,
        userId: person.id,
        keyHash: hashToken(key),
        createdAt: at,
      });
      userKeys.push({ userId: person.id, email: person.email, accessRight: person.accessRight, key });
    }
    const org = { id: organizationId, name: input.name, createdAt: at, updatedAt: at };
    await recordChange(trx, {
      organizationId,
      type: 'organization.updated',
      actor: SYSTEM_ACTOR,
      object: org,
      changes: [{ field: 'name', label: 'Name', old: null, new: input.name }],
      action: 'organization.created',
      targetType: 'organization',
      targetId: organizationId,
      at: now,
    });
  });
  return { organizationId, userId, ownerKey, userKeys };
}

export const presentOrganization = (org: Organization) => ({
  id: org.id,
  name: org.name,
  tenureBoundaries: org.tenureBoundaries,
  tenureBands: tenureBands(org.tenureBoundaries),
  createdAt: org.createdAt,
  updatedAt: org.updatedAt,
});

/**
 * Renames the organization or redefines its tenure bands (null restores the defaults); 400 for
 * boundaries that do not increase. An organization.updated event says what changed, if anything did.
 */
export async function updateOrganization(
  ctx: DomainContext,
  who: Principal,
  input: { name?: string; tenureBoundaries?: number[] | null },
): Promise<Organization> {
  const now = ctx.clock.now();
  const boundaries = input.tenureBoundaries === null ? [...DEFAULT_TENURE_BOUNDARIES] : input.tenureBoundaries;
  const problem = boundaries === undefined ? null : boundariesProblem(boundaries);
  if (problem !== null) throw problems.validation([{ location: 'body', path: '/tenureBoundaries', message: problem }]);
  return ctx.store.db.transaction().execute(async (trx) => {
    const before = await findOrganization(trx, who.organizationId);
    if (!before) throw problems.notFound('The organization no longer exists.');
    const after = {
      ...before,
      name: input.name ?? before.name,
      tenureBoundaries: boundaries ?? before.tenureBoundaries,
      updatedAt: now.toISOString(),
    };
    const changes = [];
    if (after.name !== before.name) changes.push({ field: 'name', label: 'Name', old: before.name, new: after.name });
    if (JSON.stringify(after.tenureBoundaries) !== JSON.stringify(before.tenureBoundaries)) {
      changes.push({
        field: 'tenureBoundaries',
        label: 'Tenure bands',
        old: before.tenureBoundaries,
        new: after.tenureBoundaries,
      });
    }
    if (changes.length === 0) return before;
    await updateOrganizationRow(trx, after, now.toISOString());
    await recordChange(trx, {
      organizationId: before.id,
      type: 'organization.updated',
      actor: principalActor(who),
      object: presentOrganization(after),
      changes,
      targetType: 'organization',
      targetId: before.id,
      at: now,
    });
    return after;
  });
}
