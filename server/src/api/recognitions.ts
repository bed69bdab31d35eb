// /v1/recognitions and /v1/programs: peer recognition with points; each one is a recognition.completed event.
import { Type } from '@sinclair/typebox';
import { problems } from '../core/problem';
import { createProgram, createRecognition, presentRecognition } from '../domain/recognitions';
import { defineRoute, reply } from '../http/route';
import { type Program, findRecognition, listPrograms, listRecognitions } from '../store/recognitions';
import { IdParams, Problem, Text, Timestamp, dataOf, listQuery, listResponses, paging } from './common';

const Person = Type.Object({ id: Type.String(), name: Type.String() });

export const ProgramSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});

export const RecognitionSchema = Type.Object({
  id: Type.String(),
  giverId: Type.String(),
  recipientIds: Type.Array(Type.String()),
  giver: Person,
  recipients: Type.Array(Person),
  points: Type.Integer(),
  note: Type.Union([Type.String(), Type.Null()]),
  programId: Type.Union([Type.String(), Type.Null()]),
  program: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  createdAt: Timestamp,
});

const presentProgram = ({ organizationId: _org, ...p }: Program) => p;

const listProgramsRoute = defineRoute({
  method: 'GET',
  url: '/v1/programs',
  operationId: 'listPrograms',
  summary: 'List recognition programs',
  tags: ['Recognitions'],
  auth: { kind: 'scope', scope: 'recognitions:read' },
  query: listQuery(['name', 'createdAt'] as const, {}),
  responses: listResponses(ProgramSchema),
  async handler({ query, ctx, principal }) {
    const page = paging(
      query,
      { name: 'programs.name_lower', createdAt: 'programs.created_at' },
      'programs.id',
      'name',
    );
    const result = await listPrograms(ctx.store.db, principal().organizationId, { q: query.q }, page.keyset);
    return reply.list(
      result.items.map(presentProgram),
      page.next(result, (p, field) => (field === 'name' ? p.name.toLowerCase() : p.createdAt)),
    );
  },
});

const createProgramRoute = defineRoute({
  method: 'POST',
  url: '/v1/programs',
  operationId: 'createProgram',
  summary: 'Create a recognition program',
  tags: ['Recognitions'],
  auth: { kind: 'scope', scope: 'recognitions:write' },
  body: Type.Object(
    { name: Text(200), description: Type.Optional(Type.Union([Text(2000), Type.Null()])) },
    { additionalProperties: false },
  ),
  responses: {
    201: { description: 'The program.', schema: dataOf(ProgramSchema) },
    409: { description: 'The name is taken.', schema: Problem },
  },
  async handler({ body, ctx, principal }) {
    return reply.created(presentProgram(await createProgram(ctx, principal(), body)));
  },
});

const list = defineRoute({
  method: 'GET',
  url: '/v1/recognitions',
  operationId: 'listRecognitions',
  summary: 'List recognitions, newest first',
  tags: ['Recognitions'],
  auth: { kind: 'scope', scope: 'recognitions:read' },
  query: listQuery(['createdAt'] as const, {
    giverId: Type.Optional(Type.String({ maxLength: 64 })),
    recipientId: Type.Optional(Type.String({ maxLength: 64 })),
    programId: Type.Optional(Type.String({ maxLength: 64 })),
    since: Type.Optional(Timestamp),
  }),
  responses: listResponses(RecognitionSchema),
  async handler({ query, ctx, principal }) {
    const page = paging(query, { createdAt: 'recognitions.created_at' }, 'recognitions.id', '-createdAt');
    const db = ctx.store.db;
    const result = await listRecognitions(
      db,
      principal().organizationId,
      {
        q: query.q,
        giverId: query.giverId,
        recipientId: query.recipientId,
        programId: query.programId,
        since: query.since ? new Date(query.since).toISOString() : undefined,
      },
      page.keyset,
    );
    const items = [];
    for (const r of result.items) items.push(await presentRecognition(db, r));
    return reply.list(
      items,
      page.next(result, (r) => r.createdAt),
    );
  },
});

const create = defineRoute({
  method: 'POST',
  url: '/v1/recognitions',
  operationId: 'createRecognition',
  summary: 'Recognize colleagues',
  tags: ['Recognitions'],
  auth: { kind: 'scope', scope: 'recognitions:write' },
  body: Type.Object(
    {
      giverId: Type.String({ minLength: 1, maxLength: 64 }),
      recipientIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        minItems: 1,
        maxItems: 50,
        uniqueItems: true,
      }),
      points: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
      note: Type.Optional(Type.Union([Text(5000), Type.Null()])),
      programId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
    },
    { additionalProperties: false },
  ),
  responses: {
    201: { description: 'The recognition; a recognition.completed event goes out.', schema: dataOf(RecognitionSchema) },
    400: { description: 'Unknown employees or program, or giving to oneself.', schema: Problem },
  },
  async handler({ body, ctx, principal }) {
    return reply.created(await createRecognition(ctx, principal(), body));
  },
});

const get = defineRoute({
  method: 'GET',
  url: '/v1/recognitions/:id',
  operationId: 'getRecognition',
  summary: 'Get a recognition',
  tags: ['Recognitions'],
  auth: { kind: 'scope', scope: 'recognitions:read' },
  params: IdParams,
  responses: {
    200: { description: 'The recognition.', schema: dataOf(RecognitionSchema) },
    404: { description: 'No such recognition.', schema: Problem },
  },
  async handler({ params, ctx, principal }) {
    const r = await findRecognition(ctx.store.db, principal().organizationId, params.id);
    if (!r) throw problems.notFound(`There is no recognition ${params.id}.`);
    return reply.ok(await presentRecognition(ctx.store.db, r));
  },
});

export const recognitionRoutes = [list, create, get, listProgramsRoute, createProgramRoute];
