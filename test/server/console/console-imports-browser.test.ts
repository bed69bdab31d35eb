// The Import page in a real Chromium against a real server, on each store: a spreadsheet's CSV export
// chosen through the file input, its columns mapped in the page, previewed (nothing written) and
// applied; a run the deletion guard stopped, confirmed from the history; and a run with more notes
// than it keeps. What the page says is checked against the API.
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser } from '../../helpers/browser';
import { type ConsoleWatch, screenshot, signIn, watchConsole } from '../../helpers/console';
import { type TestServer, startTestServer, storeKinds } from '../../helpers/harness';
import { call } from '../../helpers/http';

interface Person {
  email: string;
  firstName: string;
  department: string | null;
  attributes: Record<string, unknown>;
}

for (const kind of storeKinds())
  describeInBrowser(`the Import page in a real browser [${kind}]`, () => {
    let server: TestServer;
    let browser: Browser;
    let page: Page;
    let watch: ConsoleWatch;

    beforeAll(async () => {
      server = await startTestServer(kind);
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });
    beforeEach(async () => {
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      watch = watchConsole(page);
    });
    afterEach(async () => {
      await page.close();
    });

    const api = (path: string, options: { method?: string; body?: unknown } = {}) =>
      call(server.url, path, { key: server.org.ownerKey, ...options });
    const peopleOf = async (source: string): Promise<Person[]> =>
      (await api(`/v1/employees?source=${source}&limit=200&sort=email`)).body.data;

    async function openImport(): Promise<void> {
      await signIn(page, server.url, server.org.ownerKey);
      await page.getByRole('link', { name: 'Import', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Import' }).waitFor();
    }

    /** The run's counts as the page shows them, label by label. */
    function counts(): Promise<Record<string, string>> {
      return page
        .locator('dl.counts')
        .evaluate((dl) =>
          Object.fromEntries(
            Array.from(dl.querySelectorAll('div'), (pair): [string, string] => [
              pair.querySelector('dt')?.textContent ?? '',
              pair.querySelector('dd')?.textContent ?? '',
            ]),
          ),
        );
    }

    test('a CSV export is mapped in the page, previewed without writing anything, then applied', async () => {
      expect((await api('/v1/attributes', { body: { name: 'Location', type: 'text' } })).status).toBe(201);
      const csv =
        '\uFEFFExternal ID,Work Email,First Name,Last Name,Dept,Location,Shoe Size,Notes\r\n' +
        'S-1,ann@sheet.example,Ann,Archer,Sales,Lisbon,38,starts Monday\r\n' +
        'S-2,bob@sheet.example,Bob,Baker,Engineering,Porto,44,"likes ""quotes"", and commas"\r\n' +
        'S-3,cat@sheet.example,Cat,Cole,Design,,39,\r\n' +
        'S-4,dan@sheet.example,Dan\r\n';
      await openImport();
      await page.getByLabel('CSV file').setInputFiles({
        name: 'people.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv, 'utf8'),
      });

      // The mapping the server would use, read from the header in the page (the BOM is no part of a name).
      const mapping = page.getByRole('table', { name: 'Columns of people.csv' });
      await mapping.waitFor();
      const column = (name: string) => page.getByLabel(`Import column ${name} as`, { exact: true });
      const inferred = await Promise.all(
        ['External ID', 'Work Email', 'First Name', 'Last Name', 'Dept', 'Location', 'Shoe Size', 'Notes'].map((name) =>
          column(name).inputValue(),
        ),
      );
      expect(inferred).toEqual([
        'externalId',
        'attribute',
        'firstName',
        'lastName',
        'attribute',
        'attribute',
        'attribute',
        'attribute',
      ]);
      // An attribute nobody has defined is pointed out before anything is sent.
      const hint = 'No attribute has this name yet';
      await mapping
        .getByRole('row', { name: /Shoe Size/ })
        .getByText(hint)
        .waitFor();
      expect(
        await mapping
          .getByRole('row', { name: /Location/ })
          .getByText(hint)
          .count(),
      ).toBe(0);
      await column('Work Email').selectOption('email');
      await column('Dept').selectOption('department');
      await column('Notes').selectOption('skip');
      expect(await mapping.getByText('changed', { exact: true }).count()).toBe(3);

      // Without a source the server refuses, and its words are shown beside the field.
      watch.expectRefusal(400);
      await page.getByRole('button', { name: 'Preview', exact: true }).click();
      const sourceError = page
        .locator('.field', { has: page.getByLabel('Source', { exact: true }) })
        .locator('.field-error');
      await sourceError.waitFor();
      expect(await sourceError.innerText()).toContain('is required');
      expect(await page.getByLabel('Source', { exact: true }).getAttribute('aria-invalid')).toBe('true');

      await page.getByLabel('Source', { exact: true }).fill('sheet');
      await page.getByRole('button', { name: 'Preview', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Preview of sheet: nothing has been written yet' }).waitFor();
      expect(await counts()).toEqual({
        'To create': '3',
        'To update': '0',
        'To delete': '0',
        Unchanged: '0',
        'People skipped': '1',
      });
      const planned = page.getByRole('table', { name: 'Planned changes' });
      expect((await planned.locator('td[data-label="Employee"]').allInnerTexts()).sort()).toEqual([
        'Ann Archer ann@sheet.example',
        'Bob Baker bob@sheet.example',
        'Cat Cole cat@sheet.example',
      ]);
      await planned
        .getByRole('row', { name: /Ann Archer/ })
        .getByText('Department: Sales')
        .waitFor();
      // The unknown column, the skipped column and the broken line, each said as the run says it.
      const run = (await api('/v1/imports?source=sheet')).body.data[0];
      expect(run).toMatchObject({ status: 'previewed', dryRun: true, created: 3, skipped: 1 });
      const notes = (title: string) => page.locator('.notes', { has: page.getByRole('heading', { name: title }) });
      expect(await notes('Skipped fields').locator('li').allInnerTexts()).toEqual(
        run.skippedFields.map((f: { field: string; reason: string }) => `${f.field}: ${f.reason}`),
      );
      expect(await notes('Skipped fields').innerText()).toContain('Shoe Size: no attribute is named "Shoe Size"');
      expect(await notes('Warnings').innerText()).toContain('column 8 has no name in the header');
      expect(await notes('Skipped people').innerText()).toContain('line 5: has 3 cells where the header has 8');
      // A preview writes nothing.
      expect(await peopleOf('sheet')).toEqual([]);
      await screenshot(page, 'console-import-preview');

      await page.getByRole('button', { name: 'Apply', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'sheet: completed' }).waitFor();
      expect(await counts()).toMatchObject({ Created: '3', Deleted: '0', 'People skipped': '1' });
      expect(await page.getByRole('button', { name: 'Apply', exact: true }).count()).toBe(0);
      expect((await peopleOf('sheet')).map((p) => [p.email, p.firstName, p.department, p.attributes])).toEqual([
        ['ann@sheet.example', 'Ann', 'Sales', { Location: 'Lisbon' }],
        ['bob@sheet.example', 'Bob', 'Engineering', { Location: 'Porto' }],
        ['cat@sheet.example', 'Cat', 'Design', {}],
      ]);

      // The history lists the run, completed, with its counts.
      const latest = page.getByRole('table', { name: 'Import runs' }).locator('tbody tr').first();
      await latest.getByText('completed', { exact: true }).waitFor();
      expect(await latest.locator('td[data-label="Source"]').innerText()).toBe('sheet');
      expect(await latest.locator('td[data-label="Created"]').innerText()).toBe('3');
      expect(await latest.locator('td[data-label="Skipped"]').innerText()).toBe('1');
      expect(watch.errors).toEqual([]);
    }, 60_000);

    test('a run the deletion guard stopped says what it would delete, and confirming deletes them', async () => {
      const everyone = Array.from({ length: 10 }, (_, i) => ({
        externalId: `L-${i + 1}`,
        email: `person${i + 1}@legacy.example`,
        firstName: 'Lee',
        lastName: `Legacy${i + 1}`,
      }));
      const first = await api('/v1/imports', { body: { source: 'legacy', people: everyone } });
      expect(first.body.data).toMatchObject({ status: 'completed', created: 10 });
      const half = await api('/v1/imports', { body: { source: 'legacy', people: everyone.slice(0, 5) } });
      expect(half.body.data).toMatchObject({
        status: 'needs_confirmation',
        deletionGuard: { wouldDelete: 5, of: 10 },
      });

      await openImport();
      const history = page.getByRole('table', { name: 'Import runs' });
      const waiting = history.locator('tbody tr', { hasText: 'needs confirmation' });
      await waiting.waitFor();
      expect(await waiting.count()).toBe(1);
      expect(await waiting.locator('td[data-label="Source"]').innerText()).toBe('legacy');
      await waiting.getByRole('link', { name: /^Review and confirm/ }).click();

      await page.getByRole('heading', { level: 1, name: /^Run of legacy/ }).waitFor();
      await page
        .getByRole('status')
        .filter({ hasText: 'would delete 5 of the 10 people of legacy, more than the 10 % allowed' })
        .waitFor();
      const planned = page.getByRole('table', { name: 'Planned changes' });
      await planned.locator('tbody tr').first().waitFor();
      const leaving = await planned.locator('td[data-label="Employee"]').allInnerTexts();
      expect(leaving.map((text) => /\S+@legacy\.example/.exec(text)?.[0]).sort()).toEqual(
        everyone
          .slice(5)
          .map((p) => p.email)
          .sort(),
      );
      expect(await planned.getByText('delete', { exact: true }).count()).toBe(5);
      expect(await peopleOf('legacy')).toHaveLength(10);

      await page.getByRole('button', { name: 'Confirm deletions and apply' }).click();
      await page.getByRole('status').filter({ hasText: 'legacy: completed' }).waitFor();
      expect(await counts()).toMatchObject({ Deleted: '5' });
      expect((await peopleOf('legacy')).map((p) => p.email)).toEqual(
        everyone
          .slice(0, 5)
          .map((p) => p.email)
          .sort(),
      );

      await page.getByRole('link', { name: 'Import', exact: true }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Import' }).waitFor();
      expect(await history.locator('tbody tr', { hasText: 'needs confirmation' }).count()).toBe(0);
      const latest = history.locator('tbody tr').first();
      await latest.getByText('completed', { exact: true }).waitFor();
      expect(await latest.locator('td[data-label="Deleted"]').innerText()).toBe('5');
      await screenshot(page, 'console-import-history');
      expect(watch.errors).toEqual([]);
    }, 60_000);

    test('a list longer than the run keeps pages on through its notes', async () => {
      const attributes = Object.fromEntries(Array.from({ length: 105 }, (_, i) => [`Unknown ${i + 1}`, 'x']));
      const res = await api('/v1/imports', {
        body: {
          source: 'wide',
          people: [{ externalId: 'W-1', email: 'w@wide.example', firstName: 'Wim', lastName: 'Wide', attributes }],
        },
      });
      expect(res.body.data.skippedFields).toHaveLength(100);

      await signIn(page, server.url, server.org.ownerKey);
      await page.goto(`${server.url}/admin/imports/${res.body.data.id}`);
      const skipped = page.locator('.notes', { has: page.getByRole('heading', { name: /^Skipped fields/ }) });
      await skipped.getByRole('heading', { name: 'Skipped fields (100 shown, more kept)' }).waitFor();
      expect(await skipped.locator('li').count()).toBe(100);
      await skipped.getByRole('button', { name: 'Show more skipped fields' }).click();
      await skipped.getByRole('heading', { name: 'Skipped fields (105)' }).waitFor();
      expect(await skipped.locator('li').last().innerText()).toMatch(/^Unknown 105: no attribute is named/);
      expect(await skipped.getByRole('button').count()).toBe(0);
      expect(watch.errors).toEqual([]);
    }, 60_000);
  });
