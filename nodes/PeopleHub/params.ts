// Turning n8n parameters into PeopleHub request bodies: dates as YYYY-MM-DD, JSON fields parsed,
// comma-separated lists split, and empty optional fields left out on create or cleared on version 1's update.
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Fields n8n shows as dateTime that the API takes as calendar dates. */
const DATE_FIELDS = new Set(['startDate', 'separationDate', 'from', 'to']);
/** Fields entered as JSON. */
const JSON_FIELDS = new Set(['attributes', 'fields']);
/** Fields entered as comma-separated text that the API takes as lists. */
const LIST_FIELDS = new Set(['recipientIds', 'errorRecipientEmails']);

/** What n8n stores for a resource locator. */
interface Locator {
  __rl: true;
  mode?: string;
  value?: unknown;
}

function isLocator(value: unknown): value is Locator {
  return typeof value === 'object' && value !== null && (value as Locator).__rl === true;
}

/** A parameter's value and locator mode: a locator unwrapped, plain text as is (mode `id`); trimmed. */
export function locatorValue(raw: unknown): { mode: string; value: string } {
  if (isLocator(raw)) return { mode: raw.mode ?? 'id', value: String(raw.value ?? '').trim() };
  return { mode: 'id', value: String(raw ?? '').trim() };
}

/** A field's value with any resource locator unwrapped to the id it holds. */
function plain(value: unknown): unknown {
  return isLocator(value) ? locatorValue(value).value : value;
}

export function splitList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((item) => String(item).trim()).filter((item) => item !== '');
  return String(value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function parseJson(context: IExecuteFunctions, name: string, value: unknown, itemIndex: number): unknown {
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return {};
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new NodeOperationError(context.getNode(), `${name} is not valid JSON`, {
      itemIndex,
      description: 'Enter an object such as {"Office": "Berlin"}',
    });
  }
}

/**
 * A request body from a collection of fields. `mode: 'create'` leaves empty fields out;
 * `mode: 'update'` (version 1) sends them as null, which clears the value on the server;
 * `mode: 'changes'` (version 2's updates) leaves out null too, since clearing is said on purpose.
 */
export function toBody(
  context: IExecuteFunctions,
  fields: IDataObject,
  itemIndex: number,
  mode: 'create' | 'update' | 'changes',
): IDataObject {
  const body: IDataObject = {};
  for (const [name, given] of Object.entries(fields)) {
    const raw = plain(given);
    if (mode === 'changes' && raw === null) continue;
    let value: unknown = raw;
    if (JSON_FIELDS.has(name)) value = parseJson(context, name, raw, itemIndex);
    else if (LIST_FIELDS.has(name)) value = splitList(raw);
    else if (DATE_FIELDS.has(name) && typeof raw === 'string' && raw !== '') value = raw.slice(0, 10);
    if (value === '' || value === undefined) {
      if (mode === 'update') body[name] = null;
      continue;
    }
    body[name] = value as IDataObject[keyof IDataObject];
  }
  return body;
}

/** Query parameters from a Filters collection: empty ones are left out, dates kept as given. */
export function toQuery(filters: IDataObject): IDataObject {
  const qs: IDataObject = {};
  for (const [name, given] of Object.entries(filters)) {
    const value = plain(given);
    if (value === '' || value === undefined || value === null) continue;
    qs[name] = value as IDataObject[keyof IDataObject];
  }
  return qs;
}

/**
 * A dateTime parameter as the API's timestamp (ISO 8601 with its offset). n8n hands over what was
 * picked or typed, often without an offset: that is read as the time where n8n runs.
 */
export function toTimestamp(context: IExecuteFunctions, name: string, value: unknown, itemIndex: number): string {
  const time = new Date(String(value ?? ''));
  if (String(value ?? '').trim() === '' || Number.isNaN(time.getTime()))
    throw new NodeOperationError(context.getNode(), `${name} is not a date and time`, {
      itemIndex,
      description: 'Enter a time such as 2026-12-07T09:00:00Z',
    });
  return time.toISOString();
}

/** Filters with their times (given by name) turned into timestamps, and empty ones left out. */
export function toTimedQuery(
  context: IExecuteFunctions,
  filters: IDataObject,
  times: string[],
  itemIndex: number,
): IDataObject {
  const qs = toQuery(filters);
  for (const name of times) if (qs[name] !== undefined) qs[name] = toTimestamp(context, name, qs[name], itemIndex);
  return qs;
}
