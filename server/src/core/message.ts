// The neutral form of an event as a human message: a linked title, an author, labelled lines and
// an optional quote. The chat, Slack and Teams formats all render this one structure.
import type { Change, PeopleEvent } from './events';

export interface MessageLine {
  label: string;
  /** Plain value text, a change from old to new (kept apart so each can be shortened), or a list change. */
  value: string | { old: string; new: string } | { added: string[]; removed: string[] };
}

export interface Message {
  /**
   * e.g. `Role`, linked to `url` (null only in a message shortened to its bare minimum), then `verb`:
   * "Role was updated". For surveys the entity is the round's name (user text), the verb a summary:
   * "Q4 pulse is open until 20 Dec: 143 people invited". The verb never holds user text. Absent for
   * recognitions.
   */
  title: { entity: string; url: string | null; verb: string } | null;
  /** For recognitions: who recognized whom, with emphasis marks left to the renderer. */
  recognition: { giver: string; recipients: string[]; points: number; program: string | null } | null;
  /** "First Last (email)", just the email when there is no name, the app's name; null for the system. */
  author: string | null;
  lines: MessageLine[];
  quote: string | null;
  /** The object's page: where a reader finds what a shortened message left out. */
  link: string | null;
  /** Set by the shortener (core/shortening): what was left out, in words and numbers only. */
  omitted: string | null;
}

interface EntityStyle {
  label: string;
  path: string;
  /** Fields shown on create and delete, in order: [field, label]. */
  keyFields: [string, string][];
}

const ENTITIES: Record<string, EntityStyle> = {
  employee: {
    label: 'Employee',
    path: 'employees',
    keyFields: [
      ['displayName', 'Name'],
      ['email', 'Email'],
      ['title', 'Title'],
      ['department', 'Department'],
    ],
  },
  group: {
    label: 'Group',
    path: 'groups',
    keyFields: [
      ['name', 'Name'],
      ['purpose', 'Purpose'],
    ],
  },
  role: {
    label: 'Role',
    path: 'roles',
    keyFields: [
      ['name', 'Name'],
      ['groupName', 'Group'],
    ],
  },
  organization: { label: 'Organization', path: 'organization', keyFields: [['name', 'Name']] },
  user: {
    label: 'User',
    path: 'users',
    keyFields: [
      ['name', 'Name'],
      ['email', 'Email'],
    ],
  },
};

const NONE = '(none)';

/** A value as a reader wants it: names for people, lists joined, empty shown as (none). */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return NONE;
  if (Array.isArray(value)) return value.length === 0 ? NONE : value.map(formatValue).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') {
    const named = value as { employeeName?: unknown; name?: unknown; id?: unknown };
    return String(named.employeeName ?? named.name ?? named.id ?? JSON.stringify(value));
  }
  return String(value);
}

function author(event: PeopleEvent): string | null {
  const actor = event.actor;
  if (actor === null) return null;
  if (actor.type === 'user') return actor.name ? `${actor.name} (${actor.email})` : actor.email;
  return actor.name;
}

function changeLine(change: Change): MessageLine {
  if ('added' in change)
    return {
      label: change.label,
      value: { added: change.added.map(formatValue), removed: change.removed.map(formatValue) },
    };
  return { label: change.label, value: { old: formatValue(change.old), new: formatValue(change.new) } };
}

const empty = (value: unknown) => value === null || value === undefined || value === '';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "20 Dec" (UTC), with the year when it is not the event's (`at`); null for anything but a time. */
function shortDate(value: unknown, at: string): string | null {
  const date = typeof value === 'string' ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime())) return null;
  const day = `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
  return String(date.getUTCFullYear()) === at.slice(0, 4) ? day : `${day} ${date.getUTCFullYear()}`;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** "+0.3", "-1.2", "±0.0": a change always shows its direction. */
function signed(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return `${rounded > 0 ? '+' : rounded < 0 ? '-' : '±'}${Math.abs(rounded).toFixed(1)}`;
}

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};

/**
 * A survey round's events, one line a channel reads at a glance. The object comes from the surveys
 * side, so every field is read defensively: a missing one leaves its part out. survey.invited never
 * goes to a chat webhook (refused when subscribing), but renders without its link all the same.
 */
function surveyMessage(event: PeopleEvent, base: Message, publicUrl: string): Message {
  const o = event.data.object;
  const invitation = event.type === 'survey.invited';
  const survey = invitation ? record(o.survey) : o;
  const url = `${publicUrl}/surveys/${String(survey.id)}`;
  const entity = formatValue(survey.name);
  if (invitation) {
    const person = record(o.employee);
    const name = [person.firstName, person.lastName].filter((part) => !empty(part)).join(' ');
    return {
      ...base,
      title: { entity, url, verb: o.reminder === true ? 'reminded' : 'invited' },
      link: url,
      lines: [{ label: 'Employee', value: formatValue(name === '' ? person.email : name) }],
    };
  }
  const participation = record(o.participation);
  if (event.type === 'survey.opened') {
    const until = shortDate(o.closesAt, event.timestamp);
    const invited = participation.invited;
    const count = isNumber(invited) ? `${invited} ${invited === 1 ? 'person' : 'people'} invited` : null;
    const verb = `is open${until === null ? '' : ` until ${until}`}${count === null ? '' : `: ${count}`}`;
    return { ...base, title: { entity, url, verb }, link: url };
  }
  const results = record(o.results);
  const parts: string[] = [];
  if (results.hidden === true) {
    // Too few answers to show anything: not even how many, which would tell how few.
    parts.push('results hidden (too few answers to keep them anonymous)');
  } else {
    if (isNumber(participation.rate)) parts.push(`${Math.round(participation.rate * 100)} % answered`);
    if (isNumber(results.score))
      parts.push(
        `engagement ${results.score.toFixed(1)}${isNumber(results.change) ? ` (${signed(results.change)})` : ''}`,
      );
    if (isNumber(results.enps)) parts.push(`eNPS ${Math.round(results.enps)}`);
  }
  return {
    ...base,
    title: { entity, url, verb: parts.length === 0 ? 'closed' : `closed: ${parts.join(', ')}` },
    link: url,
  };
}

export function eventMessage(event: PeopleEvent, publicUrl: string): Message {
  const [entity, action] = event.type.split('.');
  const o = event.data.object;
  const base: Message = {
    title: null,
    recognition: null,
    author: author(event),
    lines: [],
    quote: null,
    link: null,
    omitted: null,
  };
  if (event.type === 'recognition.completed') {
    const program = o.program as { name: string } | null;
    return {
      ...base,
      author: null,
      recognition: {
        giver: (o.giver as { name: string }).name,
        recipients: (o.recipients as { name: string }[]).map((r) => r.name),
        points: Number(o.points),
        program: program ? program.name : null,
      },
      quote: typeof o.note === 'string' && o.note !== '' ? o.note : null,
      link: `${publicUrl}/recognitions/${String(o.id)}`,
    };
  }
  if (event.type === 'webhook.disabled') {
    const url = `${publicUrl}/webhooks/${String(o.id)}`;
    return {
      ...base,
      title: { entity: 'Webhook', url, verb: 'was disabled' },
      link: url,
      lines: [
        { label: 'Name', value: formatValue(o.name) },
        { label: 'Reason', value: formatValue(o.reason) },
      ],
    };
  }
  if (entity === 'survey') return surveyMessage(event, base, publicUrl);
  if (entity === 'sync') {
    // One line a channel reads at a glance: "HiBob sync completed: 3 created, 1 updated, 0 deleted".
    const url = `${publicUrl}/integrations/hibob/runs/${String(o.id)}`;
    if (event.type === 'sync.failed')
      return {
        ...base,
        title: { entity: 'HiBob sync', url, verb: 'failed' },
        link: url,
        lines: [{ label: 'Error', value: formatValue(o.error) }],
      };
    const count = (value: unknown) => (Number.isInteger(value) ? Number(value) : 0);
    return {
      ...base,
      title: {
        entity: 'HiBob sync',
        url,
        verb: `completed: ${count(o.created)} created, ${count(o.updated)} updated, ${count(o.deleted)} deleted`,
      },
      link: url,
    };
  }
  const style = ENTITIES[entity];
  const url =
    style.path === 'organization' ? `${publicUrl}/organization` : `${publicUrl}/${style.path}/${String(o.id)}`;
  const lines =
    action === 'updated'
      ? (event.data.changes ?? []).map(changeLine)
      : style.keyFields
          .map(([field, label]) => ({ label, value: field === 'groupName' ? (o.groupName ?? o.groupId) : o[field] }))
          .filter((line) => !empty(line.value))
          .map((line) => ({ label: line.label, value: formatValue(line.value) }));
  return { ...base, title: { entity: style.label, url, verb: `was ${action}` }, link: url, lines };
}
