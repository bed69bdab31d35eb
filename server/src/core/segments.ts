// Segments of respondents: what a segment is, how a query writes one, and the day membership is
// taken on. Who is in one is core/people; which results may be shown is core/disclosure.
//
// Membership is a function of the calendar period only, never of the days a request asks for or of
// the day it is made: department, title, manager, groups and attributes are current values (the
// store keeps no history of them), and tenure is taken on the period's membership day (see
// membershipDay), so every period splits its respondents into bands exactly once, the same way for
// every request that covers it. Were it taken on a request's `to`, two visible results a day apart
// could differ by the one person whose band changed between them.
import type { AttributeType } from './attributes';
import type { Period } from './engagement';

/**
 * The day memberships are taken on for a period: its first day. `all` reaches back to the first
 * answer, so its first day says nothing about anyone; it uses the first day of its last month.
 * Someone who starts later in the period counts from their start date (0 months), so every
 * respondent of the period has a band.
 */
export function membershipDay(period: Period): string {
  if (period.key !== 'all') return period.start;
  const last = new Date(Date.parse(`${period.end}T00:00:00Z`) - 86_400_000).toISOString();
  return `${last.slice(0, 7)}-01`;
}

export type Segment =
  | { kind: 'department'; value: string }
  | { kind: 'title'; value: string }
  | { kind: 'manager'; employeeId: string }
  | { kind: 'group'; groupId: string }
  | { kind: 'tenure'; band: string }
  | { kind: 'attribute'; name: string; type: AttributeType; value: string };

/** A segment as written in a query, before an attribute's name is matched to its definition. */
export type ParsedSegment = Exclude<Segment, { kind: 'attribute' }> | { kind: 'attribute'; rest: string };

export const SEGMENT_EXAMPLES = {
  department: 'department:Engineering',
  title: 'title:Account Executive',
  manager: 'manager:emp_01JEXAMPLE0000000000000001',
  group: 'group:grp_01JEXAMPLE0000000000000001',
  tenure: 'tenure:1-2y',
  attribute: 'attribute:Office:Berlin',
} as const;

/** Parses `kind:value`; returns the reason when it is not a segment. */
export function parseSegment(text: string): ParsedSegment | string {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const value = colon < 0 ? '' : text.slice(colon + 1);
  if (colon < 0 || value === '')
    return `"${text}" is not kind:value (kinds: ${Object.keys(SEGMENT_EXAMPLES).join(', ')})`;
  switch (kind) {
    case 'department':
    case 'title':
      return { kind, value };
    case 'manager':
      return { kind, employeeId: value };
    case 'group':
      return { kind, groupId: value };
    case 'tenure':
      return { kind, band: value };
    case 'attribute':
      return value.includes(':') ? { kind, rest: value } : `"${text}" needs a value: attribute:<Name>:<value>`;
    default:
      return `"${kind}" is not a segment kind (kinds: ${Object.keys(SEGMENT_EXAMPLES).join(', ')})`;
  }
}

export function segmentText(segment: Segment): string {
  switch (segment.kind) {
    case 'department':
    case 'title':
      return `${segment.kind}:${segment.value}`;
    case 'manager':
      return `manager:${segment.employeeId}`;
    case 'group':
      return `group:${segment.groupId}`;
    case 'tenure':
      return `tenure:${segment.band}`;
    case 'attribute':
      return `attribute:${segment.name}:${segment.value}`;
  }
}

/** A dimension a heatmap has one row per value of. */
export type Dimension =
  { kind: 'department' | 'title' | 'tenure' | 'manager' } | { kind: 'attribute'; name: string; type: AttributeType };
