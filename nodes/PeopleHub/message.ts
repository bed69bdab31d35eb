// Message → Parse: turns a chat-format webhook text (PeopleHub's `chat` format, or any sender in the
// Peerdom style: a linked bold header, an optional author line, `**Label:** value` lines) back into
// data. Pure, so it is tested against every message the server can write.

export interface ParsedChange {
  label: string;
  old: string | null;
  new: string | null;
  added: string[];
  removed: string[];
}

export interface ParsedMessage {
  /** `Employee`, `Role`, `HiBob sync`, `Recognition`, … as the header names it. */
  entity: string | null;
  /** `created`, `updated`, `deleted`, `completed`, `failed`, `disabled`, `recognized`, `opened`, `closed`, … */
  action: string | null;
  url: string | null;
  /** Null for changes the system made (no author line). */
  author: { name: string | null; email: string | null } | null;
  /** Key fields of a created or deleted object, and any other `Label: value` line, as text. */
  fields: Record<string, string | null>;
  /** One entry per changed field of an update: `old → new`, or `[+] added [-] removed` for lists. */
  changes: ParsedChange[];
}

/** How the server writes an empty value. */
const NONE = '(none)';
const ARROW = ' → ';

/**
 * Markdown escapes (a backslash before ASCII punctuation) removed, and the invisible word joiner
 * PeopleHub puts after `@` and `<` to keep a name such as `@here` from notifying anyone: the text as
 * it was written.
 */
export function unescapeMarkdown(text: string): string {
  return text.replace(/([@<])\u2060/g, '$1').replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

function value(raw: string): string | null {
  const text = unescapeMarkdown(raw.trim());
  return text === NONE || text === '' ? null : text;
}

/** `a, b, c` as items; a backslash-escaped comma never splits (the server escapes none, others may). */
function items(raw: string): string[] {
  return raw
    .split(/(?<!\\), /)
    .map((item) => unescapeMarkdown(item.trim()))
    .filter((item) => item !== '');
}

/**
 * A header: `**[Entity](url)** was updated`, `**[HiBob sync](url)** completed: 3 created, …`,
 * `**[Q4 pulse](url)** closed: 78 % answered, …` (a survey round's name stands for the entity).
 */
const LINKED_HEADER = /^\*\*\[((?:\\.|[^\]\\])+)\]\(([^)\s]+)\)\*\*\s*(.*)$/;
/** The same without a link, as some senders write it: `**Role** was updated`. */
const PLAIN_HEADER = /^\*\*((?:\\.|[^*\\])+)\*\*\s+was\s+(\S+)\s*$/;
/** `**Giver** recognized **A**, **B** and **C** with **50** points in *Program*`. */
const RECOGNITION =
  /^\*\*((?:\\.|[^*\\])+)\*\* recognized (.+) with \*\*(\d+)\*\* points?(?: in \*((?:\\.|[^*\\])+)\*)?\s*$/;
/** `**Label:** value`; the label may hold escaped characters and colons. */
const FIELD = /^\*\*((?:\\.|[^*\\])+?):\*\*\s?(.*)$/;
const BOLD = /\*\*((?:\\.|[^*\\])+)\*\*/g;

/** A survey round's header: `**[Q4 pulse](url)** is open until 20 Dec: 143 people invited`. */
const OPEN_UNTIL = /^is open(?:\s+until\s+(.+))?$/;
/** A count in a header's summary: `3 created`, `143 people invited`, `78 % answered`. */
const COUNT = /^(\d+)\s+(.+)$/;
/** A named number in a header's summary: `engagement 7.9 (+0.3)`, `eNPS -4`. */
const MEASURE = /^([A-Za-z][A-Za-z ]*?)\s+(-?\d+(?:\.\d+)?(?:\s+\([^()]*\))?)$/;

function verb(rest: string, message: ParsedMessage): void {
  // "was updated" → updated; "completed: 3 created, 1 updated, 0 deleted" → completed, with the counts.
  const words = rest.replace(/^was\s+/, '');
  const [action, summary] = words.split(/:\s*/, 2);
  const open = OPEN_UNTIL.exec(action.trim());
  if (open) {
    message.action = 'opened';
    if (open[1] !== undefined) message.fields['Open until'] = open[1];
  } else {
    message.action = action.trim().split(/\s+/)[0] || null;
  }
  if (summary !== undefined) {
    for (const part of summary.split(/,\s*/)) {
      // "3 created" → created: 3; "engagement 7.9 (+0.3)" → engagement: 7.9 (+0.3); other words are left.
      const count = COUNT.exec(part.trim());
      const measure = MEASURE.exec(part.trim());
      if (count) message.fields[count[2]] = count[1];
      else if (measure) message.fields[measure[1]] = measure[2];
    }
  }
}

function author(raw: string): ParsedMessage['author'] {
  const text = unescapeMarkdown(raw.trim());
  const named = /^(.*\S)\s+\(([^()\s]+@[^()\s]+)\)$/.exec(text);
  if (named) return { name: named[1], email: named[2] };
  if (/^[^\s@]+@[^\s@]+$/.test(text)) return { name: null, email: text };
  return { name: text, email: null };
}

function listChange(label: string, raw: string): ParsedChange {
  const added = /\[\+\]\s*(.*?)(?=\s*\[-\]|$)/.exec(raw);
  const removed = /\[-\]\s*(.*)$/.exec(raw);
  return {
    label,
    old: null,
    new: null,
    added: added ? items(added[1]) : [],
    removed: removed ? items(removed[1]) : [],
  };
}

const isListChange = (raw: string) => /^\[[+-]\]/.test(raw.trim());

function parseOne(block: string): ParsedMessage {
  const message: ParsedMessage = { entity: null, action: null, url: null, author: null, fields: {}, changes: [] };
  const lines = block.split('\n').map((line) => line.trim());
  const note: string[] = [];
  let first = true;
  let fieldLines = 0;
  for (const line of lines) {
    if (line === '') continue;
    if (first) {
      first = false;
      const linked = LINKED_HEADER.exec(line);
      if (linked) {
        message.entity = unescapeMarkdown(linked[1]);
        message.url = linked[2];
        verb(linked[3], message);
        continue;
      }
      const recognition = RECOGNITION.exec(line);
      if (recognition) {
        message.entity = 'Recognition';
        message.action = 'recognized';
        const recipients = [...recognition[2].matchAll(BOLD)].map((m) => unescapeMarkdown(m[1]));
        message.fields = {
          Giver: unescapeMarkdown(recognition[1]),
          Recipients: recipients.join(', '),
          Points: recognition[3],
          Program: recognition[4] === undefined ? null : unescapeMarkdown(recognition[4]),
        };
        continue;
      }
      const plain = PLAIN_HEADER.exec(line);
      if (plain) {
        message.entity = unescapeMarkdown(plain[1]);
        message.action = plain[2];
        continue;
      }
    }
    if (line.startsWith('>')) {
      note.push(unescapeMarkdown(line.replace(/^>\s?/, '')));
      continue;
    }
    const field = FIELD.exec(line);
    if (!field) continue;
    fieldLines += 1;
    const label = unescapeMarkdown(field[1]);
    const raw = field[2];
    // The author line comes first; an attribute that happens to be called Author shows as a change.
    if (fieldLines === 1 && label === 'Author' && !raw.includes(ARROW) && !isListChange(raw)) {
      message.author = author(raw);
    } else if (isListChange(raw)) {
      message.changes.push(listChange(label, raw));
    } else if (raw.includes(ARROW)) {
      const at = raw.indexOf(ARROW);
      message.changes.push({
        label,
        old: value(raw.slice(0, at)),
        new: value(raw.slice(at + ARROW.length)),
        added: [],
        removed: [],
      });
    } else {
      message.fields[label] = value(raw);
    }
  }
  if (note.length > 0) message.fields.Note = note.join('\n');
  return message;
}

/**
 * Every message in a chat-format text: one, or several separated by a line holding only `---`
 * (a batch). CRLF and lone CR line breaks are read as LF.
 */
export function parseChatMessages(text: string): ParsedMessage[] {
  const normalized = text.replace(/\r\n?/g, '\n').trim();
  if (normalized === '') return [];
  return normalized
    .split(/\n[ \t]*---[ \t]*(?:\n|$)/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .map(parseOne);
}
