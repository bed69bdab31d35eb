// /v1/recognitions and /v1/programs: peer recognition with points; each one is a recognition.completed event.
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { newId } from '../core/ids';
import { principalActor } from '../http/auth';
import { problems } from '../core/problem';
import { defineRoute, reply } from '../http/route';
import { employeeNames } from '../store/employees';
import { isUniqueViolation } from '../store/errors';
import { recordChange } from '../store/events';
import {
  type Program,
  type Recognition,
  findProgram,
  findProgramIdByName,
  findRecognition,
  insertProgram,
  insertRecognition,
  listPrograms,
  listRecognitions,
} from '../store/recognitions';
import { recordAudit } from '../store/audit';
import type { Database } from '../store/schema';
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

/** A recognition with the names a message needs (giver, recipients, program), as events carry it. */
export async function presentRecognition(db: Kysely<Database>, r: Recognition) {
  const names = await employeeNames(db, r.organizationId, [r.giverId, ...r.recipientIds]);
  const program = r.programId ? await findProgram(db, r.organizationId, r.programId) : null;
  const person = (id: string) => ({ id, name: names.get(id) ?? id });
  const { organizationId: _org, ...rest } = r;
  return {
    ...rest,
    giver: person(r.giverId),
    recipients: r.recipientIds.map(person),
    program: program ? { id: program.id, name: program.name } : null,
  };
}

const listProgramsRoute = defineRoute({
  method: 'GET',
  url: '/v1/programs',
  operationId: 'listPrograms',
  summary: 'List recognition programs',
  tags: ['Recognitions'],
  auth: { kind: 'scope', scope: 'recognitions:read' },
  query: listQuery(['name', 'createdAt'] as const, {}),
  responses: listResponses(ProgramSchema),
  async handler({ query, services, principal }) {
    const page = paging(
      query,
      { name: 'programs.name_lower', createdAt: 'programs.created_at' },
      'programs.id',
      'name',
    );
    const result = await listPrograms(services.store.db, principal().organizationId, { q: query.q }, page.keyset);
    return reply.list(
      result.items.map(presentProgram),
      page.next(result, (p, field) => (field === 'name' ? p.name.toLowerCase() : p.createdAt)),
    );
  },
});

const createProgram = defineRoute({
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
  async handler({ body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const program: Program = {
      id: newId('prg', now),
      organizationId: who.organizationId,
      name: body.name,
      description: body.description ?? null,
      createdAt: now.toISOString(),
    };
    const taken = () => problems.conflict(`A program named "${body.name}" already exists.`, { field: 'name' });
    try {
      await services.store.db.transaction().execute(async (trx) => {
        if ((await findProgramIdByName(trx, who.organizationId, body.name)) !== null) throw taken();
        await insertProgram(trx, program);
        await recordAudit(trx, {
          organizationId: who.organizationId,
          actor: principalActor(who),
          action: 'program.created',
          targetType: 'program',
          targetId: program.id,
          at: now,
        });
      });
    } catch (error) {
      throw isUniqueViolation(error) ? taken() : error;
    }
    return reply.created(presentProgram(program));
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
  async handler({ query, services, principal }) {
    const page = paging(query, { createdAt: 'recognitions.created_at' }, 'recognitions.id', '-createdAt');
    const db = services.store.db;
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
  async handler({ body, services, principal }) {
    const who = principal();
    const now = services.clock.now();
    const recognition: Recognition = {
      id: newId('rec', now),
      organizationId: who.organizationId,
      giverId: body.giverId,
      recipientIds: body.recipientIds,
      points: body.points ?? 0,
      note: body.note ?? null,
      programId: body.programId ?? null,
      createdAt: now.toISOString(),
    };
    const presented = await services.store.db.transaction().execute(async (trx) => {
      const names = await employeeNames(trx, who.organizationId, [body.giverId, ...body.recipientIds]);
      const errors = [];
      if (!names.has(body.giverId))
        errors.push({ location: 'body' as const, path: '/giverId', message: `${body.giverId} is not an employee` });
      body.recipientIds.forEach((id, i) => {
        if (!names.has(id))
          errors.push({ location: 'body' as const, path: `/recipientIds/${i}`, message: `${id} is not an employee` });
        if (id === body.giverId)
          errors.push({ location: 'body' as const, path: `/recipientIds/${i}`, message: 'cannot be the giver' });
      });
      if (recognition.programId !== null && !(await findProgram(trx, who.organizationId, recognition.programId))) {
        errors.push({
          location: 'body' as const,
          path: '/programId',
          message: `${recognition.programId} is not a program`,
        });
      }
      if (errors.length > 0) throw problems.validation(errors);
      await insertRecognition(trx, recognition);
      const object = await presentRecognition(trx, recognition);
      await recordChange(trx, {
        organizationId: who.organizationId,
        type: 'recognition.completed',
        actor: principalActor(who),
        object,
        targetType: 'recognition',
        targetId: recognition.id,
        at: now,
      });
      return object;
    });
    return reply.created(presented);
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
  async handler({ params, services, principal }) {
    const r = await findRecognition(services.store.db, principal().organizationId, params.id);
    if (!r) throw problems.notFound(`There is no recognition ${params.id}.`);
    return reply.ok(await presentRecognition(services.store.db, r));
  },
});

export const recognitionRoutes = [list, create, get, listProgramsRoute, createProgram];
