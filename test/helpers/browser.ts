// A real headless Chromium (Debian's package) driven by playwright-core, for tests of pages the
// server serves. Global setup decides whether it is there; CI requires it.
import fs from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.PEOPLEHUB_TEST_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumInstalled(): boolean {
  return fs.existsSync(CHROMIUM);
}

/** True when this run drives a browser (global setup sets it). */
export function browserTestsEnabled(): boolean {
  return process.env.PEOPLEHUB_TEST_BROWSER === '1';
}

/** `describe` when a browser is there, `describe.skip` otherwise (global setup already said why). */
export function describeInBrowser(title: string, suite: () => void): void {
  (browserTestsEnabled() ? describe : describe.skip)(title, suite);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // A closed network: Chromium's own background traffic would only fail, noisily.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
