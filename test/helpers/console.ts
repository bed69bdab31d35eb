// Driving the admin console in Chromium: sign in, move by keyboard alone, watch the page's console.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

export const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

export interface ConsoleWatch {
  /** Every console error and uncaught exception the page produced, except the refusals the test asked for. */
  errors: string[];
  /**
   * Chromium logs every non-2xx answer to a fetch as a console error ("Failed to load resource: the
   * server responded with a status of 400"). A test that provokes such an answer on purpose (bad
   * input, HiBob not yet connected) names its status here; any other error still fails the test.
   */
  expectRefusal(status: number): void;
}

export function watchConsole(page: Page): ConsoleWatch {
  const expected = new Set<number>();
  const watch: ConsoleWatch = { errors: [], expectRefusal: (status) => expected.add(status) };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const refused = /^Failed to load resource: the server responded with a status of (\d{3})/.exec(message.text());
    if (refused && expected.has(Number(refused[1])) && message.location().url.includes('/v1/')) return;
    watch.errors.push(message.text());
  });
  page.on('pageerror', (error) => watch.errors.push(error.message));
  return watch;
}

export async function signIn(page: Page, baseUrl: string, key: string, landing = 'Webhooks'): Promise<void> {
  await page.goto(`${baseUrl}/admin`);
  await page.getByLabel('Personal key').fill(key);
  await page.getByLabel('Personal key').press('Enter');
  await page.getByRole('heading', { level: 1, name: landing }).waitFor();
}

/** The accessible name of the focused element, roughly as a screen reader would announce it. */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return '';
    const labelled = el.getAttribute('aria-label');
    if (labelled) return labelled.trim();
    const labels = (el as HTMLInputElement).labels;
    if (labels && labels.length > 0) return (labels[0].textContent ?? '').trim();
    return (el.textContent ?? '').trim();
  });
}

/** Presses Tab (and nothing else) until the focused control has this name; fails if it is never reached. */
export async function tabTo(page: Page, name: string | RegExp, maxTabs = 120): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < maxTabs; i += 1) {
    await page.keyboard.press('Tab');
    const current = await focusedName(page);
    if (typeof name === 'string' ? current === name : name.test(current)) return;
    seen.push(current);
  }
  throw new Error(`Tab never reached "${String(name)}"; it went through: ${seen.join(' | ')}`);
}

/**
 * Tabs once around the whole page and checks every visible control on it (links, buttons, fields)
 * received focus: nothing on the page needs a mouse.
 */
export async function everyControlTakesFocus(page: Page): Promise<{ controls: number; missed: string[] }> {
  const { controls, stops } = await page.evaluate(() => {
    const all = Array.from(document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea'));
    let n = 0;
    let extra = 0;
    for (const el of all) {
      const visible = el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
      if (!visible || (el as HTMLButtonElement).disabled) continue;
      el.dataset.kb = String(n++);
      // Chromium stops on each part of a date or time field (month, day, year, hours, minutes, AM/PM).
      if (/^(date|datetime-local|time|month|week)$/.test((el as HTMLInputElement).type ?? '')) extra += 5;
    }
    // Start at the top: a focus point before everything else on the page.
    const start = document.createElement('div');
    start.tabIndex = -1;
    start.id = 'kb-start';
    document.body.prepend(start);
    start.focus();
    return { controls: n, stops: n + extra };
  });
  const reached = new Set<string>();
  for (let i = 0; i < stops + 10; i += 1) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.kb ?? null);
    if (id !== null) reached.add(id);
  }
  await page.evaluate(() => document.getElementById('kb-start')?.remove());
  const missed = await page.evaluate(
    (ids) =>
      Array.from(document.querySelectorAll<HTMLElement>('[data-kb]'))
        .filter((el) => !ids.includes(el.dataset.kb ?? ''))
        .map((el) => el.outerHTML.slice(0, 120)),
    [...reached],
  );
  return { controls, missed };
}

/** True when the page is no wider than the window (nothing to scroll sideways). */
export function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/** Waits for the server's message beside a field, and checks the field says it is invalid (for screen readers). */
export async function expectFieldError(page: Page, label: string, text: string | RegExp): Promise<void> {
  const field = page.locator('.field', { has: page.getByLabel(label, { exact: true }) });
  const message = field.locator('.field-error');
  await message.waitFor();
  const shown = await message.innerText();
  if (typeof text === 'string') expect(shown).toContain(text);
  else expect(shown).toMatch(text);
  expect(await page.getByLabel(label, { exact: true }).getAttribute('aria-invalid')).toBe('true');
}
