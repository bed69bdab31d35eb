import fc from 'fast-check';
import { CHAT_MAX_CHARACTERS, chatPayload } from '../../../server/src/core/chat';
import { packChunks } from '../../../server/src/core/chunks';
import type { PeopleEvent } from '../../../server/src/core/events';
import { splitPayload } from '../../../server/src/core/payload';
import { SLACK_MAX_BLOCKS, SLACK_MAX_TEXT, slackPayload } from '../../../server/src/core/slack';
import { TEAMS_MAX_BYTES, teamsPayload } from '../../../server/src/core/teams';

const URL = 'https://hub.example.com';

/** The fewest in-order chunks with sums within `limit`, by dynamic programming: what greedy must match. */
function fewestChunks(sizes: number[], limit: number): number {
  const best = [0, ...sizes.map(() => Infinity)];
  for (let end = 1; end <= sizes.length; end += 1) {
    let sum = 0;
    for (let start = end - 1; start >= 0; start -= 1) {
      sum += sizes[start];
      if (sum > limit && start < end - 1) break;
      best[end] = Math.min(best[end], best[start] + 1);
    }
  }
  return best[sizes.length];
}

describe('packing a batch into requests', () => {
  test('property: every item once and in order, every chunk within the limit, and no more chunks than needed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 80 }),
        fc.integer({ min: 60, max: 200 }),
        (sizes, limit) => {
          const items = sizes.map((size, index) => ({ size, index }));
          const chunks = packChunks(items, (chunk) => chunk.reduce((n, item) => n + item.size, 0) <= limit);
          expect(chunks.flat()).toEqual(items);
          for (const chunk of chunks) expect(chunk.reduce((n, item) => n + item.size, 0)).toBeLessThanOrEqual(limit);
          expect(chunks.every((chunk) => chunk.length > 0)).toBe(true);
          expect(chunks.length).toBe(fewestChunks(sizes, limit));
        },
      ),
    );
  });

  test('an item too big on its own gets a chunk of its own instead of being dropped', () => {
    expect(packChunks([1, 500, 2, 3], (chunk) => chunk.reduce((a, b) => a + b, 0) <= 10)).toEqual([[1], [500], [2, 3]]);
    expect(packChunks([], () => true)).toEqual([]);
  });

  test('60 new employees to chat, Slack and Teams become requests that each fit, and together carry every event once', () => {
    const events: PeopleEvent[] = Array.from({ length: 60 }, (_, i) => ({
      id: `evt_${i}`,
      type: 'employee.created',
      timestamp: '2026-11-22T10:00:00.000Z',
      organizationId: 'org_1',
      actor: { type: 'user', id: 'usr_1', name: 'Jane Doe', email: 'jane@example.com' },
      data: {
        object: {
          id: `emp_${i}`,
          displayName: `Person Number ${i} With A Fairly Long Name`,
          email: `person${i}@example.com`,
          title: 'Senior Platform Engineer, Developer Experience',
          department: 'Engineering and Operations',
        },
      },
    }));
    // As one request each, the batch is beyond what the tools take.
    expect(slackPayload(events, URL).blocks.length).toBeGreaterThan(SLACK_MAX_BLOCKS);
    expect(Buffer.byteLength(JSON.stringify(teamsPayload(events, URL)))).toBeGreaterThan(TEAMS_MAX_BYTES);
    expect(chatPayload(events, URL).text.length).toBeGreaterThan(CHAT_MAX_CHARACTERS);
    const checks = {
      chat: (group: PeopleEvent[]) => chatPayload(group, URL).text.length <= CHAT_MAX_CHARACTERS,
      slack: (group: PeopleEvent[]) => {
        const body = slackPayload(group, URL);
        return (
          body.blocks.length <= SLACK_MAX_BLOCKS &&
          body.text.length <= SLACK_MAX_TEXT &&
          body.blocks.every((b) => b.type !== 'section' || (b.text?.text.length ?? 0) <= SLACK_MAX_TEXT)
        );
      },
      teams: (group: PeopleEvent[]) => Buffer.byteLength(JSON.stringify(teamsPayload(group, URL))) <= TEAMS_MAX_BYTES,
    };
    for (const [format, fits] of Object.entries(checks)) {
      const groups = splitPayload(format as keyof typeof checks, events, URL);
      expect(groups.length).toBeGreaterThan(1);
      expect(groups.flat().map((e) => e.id)).toEqual(events.map((e) => e.id));
      for (const group of groups) expect(fits(group)).toBe(true);
      // Greedy: joining any group with the next one's first event would not fit.
      for (let i = 0; i + 1 < groups.length; i += 1) expect(fits([...groups[i], groups[i + 1][0]])).toBe(false);
    }
    expect(splitPayload('json', events, URL)).toEqual([events]);
  });
});
