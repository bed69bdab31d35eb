// From HiBob's people records to PeopleHub employees: which HiBob fields to ask for, which custom
// fields match which attributes (and why the others are skipped), and the mapping of one record.
// Pure: the sync run and the real-time receiver both use it, and it is tested on its own.
import { createHash } from 'node:crypto';
import type { AttributeDefinition, AttributeType, AttributeValue } from '../../core/attributes';
import { isValidDate } from '../../core/dates';
import { ownMap } from '../../core/map-keys';

/** A field as HiBob describes it (`GET /v1/company/people/fields`). */
export interface HibobField {
  id: string;
  name: string;
  type: string;
  jsonPath: string;
  category: string;
}

/** The built-in fields a sync reads, by HiBob field id. */
export const BASE_FIELDS = [
  'root.id',
  'root.email',
  'root.firstName',
  'root.surname',
  'root.displayName',
  'work.title',
  'work.department',
  'work.reportsTo',
  'work.startDate',
  'internal.terminationDate',
  'internal.terminationReason',
] as const;

/** Which PeopleHub attribute types each HiBob field type may fill. */
const COMPATIBLE: Record<string, AttributeType[]> = {
  text: ['text', 'option'],
  number: ['number'],
  date: ['date'],
  list: ['option'],
  'multi-list': ['multi_option'],
  'employee-reference': ['employee'],
};

export interface CustomFieldMapping {
  /** Where the value sits in a record, e.g. `custom.field_1700000000001`. */
  jsonPath: string;
  /** HiBob's name for the field. */
  field: string;
  /** The PeopleHub attribute it fills, spelled as defined. */
  attribute: string;
  kind: AttributeType;
}

export interface SkippedField {
  field: string;
  hibobType: string;
  reason: string;
}

export interface FieldPlan {
  /** Field ids to request from HiBob. */
  fields: string[];
  custom: CustomFieldMapping[];
  skipped: SkippedField[];
}

/**
 * Custom fields are synced to the attribute of the same name (ignoring case) when the types are
 * compatible; every other custom field is skipped, and the plan says why.
 */
export function planFields(metadata: HibobField[], attributes: ReadonlyMap<string, AttributeDefinition>): FieldPlan {
  const custom: CustomFieldMapping[] = [];
  const skipped: SkippedField[] = [];
  for (const field of metadata.filter((f) => f.category === 'custom')) {
    const attribute = attributes.get(field.name.trim().toLowerCase());
    if (!attribute) {
      skipped.push({
        field: field.name,
        hibobType: field.type,
        reason: `no PeopleHub attribute is named "${field.name}"`,
      });
    } else if (!(COMPATIBLE[field.type] ?? []).includes(attribute.type)) {
      const fits = COMPATIBLE[field.type];
      const expected = fits
        ? `a HiBob ${field.type} field fills ${fits.join(' or ')} attributes`
        : `HiBob ${field.type} fields are not synced`;
      skipped.push({
        field: field.name,
        hibobType: field.type,
        reason: `the attribute "${attribute.name}" is ${attribute.type}, and ${expected}`,
      });
    } else {
      custom.push({ jsonPath: field.jsonPath, field: field.name, attribute: attribute.name, kind: attribute.type });
    }
  }
  return { fields: [...BASE_FIELDS, ...custom.map((c) => c.jsonPath)], custom, skipped };
}

/** An employee as HiBob has it, in PeopleHub's terms; references still by HiBob id. */
export interface SyncedPerson {
  externalId: string;
  email: string;
  firstName: string;
  lastName: string;
  displayName: string | null;
  title: string | null;
  department: string | null;
  managerExternalId: string | null;
  startDate: string | null;
  separationDate: string | null;
  separationReason: string | null;
  attributes: Record<string, AttributeValue>;
  /** `employee` attributes, by attribute name: the HiBob id of the person they name. */
  employeeRefs: Record<string, string>;
  /** Values that could not be used, as "field: why". */
  warnings: string[];
  /**
   * The fingerprint of the record this person was mapped from (see `recordFingerprint`), set by a
   * full sync; null when the row must be compared with the store at every run.
   */
  fingerprint: string | null;
}

export type MappedRecord =
  { ok: true; person: SyncedPerson } | { ok: false; externalId: string | null; reason: string };

/** Field paths split once: a sync reads a dozen paths from each of 100,000 records. */
const SPLIT_PATHS = new Map<string, string[]>();

function at(record: unknown, path: string): unknown {
  let parts = SPLIT_PATHS.get(path);
  if (parts === undefined) {
    parts = path.replace(/^root\./, '').split('.');
    if (SPLIT_PATHS.size < 10_000) SPLIT_PATHS.set(path, parts);
  }
  let value: unknown = record;
  for (const part of parts) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function text(value: unknown, max = 1000): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed.slice(0, max);
}

/** HiBob references a person as an object with an id (or, in some payloads, as the id itself). */
function personId(value: unknown): string | null {
  if (value !== null && typeof value === 'object' && Object.hasOwn(value, 'id'))
    return text((value as { id: unknown }).id, 64);
  return text(value, 64);
}

function date(value: unknown, field: string, warnings: string[]): string | null {
  const raw = text(value);
  if (raw === null) return null;
  const day = raw.slice(0, 10);
  if (isValidDate(day)) return day;
  warnings.push(`${field}: "${raw}" is not a date`);
  return null;
}

function customValue(mapping: CustomFieldMapping, raw: unknown, warnings: string[]): AttributeValue | null {
  const bad = () => {
    warnings.push(`${mapping.field}: ${JSON.stringify(raw)} does not fit a ${mapping.kind} attribute`);
    return null;
  };
  switch (mapping.kind) {
    case 'text':
    case 'option':
      return text(raw) ?? (raw === null || raw === '' ? null : bad());
    case 'number': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      return typeof n === 'number' && Number.isFinite(n) ? n : bad();
    }
    case 'date':
      return date(raw, mapping.field, warnings);
    case 'multi_option': {
      if (!Array.isArray(raw)) return bad();
      const labels = [...new Set(raw.map((item) => text(item, 200)).filter((item): item is string => item !== null))];
      return labels.length === 0 ? null : labels;
    }
    default:
      return bad();
  }
}

const NO_ATTRIBUTES: Readonly<Record<string, AttributeValue>> = Object.freeze(ownMap<AttributeValue>({}));
const NO_REFS: Readonly<Record<string, string>> = Object.freeze(ownMap<string>({}));

/** One HiBob record as a PeopleHub employee, or why it cannot be one. */
export function mapRecord(record: unknown, plan: FieldPlan): MappedRecord {
  const externalId = personId(at(record, 'root.id'));
  if (externalId === null) return { ok: false, externalId: null, reason: 'the record has no id' };
  const email = text(at(record, 'root.email'), 254);
  if (email === null || !/^[^\s@]+@[^\s@]+$/.test(email))
    return { ok: false, externalId, reason: 'no usable email address' };
  const firstName = text(at(record, 'root.firstName'), 100);
  const lastName = text(at(record, 'root.surname'), 100);
  if (firstName === null || lastName === null) return { ok: false, externalId, reason: 'no first name or surname' };
  const warnings: string[] = [];
  // A run holds every new person in memory until it writes: no empty maps for people without custom fields.
  const attributes = plan.custom.length === 0 ? NO_ATTRIBUTES : ownMap<AttributeValue>({});
  const employeeRefs = plan.custom.length === 0 ? NO_REFS : ownMap<string>({});
  for (const mapping of plan.custom) {
    const raw = at(record, mapping.jsonPath);
    if (raw === undefined || raw === null) continue;
    if (mapping.kind === 'employee') {
      const id = personId(raw);
      if (id !== null) employeeRefs[mapping.attribute] = id;
      continue;
    }
    const value = customValue(mapping, raw, warnings);
    if (value !== null) attributes[mapping.attribute] = value;
  }
  const person: SyncedPerson = {
    externalId,
    email,
    firstName,
    lastName,
    displayName: text(at(record, 'root.displayName'), 200),
    title: text(at(record, 'work.title'), 200),
    department: text(at(record, 'work.department'), 200),
    managerExternalId: personId(at(record, 'work.reportsTo')),
    startDate: date(at(record, 'work.startDate'), 'startDate', warnings),
    separationDate: date(at(record, 'internal.terminationDate'), 'terminationDate', warnings),
    separationReason: text(at(record, 'internal.terminationReason'), 500),
    attributes,
    employeeRefs,
    warnings,
    fingerprint: null,
  };
  return { ok: true, person };
}

/** Raised when `mapRecord` would map the same record differently, so rows an older version wrote are compared again. */
const MAPPING_VERSION = 1;

/** What, besides the record, decides how it maps: the mapping's version and the custom fields' plan. */
export function fingerprintKey(plan: FieldPlan): string {
  return JSON.stringify([MAPPING_VERSION, plan.custom.map((c) => [c.jsonPath, c.attribute, c.kind])]);
}

/**
 * A short fingerprint of one record's JSON text as HiBob sent it, under a plan (`fingerprintKey`).
 * The same text under the same plan always maps to the same employee, so a resync that meets a
 * fingerprint a row was written from knows that row is current without parsing, mapping or
 * reading it. (Different text for the same data only costs a comparison, never a wrong answer.)
 */
export function recordFingerprint(key: string, text: string): string {
  return createHash('sha256').update(key).update('\n').update(text).digest('base64url').slice(0, 22);
}

/** Values that are not yet options of their option attribute: HiBob is the source of truth, so they are added. */
export function missingOptions(
  person: SyncedPerson,
  attributes: ReadonlyMap<string, AttributeDefinition>,
): { attribute: string; option: string }[] {
  const missing: { attribute: string; option: string }[] = [];
  for (const [name, value] of Object.entries(person.attributes)) {
    const definition = attributes.get(name.toLowerCase());
    if (!definition || (definition.type !== 'option' && definition.type !== 'multi_option')) continue;
    for (const option of Array.isArray(value) ? value : [String(value)]) {
      if (!definition.options.includes(option)) missing.push({ attribute: definition.name, option });
    }
  }
  return missing;
}
