// From events to one HTTP request body in a webhook's format, and the headers that go with it.
import { chatFormat, chatPayload } from './chat';
import { splitEvents } from './chat-format';
import type { PeopleEvent } from './events';
import { signatureHeader } from './signature';
import { slackFormat, slackPayload } from './slack';
import { teamsFormat, teamsPayload } from './teams';

export type PayloadFormat = 'json' | 'chat' | 'slack' | 'teams';

/** One event, or a batch (`{"type":"batch","timestamp","data":[…]}` in json), as the body text. */
export function renderPayload(format: PayloadFormat, events: PeopleEvent[], publicUrl: string, now: Date): string {
  switch (format) {
    case 'json':
      return JSON.stringify(
        events.length === 1 ? events[0] : { type: 'batch', timestamp: now.toISOString(), data: events },
      );
    case 'chat':
      return JSON.stringify(chatPayload(events, publicUrl));
    case 'slack':
      return JSON.stringify(slackPayload(events, publicUrl));
    case 'teams':
      return JSON.stringify(teamsPayload(events, publicUrl));
  }
}

/**
 * A batch in the groups that each make one request the receiving tool accepts (chat tools limit
 * blocks, characters and bytes); json bodies have no such limit and stay whole.
 */
export function splitPayload(format: PayloadFormat, events: PeopleEvent[], publicUrl: string): PeopleEvent[][] {
  switch (format) {
    case 'json':
      return [events];
    case 'chat':
      return splitEvents(chatFormat, events, publicUrl);
    case 'slack':
      return splitEvents(slackFormat, events, publicUrl);
    case 'teams':
      return splitEvents(teamsFormat, events, publicUrl);
  }
}

/** Standard Webhooks headers; the signature is left out when signing is off (no secrets given). */
export function deliveryHeaders(
  messageId: string,
  body: string,
  now: Date,
  secrets: string[],
  version: string,
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': `PeopleHub-Webhooks/${version}`,
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
  };
  if (secrets.length > 0) headers['webhook-signature'] = signatureHeader(secrets, messageId, timestamp, body);
  return headers;
}
