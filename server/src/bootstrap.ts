// Creating an organization with its first owner (`peoplehub init`), and the demo organization.
import type { Clock } from './clock';
import { SYSTEM_ACTOR } from './core/actor';
import { newId } from './core/ids';
import type { AccessRight } from './core/permissions';
import { DEFAULT_TENURE_BOUNDARIES } from './core/tenure';
import { generateToken, hashToken } from './core/tokens';
import type { Store } from './store/database';
import { recordChange } from './store/events';
import { insertOrganization } from './store/organizations';
import { insertUser, insertUserKey } from './store/users';

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

export const DEMO_ORGANIZATION: OrganizationInput = {
  name: 'Acme Demo',
  ownerEmail: 'olivia.owner@acme.example',
  ownerName: 'Olivia Owner',
  users: [
    { name: 'Adam Admin', email: 'adam.admin@acme.example', accessRight: 'admin' },
    { name: 'Mia Member', email: 'mia.member@acme.example', accessRight: 'member' },
  ],
  keysForAll: true,
};
