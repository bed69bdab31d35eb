// Peer recognition: programs, and recognitions with points, each one a recognition.completed event.
import type { Kysely } from 'kysely';
import type { Actor } from '../core/actor';
import { newId } from '../core/ids';
import { type FieldError, problems } from '../core/problem';
import { recordAudit } from '../store/audit';
import { employeeNames } from '../store/employees';
import { isUniqueViolation } from '../store/errors';
import { recordChange } from '../store/events';
import {
  type Program,
  type Recognition,
  findProgram,
  findProgramIdByName,
  insertProgram,
  insertRecognition,
} from '../store/recognitions';
import type { Database } from '../store/schema';
import type { DomainContext } from './context';
import { type Principal, principalActor } from './principal';

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

/** A program; 409 when the name is taken. */
export async function createProgram(
  ctx: DomainContext,
  who: Principal,
  input: { name: string; description?: string | null },
): Promise<Program> {
  const now = ctx.clock.now();
  const program: Program = {
    id: newId('prg', now),
    organizationId: who.organizationId,
    name: input.name,
    description: input.description ?? null,
    createdAt: now.toISOString(),
  };
  const taken = () => problems.conflict(`A program named "${input.name}" already exists.`, { field: 'name' });
  try {
    await ctx.store.db.transaction().execute(async (trx) => {
      if ((await findProgramIdByName(trx, who.organizationId, input.name)) !== null) throw taken();
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
  return program;
}

/** Inserts a recognition with its recognition.completed event; returns the event's object. */
export async function addRecognition(db: Kysely<Database>, actor: Actor, recognition: Recognition, at: Date) {
  await insertRecognition(db, recognition);
  const object = await presentRecognition(db, recognition);
  await recordChange(db, {
    organizationId: recognition.organizationId,
    type: 'recognition.completed',
    actor,
    object,
    targetType: 'recognition',
    targetId: recognition.id,
    at,
  });
  return object;
}

/** Recognizes colleagues: 400 for unknown employees or program, or a giver among the recipients. */
export async function createRecognition(
  ctx: DomainContext,
  who: Principal,
  input: { giverId: string; recipientIds: string[]; points?: number; note?: string | null; programId?: string | null },
) {
  const now = ctx.clock.now();
  const recognition: Recognition = {
    id: newId('rec', now),
    organizationId: who.organizationId,
    giverId: input.giverId,
    recipientIds: input.recipientIds,
    points: input.points ?? 0,
    note: input.note ?? null,
    programId: input.programId ?? null,
    createdAt: now.toISOString(),
  };
  return ctx.store.db.transaction().execute(async (trx) => {
    const names = await employeeNames(trx, who.organizationId, [input.giverId, ...input.recipientIds]);
    const errors: FieldError[] = [];
    if (!names.has(input.giverId))
      errors.push({ location: 'body', path: '/giverId', message: `${input.giverId} is not an employee` });
    input.recipientIds.forEach((id, i) => {
      if (!names.has(id))
        errors.push({ location: 'body', path: `/recipientIds/${i}`, message: `${id} is not an employee` });
      if (id === input.giverId)
        errors.push({ location: 'body', path: `/recipientIds/${i}`, message: 'cannot be the giver' });
    });
    if (recognition.programId !== null && !(await findProgram(trx, who.organizationId, recognition.programId))) {
      errors.push({ location: 'body', path: '/programId', message: `${recognition.programId} is not a program` });
    }
    if (errors.length > 0) throw problems.validation(errors);
    return addRecognition(trx, principalActor(who), recognition, now);
  });
}
