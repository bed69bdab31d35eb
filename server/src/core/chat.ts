// The `chat` webhook format: an incoming-webhook `{"text"}` body in Markdown, as help article 001
// describes — a linked header, an optional author line, then key fields or one line per change.
import type { Change, PeopleEvent } from './events';

interface EntityStyle {
  label: string;
  path: string;
  /** Fields shown on create and delete, in order: [field, label]. */
  keyFields: [string, string][];
}

const ENTITIES: Record<string, EntityStyle> = {
  employee: { label: 'Employee', path: 'employees', keyFields: [['displayName', 'Name'], ['email', 'Email'], ['title', 'Title'], ['department', 'Department']] },
  group: { label: 'Group', path: 'groups', keyFields: [['name', 'Name'], ['purpose', 'Purpose']] },
  role: { label: 'Role', path: 'roles', keyFields: [['name', 'Name'], ['groupName', 'Group']] },
  organization: { label: 'Organization', path: 'organization', keyFields: [['name', 'Name']] },
  user: { label: 'User', path: 'users', keyFields: [['name', 'Name'], ['email', 'Email']] },
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

function authorLine(event: PeopleEvent): string | null {
  const actor = event.actor;
  if (actor === null) return null;
  if (actor.type === 'user') return `**Author:** ${actor.name ? `${actor.name} (${actor.email})` : actor.email}`;
  return `**Author:** ${actor.name}`;
}

function changeLine(change: Change): string {
  if ('added' in change) {
    const parts = [];
    if (change.added.length > 0) parts.push(`[+] ${change.added.map(formatValue).join(', ')}`);
    if (change.removed.length > 0) parts.push(`[-] ${change.removed.map(formatValue).join(', ')}`);
    return `**${change.label}:** ${parts.join(' ')}`;
  }
  return `**${change.label}:** ${formatValue(change.old)} → ${formatValue(change.new)}`;
}

function quote(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join('\n');
}

function names(people: { name: string }[]): string {
  const bold = people.map((p) => `**${p.name}**`);
  return bold.length <= 1 ? (bold[0] ?? '') : `${bold.slice(0, -1).join(', ')} and ${bold[bold.length - 1]}`;
}

function recognitionMessage(object: Record<string, unknown>): string[] {
  const giver = object.giver as { name: string };
  const recipients = object.recipients as { name: string }[];
  const program = object.program as { name: string } | null;
  const line = `**${giver.name}** recognized ${names(recipients)} with **${String(object.points)}** points${program ? ` in *${program.name}*` : ''}`;
  return typeof object.note === 'string' && object.note !== '' ? [line, quote(object.note)] : [line];
}

function systemMessage(event: PeopleEvent, publicUrl: string): string[] {
  const o = event.data.object;
  if (event.type === 'webhook.disabled') {
    return [`**[Webhook](${publicUrl}/webhooks/${String(o.id)})** was disabled`, `**Name:** ${formatValue(o.name)}`, `**Reason:** ${formatValue(o.reason)}`];
  }
  const outcome = event.type === 'sync.completed' ? 'completed' : 'failed';
  const lines = [`**HiBob sync** ${outcome}`];
  if (event.type === 'sync.completed') lines.push(`**Created:** ${formatValue(o.created)}`, `**Updated:** ${formatValue(o.updated)}`, `**Deleted:** ${formatValue(o.deleted)}`);
  else lines.push(`**Error:** ${formatValue(o.error)}`);
  return lines;
}

/** One event as Markdown blocks, separated by blank lines. */
export function chatMessage(event: PeopleEvent, publicUrl: string): string {
  const [entity, action] = event.type.split('.');
  let blocks: string[];
  if (event.type === 'recognition.completed') {
    blocks = recognitionMessage(event.data.object);
  } else if (entity === 'sync' || entity === 'webhook') {
    blocks = systemMessage(event, publicUrl);
  } else {
    const style = ENTITIES[entity];
    const object = event.data.object;
    const link = style.path === 'organization' ? `${publicUrl}/organization` : `${publicUrl}/${style.path}/${String(object.id)}`;
    blocks = [`**[${style.label}](${link})** was ${action}`];
    const author = authorLine(event);
    if (author) blocks.push(author);
    if (action === 'updated') {
      blocks.push(...(event.data.changes ?? []).map(changeLine));
    } else {
      for (const [field, label] of style.keyFields) {
        const value = object[field] ?? (field === 'groupName' ? object.groupId : undefined);
        if (value !== null && value !== undefined && value !== '') blocks.push(`**${label}:** ${formatValue(value)}`);
      }
    }
  }
  return blocks.join('\n\n');
}

/** The request body: one message, or a batch joined by horizontal rules. */
export function chatPayload(events: PeopleEvent[], publicUrl: string): { text: string } {
  return { text: events.map((event) => chatMessage(event, publicUrl)).join('\n\n---\n\n') };
}
