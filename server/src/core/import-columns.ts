// Which employee field a snapshot's column fills, by its name: the one rule the CSV reader and the
// admin console's column mapping both follow, so the mapping the console shows is the server's.

/** The employee fields an import row may carry; a column naming none of them is a custom attribute. */
export const IMPORT_FIELDS = [
  'email',
  'firstName',
  'lastName',
  'displayName',
  'externalId',
  'title',
  'department',
  'phone',
  'startDate',
  'separationDate',
  'separationReason',
  'managerEmail',
  'managerExternalId',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Field names with case, spaces, underscores and hyphens ignored: `First Name`, `first_name` and `FIRSTNAME` are firstName. */
const FIELDS_BY_SPELLING = new Map<string, ImportField>(IMPORT_FIELDS.map((field) => [spelling(field), field]));

function spelling(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/** The field a column's name spells, or null when the name is a custom attribute's (`Work Email` spells none). */
export function fieldNamed(name: string): ImportField | null {
  return FIELDS_BY_SPELLING.get(spelling(name)) ?? null;
}
