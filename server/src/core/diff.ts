// What changed between two versions of an entity, in the shape events carry: old/new for values,
// added/removed for lists. An empty result means "nothing changed", and then no event is written.
import type { Change } from './events';

export interface DiffField {
  /** Path in the presented object, e.g. `name` or `attributes.Skills`. */
  field: string;
  label: string;
  list?: boolean;
}

/** Own properties only: a map key such as `constructor` must not read what objects inherit. */
function own(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function read(object: Record<string, unknown>, path: string): unknown {
  const dot = path.indexOf('.');
  if (dot < 0) return own(object, path);
  const inner = own(object, path.slice(0, dot));
  return inner && typeof inner === 'object' ? own(inner as Record<string, unknown>, path.slice(dot + 1)) : undefined;
}

function key(value: unknown): string {
  return JSON.stringify(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return key(a ?? null) === key(b ?? null);
}

export function diffFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  fields: DiffField[],
): Change[] {
  const changes: Change[] = [];
  for (const { field, label, list } of fields) {
    const old = read(before, field);
    const now = read(after, field);
    if (list) {
      const oldItems = Array.isArray(old) ? old : [];
      const newItems = Array.isArray(now) ? now : [];
      const oldKeys = new Set(oldItems.map(key));
      const newKeys = new Set(newItems.map(key));
      const added = newItems.filter((item) => !oldKeys.has(key(item)));
      const removed = oldItems.filter((item) => !newKeys.has(key(item)));
      if (added.length > 0 || removed.length > 0) changes.push({ field, label, added, removed });
    } else if (!sameValue(old, now)) {
      changes.push({ field, label, old: old ?? null, new: now ?? null });
    }
  }
  return changes;
}

/** The fields of a free-form map (custom attributes or fields), present in either version. */
export function mapFields(
  prefix: string,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  isList: (name: string) => boolean,
): DiffField[] {
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...names].sort().map((name) => ({ field: `${prefix}.${name}`, label: name, list: isList(name) }));
}
