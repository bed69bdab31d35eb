// What the import engine takes in: one person of a snapshot, in PeopleHub's terms, whoever sent it
// (HiBob's records, a JSON snapshot, a CSV's rows). A field left out is not the snapshot's to change;
// a null clears it. References to other people (the manager, employee attributes) are by external id
// or email, resolved once everyone is known.
import type { AttributeDefinition, AttributeValue } from '../../core/attributes';
import type { RunReport } from '../../store/sync-runs';

export interface SnapshotPerson {
  externalId?: string | null;
  email?: string;
  firstName?: string;
  lastName?: string;
  displayName?: string | null;
  title?: string | null;
  department?: string | null;
  phone?: string | null;
  startDate?: string | null;
  separationDate?: string | null;
  separationReason?: string | null;
  /** The manager by external id (null: no manager); left out, the manager is not the snapshot's. */
  managerExternalId?: string | null;
  /** The manager by email, when the snapshot names managers that way. */
  managerEmail?: string | null;
  /** Custom attributes given, by their defined name; null clears one. */
  attributes: Readonly<Record<string, AttributeValue | null>>;
  /** `employee` attributes, by attribute name: the external id of the person they name. */
  employeeRefs: Readonly<Record<string, string>>;
  /** Values that could not be used, as "field: why". */
  warnings: string[];
  /** The fingerprint of the record the person was read from, when the reader keeps one (see HiBob's mapping). */
  fingerprint: string | null;
}

/** How people are matched with employees: by the HRIS's id, or by email address. */
export type MatchBy = 'externalId' | 'email';

/** The value a person is matched on, or null when the snapshot does not give it. */
export function matchKey(person: SnapshotPerson, match: MatchBy): string | null {
  if (match === 'externalId') return person.externalId ?? null;
  return person.email === undefined ? null : person.email.toLowerCase();
}

/** Report lists keep this many entries each; the run's notes keep all of them. */
export const REPORT_LIMIT = 100;

type NoteList = keyof RunReport;
const NOTE_KIND = {
  skippedFields: 'skippedField',
  skippedPeople: 'skippedPerson',
  warnings: 'warning',
  addedOptions: 'addedOption',
} as const;

/**
 * A run's notes as it goes: the first REPORT_LIMIT of each kind stay on the run itself, and every
 * one waits in `pending` until the run writes it to its notes (so none is dropped).
 */
export class RunNotes {
  readonly pending: { kind: (typeof NOTE_KIND)[NoteList]; note: Record<string, unknown> }[] = [];
  private counted = 0;

  constructor(readonly report: RunReport) {}

  add<L extends NoteList>(list: L, item: RunReport[L][number]): void {
    const items = this.report[list] as RunReport[L][number][];
    if (items.length < REPORT_LIMIT) items.push(item);
    this.pending.push({ kind: NOTE_KIND[list], note: item as Record<string, unknown> });
    this.counted += 1;
  }

  /** Takes the notes waiting to be written, with their sequence numbers. */
  take(): { seq: number; kind: (typeof NOTE_KIND)[NoteList]; note: Record<string, unknown> }[] {
    const first = this.counted - this.pending.length;
    return this.pending.splice(0).map((n, i) => ({ seq: first + i + 1, ...n }));
  }
}

/** Values that are not yet options of their option attribute: the snapshot is the truth, so they are added. */
export function missingOptions(
  person: SnapshotPerson,
  attributes: ReadonlyMap<string, AttributeDefinition>,
): { attribute: string; option: string }[] {
  const missing: { attribute: string; option: string }[] = [];
  for (const [name, value] of Object.entries(person.attributes)) {
    if (value === null) continue;
    const definition = attributes.get(name.toLowerCase());
    if (!definition || (definition.type !== 'option' && definition.type !== 'multi_option')) continue;
    for (const option of Array.isArray(value) ? value : [String(value)]) {
      if (!definition.options.includes(option)) missing.push({ attribute: definition.name, option });
    }
  }
  return missing;
}
