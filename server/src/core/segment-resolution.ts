// Segment strings read against an organization: each names something real, or the request is a 400
// that says which and why. Used by the analytics' `segment` parameter and by a survey's audience.
import { SEGMENTABLE_TYPES } from './attributes';
import type { People } from './people';
import { type FieldError, problems } from './problem';
import { type Segment, parseSegment, segmentText } from './segments';

/** Where the segment strings came from, for the errors' location and path. */
export interface SegmentsAt {
  location: FieldError['location'];
  path: string;
}

const QUERY_SEGMENTS: SegmentsAt = { location: 'query', path: '/segment' };

/** The segments that name a value people have, which may match no one. */
type ValueSegment = Extract<Segment, { kind: 'department' | 'title' | 'attribute' }>;

/**
 * Why a segment whose value no employee has is refused, for a caller who may read employees (see
 * resolveSegments): a typo such as department:Salez would otherwise answer as an empty, hidden
 * segment, indistinguishable from a real one too small to show.
 */
export function noEmployeeHas(index: number, segment: ValueSegment, at: SegmentsAt = QUERY_SEGMENTS): FieldError {
  const field = segment.kind === 'attribute' ? segment.name : segment.kind;
  return {
    location: at.location,
    path: `${at.path}/${index}`,
    message: `${segmentText(segment)} matches no one: no employee has ${field} "${segment.value}"`,
  };
}

/**
 * Reads the `segment` parameters against the organization; a segment that names nothing real is a
 * 400. Whether a department, title or attribute value (or an employee as manager) exists is told
 * only to a caller who may read employees (`mayReadEmployees`): to anyone else such a segment is
 * an empty one, hidden like every segment too small to show, so that asking is no way to learn
 * which values the organization's people have.
 */
export function resolveSegments(
  texts: string[],
  people: People,
  mayReadEmployees: boolean,
  at: SegmentsAt = QUERY_SEGMENTS,
): Segment[] {
  const errors: FieldError[] = [];
  const segments: Segment[] = [];
  texts.forEach((text, i) => {
    const fail = (message: string) => errors.push({ location: at.location, path: `${at.path}/${i}`, message });
    const withValue = (segment: ValueSegment) =>
      mayReadEmployees && people.members(segment, '').size === 0
        ? errors.push(noEmployeeHas(i, segment, at))
        : segments.push(segment);
    const parsed = parseSegment(text);
    if (typeof parsed === 'string') return fail(parsed);
    switch (parsed.kind) {
      case 'manager':
        if (mayReadEmployees && !people.byId.has(parsed.employeeId))
          return fail(`${parsed.employeeId} is not an employee`);
        return segments.push(parsed);
      case 'group':
        if (!people.groupParents.has(parsed.groupId)) return fail(`${parsed.groupId} is not a group`);
        return segments.push(parsed);
      case 'tenure':
        if (!people.bands.some((b) => b.name === parsed.band))
          return fail(`is not a tenure band; the bands are ${people.bands.map((b) => b.name).join(', ')}`);
        return segments.push(parsed);
      case 'attribute': {
        const lower = parsed.rest.toLowerCase();
        // Names may hold a colon: the longest defined name followed by one wins.
        const match = [...people.attributes.entries()]
          .filter(([name]) => lower.startsWith(`${name}:`))
          .sort(([a], [b]) => b.length - a.length)[0];
        if (!match) return fail(`names no attribute (see GET /v1/attributes): write attribute:<Name>:<value>`);
        const [nameLower, info] = match;
        const value = parsed.rest.slice(nameLower.length + 1);
        if (!SEGMENTABLE_TYPES.includes(info.type))
          return fail(
            `${info.name} is a ${info.type} attribute; segments take ${SEGMENTABLE_TYPES.join(', ')} attributes`,
          );
        if (value === '') return fail('needs a value after the attribute name');
        if (info.type === 'boolean' && value !== 'true' && value !== 'false')
          return fail(`${info.name} is true or false`);
        if (info.type === 'date' && !/^\d{4}$/.test(value))
          return fail(`${info.name} is a date attribute: give a year, such as 2024`);
        return withValue({ kind: 'attribute', name: info.name, type: info.type, value });
      }
      default:
        return withValue(parsed);
    }
  });
  if (errors.length > 0) throw problems.validation(errors);
  return segments;
}
