// /v1/organization: the caller's own tenant.
import { Type } from '@sinclair/typebox';
import { principalActor } from '../http/auth';
import { problems } from '../http/problem';
import { defineRoute, reply } from '../http/route';
import { recordChange } from '../store/events';
import { type Organization, findOrganization, renameOrganization } from '../store/organizations';
import { Problem, Text, Timestamp, dataOf } from './common';

export const OrganizationSchema = Type.Object({ id: Type.String(), name: Type.String(), createdAt: Timestamp, updatedAt: Timestamp });

export const present = (org: Organization) => ({ id: org.id, name: org.name, createdAt: org.createdAt, updatedAt: org.updatedAt });

const get = defineRoute({
  method: 'GET',
  url: '/v1/organization',
  operationId: 'getOrganization',
  summary: 'Get your organization',
  tags: ['Organization'],
  auth: { kind: 'scope', scope: 'org:read' },
  responses: { 200: { description: 'The organization.', schema: dataOf(OrganizationSchema) } },
  async handler({ services, principal }) {
    const org = await findOrganization(services.store.db, principal().organizationId);
    if (!org) throw problems.notFound('The organization no longer exists.');
    return reply.ok(present(org));
  },
});

const update = defineRoute({
  method: 'PATCH',
  url: '/v1/organization',
  operationId: 'updateOrganization',
  summary: 'Rename your organization',
  tags: ['Organization'],
  auth: { kind: 'scope', scope: 'org:write' },
  body: Type.Object({ name: Text(200) }, { additionalProperties: false }),
  responses: {
    200: { description: 'The organization after the change.', schema: dataOf(OrganizationSchema) },
    400: { description: 'Invalid fields.', schema: Problem },
  },
  async handler({ body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const org = await services.store.db.transaction().execute(async (trx) => {
      const before = await findOrganization(trx, who.organizationId);
      if (!before) throw problems.notFound('The organization no longer exists.');
      if (before.name === body.name) return before;
      await renameOrganization(trx, before.id, body.name, now.toISOString());
      const after = { ...before, name: body.name, updatedAt: now.toISOString() };
      const changes = [{ field: 'name', label: 'Name', old: before.name, new: after.name }];
      await recordChange(trx, { organizationId: before.id, type: 'organization.updated', actor: principalActor(who), object: present(after), changes, targetType: 'organization', targetId: before.id, at: now });
      return after;
    });
    return reply.ok(present(org));
  },
});

export const organizationRoutes = [get, update];
