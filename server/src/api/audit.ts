// /v1/audit: who did what, newest first.
import { Type } from '@sinclair/typebox';
import { defineRoute, reply } from '../http/route';
import { listAudit } from '../store/audit';
import { Timestamp, listQuery, listResponses, paging } from './common';

const AuditEntrySchema = Type.Object({
  id: Type.String(),
  actor: Type.Object({
    type: Type.Union([Type.Literal('user'), Type.Literal('app'), Type.Literal('system')]),
    id: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
  }),
  action: Type.String(),
  target: Type.Object({ type: Type.String(), id: Type.String() }),
  details: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
  createdAt: Timestamp,
});

const list = defineRoute({
  method: 'GET',
  url: '/v1/audit',
  operationId: 'listAudit',
  summary: 'List audit entries',
  tags: ['Audit'],
  auth: { kind: 'scope', scope: 'audit:read' },
  query: listQuery(
    ['createdAt'] as const,
    {
      action: Type.Optional(Type.String({ maxLength: 100 })),
      actorId: Type.Optional(Type.String({ maxLength: 64 })),
      targetId: Type.Optional(Type.String({ maxLength: 64 })),
      since: Type.Optional(Timestamp),
      until: Type.Optional(Timestamp),
    },
    { search: false },
  ),
  responses: listResponses(AuditEntrySchema),
  async handler({ query, ctx, principal }) {
    const page = paging(query, { createdAt: 'audit_log.created_at' }, 'audit_log.id', '-createdAt');
    const iso = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
    const result = await listAudit(
      ctx.store.db,
      principal().organizationId,
      {
        action: query.action,
        actorId: query.actorId,
        targetId: query.targetId,
        since: iso(query.since),
        until: iso(query.until),
      },
      page.keyset,
    );
    const entries = result.items.map(({ organizationId: _org, ...entry }) => entry);
    return reply.list(
      entries,
      page.next(result, (entry) => entry.createdAt),
    );
  },
});

export const auditRoutes = [list];
