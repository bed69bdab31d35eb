// The admin console in a real Chromium against a real server: every action a person takes there
// goes through the public /v1 API, and what they see is checked against that API.
import type { Browser, Locator, Page } from 'playwright-core';
import { seedDemoData } from '../../../server/src/demo';
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
import { SIMULATOR_ENV, type Simulator, connect, createSimulator, syncNow } from '../../helpers/hibob';
import { call } from '../../helpers/http';
import { createEmployee } from '../../helpers/people';
import { type Receiver, eventually, startReceiver } from '../../helpers/receiver';

describeInBrowser('the admin console in a real browser [sqlite]', () => {
  let server: TestServer;
  let browser: Browser;
  let receiver: Receiver;
  let page: Page;
  let watch: ConsoleWatch;

  beforeAll(async () => {
    server = await startTestServer('sqlite', SIMULATOR_ENV);
    await seedDemoData(server.hub.context.store, server.clock, server.org.organizationId);
    receiver = await startReceiver();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    watch = watchConsole(page);
  });
  afterEach(async () => {
    await page.close();
  });

  const key = () => server.org.ownerKey;
  const api = (path: string, options: { method?: string; body?: unknown; key?: string } = {}) =>
    call(server.url, path, { key: key(), ...options });

  test('an app is created, its token shown once and never again; rename, sessions and revoke work', async () => {
    await signIn(page, server.url, key());
    await page.getByRole('link', { name: 'Apps' }).click();
    await page.getByRole('heading', { level: 1, name: 'Apps' }).waitFor();

    // Bad input: the server's message appears beside the field it is about.
    watch.expectRefusal(400);
    await page.getByRole('button', { name: 'Create app' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create app' });
    await dialog.getByRole('button', { name: 'Create app' }).click();
    await expectFieldError(page, 'Name', 'must NOT have fewer than 1 characters');

    await dialog.getByLabel('Name').fill('Payroll sync');
    await dialog.getByLabel('employees:write').check();
    await dialog.getByRole('button', { name: 'Create app' }).click();
    const tokenDialog = page.getByRole('dialog', { name: 'Token for Payroll sync' });
    const token = await tokenDialog.getByLabel('App token').inputValue();
    expect(token).toMatch(/^\S{20,}$/);
    await screenshot(page, 'console-app-token');
    await tokenDialog.getByRole('button', { name: 'Copy' }).click();
    await tokenDialog.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    // The token shown is the real one: it works against the API.
    expect((await api('/v1/employees', { key: token })).status).toBe(200);
    await tokenDialog.getByRole('button', { name: 'I have stored the token' }).click();
    await tokenDialog.waitFor({ state: 'detached' });

    // Never again: not on the page, not after a reload, not in anything the API returns.
    const row = page.getByRole('row', { name: /Payroll sync/ });
    await row.waitFor();
    expect(await page.content()).not.toContain(token);
    await page.reload();
    await page.getByRole('row', { name: /Payroll sync/ }).waitFor();
    expect(await page.content()).not.toContain(token);
    const listed = await api('/v1/apps?status=all');
    expect(listed.text).not.toContain(token);
    const app = listed.body.data.find((a: { name: string }) => a.name === 'Payroll sync');
    expect(app.permissions.sort()).toEqual(['employees:read', 'employees:write']);

    // Rename.
    await page.getByRole('button', { name: 'Rename Payroll sync' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename Payroll sync' });
    await rename.getByLabel('Name').fill('Payroll export');
    await rename.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('row', { name: /Payroll export/ }).waitFor();
    expect((await api(`/v1/apps/${app.id}`)).body.data.name).toBe('Payroll export');

    // Sessions: one made by exchanging the token, revoked from the console.
    const exchanged = await call(server.url, '/v1/auth/application', { body: { token } });
    expect(exchanged.status).toBe(200);
    await page.getByRole('button', { name: 'Sessions of Payroll export' }).click();
    const sessions = page.getByRole('dialog', { name: 'Sessions of Payroll export' });
    await sessions.getByRole('button', { name: 'Revoke session' }).click();
    await sessions.getByRole('cell', { name: 'revoked' }).waitFor();
    expect((await api(`/v1/apps/${app.id}/sessions`)).body.data[0].revokedAt).not.toBeNull();
    await sessions.getByRole('button', { name: 'Close' }).click();

    // Revoke, after a confirmation.
    await page.getByRole('button', { name: 'Revoke Payroll export' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke Payroll export?' })
      .getByRole('button', { name: 'Revoke app' })
      .click();
    await page.getByRole('row', { name: /Payroll export/ }).waitFor({ state: 'detached' });
    expect((await api('/v1/employees', { key: token })).status).toBe(401);
    expect(watch.errors).toEqual([]);
  }, 60_000);

  test('sign-in takes an owner or admin key, keeps it in sessionStorage only, and /admin/logout forgets it', async () => {
    const admin = (
      await api('/v1/users', {
        method: 'POST',
        body: { email: 'ada.admin@test.example', name: 'Ada Admin', accessRight: 'admin' },
      })
    ).body.data;
    const adminKey = (await api(`/v1/users/${admin.id}/keys`, { method: 'POST' })).body.data.key;
    const member = (
      await api('/v1/users', { method: 'POST', body: { email: 'max.member@test.example', accessRight: 'member' } })
    ).body.data;
    const memberKey = (await api(`/v1/users/${member.id}/keys`, { method: 'POST' })).body.data.key;

    const appToken = (
      await api('/v1/apps', { method: 'POST', body: { name: 'Not a person', permissions: ['employees:read'] } })
    ).body.data.token;

    watch.expectRefusal(401);
    watch.expectRefusal(403);
    await page.goto(`${server.url}/admin/webhooks`);
    // The hint is prose with the command set as code, not Markdown shown raw.
    const hint = page.locator('.hint').filter({ hasText: 'kept in this tab only' });
    expect(await hint.innerText()).not.toContain('`');
    expect(await hint.locator('code').allInnerTexts()).toEqual(['phu_…', 'npx peoplehub init']);
    await page.getByLabel('Personal key').fill('phu_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectFieldError(page, 'Personal key', /key/i);
    await page.getByLabel('Personal key').fill(appToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectFieldError(page, 'Personal key', /user|personal key/i);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.getByLabel('Personal key').fill(memberKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectFieldError(page, 'Personal key', 'belongs to a member');

    await page.getByLabel('Personal key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByText('Ada Admin').waitFor();
    const stored = await page.evaluate(() => ({
      session: Object.values(sessionStorage),
      local: Object.keys(localStorage).length,
      cookie: document.cookie,
    }));
    expect(stored).toEqual({ session: [adminKey], local: 0, cookie: '' });
    // Apps belong to owners: an admin is told so, and the page asks the API nothing it would refuse.
    await page.getByRole('link', { name: 'Apps' }).click();
    await page.getByText("managed by the organization's owners").waitFor();
    expect(await page.getByRole('button', { name: 'Create app' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to PeopleHub' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.goto(`${server.url}/admin/webhooks`);
    await page.getByRole('heading', { name: 'Sign in to PeopleHub' }).waitFor();
    expect(watch.errors).toEqual([]);
  }, 60_000);

  test('a webhook is created, tested, paused and deleted with the keyboard alone', async () => {
    watch.expectRefusal(400);
    await signIn(page, server.url, key());
    await tabTo(page, 'New webhook');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'New webhook' }).waitFor();

    await tabTo(page, 'Name');
    await page.keyboard.type('People feed');
    await tabTo(page, 'URL');
    await page.keyboard.type('ftp://nowhere.example/hook');
    await tabTo(page, 'employee.created');
    await page.keyboard.press('Space');
    await tabTo(page, 'employee.updated');
    await page.keyboard.press('Space');
    await tabTo(page, 'Create webhook');
    await page.keyboard.press('Enter');
    await expectFieldError(page, 'URL', 'https://');
    expect((await api('/v1/webhooks')).body.data).toHaveLength(0);

    await page.getByLabel('URL').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(`${receiver.url}/people`);
    await tabTo(page, 'Max events per request');
    await page.keyboard.type('1000');
    await tabTo(page, 'Create webhook');
    await page.keyboard.press('Enter');
    await expectFieldError(page, 'Max events per request', 'must be <= 100');
    await page.getByLabel('Max events per request').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('5');
    await tabTo(page, 'Create webhook');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'People feed' }).waitFor();
    const hook = (await api('/v1/webhooks')).body.data[0];
    expect(hook).toMatchObject({
      name: 'People feed',
      url: `${receiver.url}/people`,
      events: ['employee.created', 'employee.updated'],
      maxEventsPerRequest: 5,
      status: 'active',
    });

    // Run test: the endpoint's answer is shown where the test was asked for.
    const before = receiver.requests.length;
    await tabTo(page, 'Run test');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Test delivered' }).filter({ hasText: 'HTTP 200' }).waitFor();
    expect(receiver.requests.length).toBe(before + 1);
    expect(receiver.requests[before].url).toBe('/people');

    // The secret, shown on request, is the webhook's signing secret.
    await tabTo(page, 'Show secret');
    await page.keyboard.press('Enter');
    const secret = await page.getByLabel('Secret', { exact: true }).inputValue();
    expect(secret).toBe((await api(`/v1/webhooks/${hook.id}/secret`)).body.data.secret);

    // Back to the list: search, sort, test inline, deactivate, activate, delete.
    await api('/v1/webhooks', {
      method: 'POST',
      body: { name: 'Another feed', url: `${receiver.url}/other`, events: ['group.created'] },
    });
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Webhooks' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    const names = () => page.locator('tbody tr td:first-child').allInnerTexts();
    await eventually(async () => JSON.stringify(await names()) === JSON.stringify(['Another feed', 'People feed']));
    await tabTo(page, /^Name/);
    await page.keyboard.press('Enter');
    await eventually(async () => JSON.stringify(await names()) === JSON.stringify(['People feed', 'Another feed']));
    expect(await page.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('descending');
    await tabTo(page, 'Search by name or URL');
    await page.keyboard.type('people');
    await eventually(async () => JSON.stringify(await names()) === JSON.stringify(['People feed']));

    await tabTo(page, 'Run test of People feed');
    await page.keyboard.press('Enter');
    await page
      .getByRole('row', { name: /People feed/ })
      .getByRole('status')
      .filter({ hasText: 'HTTP 200' })
      .waitFor();

    await tabTo(page, 'Set inactive: People feed');
    await page.keyboard.press('Enter');
    await page
      .getByRole('row', { name: /People feed/ })
      .getByText('inactive', { exact: true })
      .waitFor();
    expect((await api(`/v1/webhooks/${hook.id}`)).body.data.status).toBe('inactive');
    await tabTo(page, 'Set active: People feed');
    await page.keyboard.press('Enter');
    await page
      .getByRole('row', { name: /People feed/ })
      .getByText('active', { exact: true })
      .waitFor();
    await screenshot(page, 'console-webhooks');

    await page.getByLabel('Search by name or URL').fill('');
    await eventually(async () => (await names()).length === 2);
    await tabTo(page, 'Delete Another feed');
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: 'Delete Another feed?' });
    await confirm.waitFor();
    await tabTo(page, 'Delete webhook');
    await page.keyboard.press('Enter');
    await eventually(async () => JSON.stringify(await names()) === JSON.stringify(['People feed']));
    expect((await api('/v1/webhooks')).body.data.map((w: { name: string }) => w.name)).toEqual(['People feed']);

    expect(watch.errors).toEqual([]);
  }, 90_000);

  test('a change shows in the history with its payload and answer, and re-sends with the same webhook-id', async () => {
    const hook = (
      await api('/v1/webhooks', {
        method: 'POST',
        body: { name: 'History feed', url: `${receiver.url}/history`, events: ['employee.created'] },
      })
    ).body.data;
    const employee = await createEmployee(server, {
      firstName: 'Hedda',
      lastName: 'History',
      email: 'hedda.history@test.example',
    });
    const first = await eventually(() =>
      receiver.requests.find((r) => r.url === '/history' && r.body.includes(employee.id)),
    );

    await signIn(page, server.url, key());
    await page.goto(`${server.url}/admin/webhooks/${hook.id}/history`);
    await page.getByRole('heading', { level: 1, name: 'History of History feed' }).waitFor();
    const rows = page.locator('tbody tr');
    await countIs(rows, 1);
    await rows.first().getByText('HTTP 200').waitFor();
    await rows
      .first()
      .getByRole('button', { name: /^Details/ })
      .click();
    const drawer = page.getByRole('dialog', { name: 'Request details' });
    await drawer.getByText('hedda.history@test.example').first().waitFor();
    await drawer.getByRole('rowheader', { name: 'content-type' }).first().waitFor();
    await screenshot(page, 'console-history');

    await drawer.getByRole('button', { name: 'Re-send' }).click();
    await drawer.getByRole('status').filter({ hasText: 'Queued again' }).waitFor();
    const again = await eventually(
      () => receiver.requests.filter((r) => r.url === '/history' && r.body.includes(employee.id))[1],
    );
    expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
    await drawer.getByRole('button', { name: 'Close' }).click();

    await eventually(async () => (await api(`/v1/webhooks/${hook.id}/deliveries`)).body.data.length === 2);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await countIs(rows, 2);
    // Sorting by result and searching go to the server.
    await page.getByRole('button', { name: /^Sent at/ }).click();
    expect(await page.getByRole('columnheader', { name: /Sent at/ }).getAttribute('aria-sort')).toBe('ascending');
    await page.getByLabel('Search payloads and answers').fill('no-such-text-anywhere');
    await page.getByText('Nothing sent yet.').waitFor();
    expect(watch.errors).toEqual([]);
  }, 60_000);

  describe('HiBob', () => {
    let sim: Simulator;
    let simUrl: string;
    beforeAll(async () => {
      sim = createSimulator();
      // Named like the demo's attributes: Shirt size is a number there and Has parking is none, so
      // both are skipped; L9 is not yet an option of Level, so it is added.
      sim.addField('Level', 'list');
      sim.addField('Shirt size', 'list');
      sim.addField('Has parking', 'checkbox');
      const people = sim.generate(12);
      sim.updatePerson(people[1].id, { custom: { Level: 'L9' } });
      simUrl = await sim.listen(0, '127.0.0.1');
    });
    afterAll(async () => {
      await sim?.close();
    });

    test('connects to the simulator, synchronizes with live progress, and lists the run with its counts', async () => {
      // Until HiBob is connected its status answers 404, which the page turns into the connect form.
      watch.expectRefusal(404);
      watch.expectRefusal(422);
      await signIn(page, server.url, key());
      await page.getByRole('link', { name: 'Integrations · HiBob' }).click();
      await page.getByRole('heading', { name: 'Connect HiBob' }).waitFor();

      await page.getByLabel('Service user ID').fill(sim.credentials.serviceUserId);
      await page.getByLabel('Service user token').fill('wrong-token');
      await page.getByLabel('HiBob API URL').fill(simUrl);
      await page.getByRole('button', { name: 'Connect' }).click();
      await page.getByRole('alert').filter({ hasText: 'HiBob did not accept the connection' }).waitFor();
      expect((await api('/v1/integrations/hibob')).status).toBe(404);

      await page.getByLabel('Service user token').fill(sim.credentials.token);
      await page.getByRole('button', { name: 'Connect' }).click();
      const receiverUrl = await page.getByLabel(/Receiver URL/).inputValue();
      expect(receiverUrl).toBe((await api('/v1/integrations/hibob')).body.data.receiverUrl);

      // Everything the progress area says while the run goes on, as it changes.
      await page.evaluate(() => {
        const said: string[] = [];
        (window as unknown as { progressSaid: string[] }).progressSaid = said;
        new MutationObserver(() => {
          const text = document.querySelector('.run')?.textContent;
          if (text && said[said.length - 1] !== text) said.push(text);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await page.getByRole('button', { name: 'Synchronize now' }).click();
      await page.getByRole('status').filter({ hasText: 'Synchronization completed' }).waitFor({ timeout: 20_000 });
      const said = await page.evaluate(() => (window as unknown as { progressSaid: string[] }).progressSaid);
      expect(said[0]).toMatch(/^Synchronizing: /);
      expect(said[said.length - 1]).toMatch(/^Synchronization completed · 12 of 12 people/);
      await page.getByText('12 created, 0 updated, 0 deleted, 0 unchanged, 2 fields skipped, 1 option added').waitFor();
      const run = page.getByRole('table', { name: 'Synchronization runs' }).locator('tbody tr').first();
      await run.getByText('completed').waitFor();
      expect(await run.locator('td[data-label="Created"]').innerText()).toBe('12');
      const runs = (await api('/v1/integrations/hibob/runs')).body.data;
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'completed', created: 12 });
      expect(runs[0].skippedFields.map((f: { field: string }) => f.field).sort()).toEqual([
        'Has parking',
        'Shirt size',
      ]);
      expect(runs[0].addedOptions).toEqual([{ attribute: 'Level', option: 'L9' }]);
      // The row says what the API's run says: each count opens to what it counts.
      const skippedFields = run.locator('td[data-label="Skipped fields"]');
      const addedOptions = run.locator('td[data-label="Options added"]');
      expect(await skippedFields.locator('summary').innerText()).toBe('2');
      expect(await addedOptions.locator('summary').innerText()).toBe('1');
      expect((await run.locator('td[data-label="Skipped people"]').innerText()).trim()).toBe('0');
      await skippedFields.locator('summary').click();
      expect(await skippedFields.locator('li').allInnerTexts()).toEqual(
        runs[0].skippedFields.map(
          (f: { field: string; hibobType: string; reason: string }) => `${f.field} (${f.hibobType}): ${f.reason}`,
        ),
      );
      await addedOptions.locator('summary').press('Enter');
      expect(await addedOptions.locator('li').allInnerTexts()).toEqual(['Level: L9']);
      await screenshot(page, 'console-hibob');
      expect(watch.errors).toEqual([]);
    }, 60_000);

    test('a preview sync writes nothing until applied; a sync deleting too many waits for confirmation', async () => {
      // On its own feet: connected and in step with the simulator, whatever ran before.
      expect((await connect(server, sim, simUrl)).status).toBe(200);
      expect((await syncNow(server)).status).toBe('completed');
      const hibobPeople = async () =>
        (await api('/v1/employees?source=hibob&limit=200')).body.data as { email: string; title: string | null }[];
      const titleOf = async (email: string) => (await hibobPeople()).find((p) => p.email === email)?.title;
      const [promoted, leaving, alsoLeaving] = [...sim.people.values()];
      sim.updatePerson(promoted.id, { title: 'Chief Previewer' });

      await signIn(page, server.url, key());
      await page.getByRole('link', { name: 'Integrations · HiBob' }).click();
      await page.getByRole('button', { name: 'Preview sync' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'Preview ready: nothing has been written yet' })
        .waitFor({ timeout: 20_000 });
      await page.getByText('0 to create, 1 to update, 0 to delete').waitFor();
      const latest = page.getByRole('table', { name: 'Synchronization runs' }).locator('tbody tr').first();
      await latest.getByText('previewed', { exact: true }).waitFor();
      expect(await titleOf(promoted.email)).not.toBe('Chief Previewer');
      // The plan is one click away, with the change it would make.
      await page.getByRole('link', { name: 'Review the planned changes' }).click();
      await page.getByRole('heading', { level: 1, name: /^Run of HiBob/ }).waitFor();
      await page.getByRole('table', { name: 'Planned changes' }).getByText('Title:').waitFor();
      expect(await page.getByRole('table', { name: 'Planned changes' }).innerText()).toContain('→ Chief Previewer');
      await page.goBack();
      await page.getByRole('link', { name: /^Review the changes of the run/ }).waitFor();

      await page.getByRole('button', { name: /^Apply: run of/ }).click();
      await latest.getByText('completed', { exact: true }).waitFor();
      expect(await titleOf(promoted.email)).toBe('Chief Previewer');

      // Two of twelve gone from HiBob is over the 10 % a sync may delete without asking.
      sim.removePerson(leaving.id);
      sim.removePerson(alsoLeaving.id);
      await page.getByRole('button', { name: 'Synchronize now' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'Synchronization stopped before deleting' })
        .waitFor({ timeout: 20_000 });
      await page.getByText('0 to create, 0 to update, 2 to delete').waitFor();
      await latest.getByText('needs confirmation', { exact: true }).waitFor();
      expect((await hibobPeople()).map((p) => p.email)).toContain(leaving.email);
      await page.getByRole('button', { name: 'Confirm deletions and apply' }).click();
      await page.getByRole('status').filter({ hasText: 'Synchronization completed' }).waitFor();
      await latest.getByText('completed', { exact: true }).waitFor();
      const emails = (await hibobPeople()).map((p) => p.email);
      expect(emails).not.toContain(leaving.email);
      expect(emails).not.toContain(alsoLeaving.email);
      expect(await page.getByRole('button', { name: 'Confirm deletions and apply' }).count()).toBe(0);
      expect(watch.errors).toEqual([]);
    }, 90_000);
  });

  test('employees: a read-only list with search and status', async () => {
    await signIn(page, server.url, key());
    await page.getByRole('link', { name: 'Employees' }).click();
    await page.getByRole('heading', { level: 1, name: 'Employees' }).waitFor();
    const active = (await api('/v1/employees?status=active&limit=200')).body.data;
    await page.getByLabel('Status').selectOption('active');
    await eventually(async () => (await page.locator('tbody tr').count()) === Math.min(active.length, 50));
    const someone = active[0];
    await page.getByLabel('Search by name or e-mail').fill(someone.email);
    await eventually(
      async () =>
        (await page.locator('tbody tr').allInnerTexts()).join('\n').includes(someone.email) &&
        (await page.locator('tbody tr').count()) === 1,
    );
    expect(
      await page
        .locator('main')
        .getByRole('button', { name: /edit|delete|save/i })
        .count(),
    ).toBe(0);
    expect(watch.errors).toEqual([]);
  }, 60_000);

  test('the engagement page draws the trend of the demo data as the API reports it', async () => {
    const overview = (await api('/v1/engagement/overview?interval=month')).body.data;
    const shown = overview.trend.filter((p: { score: number | null }) => p.score !== null);
    expect(shown.length).toBeGreaterThanOrEqual(3);

    await signIn(page, server.url, key());
    await page.getByRole('link', { name: 'Engagement' }).click();
    const chart = page.getByRole('img', { name: /Trend/ });
    await chart.waitFor();
    await expectTrend(chart, overview.trend, overview.anonymityThreshold);
    const titles = await chart.locator('circle.trend-point title').allTextContents();
    expect(titles).toEqual(
      shown.map(
        (p: { period: string; score: number; participation: { responded: number } }) =>
          `${p.period}: score ${p.score.toFixed(1)}, ${p.participation.responded} answers`,
      ),
    );
    // A higher score is drawn higher (SVG y grows downwards).
    const ys = await chart
      .locator('circle.trend-point')
      .evaluateAll((circles) => circles.map((c) => Number(c.getAttribute('cy'))));
    const scores = shown.map((p: { score: number }) => p.score);
    for (let i = 1; i < ys.length; i += 1)
      expect(Math.sign(ys[i - 1] - ys[i])).toBe(Math.sign(scores[i] - scores[i - 1]));
    await page.getByText(`Score, ${overview.period}`).waitFor();

    // The heatmap: a row per department, a column per question, hidden cells marked, colours by score.
    const heatmap = (await api('/v1/engagement/heatmap?by=department')).body.data;
    const table = page.getByRole('table', { name: 'Heatmap' });
    await table.waitFor();
    expect(await table.locator('thead th').allInnerTexts()).toEqual(['department', ...heatmap.columns]);
    expect(heatmap.columns.length).toBe(7); // engagement and the demo's six drivers
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(1 + heatmap.rows.length);
    for (const [r, row] of heatmap.rows.entries()) {
      const cells = rows.nth(r + 1).locator('td');
      for (const [c, cell] of row.cells.entries()) {
        const td = cells.nth(c);
        if (cell.hidden) expect(await td.getAttribute('class')).toContain('hidden-cell');
        else {
          expect((await td.locator('strong').innerText()).trim()).toBe(cell.score.toFixed(1));
          expect(await td.evaluate((el) => (el as HTMLElement).style.backgroundColor)).toMatch(/^rgb/);
        }
      }
    }
    await table.scrollIntoViewIfNeeded();
    await screenshot(page, 'console-heatmap');

    // Drilling into a row narrows the whole page to that segment.
    const first = heatmap.rows.find((row: { cells: { hidden: boolean }[] }) => !row.cells[0].hidden);
    await table.getByRole('button', { name: first.label, exact: true }).click();
    await page.getByRole('button', { name: `Remove segment ${first.segment}` }).waitFor();
    const narrowed = (await api(`/v1/engagement/overview?interval=month&segment=${encodeURIComponent(first.segment)}`))
      .body.data;
    await page
      .getByText(`Score, ${narrowed.period}`)
      .locator('..')
      .getByText(narrowed.score.toFixed(1), { exact: true })
      .waitFor();
    await page.getByRole('button', { name: `Remove segment ${first.segment}` }).click();
    await page.getByText('Everyone', { exact: true }).first().waitFor();

    // A department with a month below the threshold: that month is hidden, the months before any
    // answer say so, and the two look and read differently.
    const small = await (async () => {
      for (const row of heatmap.rows as { segment: string; label: string }[]) {
        const trend = (await api(`/v1/engagement/overview?interval=month&segment=${encodeURIComponent(row.segment)}`))
          .body.data.trend as TrendPoint[];
        if (trend.some((p) => p.hiddenReason === 'belowThreshold' && (p.participation.responded ?? 0) > 0))
          return { row, trend };
      }
      throw new Error('the demo data has no department with a month below the threshold');
    })();
    await table.getByRole('button', { name: small.row.label, exact: true }).click();
    await page.getByRole('button', { name: `Remove segment ${small.row.segment}` }).waitFor();
    await eventually(async () => (await chart.locator('.hidden-point').count()) > 0);
    await expectTrend(chart, small.trend, overview.anonymityThreshold);
    const trendTable = page.getByRole('table', { name: /Score and eNPS per month/ });
    for (const p of small.trend.filter((q) => q.score === null)) {
      const cells = trendTable.locator('tr', { has: page.getByText(p.period, { exact: true }) }).locator('td');
      const expected = p.participation.responded === 0 ? 'no answers yet' : 'hidden';
      expect(await cells.nth(1).innerText()).toBe(expected);
    }
    await page.getByRole('button', { name: `Remove segment ${small.row.segment}` }).click();
    await page.getByText('Everyone', { exact: true }).first().waitFor();
    await screenshot(page, 'console-engagement');
    expect(watch.errors).toEqual([]);
  }, 60_000);

  interface TrendPoint {
    period: string;
    score: number | null;
    hiddenReason: string | null;
    participation: { responded: number | null };
  }

  /**
   * The chart marks each period as the API reports it: a point where there is a score, a square where
   * the anonymity rules hide one, a dash where nobody has answered; each says which in its title.
   */
  async function expectTrend(chart: Locator, trend: TrendPoint[], threshold: number): Promise<void> {
    const empty = trend.filter((p) => p.score === null && p.participation.responded === 0);
    const hidden = trend.filter((p) => p.score === null && p.participation.responded !== 0);
    expect(await chart.locator('circle.trend-point').count()).toBe(trend.length - empty.length - hidden.length);
    expect(await chart.locator('.empty-point title').allTextContents()).toEqual(
      empty.map((p) => `${p.period}: no answers yet`),
    );
    expect(await chart.locator('.hidden-point title').allTextContents()).toEqual(
      hidden.map((p) =>
        p.hiddenReason === 'protectsAnother'
          ? `${p.period}: hidden to protect a smaller group`
          : `${p.period}: hidden by the anonymity threshold (${p.participation.responded} answers, fewer than ${threshold})`,
      ),
    );
    expect(await chart.locator('desc').textContent()).toContain(`${hidden.length} hidden by the anonymity threshold`);
    expect(await chart.locator('desc').textContent()).toContain(`${empty.length} with no answers yet`);
  }

  test('every control on every page takes keyboard focus', async () => {
    const hook = (await api('/v1/webhooks')).body.data[0];
    await signIn(page, server.url, key());
    const pages = [
      '/admin/apps',
      '/admin/webhooks',
      '/admin/webhooks/new',
      `/admin/webhooks/${hook.id}`,
      `/admin/webhooks/${hook.id}/edit`,
      `/admin/webhooks/${hook.id}/history`,
      '/admin/integrations/hibob',
      '/admin/employees',
      '/admin/imports',
      '/admin/engagement',
    ];
    for (const path of pages) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      const { controls, missed } = await everyControlTakesFocus(page);
      expect({ path, enough: controls >= 8, missed }).toEqual({ path, enough: true, missed: [] });
    }
    expect(watch.errors).toEqual([]);
  }, 90_000);

  test('every page fits a 390 px wide phone without sideways scrolling', async () => {
    watch.expectRefusal(404);
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, server.url, key());
    for (const path of [
      '/admin/apps',
      '/admin/webhooks',
      '/admin/webhooks/new',
      '/admin/integrations/hibob',
      '/admin/employees',
      '/admin/imports',
      '/admin/engagement',
    ]) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect({ path, fits: await fitsWidth(page) }).toEqual({ path, fits: true });
    }
    await screenshot(page, 'console-engagement-390');
    expect(watch.errors).toEqual([]);
  }, 60_000);
});

/** Waits until a list shows this many rows (the console loads in the background). */
async function countIs(rows: Locator, n: number): Promise<void> {
  await eventually(async () => (await rows.count()) === n);
}
