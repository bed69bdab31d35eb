// The Surveys pages of the console in a real Chromium against a real server with a real SMTP sink:
// a round scheduled with the keyboard from the drivers answered so far, opened and closed from the
// list, its participation per audience segment followed live while people answer through their
// mailed links (a count below the anonymity threshold reads "hidden"), and its results on the
// Engagement page. What the pages show is checked against the API.
import type { Browser, Locator, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser } from '../../helpers/browser';
import {
  type ConsoleWatch,
  everyControlTakesFocus,
  expectFieldError,
  fitsWidth,
  screenshot,
  signIn,
  tabTo,
  watchConsole,
} from '../../helpers/console';
import { type TestServer, startTestServer } from '../../helpers/harness';
import { call } from '../../helpers/http';
import { createEmployee } from '../../helpers/people';
import { type MailSink, answer, linkIn, pathOf, startMailSink } from '../../helpers/surveys';

const DAY = 86_400_000;

describeInBrowser('the Surveys pages in a real browser [sqlite]', () => {
  let server: TestServer;
  let sink: MailSink;
  let browser: Browser;
  let page: Page;
  let watch: ConsoleWatch;
  const sales: { id: string; email: string }[] = [];
  const support: { id: string; email: string }[] = [];
  const ops: { id: string; email: string }[] = [];

  const key = () => server.org.ownerKey;
  const api = (path: string, options: { method?: string; body?: unknown; key?: string } = {}) =>
    call(server.url, path, { key: key(), ...options });
  const at = (days: number) => new Date(server.clock.now().getTime() + days * DAY).toISOString();

  async function team(department: string, n: number) {
    const people = [];
    for (let i = 0; i < n; i += 1)
      people.push(
        (await createEmployee(server, {
          department,
          startDate: '2024-01-01',
          email: `${department.toLowerCase()}${i + 1}@rounds.example`,
        })) as { id: string; email: string },
      );
    return people;
  }

  /** A round made over the API, as another admin (or an integration) would. */
  async function round(name: string, audience: string[], open: boolean) {
    const made = await api('/v1/surveys', {
      body: {
        name,
        questions: [{ key: 'engagement' }, { key: 'Growth', text: 'I can learn and grow here.' }],
        opensAt: at(1),
        closesAt: at(14),
        audience,
      },
    });
    expect(made.status).toBe(201);
    if (open) expect((await api(`/v1/surveys/${made.body.data.id}/open`, { method: 'POST' })).status).toBe(200);
    return made.body.data as { id: string };
  }

  /** Sends the queued invitations and returns each invitee's link (the path, on the test server). */
  async function mailedLinks(): Promise<Map<string, string>> {
    while ((await server.hub.surveys.sendMails()) > 0);
    return new Map(sink.mails.map((mail) => [mail.to[0], pathOf(linkIn(mail))]));
  }

  beforeAll(async () => {
    sink = await startMailSink();
    server = await startTestServer('sqlite', {
      SMTP_URL: sink.url,
      PEOPLEHUB_MAIL_FROM: 'Surveys <surveys@peoplehub.test>',
      PEOPLEHUB_WORKER: 'false',
    });
    sales.push(...(await team('Sales', 6)));
    support.push(...(await team('Support', 5)));
    ops.push(...(await team('Ops', 3)));
    // Two drivers answered last month: the drivers known so far.
    const answers = sales.flatMap((p) =>
      ['Growth', 'Recognition'].map((question) => ({
        employeeId: p.id,
        question,
        score: 7,
        answeredAt: '2026-10-15T10:00:00Z',
      })),
    );
    expect((await api('/v1/engagement/answers', { body: { answers } })).status).toBe(201);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await sink?.close();
  });
  beforeEach(async () => {
    // The form's dates are the browser's local time; UTC makes them the instants the API shows.
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    watch = watchConsole(page);
  });
  afterEach(async () => {
    await page.close();
  });

  async function openSurveys(): Promise<void> {
    await signIn(page, server.url, key());
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Surveys' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Surveys' }).waitFor();
  }

  /** The participation a row or a page part says in words. */
  const participationIn = (scope: Locator) => scope.locator('.participation-text').first();

  test('a round is scheduled with the keyboard: drivers answered so far or new, dates, reminders, audience', async () => {
    watch.expectRefusal(400);
    await openSurveys();
    await page.getByText('No survey rounds yet').waitFor();
    await tabTo(page, 'New round');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'New survey round' }).waitFor();

    // The drivers offered are the ones engagement answers hold, as the API lists them.
    const drivers = (await api('/v1/engagement/drivers?interval=all')).body.data.drivers.map(
      (d: { question: string }) => d.question,
    );
    expect(drivers).toEqual(['Growth', 'Recognition']);
    const questions = page.getByRole('group', { name: 'Questions' });
    expect(
      await questions.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value)),
    ).toEqual(drivers);

    await tabTo(page, 'Name');
    await page.keyboard.type('Winter pulse');
    await tabTo(page, 'Opens');
    await page.getByLabel('Opens').fill('2026-11-23T09:00');
    await tabTo(page, 'Closes');
    await page.getByLabel('Closes').fill('2026-12-04T17:00');
    await tabTo(page, 'Growth');
    await page.keyboard.press('Space');
    await tabTo(page, 'New driver');
    await page.keyboard.type('Autonomy');
    await page.keyboard.press('Enter');
    // The new driver joins the choices, picked, and Enter in its field did not send the form.
    expect(await questions.getByRole('checkbox', { name: 'Autonomy' }).isChecked()).toBe(true);
    expect(await page.getByLabel('New driver').inputValue()).toBe('');
    await tabTo(page, 'Wording of Autonomy');
    await page.keyboard.type('I decide how I do my work.');
    await tabTo(page, 'Reminder days');
    await page.keyboard.type('3, 30');
    await tabTo(page, 'Audience');
    await page.keyboard.type('department:Sales');
    await page.keyboard.press('Enter');
    await page.keyboard.type('department:Ops');
    await tabTo(page, 'Schedule round');
    await page.keyboard.press('Enter');
    await expectFieldError(page, 'Reminder days', 'falls on or after closesAt');
    expect((await api('/v1/surveys')).body.data).toEqual([]);

    await page.getByLabel('Reminder days').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3, 7');
    await tabTo(page, 'Schedule round');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Winter pulse' }).waitFor();
    const made = (await api('/v1/surveys')).body.data;
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      name: 'Winter pulse',
      status: 'scheduled',
      opensAt: '2026-11-23T09:00:00.000Z',
      closesAt: '2026-12-04T17:00:00.000Z',
      reminders: [3, 7],
      audience: ['department:Sales', 'department:Ops'],
      cadence: 'none',
      questions: [
        { key: 'engagement', text: 'How likely is it that you would recommend {organization} as a place to work?' },
        { key: 'Growth', text: 'Growth' },
        { key: 'Autonomy', text: 'I decide how I do my work.' },
      ],
    });
    // The round's page: what it asks, not open yet, nothing to link to on the Engagement page yet.
    expect(await page.locator('ol.questions li').allInnerTexts()).toEqual(
      made[0].questions.map((q: { key: string; text: string }) => `${q.key}: ${q.text}`),
    );
    expect(await participationIn(page.locator('main')).innerText()).toBe('Not open yet');
    expect(await page.getByRole('link', { name: /on the Engagement page/ }).count()).toBe(0);

    // In the list: scheduled, with Open now and no Close now.
    await page.getByRole('link', { name: 'Surveys', exact: true }).first().click();
    const row = page.getByRole('row', { name: /Winter pulse/ });
    await row.getByText('scheduled', { exact: true }).waitFor();
    expect(await participationIn(row).innerText()).toBe('Not open yet');
    expect(await row.getByRole('button', { name: 'Open now: Winter pulse' }).count()).toBe(1);
    expect(await row.getByRole('button', { name: /Close now/ }).count()).toBe(0);
    expect(watch.errors).toEqual([]);
  }, 90_000);

  test('opened and closed from the list; participation per segment follows the answers live; results on the Engagement page', async () => {
    const spring = await round('Spring pulse', ['department:Sales', 'department:Support'], false);
    await openSurveys();
    const row = page.getByRole('row', { name: /Spring pulse/ });
    await tabTo(page, 'Open now: Spring pulse');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Open Spring pulse now?' }).waitFor();
    await tabTo(page, 'Open round');
    await page.keyboard.press('Enter');
    await row.getByText('open', { exact: true }).waitFor();
    expect((await api(`/v1/surveys/${spring.id}`)).body.data).toMatchObject({
      status: 'open',
      participation: { invited: 11, responded: 0 },
    });
    expect(await participationIn(row).innerText()).toBe('0 of 11 answered (0%)');
    expect(await row.getByRole('button', { name: 'Close now: Spring pulse' }).count()).toBe(1);
    expect(await row.getByRole('button', { name: /Open now/ }).count()).toBe(0);

    await tabTo(page, 'Spring pulse');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Spring pulse' }).waitFor();
    const bySegment = page.getByRole('table', { name: 'Participation by audience segment' });
    const segment = (name: string) => participationIn(bySegment.getByRole('row', { name: new RegExp(name) }));
    await bySegment.waitFor();
    expect(await segment('department:Sales').innerText()).toBe('0 of 6 answered (0%)');
    expect(await segment('department:Support').innerText()).toBe('0 of 5 answered (0%)');

    // People answer through their mailed links; the open page reads the counts again by itself.
    const links = await mailedLinks();
    const engagement = [9, 8, 7, 6, 10];
    for (const [i, score] of engagement.slice(0, 2).entries())
      expect((await answer(server, links.get(sales[i].email)!, [score, 7])).status).toBe(303);
    await bySegment.getByText('2 of 6 answered (33%)').waitFor();
    expect(await participationIn(page.locator('main')).innerText()).toBe('2 of 11 answered (18%)');
    for (const [i, score] of engagement.slice(2).entries())
      expect((await answer(server, links.get(sales[i + 2].email)!, [score, 7])).status).toBe(303);
    await bySegment.getByText('5 of 6 answered (83%)').waitFor();
    // 5 of 11 is 45.45 %: the page counts it from the counts, not from the rate the API rounded (0.455).
    expect(await participationIn(page.locator('main')).innerText()).toBe('5 of 11 answered (45%)');
    expect(await segment('department:Support').innerText()).toBe('0 of 5 answered (0%)');
    expect((await api(`/v1/surveys/${spring.id}`)).body.data.participation).toMatchObject({
      invited: 11,
      responded: 5,
      segments: [
        { segment: 'department:Sales', invited: 6, responded: 5 },
        { segment: 'department:Support', invited: 5, responded: 0 },
      ],
    });
    await screenshot(page, 'console-survey-round');

    await tabTo(page, 'Close now');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Close Spring pulse now?' }).waitFor();
    await tabTo(page, 'Close round');
    await page.keyboard.press('Enter');
    await page.locator('main').getByText('closed', { exact: true }).waitFor();
    const closed = (await api(`/v1/surveys/${spring.id}`)).body.data;
    expect(closed).toMatchObject({ status: 'closed', results: { score: 8, enps: 20, hidden: false } });
    const results = page.locator('dl.counts');
    expect(await results.locator('dd').allInnerTexts()).toEqual(['8.0', '20']);

    // Its results on the Engagement page: the months up to the day it closed, for everyone (its audience is two segments).
    const day = closed.closedAt.slice(0, 10);
    await tabTo(page, 'Results of Spring pulse on the Engagement page');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Engagement' }).waitFor();
    expect(new URL(page.url()).search).toBe(`?interval=month&to=${day}`);
    expect(await page.getByLabel('Up to').inputValue()).toBe(day);
    await page.getByText('Everyone', { exact: true }).first().waitFor();
    const overview = (await api(`/v1/engagement/overview?interval=month&to=${day}`)).body.data;
    expect(overview).toMatchObject({ hidden: false, score: 8, participation: { responded: 5 } });
    await page
      .getByText(`Score, ${overview.period}`)
      .locator('..')
      .getByText(overview.score.toFixed(1), { exact: true })
      .waitFor();

    // And the list says closed, with neither button.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Surveys' }).click();
    await row.getByText('closed', { exact: true }).waitFor();
    expect(await participationIn(row).innerText()).toBe('5 of 11 answered (45%)');
    expect(await row.getByRole('button').count()).toBe(0);
    expect(watch.errors).toEqual([]);
  }, 90_000);

  test('counts the anonymity rules withhold read hidden, not 0; a one-segment round links to its segment', async () => {
    // Three people in all: the round's own count is withheld.
    await round('Ops check-in', ['department:Ops'], true);
    // Ops is below the threshold, and Sales would give Ops away by subtraction from the total: both withheld.
    const mixed = await round('Mixed check-in', ['department:Sales', 'department:Ops'], true);
    await openSurveys();
    const row = page.getByRole('row', { name: /Ops check-in/ });
    await row.getByText('open', { exact: true }).waitFor();
    expect(await participationIn(row).innerText()).toBe('hidden (3 invited)');
    expect(await row.locator('.bar.hidden').count()).toBe(1);

    await page.getByRole('link', { name: 'Mixed check-in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mixed check-in' }).waitFor();
    expect((await api(`/v1/surveys/${mixed.id}`)).body.data.participation).toMatchObject({
      invited: 9,
      hidden: false,
      segments: [
        { segment: 'department:Sales', hidden: true, hiddenReason: 'protectsAnother', responded: null },
        { segment: 'department:Ops', hidden: true, hiddenReason: 'belowThreshold', responded: null },
      ],
    });
    expect(await participationIn(page.locator('main')).innerText()).toBe('0 of 9 answered (0%)');
    const bySegment = page.getByRole('table', { name: 'Participation by audience segment' });
    const cell = (name: string) => bySegment.getByRole('row', { name: new RegExp(name) });
    expect(await participationIn(cell('department:Sales')).innerText()).toBe('hidden');
    expect(await cell('department:Sales').locator('.hint').innerText()).toBe(
      'withheld: with the other counts it would give a smaller group away',
    );
    expect(await participationIn(cell('department:Ops')).innerText()).toBe('hidden');
    expect(await cell('department:Ops').locator('.hint').innerText()).toBe(
      'withheld: fewer people than the anonymity threshold',
    );
    expect(await bySegment.locator('.bar.hidden').count()).toBe(2);

    await page.getByRole('link', { name: 'Surveys', exact: true }).first().click();
    await row.getByRole('link', { name: 'Ops check-in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ops check-in' }).waitFor();
    await page.getByRole('link', { name: 'Results of Ops check-in on the Engagement page' }).click();
    await page.getByRole('heading', { level: 1, name: 'Engagement' }).waitFor();
    await page.getByRole('button', { name: 'Remove segment department:Ops' }).waitFor();
    // Open: the periods up to today.
    expect(await page.getByLabel('Up to').inputValue()).toBe('');
    expect(watch.errors).toEqual([]);
  }, 60_000);

  test('the console offers the surveys scopes to apps, and they work', async () => {
    await signIn(page, server.url, key());
    await page.getByRole('link', { name: 'Apps' }).click();
    await page.getByRole('button', { name: 'Create app' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create app' });
    await dialog.getByLabel('Name').fill('Survey dashboard');
    await dialog.getByLabel('employees:read').uncheck();
    await dialog.getByLabel('surveys:read').check();
    expect(await dialog.getByLabel('surveys:write').count()).toBe(1);
    await dialog.getByRole('button', { name: 'Create app' }).click();
    const token = await page
      .getByRole('dialog', { name: 'Token for Survey dashboard' })
      .getByLabel('App token')
      .inputValue();
    const app = (await api('/v1/apps')).body.data.find((a: { name: string }) => a.name === 'Survey dashboard');
    expect(app.permissions).toEqual(['surveys:read']);
    expect((await api('/v1/surveys', { key: token })).status).toBe(200);
    expect((await api('/v1/surveys', { key: token, body: {} })).status).toBe(403);
    expect(watch.errors).toEqual([]);
  }, 60_000);

  test('every control on the survey pages takes focus, and each fits a 390 px wide phone', async () => {
    const open = await round('Phone pulse', ['department:Sales', 'department:Ops'], true);
    const scheduled = await round('Later pulse', [], false);
    await signIn(page, server.url, key());
    const pages = [
      '/admin/surveys',
      '/admin/surveys/new',
      `/admin/surveys/${open.id}`,
      `/admin/surveys/${scheduled.id}`,
    ];
    for (const path of pages) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      const { controls, missed } = await everyControlTakesFocus(page);
      expect({ path, enough: controls >= 8, missed }).toEqual({ path, enough: true, missed: [] });
    }
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of pages) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect({ path, fits: await fitsWidth(page) }).toEqual({ path, fits: true });
    }
    await screenshot(page, 'console-surveys-390');
    expect(watch.errors).toEqual([]);
  }, 90_000);
});
