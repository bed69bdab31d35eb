// /v1/imports: snapshot imports from any HRIS (JSON or CSV, up to 50 MB, read as they arrive), their
// runs (HiBob's too), a preview's planned changes, a run's notes, and applying a preview.
import type { IncomingMessage } from 'node:http';
import { Type } from '@sinclair/typebox';
import { problems } from '../core/problem';
import { SOURCE_PATTERN, importSourceProblem } from '../core/sources';
import type { Principal } from '../domain/principal';
import { presentEmployee } from '../domain/employees';
import { type ImportRequest, SnapshotUnreadable, applyPreview, importSnapshot } from '../domain/imports/imports';
import { presentRun } from '../domain/imports/runs';
import { type RouteContext, defineRoute, reply } from '../http/route';
import { parseColumnRenames, readCsvPeople } from '../integrations/imports/csv';
import { readJsonSnapshot } from '../integrations/imports/json';
import { NOTE_KINDS, notesOf, plannedChanges } from '../store/import-plans';
import { RUN_STATUSES, findRun, listRuns } from '../store/sync-runs';
import { EmployeeSchema } from './employees';
import {
  IdParams,
  NullableTimestamp,
  Problem,
  Timestamp,
  dataOf,
  listOf,
  listQuery,
  listResponses,
  paging,
} from './common';

/** A snapshot may be this large, JSON or CSV; every other body keeps PEOPLEHUB_BODY_LIMIT. */
export const SNAPSHOT_LIMIT = 50 * 1024 * 1024;

const MATCHES = ['externalId', 'email'] as const;
const MODES = ['full', 'partial'] as const;

export const RunSchema = Type.Object({
  id: Type.String(),
  source: Type.String({ description: '`hibob` for HiBob syncs, or the slug the import named.' }),
  status: Type.Union(
    RUN_STATUSES.map((s) => Type.Literal(s)),
    {
      description:
        'running; previewed (a dry run: its plan waits at POST /v1/imports/{id}/apply); needs_confirmation (the deletion guard stopped it: apply with confirmDeletions); completed; failed.',
    },
  ),
  trigger: Type.Union([Type.Literal('manual'), Type.Literal('automatic')]),
  mode: Type.Union(MODES.map((m) => Type.Literal(m))),
  match: Type.Union(MATCHES.map((m) => Type.Literal(m))),
  dryRun: Type.Boolean(),
  adopt: Type.Boolean(),
  maxDeletePercent: Type.Integer(),
  deletionGuard: Type.Union([Type.Object({ wouldDelete: Type.Integer(), of: Type.Integer() }), Type.Null()], {
    description: 'Set when the run stopped because it would delete more than maxDeletePercent of its source.',
  }),
  phase: Type.Union([
    Type.Literal('starting'),
    Type.Literal('downloading'),
    Type.Literal('applying'),
    Type.Literal('done'),
  ]),
  processed: Type.Integer({ description: 'People read (downloading) or written (applying) so far.' }),
  total: Type.Union([Type.Integer(), Type.Null()], { description: 'People to write, once the snapshot is read.' }),
  created: Type.Integer(),
  updated: Type.Integer(),
  deleted: Type.Integer(),
  unchanged: Type.Integer(),
  skipped: Type.Integer({ description: 'People of the snapshot that were not written (each in skippedPeople).' }),
  skippedFields: Type.Array(
    Type.Object({ field: Type.String(), hibobType: Type.Optional(Type.String()), reason: Type.String() }),
    { description: 'Fields and attributes not imported, and why (the first 100; all at /notes?kind=skippedField).' },
  ),
  skippedPeople: Type.Array(
    Type.Object({ externalId: Type.Union([Type.String(), Type.Null()]), reason: Type.String() }),
    { description: 'The first 100 people skipped, by their match key, and why.' },
  ),
  addedOptions: Type.Array(Type.Object({ attribute: Type.String(), option: Type.String() }), {
    description: 'List values the snapshot uses that became options here.',
  }),
  warnings: Type.Array(Type.Object({ externalId: Type.String(), warning: Type.String() })),
  error: Type.Union([Type.String(), Type.Null()]),
  startedAt: Timestamp,
  finishedAt: NullableTimestamp,
});

function isCsv(req: IncomingMessage): boolean {
  return /^text\/csv\s*(;|$)/i.test(req.headers['content-type'] ?? '');
}

function isJson(req: IncomingMessage): boolean {
  return /^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '');
}

/** The body as it arrives, refused once it passes the snapshot limit. */
async function* bounded(req: IncomingMessage): AsyncIterable<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > SNAPSHOT_LIMIT) throw problems.payloadTooLarge(SNAPSHOT_LIMIT);
  let size = 0;
  // Leaving early (over the limit) must not destroy the request: the 413 still has to be answered.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > SNAPSHOT_LIMIT) throw problems.payloadTooLarge(SNAPSHOT_LIMIT);
    yield chunk as Buffer;
  }
}

/** The run's options from the query (and, for JSON, the body's other members), each checked with what is allowed. */
export function importRequest(query: Record<string, unknown>, body: Record<string, unknown>): ImportRequest {
  const errors: { location: 'query' | 'body'; path: string; message: string }[] = [];
  const pick = (name: string): { value: unknown; location: 'query' | 'body' } | undefined => {
    const inQuery = query[name];
    const inBody = body[name];
    if (inQuery !== undefined && inBody !== undefined && String(inQuery) !== String(inBody))
      errors.push({
        location: 'body',
        path: `/${name}`,
        message: `says ${JSON.stringify(inBody)} but the query says ${JSON.stringify(inQuery)}`,
      });
    if (inBody !== undefined) return { value: inBody, location: 'body' };
    if (inQuery !== undefined) return { value: inQuery, location: 'query' };
    return undefined;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const given = pick(name);
    if (given === undefined) return fallback;
    if (typeof given.value === 'string' && (allowed as readonly string[]).includes(given.value))
      return given.value as T;
    errors.push({ location: given.location, path: `/${name}`, message: `must be one of ${allowed.join(', ')}` });
    return fallback;
  };
  const flag = (name: string): boolean => {
    const given = pick(name);
    if (given === undefined) return false;
    if (given.value === true || given.value === 'true') return true;
    if (given.value === false || given.value === 'false') return false;
    errors.push({ location: given.location, path: `/${name}`, message: 'must be true or false' });
    return false;
  };
  const source = pick('source');
  let slug = '';
  if (source === undefined)
    errors.push({ location: 'query', path: '/source', message: 'is required: name the HRIS, such as bamboohr' });
  else if (typeof source.value !== 'string')
    errors.push({ location: source.location, path: '/source', message: 'must be text' });
  else {
    const problem = importSourceProblem(source.value);
    if (problem !== null) errors.push({ location: source.location, path: '/source', message: problem });
    slug = source.value;
  }
  const match = oneOf('match', MATCHES, 'externalId');
  const mode = oneOf('mode', MODES, 'full');
  const dryRun = flag('dryRun');
  const adopt = flag('adopt');
  let maxDeletePercent = 10;
  const limit = pick('maxDeletePercent');
  if (limit !== undefined) {
    const n =
      typeof limit.value === 'number'
        ? limit.value
        : typeof limit.value === 'string' && limit.value.trim() !== ''
          ? Number(limit.value)
          : Number.NaN;
    if (!Number.isInteger(n) || n < 0 || n > 100)
      errors.push({
        location: limit.location,
        path: '/maxDeletePercent',
        message: 'must be a whole number from 0 to 100',
      });
    else maxDeletePercent = n;
  }
  for (const name of Object.keys(body))
    if (!['source', 'match', 'mode', 'dryRun', 'adopt', 'maxDeletePercent'].includes(name))
      errors.push({
        location: 'body',
        path: `/${name}`,
        message: 'is not an import option (allowed: source, match, mode, dryRun, adopt, maxDeletePercent, people)',
      });
  if (errors.length > 0) throw problems.validation(errors);
  return { source: slug, match, mode, dryRun, adopt, maxDeletePercent };
}

/** A CSV import: the options from the query, the columns as the header names them (renamed by `columns=`). */
async function importCsv(
  req: IncomingMessage,
  query: Record<string, string | undefined>,
  ctx: RouteContext,
  who: Principal,
) {
  const renames = query.columns === undefined ? [] : parseColumnRenames(query.columns);
  const { columns: _columns, ...options } = query;
  const request = importRequest(options, {});
  let headerWarnings: string[] = [];
  async function* batches() {
    for await (const batch of readCsvPeople(bounded(req), {
      renames,
      onHeader: (plan) => (headerWarnings = plan.warnings),
    })) {
      const warnings = headerWarnings;
      headerWarnings = [];
      yield {
        warnings,
        rows: [
          ...batch.rejected.map((r) => ({ where: `line ${r.line}`, fields: {}, attributes: {}, problem: r.reason })),
          ...batch.rows.map((r) => ({ where: `line ${r.line}`, fields: r.fields, attributes: r.attributes })),
        ],
      };
    }
    // A CSV with a header and no rows yields no batch: its header's warnings still belong in the run.
    if (headerWarnings.length > 0) yield { warnings: headerWarnings, rows: [] };
  }
  return importSnapshot(ctx, who, request, batches());
}

const ImportQuery = Type.Object(
  {
    source: Type.Optional(
      Type.String({
        pattern: SOURCE_PATTERN,
        description: 'The HRIS the people come from, as a slug (not api or hibob).',
        examples: ['bamboohr'],
      }),
    ),
    match: Type.Optional(
      Type.Union(
        MATCHES.map((m) => Type.Literal(m)),
        { description: 'Default externalId.' },
      ),
    ),
    mode: Type.Optional(
      Type.Union(
        MODES.map((m) => Type.Literal(m)),
        {
          description:
            'full: people of the source missing from the snapshot are deleted; partial: nobody is. Default full.',
        },
      ),
    ),
    dryRun: Type.Optional(
      Type.Union([Type.Literal('true'), Type.Literal('false')], { description: 'Plan without writing.' }),
    ),
    adopt: Type.Optional(
      Type.Union([Type.Literal('true'), Type.Literal('false')], {
        description: 'Take over people of another source whose email or external id matches.',
      }),
    ),
    maxDeletePercent: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,3}$',
        description: 'Stop for confirmation above this share of deletions (default 10).',
      }),
    ),
    columns: Type.Optional(
      Type.String({
        maxLength: 4000,
        description: 'CSV only: renames, as `Header:field` pairs separated by commas.',
        examples: ['Work Email:email,Dept:department'],
      }),
    ),
  },
  { additionalProperties: false },
);

const PersonSchema = Type.Object({
  externalId: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  firstName: Type.Optional(Type.String()),
  lastName: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  title: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  department: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  phone: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  startDate: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])),
  separationDate: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])),
  separationReason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  managerEmail: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  managerExternalId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Custom attributes by name.' })),
});

const SnapshotSchema = Type.Object({
  source: Type.String({ pattern: SOURCE_PATTERN }),
  match: Type.Optional(Type.Union(MATCHES.map((m) => Type.Literal(m)))),
  mode: Type.Optional(Type.Union(MODES.map((m) => Type.Literal(m)))),
  dryRun: Type.Optional(Type.Boolean()),
  adopt: Type.Optional(Type.Boolean()),
  maxDeletePercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  people: Type.Array(PersonSchema),
});

const start = defineRoute({
  method: 'POST',
  url: '/v1/imports',
  operationId: 'startImport',
  summary: 'Import a snapshot of people (JSON or CSV): preview it, or apply it',
  tags: ['Imports'],
  auth: { kind: 'scope', scope: 'employees:write' },
  query: ImportQuery,
  streamedBody: {
    description:
      'Up to 50 MB. JSON with the options and `people`, or text/csv with a header row and the options in the query. Columns and members map to employee fields and, by name, to custom attributes.',
    content: {
      'application/json': {
        schema: SnapshotSchema,
        example: {
          source: 'bamboohr',
          match: 'externalId',
          mode: 'full',
          dryRun: true,
          people: [
            {
              externalId: 'E-1001',
              email: 'ada@example.com',
              firstName: 'Ada',
              lastName: 'Lovelace',
              department: 'Engineering',
              startDate: '2026-01-05',
              managerExternalId: 'E-1000',
              attributes: { Location: 'London' },
            },
          ],
        },
      },
      'text/csv': {
        schema: Type.String(),
        example:
          'External ID,Email,First Name,Last Name,Department,Manager Email,Start Date\nE-1001,ada@example.com,Ada,Lovelace,Engineering,grace@example.com,2026-01-05\n',
      },
    },
  },
  responses: {
    202: {
      description: 'The run as it ended: previewed, needs_confirmation, completed or failed.',
      schema: dataOf(RunSchema),
    },
    409: { description: 'A run of this source is already going (its id is in runId).', schema: Problem },
    413: { description: 'The snapshot is over 50 MB.', schema: Problem },
    415: { description: 'Neither application/json nor text/csv.', schema: Problem },
  },
  async handler({ req, query, ctx, principal }) {
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity')
      throw problems.unsupportedMediaType(
        `Content-Encoding ${encoding} is not supported; send the snapshot uncompressed.`,
      );
    const charset = /charset=([^;\s]+)/i
      .exec(req.headers['content-type'] ?? '')?.[1]
      ?.replace(/"/g, '')
      .toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
      throw problems.unsupportedMediaType(`The snapshot must be UTF-8 (got charset ${charset}).`);
    let run;
    if (isJson(req)) {
      if (query.columns !== undefined)
        throw problems.validation([
          {
            location: 'query',
            path: '/columns',
            message: 'renames CSV columns; a JSON snapshot names its fields itself',
          },
        ]);
      let snapshot;
      try {
        snapshot = await readJsonSnapshot(bounded(req));
      } catch (error) {
        if (error instanceof SnapshotUnreadable) throw problems.badRequest(error.message);
        throw error;
      }
      run = await importSnapshot(ctx, principal(), importRequest(query, snapshot.options), snapshot.people());
    } else if (isCsv(req)) {
      run = await importCsv(req, query, ctx, principal());
    } else {
      throw problems.unsupportedMediaType(
        `Send the snapshot as application/json or text/csv (got ${req.headers['content-type'] ?? 'no Content-Type'}).`,
      );
    }
    return { status: 202, body: { data: presentRun(run) } };
  },
});

const list = defineRoute({
  method: 'GET',
  url: '/v1/imports',
  operationId: 'listImports',
  summary: 'Import and sync runs of every source, newest first',
  tags: ['Imports'],
  auth: { kind: 'scope', scope: 'employees:read' },
  query: listQuery(
    ['startedAt'] as const,
    {
      source: Type.Optional(Type.String({ pattern: SOURCE_PATTERN, examples: ['hibob', 'bamboohr'] })),
      status: Type.Optional(Type.Union(RUN_STATUSES.map((s) => Type.Literal(s)))),
    },
    { search: false },
  ),
  responses: listResponses(RunSchema),
  async handler({ query, ctx, principal }) {
    const page = paging(query, { startedAt: 'sync_runs.started_at' }, 'sync_runs.id', '-startedAt');
    const result = await listRuns(
      ctx.store.db,
      principal().organizationId,
      { source: query.source, status: query.status },
      page.keyset,
    );
    return reply.list(
      result.items.map(presentRun),
      page.next(result, (run) => run.startedAt),
    );
  },
});

async function runOf(ctx: { store: { db: Parameters<typeof findRun>[0] } }, organizationId: string, id: string) {
  const found = await findRun(ctx.store.db, organizationId, id);
  if (!found) throw problems.notFound(`There is no import run ${id}.`);
  return found;
}

const get = defineRoute({
  method: 'GET',
  url: '/v1/imports/:id',
  operationId: 'getImport',
  summary: 'One run: its status, counts, skipped fields and people, and warnings',
  tags: ['Imports'],
  auth: { kind: 'scope', scope: 'employees:read' },
  params: IdParams,
  responses: { 200: { description: 'The run.', schema: dataOf(RunSchema) } },
  async handler({ params, ctx, principal }) {
    return reply.ok(presentRun(await runOf(ctx, principal().organizationId, params.id)));
  },
});

/** Paging by position within a run: the cursor is the last position seen. */
const SeqPage = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$', description: 'nextCursor of the previous page.' })),
};

const PlannedChangeSchema = Type.Object({
  action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]),
  employeeId: Type.String(),
  employee: Type.Union([EmployeeSchema, Type.Null()], { description: 'The employee as the change leaves them.' }),
  changes: Type.Union([Type.Array(Type.Unknown()), Type.Null()], { description: 'The diff an update makes.' }),
});

const changes = defineRoute({
  method: 'GET',
  url: '/v1/imports/:id/changes',
  operationId: 'listImportChanges',
  summary: "A preview's planned changes, in the order they would be made",
  tags: ['Imports'],
  auth: { kind: 'scope', scope: 'employees:read' },
  params: IdParams,
  query: Type.Object(SeqPage, { additionalProperties: false }),
  responses: { 200: { description: 'One page of planned changes.', schema: listOf(PlannedChangeSchema) } },
  async handler({ params, query, ctx, principal }) {
    const run = await runOf(ctx, principal().organizationId, params.id);
    const page = await plannedChanges(ctx.store.db, run.id, Number(query.cursor ?? 0), query.limit + 1);
    const items = page.slice(0, query.limit);
    const today = ctx.clock.now().toISOString().slice(0, 10);
    return reply.list(
      items.map((c) => ({
        action: c.action,
        employeeId: c.employeeId,
        employee: c.employee === null ? null : presentEmployee(c.employee, today),
        changes: c.changes,
      })),
      page.length > query.limit ? String(items[items.length - 1].seq) : null,
    );
  },
});

const notes = defineRoute({
  method: 'GET',
  url: '/v1/imports/:id/notes',
  operationId: 'listImportNotes',
  summary: 'Every note of a run of one kind (skipped fields, skipped people, warnings, options added), paged',
  tags: ['Imports'],
  auth: { kind: 'scope', scope: 'employees:read' },
  params: IdParams,
  query: Type.Object(
    {
      ...SeqPage,
      kind: Type.Union(
        NOTE_KINDS.map((k) => Type.Literal(k)),
        { examples: ['skippedField', 'warning'] },
      ),
    },
    { additionalProperties: false },
  ),
  responses: {
    200: { description: 'One page of notes.', schema: listOf(Type.Record(Type.String(), Type.Unknown())) },
  },
  async handler({ params, query, ctx, principal }) {
    const run = await runOf(ctx, principal().organizationId, params.id);
    const page = await notesOf(ctx.store.db, run.id, query.kind, Number(query.cursor ?? 0), query.limit + 1);
    const items = page.slice(0, query.limit);
    return reply.list(
      items.map((n) => n.note),
      page.length > query.limit ? String(items[items.length - 1].seq) : null,
    );
  },
});

const apply = defineRoute({
  method: 'POST',
  url: '/v1/imports/:id/apply',
  operationId: 'applyImport',
  summary: "Apply a preview's plan (or confirm a run the deletion guard stopped)",
  tags: ['Imports'],
  auth: { kind: 'scope', scope: 'employees:write' },
  params: IdParams,
  body: Type.Object(
    {
      confirmDeletions: Type.Optional(
        Type.Boolean({ description: 'Needed when the run stopped at the deletion guard (status needs_confirmation).' }),
      ),
    },
    { additionalProperties: false, examples: [{}, { confirmDeletions: true }] },
  ),
  responses: {
    200: { description: 'The run, applied.', schema: dataOf(RunSchema) },
    409: {
      description:
        'The run is not waiting to be applied, its deletions need confirming, or someone in the plan changed since the preview.',
      schema: Problem,
    },
  },
  async handler({ params, body, ctx, principal }) {
    const run = await applyPreview(ctx, principal(), params.id, { confirmDeletions: body.confirmDeletions === true });
    return reply.ok(presentRun(run));
  },
});

export const importRoutes = [start, list, get, changes, notes, apply];
