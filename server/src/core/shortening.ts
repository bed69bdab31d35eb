// Shortens one event's message until a chat tool takes it: long values clipped, the first lines
// (or recipients) kept, and a line saying what was left out, with a link to the object.
import type { Message, MessageLine } from './message';

/** How much of each kind of user text a rung of the ladder keeps, in characters (code points). */
interface Tier {
  /** Any one text: a name, a label, a value, one item of a list. */
  text: number;
  /** The items of one list change together. */
  list: number;
  quote: number;
  /** Whether the title keeps its link and the left-out line its link. */
  links: boolean;
}

/**
 * From mild to severe. Within a tier the most lines (or recipients) that fit are kept. At its least
 * (no lines, one recipient) the last tier keeps at most 24 characters in each of the five slots left
 * (title, author, giver, recipient, program), no note and no link: under 1,500 characters even if
 * escaping made each character ten, below the smallest limit of any format (3,000), whatever the
 * input. So the ladder always ends within the limits.
 */
const TIERS: readonly Tier[] = [
  { text: 2_000, list: 4_000, quote: 6_000, links: true },
  { text: 500, list: 1_000, quote: 2_000, links: true },
  { text: 150, list: 300, quote: 600, links: true },
  { text: 50, list: 100, quote: 200, links: true },
  { text: 24, list: 24, quote: 0, links: true },
  { text: 24, list: 24, quote: 0, links: false },
];

interface Cuts {
  characters: number;
  values: number;
  lines: number;
  recipients: number;
}

/** Code points in text (a surrogate pair is one), counted without copying the text. */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdbff) n += 1;
  }
  return n;
}

/** The first `max` code points, the last one replaced by an ellipsis; what was cut is counted. */
function clip(text: string, max: number, cuts: Cuts): string {
  if (text.length <= max) return text;
  const total = codePoints(text);
  if (total <= max) return text;
  const kept = Math.max(0, max - 1);
  let end = 0;
  for (let n = 0; n < kept; n += 1) end += (text.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
  cuts.characters += total - kept;
  return max === 0 ? '' : `${text.slice(0, end)}…`;
}

function clipList(items: string[], tier: Tier, cuts: Cuts): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const item of items) {
    const clipped = clip(item, tier.text, cuts);
    if (kept.length > 0 && used + clipped.length > tier.list) {
      cuts.values += items.length - kept.length;
      break;
    }
    kept.push(clipped);
    used += clipped.length;
  }
  return kept;
}

function clipLine(line: MessageLine, tier: Tier, cuts: Cuts): MessageLine {
  const label = clip(line.label, tier.text, cuts);
  if (typeof line.value === 'string') return { label, value: clip(line.value, tier.text, cuts) };
  if ('old' in line.value)
    return { label, value: { old: clip(line.value.old, tier.text, cuts), new: clip(line.value.new, tier.text, cuts) } };
  return {
    label,
    value: { added: clipList(line.value.added, tier, cuts), removed: clipList(line.value.removed, tier, cuts) },
  };
}

const count = (n: number, one: string, many: string) => (n > 0 ? `${n} ${n === 1 ? one : many}` : '');

/** "312 more changes and 5120 characters": numbers and fixed words only, never user text. */
function describeCuts(cuts: Cuts, lineNoun: [string, string]): string | null {
  const parts = [
    count(cuts.lines, `more ${lineNoun[0]}`, `more ${lineNoun[1]}`),
    count(cuts.recipients, 'more recipient', 'more recipients'),
    count(cuts.values, 'more list value', 'more list values'),
    count(cuts.characters, 'character', 'characters'),
  ].filter((part) => part !== '');
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** The message within a tier, keeping the first `keep` lines (or recipients). */
function within(message: Message, tier: Tier, keep: number): Message {
  const cuts: Cuts = { characters: 0, values: 0, lines: 0, recipients: 0 };
  const lines = message.lines.slice(0, keep).map((line) => clipLine(line, tier, cuts));
  cuts.lines = message.lines.length - lines.length;
  let recognition = message.recognition;
  if (recognition !== null) {
    const recipients = recognition.recipients.slice(0, Math.max(1, keep)).map((name) => clip(name, tier.text, cuts));
    cuts.recipients = recognition.recipients.length - recipients.length;
    recognition = {
      ...recognition,
      giver: clip(recognition.giver, tier.text, cuts),
      recipients,
      program: recognition.program === null ? null : clip(recognition.program, tier.text, cuts),
    };
  }
  // A survey's title is its name (user text); the other titles are short fixed words that no tier cuts.
  const title =
    message.title === null
      ? null
      : {
          ...message.title,
          entity: clip(message.title.entity, tier.text, cuts),
          url: tier.links ? message.title.url : null,
        };
  const author = message.author === null ? null : clip(message.author, tier.text, cuts);
  const quote = message.quote === null ? null : clip(message.quote, tier.quote, cuts);
  // Lines of an update are its changes; other messages' lines are the object's fields.
  const updates = message.lines.some((line) => typeof line.value !== 'string');
  const omitted = describeCuts(cuts, updates ? ['change', 'changes'] : ['field', 'fields']);
  return {
    ...message,
    title,
    recognition,
    author,
    lines,
    quote: quote === '' ? null : quote,
    link: tier.links ? message.link : null,
    omitted,
  };
}

/**
 * The message as it is when it fits; otherwise the mildest tier at which it fits, keeping as many
 * lines (or recipients) as fit there. `fits` is the format's own check on the rendered message.
 * Ends after at most a few dozen renderings: six tiers, each a binary search over the lines.
 */
export function shortenMessage(message: Message, fits: (message: Message) => boolean): Message {
  if (fits(message)) return message;
  const items = message.recognition !== null ? message.recognition.recipients.length : message.lines.length;
  const least = message.recognition !== null ? Math.min(1, items) : 0;
  let last: Message | null = null;
  for (const tier of TIERS) {
    last = within(message, tier, least);
    if (!fits(last)) continue;
    // The most lines that still fit: fits(lo) holds, and more lines never make a message smaller.
    let lo = least;
    let hi = items;
    let best = last;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const candidate = within(message, tier, mid);
      if (fits(candidate)) {
        lo = mid;
        best = candidate;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }
  return last ?? message;
}
