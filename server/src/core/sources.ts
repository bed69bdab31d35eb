// Where an employee came from: `api` for people added by hand or through the API, `hibob` for the
// HiBob integration, and any other lowercase slug for an import from another HRIS (`bamboohr`,
// `personio`, `spreadsheet`…). An import owns the people of its slug and no others.

/** A source slug: lowercase letters, digits and hyphens, 1 to 40 characters. */
export const SOURCE_PATTERN = '^[a-z0-9-]{1,40}$';

const SOURCE_RE = new RegExp(SOURCE_PATTERN);

/** Sources an import may not name: `api` is people added by hand, `hibob` belongs to the HiBob integration. */
export const RESERVED_SOURCES: readonly string[] = ['api', 'hibob'];

export type EmployeeSource = string;

export function isSourceSlug(value: string): boolean {
  return SOURCE_RE.test(value);
}

/** Why `value` cannot be an import's source, or null when it can. */
export function importSourceProblem(value: string): string | null {
  if (!isSourceSlug(value)) return 'must be a lowercase slug of letters, digits and hyphens (1 to 40 characters)';
  if (RESERVED_SOURCES.includes(value))
    return `is reserved (${RESERVED_SOURCES.join(', ')}): api is for people added by hand and hibob for the HiBob integration`;
  return null;
}
