// Personal survey links are bearer secrets: never at rest in the store (with SMTP or without), never
// in a log line, and guessing them is throttled per client address.
import { Writable } from 'node:stream';
import pino from 'pino';
import { answerUrl } from '../../../server/src/domain/surveys/links';
import { findSurvey } from '../../../server/src/store/surveys';
import { type StoreKind, type TestServer, startTestServer, storeKinds } from '../../helpers/harness';
import { call } from '../../helpers/http';
import { createEmployee, post } from '../../helpers/people';
import { storeContents } from '../../helpers/store-contents';
import { answer, createRound, linkIn, pathOf, startMailSink } from '../../helpers/surveys';

/** Opens a round for three people and returns their links, derived as the mails derive them. */
async function openRound(server: TestServer): Promise<string[]> {
  for (let i = 0; i < 3; i += 1) await createEmployee(server, { department: 'Links', startDate: '2024-01-01' });
  const round = await createRound(server, { audience: ['department:Links'] });
  expect((await post(server, `/v1/surveys/${round.body.data.id}/open`, {})).status).toBe(200);
  while ((await server.hub.surveys.sendMails()) > 0);
  const { db } = server.hub.context.store;
  const survey = await findSurvey(db, server.org.organizationId, round.body.data.id);
  const invitations = await db
    .selectFrom('survey_invitations')
    .select('id')
    .where('survey_id', '=', round.body.data.id)
    .execute();
  expect(invitations).toHaveLength(3);
  return invitations.map((i) => answerUrl(server.hub.context, survey!, i.id));
}

/** The secret part of a link: its MAC. */
const macOf = (link: string) => link.split('.').pop()!;

describe.each(storeKinds())('survey links [%s]', (kind: StoreKind) => {
  test('without SMTP_URL: the mails are kept without a link, and no link rests anywhere in the store', async () => {
    const server = await startTestServer(kind, { PEOPLEHUB_WORKER: 'false' });
    try {
      const links = await openRound(server);
      expect((await answer(server, pathOf(links[0]), [7, 8])).status).toBe(303);
      const kept = await server.hub.context.store.db.selectFrom('survey_mails').select(['status']).execute();
      expect(kept.map((m) => m.status)).toEqual(['kept', 'kept', 'kept']);
      const contents = await storeContents(server);
      expect(contents).toContain('survey.invited');
      for (const link of links) expect(contents).not.toContain(macOf(link));
    } finally {
      await server.close();
    }
  });

  test('with SMTP_URL: the mail carries the link that opens the page, and the store still holds none', async () => {
    const sink = await startMailSink();
    const server = await startTestServer(kind, { PEOPLEHUB_WORKER: 'false', SMTP_URL: sink.url });
    try {
      const links = await openRound(server);
      expect(sink.mails).toHaveLength(3);
      const mailed = sink.mails.map(linkIn).sort();
      expect(mailed).toEqual([...links].sort());
      const page = await call(server.url, pathOf(mailed[0]));
      expect(page.status).toBe(200);
      expect(page.text).toContain('<form method="post"');
      const contents = await storeContents(server);
      for (const link of links) expect(contents).not.toContain(macOf(link));
    } finally {
      await server.close();
      await sink.close();
    }
  });

  test('the server logs the route, never the link', async () => {
    let logged = '';
    const out = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const server = await startTestServer(
      kind,
      { PEOPLEHUB_WORKER: 'false' },
      { logger: pino({ level: 'debug' }, out) },
    );
    try {
      const [link] = await openRound(server);
      await call(server.url, pathOf(link));
      expect((await answer(server, pathOf(link), [11, 3])).status).toBe(400);
      expect((await answer(server, pathOf(link), [10, 3])).status).toBe(303);
      await call(server.url, `${pathOf(link)}/thanks`);
      await call(server.url, `${pathOf(link)}x`);
      expect(logged).toContain('"url":"/s/:token"');
      expect(logged).not.toContain(macOf(link));
    } finally {
      await server.close();
    }
  });

  test('links that open nothing are throttled per client address; other addresses are not', async () => {
    const server = await startTestServer(kind, { PEOPLEHUB_WORKER: 'false', PEOPLEHUB_AUTH_RATE_LIMIT: '3' });
    try {
      const [link] = await openRound(server);
      const from = (address: string, path: string) => call(server.url, path, { localAddress: address });
      for (let i = 0; i < 3; i += 1)
        expect((await from('127.0.0.5', `/s/inv_nothing${i}.${'A'.repeat(32)}`)).status).toBe(404);
      const refused = await from('127.0.0.5', `/s/inv_nothing9.${'A'.repeat(32)}`);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // While refused, even a good link is not looked up from that address; from another it opens.
      expect((await from('127.0.0.5', pathOf(link))).status).toBe(429);
      expect((await from('127.0.0.6', pathOf(link))).status).toBe(200);
      // Good links cost nothing: the other address keeps its whole budget.
      for (let i = 0; i < 5; i += 1) expect((await from('127.0.0.6', pathOf(link))).status).toBe(200);
      // On the clock, the budget comes back.
      server.clock.advance(60_000);
      expect((await from('127.0.0.5', pathOf(link))).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
