// /v1/organization: the caller's own tenant, its name and its tenure bands.
import { Type } from '@sinclair/typebox';
import { problems } from '../core/problem';
import { DEFAULT_TENURE_BOUNDARIES, MAX_TENURE_BOUNDARIES, MAX_TENURE_MONTHS } from '../core/tenure';
import { presentOrganization, updateOrganization } from '../domain/organization';
import { defineRoute, reply } from '../http/route';
import { findOrganization } from '../store/organizations';
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

const get = defineRoute({
  method: 'GET',
  url: '/v1/organization',
  operationId: 'getOrganization',
  summary: 'Get your organization',
  tags: ['Organization'],
  auth: { kind: 'scope', scope: 'org:read' },
  responses: { 200: { description: 'The organization.', schema: dataOf(OrganizationSchema) } },
  async handler({ ctx, principal }) {
    const org = await findOrganization(ctx.store.db, principal().organizationId);
    if (!org) throw problems.notFound('The organization no longer exists.');
    return reply.ok(presentOrganization(org));
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
  async handler({ body, ctx, principal }) {
    return reply.ok(presentOrganization(await updateOrganization(ctx, principal(), body)));
  },
});

export const organizationRoutes = [get, update];
