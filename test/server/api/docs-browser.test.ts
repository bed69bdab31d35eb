import type { Browser } from 'playwright-core';
import { describeInBrowser, launchBrowser } from '../../helpers/browser';
import { type TestServer, startTestServer } from '../../helpers/harness';
import { call } from '../../helpers/http';
import { createEmployee } from '../../helpers/people';

describeInBrowser('the interactive docs in a real browser [sqlite]', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('load under their content security policy, authorize with an app token and run GET /v1/employees', async () => {
    const app = (
      await call(server.url, '/v1/apps', {
        key: server.org.ownerKey,
        body: { name: 'Docs reader', permissions: ['employees:read'] },
      })
    ).body.data;
    await createEmployee(server, { firstName: 'Swagger', lastName: 'Tester' });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${server.url}/v1/docs`);
    await page.getByRole('heading', { name: /PeopleHub API/ }).waitFor();
    await page.getByRole('button', { name: 'Authorize' }).first().click();
    await page.getByLabel('Value:').first().fill(app.token);
    await page.getByRole('button', { name: 'Apply credentials' }).first().click();
    await page.getByRole('button', { name: 'Close' }).first().click();

    const operation = page.locator('#operations-Employees-listEmployees');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor();
    expect((await status.innerText()).trim()).toBe('200');
    expect(await operation.locator('.live-responses-table .microlight').first().innerText()).toContain('Swagger');
    await page.screenshot({ path: 'test/artifacts/docs-try-it-out.png', fullPage: false });
    expect(problems).toEqual([]);
  }, 60_000);
});
