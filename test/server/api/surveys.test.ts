// Survey rounds over the real API, a real SMTP sink and the answer page, on the injected clock: who is
// invited and when, reminders, one response per invitation, cadence, closing results under the
// anonymity threshold, and bad input refused with nothing changed.
import { type NewOrganization, createOrganizationWithOwner } from '../../../server/src/domain/organization';
import { linkToken } from '../../../server/src/core/survey-links';
import {
  type StoreKind,
  type TestServer,
  restoreClockAfterEach,
  startTestServer,
  storeKinds,
} from '../../helpers/harness';
import { call } from '../../helpers/http';
import { createEmployee, del, eventsSince, get, patch, post } from '../../helpers/people';
import { type MailSink, answer, createRound, invitationOf, linkIn, pathOf, startMailSink } from '../../helpers/surveys';

const DAY = 86_400_000;

describe.each(storeKinds())('survey rounds [%s]', (kind: StoreKind) => {
  let server: TestServer;
  let sink: MailSink;
  let orgs = 0;
  let made = 0;

  beforeAll(async () => {
    sink = await startMailSink();
    // The worker's loop is off: each test runs its passes itself (work()), so what it sees is what the clock says.
    server = await startTestServer(kind, {
      SMTP_URL: sink.url,
      PEOPLEHUB_MAIL_FROM: 'Surveys <surveys@peoplehub.test>',
      PEOPLEHUB_WORKER: 'false',
    });
  });
  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });
  restoreClockAfterEach(() => server.clock);

  /** An organization of the test's own, so its answers and rounds are the only ones in it. */
  async function freshOrg(): Promise<TestServer> {
    orgs += 1;
    const org: NewOrganization = await createOrganizationWithOwner(server.hub.context.store, server.clock, {
      name: `Acme ${orgs}`,
      ownerEmail: `owner${orgs}@surveys.example`,
    });
    return { ...server, org };
  }

  const daysFromNow = (n: number) => new Date(server.clock.now().getTime() + n * DAY).toISOString().slice(0, 10);

  /** Runs the worker's pass as the clock stands, and sends what it queued. */
  async function work(): Promise<void> {
    await server.hub.surveys.advanceRounds();
    while ((await server.hub.surveys.sendMails()) > 0);
  }

  const mailsTo = (email: string) => sink.mails.filter((m) => m.to.includes(email));

  async function people(s: TestServer, department: string, n: number, extra: Record<string, unknown> = {}) {
    const team = [];
    for (let i = 0; i < n; i += 1) {
      made += 1;
      team.push(
        await createEmployee(
          s,
          {
            department,
            startDate: '2024-01-01',
            email: `${department.toLowerCase()}${made}@${kind}.example`,
            ...extra,
          },
          s.org.ownerKey,
        ),
      );
    }
    return team as { id: string; email: string }[];
  }

  test('a round must ask the engagement question, close after it opens, and remind before it closes', async () => {
    const s = await freshOrg();
    const missing = await createRound(s, { questions: [{ key: 'Growth', text: 'I grow here.' }] });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([
      expect.objectContaining({ path: '/questions', message: expect.stringContaining('engagement') }),
    ]);
    const backwards = await createRound(s, {
      opensAt: '2026-12-10T09:00:00Z',
      closesAt: '2026-12-01T09:00:00Z',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0]).toMatchObject({ path: '/closesAt' });
    const lateReminder = await createRound(s, { reminders: [30] });
    expect(lateReminder.status).toBe(400);
    expect(lateReminder.body.errors[0]).toMatchObject({ path: '/reminders/0' });
    const reserved = await createRound(s, { questions: [{ key: 'engagement' }, { key: '__proto__', text: 'Hm?' }] });
    expect(reserved.status).toBe(400);
    expect(reserved.body.errors[0]).toMatchObject({
      path: '/questions/1/key',
      message: expect.stringContaining('reserved'),
    });
    const nowhere = await createRound(s, { audience: ['department:Nowhere'] });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.errors[0]).toMatchObject({
      path: '/audience/0',
      message: expect.stringContaining('matches no one'),
    });
    const list = await get(s, '/v1/surveys');
    expect(list.body.data).toEqual([]);

    const made = await createRound(s);
    expect(made.status).toBe(201);
    expect(made.body.data).toMatchObject({ status: 'scheduled', cadence: 'none', reminders: [3, 7], audience: [] });
    expect(made.body.data.questions[0]).toEqual({
      key: 'engagement',
      text: 'How likely is it that you would recommend {organization} as a place to work?',
    });
  });

  test('opening invites everyone surveyable that day in the audience; start and separation dates move invitations', async () => {
    const s = await freshOrg();
    const [stays] = await people(s, 'Ops', 1);
    const [hire] = await people(s, 'Ops', 1, { startDate: daysFromNow(2) });
    const [leaver] = await people(s, 'Ops', 1, { separationDate: daysFromNow(1) });
    const [gone] = await people(s, 'Ops', 1, { separationDate: daysFromNow(-1) });
    const [elsewhere] = await people(s, 'Sales', 1);
    const [deleted] = await people(s, 'Ops', 1);
    const round = await createRound(s, { audience: ['department:Ops'] });
    expect(round.status).toBe(201);
    const opened = await post(s, `/v1/surveys/${round.body.data.id}/open`, {});
    expect(opened.status).toBe(200);
    expect(opened.body.data).toMatchObject({ status: 'open', participation: { invited: 3 } });
    await work();
    expect(mailsTo(stays.email)).toHaveLength(1);
    expect(mailsTo(leaver.email)).toHaveLength(1);
    expect(mailsTo(deleted.email)).toHaveLength(1);
    for (const nobody of [hire, gone, elsewhere]) expect(mailsTo(nobody.email)).toHaveLength(0);
    const mail = mailsTo(stays.email)[0];
    expect(mail.raw).toMatch(/From: Surveys <surveys@peoplehub\.test>/);
    expect(mail.text).toContain('Q4 pulse');
    expect(mail.raw).toMatch(/Content-Type: text\/html/);
    const leaverLink = pathOf(linkIn(mailsTo(leaver.email)[0]));
    const deletedLink = pathOf(linkIn(mailsTo(deleted.email)[0]));
    expect((await call(s.url, leaverLink)).status).toBe(200);

    // A deleted employee's invitation goes with them.
    expect((await del(s, `/v1/employees/${deleted.id}`)).status).toBe(204);
    const afterDelete = await call(s.url, deletedLink);
    expect(afterDelete.status).toBe(404);
    expect(afterDelete.text).toContain('This link is not valid');

    // Two days on: the hire's start date came (invited that day), the leaver's separation date passed.
    server.clock.advance(2 * DAY);
    await work();
    expect(mailsTo(hire.email)).toHaveLength(1);
    const closedForYou = await call(s.url, leaverLink);
    expect(closedForYou.status).toBe(410);
    expect(closedForYou.text).toContain('closed for you');
    expect(closedForYou.text).not.toContain(leaver.email);
    const state = await get(s, `/v1/surveys/${round.body.data.id}`);
    expect(state.body.data.participation).toMatchObject({ invited: 2, hidden: true, responded: null });

    // An invitation withdrawn by hand: the link says the survey is closed for them.
    const stayLink = pathOf(linkIn(mailsTo(stays.email)[0]));
    expect((await post(s, `/v1/surveys/${round.body.data.id}/revoke`, { employeeId: stays.id })).status).toBe(204);
    expect((await call(s.url, stayLink)).status).toBe(410);
    expect((await post(s, `/v1/surveys/${round.body.data.id}/revoke`, { employeeId: stays.id })).status).toBe(404);
  });

  test('reminders go on their days, only to those who have not answered', async () => {
    const s = await freshOrg();
    const team = await people(s, 'Rem', 3);
    const round = await createRound(s, { audience: ['department:Rem'], reminders: [3, 7] });
    await post(s, `/v1/surveys/${round.body.data.id}/open`, {});
    await work();
    const links = team.map((p) => pathOf(linkIn(mailsTo(p.email)[0])));
    expect((await answer(s, links[0], [8, 7])).status).toBe(303);
    server.clock.advance(2 * DAY);
    await work();
    expect(team.map((p) => mailsTo(p.email).length)).toEqual([1, 1, 1]);
    server.clock.advance(1 * DAY + 60_000);
    await work();
    expect(team.map((p) => mailsTo(p.email).length)).toEqual([1, 2, 2]);
    expect(mailsTo(team[1].email)[1].text).toMatch(/Subject: Reminder: Q4 pulse/);
    // The reminder carries the same link as the invitation.
    expect(pathOf(linkIn(mailsTo(team[1].email)[1]))).toBe(links[1]);
    expect((await answer(s, links[1], [6, 6])).status).toBe(303);
    server.clock.advance(4 * DAY);
    await work();
    expect(team.map((p) => mailsTo(p.email).length)).toEqual([1, 2, 3]);
    // Nothing more goes out on later passes.
    server.clock.advance(1 * DAY);
    await work();
    expect(team.map((p) => mailsTo(p.email).length)).toEqual([1, 2, 3]);
  });

  test('one response per invitation: the last one counts, in the answers, the rollups and the overview, whose invited are the invitations', async () => {
    const s = await freshOrg();
    const team = await people(s, 'Resp', 5);
    // Someone outside the audience: surveyable, but not invited, so not counted in the month's participation.
    await people(s, 'Outside', 1);
    const round = await createRound(s, { audience: ['department:Resp'] });
    await post(s, `/v1/surveys/${round.body.data.id}/open`, {});
    await work();
    const links = team.map((p) => pathOf(linkIn(mailsTo(p.email)[0])));
    for (const link of links) expect((await answer(s, link, [4, 5])).status).toBe(303);
    const thanks = await call(s.url, `${links[0]}/thanks`);
    expect(thanks.status).toBe(200);
    expect(thanks.text).toContain('Thank you');
    // Reopening shows the answers given and lets them change.
    const again = await call(s.url, links[0]);
    expect(again.text).toMatch(/name="q0" value="4" checked/);
    expect(again.text).toMatch(/name="q1" value="5" checked/);
    expect((await answer(s, links[0], [10, 9])).status).toBe(303);
    const overview = await get(s, '/v1/engagement/overview?interval=month', s.org.ownerKey);
    expect(overview.body.data).toMatchObject({
      hidden: false,
      score: 5.2,
      nps: { promoters: 1, passives: 0, detractors: 4 },
      participation: { responded: 5, invited: 5, rate: 1 },
    });
    const { db } = server.hub.context.store;
    const rows = await db
      .selectFrom('engagement_answers')
      .select(['question', 'score'])
      .where('organization_id', '=', s.org.organizationId)
      .execute();
    expect(rows).toHaveLength(10);
    const rollups = await db
      .selectFrom('engagement_monthly')
      .select(['question', 'answers', 'score_sum'])
      .where('organization_id', '=', s.org.organizationId)
      .where('question', '=', 'engagement')
      .execute();
    expect(rollups.reduce((n, r) => n + Number(r.answers), 0)).toBe(5);
    expect(rollups.reduce((n, r) => n + Number(r.score_sum), 0)).toBe(26);
    const heatmap = await get(s, '/v1/engagement/heatmap?by=department&interval=month', s.org.ownerKey);
    expect(heatmap.status).toBe(200);
    expect(heatmap.body.data.total.cells[0]).toMatchObject({ n: 5, score: 5.2 });
    const participation = await get(s, `/v1/surveys/${round.body.data.id}`);
    expect(participation.body.data.participation).toMatchObject({ invited: 5, responded: 5, rate: 1 });
    expect(JSON.stringify(participation.body.data)).not.toContain(team[0].id);
  });

  test('closing withholds the results below the threshold and shows them at it; a cadence schedules the next round', async () => {
    const s = await freshOrg();
    const few = await people(s, 'Few', 3);
    const many = await people(s, 'Many', 5);
    const small = await createRound(s, { audience: ['department:Few'] });
    const large = await createRound(s, { audience: ['department:Many'], cadence: 'monthly' });
    await post(s, `/v1/surveys/${small.body.data.id}/open`, {});
    await post(s, `/v1/surveys/${large.body.data.id}/open`, {});
    await work();
    for (const p of few) expect((await answer(s, pathOf(linkIn(mailsTo(p.email)[0])), [9, 9])).status).toBe(303);
    for (const [i, p] of many.entries())
      expect((await answer(s, pathOf(linkIn(mailsTo(p.email)[0])), [i < 3 ? 9 : 5, 7])).status).toBe(303);
    const since = server.clock.now().toISOString();
    expect((await post(s, `/v1/surveys/${small.body.data.id}/close`, {})).status).toBe(200);
    const closedLarge = await post(s, `/v1/surveys/${large.body.data.id}/close`, {});
    expect(closedLarge.body.data).toMatchObject({ status: 'closed', results: { score: 7.4, enps: 20, hidden: false } });
    const closed = await eventsSince(s, since, 'survey.closed');
    expect(closed).toHaveLength(2);
    const bySurvey = new Map(closed.map((e) => [e.data.object.id, e.data.object]));
    expect(bySurvey.get(small.body.data.id)).toMatchObject({
      results: { score: null, enps: null, hidden: true },
      participation: { invited: 3 },
    });
    expect(bySurvey.get(large.body.data.id)).toMatchObject({
      results: { score: 7.4, enps: 20, hidden: false },
      participation: { invited: 5, responded: 5, rate: 1 },
    });
    // The next round of the monthly cadence: scheduled a month after this one opened, as long.
    const next = await get(s, `/v1/surveys/${closedLarge.body.data.nextId}`);
    expect(next.body.data).toMatchObject({ status: 'scheduled', previousId: large.body.data.id, cadence: 'monthly' });
    const opened = Date.parse(closedLarge.body.data.opensAt);
    expect(Date.parse(next.body.data.opensAt) - opened).toBeGreaterThanOrEqual(28 * DAY);
    expect(Date.parse(next.body.data.closesAt) - Date.parse(next.body.data.opensAt)).toBe(
      Date.parse(closedLarge.body.data.closesAt) - opened,
    );
    // Closing again is refused, and a closed round's link says when it closed.
    expect((await post(s, `/v1/surveys/${large.body.data.id}/close`, {})).status).toBe(409);
    const late = await answer(s, pathOf(linkIn(mailsTo(many[0].email)[0])), [1, 1], 'inv_whatever');
    expect(late.status).toBe(410);
    expect(late.text).toContain('closed on');
  });

  test('the page refuses a score of 11, a missing answer, another invitation’s form and another organization’s token, recording nothing', async () => {
    const s = await freshOrg();
    const team = await people(s, 'Bad', 2);
    const round = await createRound(s, { audience: ['department:Bad'] });
    await post(s, `/v1/surveys/${round.body.data.id}/open`, {});
    await work();
    const [mine, theirs] = team.map((p) => pathOf(linkIn(mailsTo(p.email)[0])));
    const count = async () =>
      Number(
        (
          await server.hub.context.store.db
            .selectFrom('engagement_answers')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('organization_id', '=', s.org.organizationId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const eleven = await answer(s, mine, [11, 5]);
    expect(eleven.status).toBe(400);
    expect(eleven.text).toContain('must be a whole number from 0 to 10');
    expect(eleven.headers['content-type']).toMatch(/text\/html/);
    const missing = await answer(s, mine, [5]);
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('needs an answer');
    const theirInvitation = invitationOf((await call(s.url, theirs)).text);
    const replayed = await answer(s, mine, [5, 5], theirInvitation);
    expect(replayed.status).toBe(400);
    expect(replayed.text).toContain('another invitation');
    // A token made of another organization's invitation and this round's MAC opens nothing.
    const other = await freshOrg();
    const [outsider] = await people(other, 'Else', 1);
    const otherRound = await createRound(other);
    await post(other, `/v1/surveys/${otherRound.body.data.id}/open`, {});
    await work();
    const outsiderLink = pathOf(linkIn(mailsTo(outsider.email)[0]));
    const outsiderInvitation = outsiderLink.split('/').pop()!.split('.')[0];
    const mineMac = mine.split('.').pop()!;
    const forged = await call(s.url, `/s/${outsiderInvitation}.${mineMac}`);
    expect(forged.status).toBe(404);
    expect(forged.text).toContain('This link is not valid');
    expect((await call(s.url, `/s/${linkToken(Buffer.alloc(32, 7), outsiderInvitation)}`)).status).toBe(404);
    expect((await call(s.url, '/s/garbage')).status).toBe(404);
    expect(await count()).toBe(0);
    // The real links still work.
    expect((await answer(s, mine, [5, 5])).status).toBe(303);
    expect(await count()).toBe(2);
  });

  test('participation per audience segment: counts only, none below the threshold or where subtraction would reveal one', async () => {
    const s = await freshOrg();
    const a = await people(s, 'Alpha', 6);
    await people(s, 'Beta', 2);
    await people(s, 'Gamma', 5);
    const small = await createRound(s, { audience: ['department:Alpha', 'department:Beta'] });
    await post(s, `/v1/surveys/${small.body.data.id}/open`, {});
    const large = await createRound(s, { audience: ['department:Alpha', 'department:Gamma'] });
    await post(s, `/v1/surveys/${large.body.data.id}/open`, {});
    await work();
    for (const p of a.slice(0, 3)) {
      const links = mailsTo(p.email).map((m) => pathOf(linkIn(m)));
      for (const link of links) expect((await answer(s, link, [8, 8])).status).toBe(303);
    }
    const withBeta = (await get(s, `/v1/surveys/${small.body.data.id}`)).body.data.participation;
    expect(withBeta).toMatchObject({ invited: 8, responded: 3, rate: 0.375, hidden: false });
    // Beta is too small to show; showing Alpha would give Beta away (8 - 6), so it is withheld too.
    expect(withBeta.segments).toEqual([
      expect.objectContaining({
        segment: 'department:Alpha',
        hidden: true,
        hiddenReason: 'protectsAnother',
        responded: null,
      }),
      expect.objectContaining({
        segment: 'department:Beta',
        hidden: true,
        hiddenReason: 'belowThreshold',
        invited: null,
      }),
    ]);
    const withGamma = (await get(s, `/v1/surveys/${large.body.data.id}`)).body.data.participation;
    expect(withGamma.segments).toEqual([
      expect.objectContaining({ segment: 'department:Alpha', hidden: false, invited: 6, responded: 3, rate: 0.5 }),
      expect.objectContaining({ segment: 'department:Gamma', hidden: false, invited: 5, responded: 0, rate: 0 }),
    ]);
  });

  test('PATCH while open changes only name and closesAt; DELETE only before opening', async () => {
    const s = await freshOrg();
    await people(s, 'Edit', 1);
    const round = await createRound(s);
    const id = round.body.data.id;
    expect((await patch(s, `/v1/surveys/${id}`, { reminders: [2] })).status).toBe(200);
    await post(s, `/v1/surveys/${id}/open`, {});
    const questions = await patch(s, `/v1/surveys/${id}`, { questions: [{ key: 'engagement' }] });
    expect(questions.status).toBe(409);
    expect(questions.body.detail).toContain('questions');
    const renamed = await patch(s, `/v1/surveys/${id}`, { name: 'Q4 pulse, extended' });
    expect(renamed.body.data).toMatchObject({ name: 'Q4 pulse, extended', questions: round.body.data.questions });
    expect((await del(s, `/v1/surveys/${id}`)).status).toBe(409);
    const scheduled = await createRound(s);
    expect((await del(s, `/v1/surveys/${scheduled.body.data.id}`)).status).toBe(204);
    expect((await get(s, `/v1/surveys/${scheduled.body.data.id}`)).status).toBe(404);
    // Another organization sees none of it.
    expect((await get(server, `/v1/surveys/${id}`, server.other.ownerKey)).status).toBe(404);
  });

  test('a round whose time came opens and closes on the worker, and an invited member is told by survey.opened', async () => {
    const s = await freshOrg();
    await people(s, 'Timed', 2);
    const since = server.clock.now().toISOString();
    const round = await createRound(s);
    server.clock.advance(3_600_000);
    await work();
    expect((await get(s, `/v1/surveys/${round.body.data.id}`)).body.data.status).toBe('open');
    server.clock.advance(14 * DAY);
    await work();
    expect((await get(s, `/v1/surveys/${round.body.data.id}`)).body.data.status).toBe('closed');
    const opened = await eventsSince(s, since, 'survey.opened');
    expect(opened).toHaveLength(1);
    expect(opened[0].data.object).toMatchObject({ id: round.body.data.id, participation: { invited: 2 } });
  });
});
