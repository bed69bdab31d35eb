// Free-form maps keyed by names people choose (custom attribute values, group fields): which names
// are allowed, and how such maps are held so a name never reads something an object inherits.

/**
 * Names a free-form map key may not take, compared ignoring case: everything an ordinary object
 * inherits (`constructor`, `__proto__`, `toString`, …) and `prototype`. Such a key read from a plain
 * object answers the inherited value, which once made a rename touch every employee.
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set(
  [...Object.getOwnPropertyNames(Object.prototype), 'prototype'].map((n) => n.toLowerCase()),
);

/** Why a custom attribute or field name cannot be used, or null when it can. */
export function reservedNameProblem(name: string): string | null {
  return RESERVED_NAMES.has(name.trim().toLowerCase()) ? `is a reserved name (${name.trim()}); choose another` : null;
}

/**
 * A map read from the store or a request, as an object without a prototype: a lookup of a name the
 * map does not hold answers undefined, never an inherited property.
 */
export function ownMap<V>(entries: Record<string, V>): Record<string, V> {
  const map = Object.create(null) as Record<string, V>;
  for (const [name, value] of Object.entries(entries)) map[name] = value;
  return map;
}
