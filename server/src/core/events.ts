// The event types and the event shape, defined once: the catalog endpoint, webhooks and the n8n
// nodes all derive from this list.
import type { Actor } from './actor';

export const EVENT_TYPES = {
  'employee.created': 'An employee was added.',
  'employee.updated': 'An employee changed: any field, custom attribute, manager, dates or status-driving dates.',
  'employee.deleted': 'An employee was removed.',
  'group.created': 'A group (circle) was created.',
  'group.updated': 'A group (circle) changed: name, purpose, parent or custom fields.',
  'group.deleted':
    'A group (circle) was deleted. Its roles move to the parent group, or are deleted when there is none.',
  'role.created': 'A role was created.',
  'role.updated': 'A role changed: name, purpose, accountabilities, group or assigned employees.',
  'role.deleted': 'A role was deleted.',
  'recognition.completed': 'Someone recognized one or more colleagues, with points and a note.',
  'organization.updated': 'An organization was created, or its name changed.',
  'user.updated':
    'A user was added to the organization, or changed their name, email address, telephone number or access right.',
  'user.deleted': 'A user was removed from the organization.',
  'sync.completed': 'A HiBob sync or an import from another HRIS finished and changed something.',
  'sync.failed':
    'A HiBob sync or an import failed, or stopped at its deletion guard and waits for someone to confirm it (status needs_confirmation).',
  'webhook.disabled': 'A webhook was disabled by the server after failing, or because its endpoint answered 410 Gone.',
  'survey.opened': 'A survey round opened: everyone in its audience who could be surveyed that day was invited.',
  'survey.closed':
    'A survey round closed, with its participation, and its engagement score and eNPS where the anonymity threshold allows.',
  'survey.invited':
    'Opt-in: a person was invited to a survey round, or reminded, with their personal answer link (for a direct message in Slack or Teams). Delivered only to webhooks that list it by name, never in a chat format.',
} as const;

export type EventType = keyof typeof EVENT_TYPES;

export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];

/**
 * Event types a webhook receives only when it lists them by name: `*` does not include them, and a
 * chat, Slack or Teams webhook cannot list them (their payload holds a personal secret).
 */
export const OPT_IN_EVENT_TYPES: readonly EventType[] = ['survey.invited'];

/** What a webhook lists to receive every event type, now and future, except the opt-in ones. */
export const ALL_EVENTS = '*';

/** One entry of a webhook's `events`: an event type, or `*`. */
export type SubscribedEvent = EventType | typeof ALL_EVENTS;

/** Everything a webhook may list: `*` and every event type. */
export const SUBSCRIBABLE_EVENTS: readonly SubscribedEvent[] = [ALL_EVENTS, ...EVENT_TYPE_NAMES];

/** Whether a webhook listing `events` receives events of `type`. */
export function subscribes(events: readonly string[], type: EventType): boolean {
  return events.includes(type) || (events.includes(ALL_EVENTS) && !OPT_IN_EVENT_TYPES.includes(type));
}

/** Who caused an event, as subscribers see it; null for system changes (cascades, sync). */
export type EventActor =
  { type: 'user'; id: string; name: string | null; email: string } | { type: 'app'; id: string; name: string };

export type Change =
  | { field: string; label: string; old: unknown; new: unknown }
  | { field: string; label: string; added: unknown[]; removed: unknown[] };

export interface PeopleEvent {
  id: string;
  type: EventType;
  timestamp: string;
  organizationId: string;
  actor: EventActor | null;
  data: { object: Record<string, unknown>; changes?: Change[] };
}

export function eventActor(actor: Actor): EventActor | null {
  if (actor.type === 'user') return { type: 'user', id: actor.id, name: actor.name, email: actor.email };
  if (actor.type === 'app') return { type: 'app', id: actor.id, name: actor.name };
  return null;
}
