// What every operation handler shares: its signature, and the list and one-object shapes.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { LOCATABLE, idPattern, parameterKind } from '../descriptions/locators';
import { locatorValue, toBody } from '../params';
import { apiRequest, apiRequestAll } from '../transport';

/** One operation for one input item: the JSON of the output item, or several. */
export type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject | IDataObject[]>;

export type OperationTable = Record<string, Record<string, Operation>>;

/**
 * An operation that runs once for all the input items together (a snapshot of them all), with the
 * parameters of the first item: the JSON of its one output item, which pairs with every input.
 */
export type BatchOperation = (this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<IDataObject>;

export type BatchOperationTable = Record<string, Record<string, BatchOperation>>;

/** The node's version as saved in the workflow: a missing one is version 1. */
export function nodeVersion(context: IExecuteFunctions): number {
  return context.getNode().typeVersion ?? 1;
}

/** The `data` of a single-object answer. */
export async function one(
  context: IExecuteFunctions,
  itemIndex: number,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  path: string,
  body?: IDataObject,
): Promise<IDataObject> {
  const answer = (await apiRequest.call(context, method, path, { body }, itemIndex)) as { data: IDataObject };
  return answer.data;
}

/** A delete: `{ deleted: true }`, as n8n nodes report it. */
export async function remove(
  context: IExecuteFunctions,
  itemIndex: number,
  path: string,
  qs?: IDataObject,
): Promise<IDataObject> {
  await apiRequest.call(context, 'DELETE', path, { qs }, itemIndex);
  return { deleted: true };
}

/** A cursor-paged list under Return All / Limit. */
export async function many(
  context: IExecuteFunctions,
  itemIndex: number,
  path: string,
  qs: IDataObject = {},
): Promise<IDataObject[]> {
  const returnAll = context.getNodeParameter('returnAll', itemIndex) as boolean;
  const limit = returnAll ? undefined : (context.getNodeParameter('limit', itemIndex) as number);
  return apiRequestAll.call(context, path, qs, itemIndex, limit);
}

/** A dot segment: `/v1/employees/..` is resolved away before it is sent, and reaches another route. */
const DOT_SEGMENT = /^\.{1,2}$/;
/** What an id is made of from version 2 (a prefix, `_` and base32); version 1 took any text. */
const ID_SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * A path segment's value, refused with an error naming the parameter when it could not name one
 * object: empty, or a dot segment. Used for every value that ends up in a path.
 */
export function segmentValue(context: IExecuteFunctions, name: string, value: string, itemIndex: number): string {
  if (value === '')
    throw new NodeOperationError(context.getNode(), `${name} is empty`, {
      itemIndex,
      description: `Give a value for ${name}`,
    });
  if (DOT_SEGMENT.test(value))
    throw new NodeOperationError(context.getNode(), `${name} is not an ID: "${value}"`, { itemIndex });
  return value;
}

/**
 * The id a parameter holds, checked before it goes into a path. Version 1 keeps taking any text but
 * an empty one or a dot segment. From version 2 an id is letters, digits, `_` and `-`, and one given
 * By ID also matches the pattern the editor checks (an expression is only known here).
 */
function checkedId(
  context: IExecuteFunctions,
  name: string,
  picked: { mode: string; value: string },
  itemIndex: number,
): string {
  const value = segmentValue(context, name, picked.value, itemIndex);
  if (nodeVersion(context) < 2 || picked.mode === 'email') return value;
  const kind = parameterKind(name);
  const pattern = picked.mode === 'id' && kind !== undefined ? new RegExp(`^(?:${idPattern(kind)})$`) : ID_SEGMENT;
  if (!pattern.test(value))
    throw new NodeOperationError(context.getNode(), `${name} is not an ID: "${value}"`, {
      itemIndex,
      description:
        kind === undefined
          ? 'An ID is made of letters, digits and underscores'
          : `A ${LOCATABLE[kind].noun} ID starts with ${LOCATABLE[kind].prefix}_ followed by 26 letters and digits`,
    });
  return value;
}

/**
 * The id a parameter names, whether typed (version 1) or picked with a resource locator (version 2),
 * checked (see checkedId). The locator is unwrapped here rather than through n8n's `extractValue`,
 * which on some n8n versions reads the first definition of a name and so cannot tell the version-1
 * text from the version-2 locator. By Email looks the employee up.
 */
export async function idValue(context: IExecuteFunctions, name: string, itemIndex: number): Promise<string> {
  const picked = locatorValue(context.getNodeParameter(name, itemIndex));
  const value = checkedId(context, name, picked, itemIndex);
  if (picked.mode !== 'email') return value;
  return employeeIdByEmail(context, value, itemIndex);
}

/** The id of the employee with this email (any status), or an error naming the address. */
export async function employeeIdByEmail(context: IExecuteFunctions, email: string, itemIndex: number): Promise<string> {
  const page = (await apiRequest.call(context, 'GET', '/v1/employees', { qs: { email, limit: 1 } }, itemIndex)) as {
    data: IDataObject[];
  };
  if (page.data.length === 0)
    throw new NodeOperationError(context.getNode(), `No employee has the email ${email}`, {
      itemIndex,
      description: 'Pick the employee from the list or by ID, or check the address',
    });
  return String(page.data[0].id);
}

/**
 * The id a parameter names, checked, for every locator but By Email, which needs a lookup (see
 * idValue). Synchronous.
 */
export function plainId(context: IExecuteFunctions, name: string, itemIndex: number): string {
  const picked = locatorValue(context.getNodeParameter(name, itemIndex));
  if (picked.mode === 'email')
    throw new NodeOperationError(context.getNode(), `${name} cannot be given by email here`, { itemIndex });
  return checkedId(context, name, picked, itemIndex);
}

/** A path segment from a user-entered id, typed or picked: checked and encoded, so an id cannot change the path. */
export function id(context: IExecuteFunctions, name: string, itemIndex: number): string {
  return encodeURIComponent(plainId(context, name, itemIndex));
}

/** A path segment for an employee picked in any mode, By Email included. */
export async function personId(context: IExecuteFunctions, name: string, itemIndex: number): Promise<string> {
  return encodeURIComponent(await idValue(context, name, itemIndex));
}

/**
 * Version 2's changes: the fields filled in (an empty one, or an expression giving '' or null, is
 * left alone) and the Fields to Clear as null.
 */
export function filledChanges(context: IExecuteFunctions, fields: IDataObject, itemIndex: number): IDataObject {
  const body = toBody(context, fields, itemIndex, 'changes');
  for (const name of context.getNodeParameter('fieldsToClear', itemIndex, []) as string[]) body[name] = null;
  return body;
}

/** An error for a version-2 Update that would change nothing. */
export function nothingToUpdate(context: IExecuteFunctions, itemIndex: number): NodeOperationError {
  return new NodeOperationError(context.getNode(), 'Nothing to update: every field is empty', {
    itemIndex,
    description: 'Fill in a field, or pick one under Fields to Clear',
  });
}

/**
 * What an Update sends from its Update Fields. Version 1 sends every field added, an emptied one as
 * null, which clears it; version 2 only what filledChanges gives.
 */
export function updateBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
  const fields = context.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
  if (nodeVersion(context) < 2) return toBody(context, fields, itemIndex, 'update');
  const body = filledChanges(context, fields, itemIndex);
  if (Object.keys(body).length === 0) throw nothingToUpdate(context, itemIndex);
  return body;
}
