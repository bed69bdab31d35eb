// What every operation handler shares: its signature, and the list and one-object shapes.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
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

/** A path segment from a user-entered id: trimmed and encoded, so an id cannot change the path. */
export function id(context: IExecuteFunctions, name: string, itemIndex: number): string {
  return encodeURIComponent(String(context.getNodeParameter(name, itemIndex)).trim());
}
