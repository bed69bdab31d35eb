// /v1/organization: the caller's own tenant, its name and its tenure bands.
import { Type } from '@sinclair/typebox';
import {
  DEFAULT_TENURE_BOUNDARIES,
  MAX_TENURE_BOUNDARIES,
  MAX_TENURE_MONTHS,
  boundariesProblem,
  tenureBands,
} from '../core/tenure';
import { principalActor } from '../http/auth';
import { problems } from '../core/problem';
import { defineRoute, reply } from '../http/route';
import { recordChange } from '../store/events';
import { type Organization, findOrganization, updateOrganization } from '../store/organizations';
import { Problem, Text, Timestamp, dataOf } from './common';

const TenureBandSchema = Type.Object({
  name: Type.String({ examples: ['1-2y'] }),
  fromMonths: Type.Integer({ description: 'Inclusive.' }),
  toMonths: Type.Union([Type.Integer(), Type.Null()], { description: 'Exclusive; null for the last band.' }),
});

export const OrganizationSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  tenureBoundaries: Type.Array(Type.Integer(), {
    description: 'Where the tenure bands meet, in months.',
    examples: [[...DEFAULT_TENURE_BOUNDARIES]],
  }),
  tenureBands: Type.Array(TenureBandSchema, {
    description: 'The bands the boundaries cut, by name: what `tenure=` and `segment=tenure:<band>` take.',
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const present = (org: Organization) => ({
  id: org.id,
  name: org.name,
  tenureBoundaries: org.tenureBoundaries,
  tenureBands: tenureBands(org.tenureBoundaries),
  createdAt: org.createdAt,
  updatedAt: org.updatedAt,
});

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
  summary: 'Rename your organization, or redefine its tenure bands',
  tags: ['Organization'],
  auth: { kind: 'scope', scope: 'org:write' },
  body: Type.Object(
    {
      name: Type.Optional(Text(200)),
      tenureBoundaries: Type.Optional(
        Type.Union(
          [
            Type.Array(Type.Integer({ minimum: 1, maximum: MAX_TENURE_MONTHS }), {
              minItems: 1,
              maxItems: MAX_TENURE_BOUNDARIES,
              description: 'Increasing month boundaries: [3, 12, 36] makes <3m, 3-12m, 1-3y, 3y+.',
              examples: [[3, 12, 36]],
            }),
            Type.Null(),
          ],
          { description: 'null restores the defaults (6, 12, 24, 60 months).' },
        ),
      ),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
  responses: {
    200: { description: 'The organization after the change.', schema: dataOf(OrganizationSchema) },
    400: { description: 'Invalid fields.', schema: Problem },
  },
  async handler({ body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const boundaries = body.tenureBoundaries === null ? [...DEFAULT_TENURE_BOUNDARIES] : body.tenureBoundaries;
    const problem = boundaries === undefined ? null : boundariesProblem(boundaries);
    if (problem !== null)
      throw problems.validation([{ location: 'body', path: '/tenureBoundaries', message: problem }]);
    const org = await services.store.db.transaction().execute(async (trx) => {
      const before = await findOrganization(trx, who.organizationId);
      if (!before) throw problems.notFound('The organization no longer exists.');
      const after = {
        ...before,
        name: body.name ?? before.name,
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
      await updateOrganization(trx, after, now.toISOString());
      await recordChange(trx, {
        organizationId: before.id,
        type: 'organization.updated',
        actor: principalActor(who),
        object: present(after),
        changes,
        targetType: 'organization',
        targetId: before.id,
        at: now,
      });
      return after;
    });
    return reply.ok(present(org));
  },
});

export const organizationRoutes = [get, update];
