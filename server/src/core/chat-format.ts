// What the chat, Slack and Teams formats share: each renders one part per event, joins parts into a
// request body, and knows the receiving tool's limits; events are shortened and batches split here.
import { packChunks } from './chunks';
import type { PeopleEvent } from './events';
import { type Message, eventMessage } from './message';
import { shortenMessage } from './shortening';

export interface ChatFormat<Part, Body> {
  /** One event's message, rendered on its own. */
  part(message: Message): Part;
  /** The request body for parts, in order. */
  body(parts: Part[]): Body;
  /** Whether the receiving tool accepts the body (its documented limits). */
  fits(body: Body): boolean;
}

/** Each event's part, shortened until a request holding that event alone fits. */
function partsOf<Part, Body>(format: ChatFormat<Part, Body>, events: PeopleEvent[], publicUrl: string): Part[] {
  return events.map((event) =>
    format.part(
      shortenMessage(eventMessage(event, publicUrl), (message) => format.fits(format.body([format.part(message)]))),
    ),
  );
}

/** The body for events; a batch that is too large for one request still renders (see splitEvents). */
export function renderBody<Part, Body>(format: ChatFormat<Part, Body>, events: PeopleEvent[], publicUrl: string): Body {
  return format.body(partsOf(format, events, publicUrl));
}

/** Events in consecutive groups whose bodies each fit: one group when the whole batch does. */
export function splitEvents<Part, Body>(
  format: ChatFormat<Part, Body>,
  events: PeopleEvent[],
  publicUrl: string,
): PeopleEvent[][] {
  const parts = partsOf(format, events, publicUrl).map((part, i) => ({ part, event: events[i] }));
  return packChunks(parts, (chunk) => format.fits(format.body(chunk.map((c) => c.part)))).map((chunk) =>
    chunk.map((c) => c.event),
  );
}
