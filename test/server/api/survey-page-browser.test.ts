// The survey answer page (/s/{token}) in a real Chromium, opened from the link of a mail a real SMTP
// sink received: answered and changed with the keyboard alone, at a 390 px wide phone, checked by
// axe-core under its own strict policy, with no script and nothing from another origin, and sent
// with JavaScript switched off. What the page did is checked through the API.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser } from '../../helpers/browser';
import { screenshot } from '../../helpers/console';
import { type TestServer, startTestServer } from '../../helpers/harness';
import { createEmployee, get, post } from '../../helpers/people';
import { type MailSink, answer, createRound, linkIn, pathOf, startMailSink } from '../../helpers/surveys';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page (evaluated through the debugging protocol, which the page's policy does not govern). */
async function seriousViolations(page: Page): Promise<{ id: string; help: string; targets: string[][] }[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: AxeViolation[] }> } }).axe;
    const results = await axe.run(document);
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(({ id, help, targets }) => ({ id, help, targets }));
}

/** What has focus: a radio as `q<group>=<value>`, anything else as its tag and text. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    if (!el || el === document.body) return '';
    if (el.type === 'radio') return `${el.name}=${el.value}`;
    return `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim()}`;
  });
}

/** Presses Tab (and nothing else) until focus is where `wanted` says; fails naming every stop if it never is. */
async function tabUntil(page: Page, wanted: (focus: string) => boolean, maxTabs = 40): Promise<string> {
  const seen: string[] = [];
  for (let i = 0; i < maxTabs; i += 1) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (wanted(now)) return now;
    seen.push(now);
  }
  throw new Error(`Tab never reached the control; it went through: ${seen.join(' | ')}`);
}

const checkedIn = (page: Page, group: number) =>
  page
    .locator(`input[name="q${group}"]:checked`)
    .evaluateAll((radios) => radios.map((r) => (r as HTMLInputElement).value));

/**
 * Answers question after question with the keyboard: Tab into the group (onto its checked radio, or
 * its first when none is), arrow keys to the score (Space for 0 in an empty group), then Tab to
 * "Send my answers" and Enter.
 */
async function answerWithKeyboard(page: Page, scores: number[]): Promise<void> {
  for (const [group, score] of scores.entries()) {
    const landed = await tabUntil(page, (f) => f.startsWith(`q${group}=`));
    const from = Number(landed.split('=')[1]);
    const wasChecked = (await checkedIn(page, group)).length > 0;
    if (!wasChecked && score === 0) await page.keyboard.press('Space');
    const steps = score - from;
    for (let i = 0; i < Math.abs(steps); i += 1) await page.keyboard.press(steps > 0 ? 'ArrowRight' : 'ArrowLeft');
    expect({ group, checked: await checkedIn(page, group) }).toEqual({ group, checked: [String(score)] });
  }
  await tabUntil(page, (f) => f === 'button:Send my answers');
  await Promise.all([page.waitForURL(/\/thanks$/), page.keyboard.press('Enter')]);
}

describeInBrowser('the survey answer page in a real browser [sqlite]', () => {
  let server: TestServer;
  let sink: MailSink;
  let browser: Browser;
  /** Each invitee's link, by e-mail address. */
  const links = new Map<string, string>();
  const crew: { email: string }[] = [];
  const deck: { email: string }[] = [];
  let crewRound: string;

  async function team(department: string, n: number): Promise<{ email: string }[]> {
    const people = [];
    for (let i = 0; i < n; i += 1)
      people.push(
        (await createEmployee(server, {
          department,
          startDate: '2024-01-01',
          email: `${department.toLowerCase()}${i + 1}@answers.example`,
        })) as { id: string; email: string },
      );
    return people;
  }

  async function openRound(department: string, extra: Record<string, unknown> = {}): Promise<string> {
    const round = await createRound(server, { audience: [`department:${department}`], ...extra });
    expect(round.status).toBe(201);
    expect((await post(server, `/v1/surveys/${round.body.data.id}/open`, {})).status).toBe(200);
    return round.body.data.id;
  }

  beforeAll(async () => {
    sink = await startMailSink();
    server = await startTestServer('sqlite', {
      SMTP_URL: sink.url,
      PEOPLEHUB_MAIL_FROM: 'Surveys <surveys@peoplehub.test>',
      PEOPLEHUB_WORKER: 'false',
    });
    crew.push(...(await team('Crew', 6)));
    deck.push(...(await team('Deck', 3)));
    const questions = [
      { key: 'engagement' },
      { key: 'Growth', text: 'I can learn and grow here.' },
      { key: 'Recognition', text: 'I am recognized for good work.' },
    ];
    crewRound = await openRound('Crew', { questions });
    await openRound('Deck', { questions });
    while ((await server.hub.surveys.sendMails()) > 0);
    for (const mail of sink.mails) links.set(mail.to[0], linkIn(mail));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await sink?.close();
  });

  const linkOf = (person: { email: string }) => {
    const link = links.get(person.email);
    if (!link) throw new Error(`no invitation reached ${person.email}`);
    return link;
  };
  /** The mailed link, on the test server (the mail carries the configured public address). */
  const urlOf = (person: { email: string }) => `${server.url}${pathOf(linkOf(person))}`;
  const crewOverview = async () =>
    (await get(server, '/v1/engagement/overview?interval=month&segment=department:Crew')).body.data;
  const participation = async (id: string) => (await get(server, `/v1/surveys/${id}`)).body.data.participation;

  test('answered and changed with the keyboard alone; participation and the overview follow', async () => {
    // Four colleagues answer over plain HTTP: below the anonymity threshold of 5, the overview withholds them.
    const others = [9, 8, 7, 6];
    for (const [i, score] of others.entries())
      expect((await answer(server, pathOf(linkOf(crew[i + 1])), [score, 5, 5])).status).toBe(303);
    expect(await participation(crewRound)).toMatchObject({ invited: 6, responded: 4, rate: 0.667 });
    expect(await crewOverview()).toMatchObject({
      hidden: true,
      hiddenReason: 'belowThreshold',
      score: null,
      participation: { responded: 4 },
    });

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(urlOf(crew[0]));
    await page.getByRole('heading', { level: 1, name: 'Q4 pulse' }).waitFor();
    // Each question is a radio group named by its question; each radio by its number.
    const growth = page.getByRole('radiogroup', { name: 'I can learn and grow here.' });
    expect(await growth.getByRole('radio').count()).toBe(11);
    await growth.getByRole('radio', { name: '10', exact: true }).waitFor();

    await answerWithKeyboard(page, [3, 8, 6]);
    await page.getByRole('heading', { level: 1, name: 'Thank you, your answers are in.' }).waitFor();
    expect(await participation(crewRound)).toMatchObject({ invited: 6, responded: 5, rate: 0.833 });
    // Five answers now: engagement 9, 8, 7, 6 and 3.
    expect(await crewOverview()).toMatchObject({
      hidden: false,
      score: 6.6,
      nps: { score: -20, promoters: 1, passives: 2, detractors: 2 },
      participation: { responded: 5, invited: 6 },
    });

    // Back through the thank-you page's link: the answers are there, and one changes.
    await tabUntil(page, (f) => f === 'a:open Q4 pulse again');
    await Promise.all([page.waitForURL(urlOf(crew[0])), page.keyboard.press('Enter')]);
    await page.getByText('You answered already').waitFor();
    expect([await checkedIn(page, 0), await checkedIn(page, 1), await checkedIn(page, 2)]).toEqual([
      ['3'],
      ['8'],
      ['6'],
    ]);
    await answerWithKeyboard(page, [10, 8, 6]);
    await page.getByRole('heading', { level: 1, name: 'Thank you, your answers are in.' }).waitFor();

    // The last answers count: still five respondents, engagement 9, 8, 7, 6 and 10.
    expect(await participation(crewRound)).toMatchObject({ invited: 6, responded: 5, rate: 0.833 });
    expect(await crewOverview()).toMatchObject({
      hidden: false,
      score: 8,
      nps: { score: 20, promoters: 2, passives: 2, detractors: 1 },
      participation: { responded: 5 },
    });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  test('at 390 px nothing scrolls sideways, and every radio is reachable and at least 24 × 24 px', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(urlOf(deck[0]));
    await page.getByRole('heading', { level: 1, name: 'Q4 pulse' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // Each radio's target (its label, which clicks it) is big enough, inside the window, and on top.
    const targets = await page.locator('input[type="radio"]').evaluateAll((radios) =>
      radios.map((radio) => {
        const label = (radio as HTMLInputElement).labels?.[0] ?? radio;
        const box = label.getBoundingClientRect();
        label.scrollIntoView({ block: 'center' });
        const now = label.getBoundingClientRect();
        const hit = document.elementFromPoint(now.left + now.width / 2, now.top + now.height / 2);
        return {
          radio: `${(radio as HTMLInputElement).name}=${(radio as HTMLInputElement).value}`,
          width: box.width,
          height: box.height,
          inside: box.left >= 0 && box.right <= window.innerWidth,
          onTop: hit === label || label.contains(hit),
        };
      }),
    );
    expect(targets).toHaveLength(33);
    const small = targets.filter((t) => t.width < 24 || t.height < 24 || !t.inside || !t.onTop);
    expect(small).toEqual([]);

    // Every radio takes focus from the keyboard: Tab into each group, then the arrow keys through all eleven.
    await page.evaluate(() => window.scrollTo(0, 0));
    for (const group of [0, 1, 2]) {
      const visited = [await tabUntil(page, (f) => f.startsWith(`q${group}=`))];
      for (let n = 0; n < 10; n += 1) {
        await page.keyboard.press('ArrowRight');
        visited.push(await focused(page));
      }
      expect(visited).toEqual(Array.from({ length: 11 }, (_, n) => `q${group}=${n}`));
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'survey-page-390');
    await page.close();
  }, 60_000);

  test('axe-core finds nothing serious on the form, the thank-you page and the "link not valid" page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(urlOf(deck[1]));
    await page.getByRole('heading', { level: 1, name: 'Q4 pulse' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    expect((await answer(server, pathOf(linkOf(deck[1])), [7, 7, 7])).status).toBe(303);
    await page.goto(`${urlOf(deck[1])}/thanks`);
    await page.getByRole('heading', { level: 1, name: 'Thank you, your answers are in.' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    const invalid = await page.goto(`${server.url}/s/not-a-real-link`);
    expect(invalid?.status()).toBe(404);
    await page.getByRole('heading', { level: 1, name: 'This link is not valid' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);

  test('the page runs no script and loads nothing from another origin', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const response = await page.goto(urlOf(deck[2]));
    await page.getByRole('heading', { level: 1, name: 'Q4 pulse' }).waitFor();
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy.split(/;\s*/)).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "style-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ]),
    );
    expect(policy).not.toMatch(/script-src|unsafe-inline|unsafe-eval/);
    expect(await response?.text()).not.toMatch(/<script|\son\w+=/i);

    const origin = new URL(server.url).origin;
    expect(requested.map((url) => new URL(url).origin)).toEqual([origin, origin]);
    expect(requested.map((url) => new URL(url).pathname)).toEqual([pathOf(linkOf(deck[2])), '/s-assets/survey.css']);
    expect(await page.evaluate(() => document.scripts.length)).toBe(0);

    // A script slipped into the page (as an injection would be) is refused by the policy.
    const injected = await page.evaluate(async () => {
      const refused = new Promise<string>((resolve) =>
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true }),
      );
      const script = document.createElement('script');
      script.textContent = 'document.body.dataset.ran = "yes"';
      document.body.append(script);
      return { directive: await refused, ran: document.body.dataset.ran ?? null };
    });
    expect(injected).toEqual({ directive: 'script-src-elem', ran: null });
    await page.close();
  }, 60_000);

  test('with JavaScript switched off the answers are sent and counted', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const before = await participation(crewRound);
    await page.goto(urlOf(crew[5]));
    await page.getByRole('heading', { level: 1, name: 'Q4 pulse' }).waitFor();
    await answerWithKeyboard(page, [0, 10, 4]);
    await page.getByRole('heading', { level: 1, name: 'Thank you, your answers are in.' }).waitFor();
    expect(await participation(crewRound)).toMatchObject({
      invited: before.invited,
      responded: before.responded + 1,
    });
    // Opened again, the page shows what was sent.
    await page.goto(urlOf(crew[5]));
    await page.getByText('You answered already').waitFor();
    expect([await checkedIn(page, 0), await checkedIn(page, 1), await checkedIn(page, 2)]).toEqual([
      ['0'],
      ['10'],
      ['4'],
    ]);
    await context.close();
  }, 60_000);
});
