/** What every console e2e test starts with: Debian's Chromium, the built console, cheap passwords. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import type { Argon2Params } from '../../src/auth/passwords.js';
import type { VigieEvent } from '../../src/contracts/event.js';
import { WEB_DIST } from '../../src/server/app.js';

export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots of e2e tests, for a person to look at. */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');
/** Cheap argon2 for speed; the production parameters are tested in the auth unit tests. */
export const E2E_ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
export const E2E_PASSWORD = 'correct horse battery 42';

/** Fails the test file at once, saying how to fix it, when Chromium or the built console is missing. */
export function requireConsoleTooling(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium); .ci/run does`);
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`the console is not built (${WEB_DIST}): run npm run build:web (npm ci does it)`);
}

export interface ConsoleBrowser {
  readonly browser: Browser;
  readonly page: Page;
  /** Errors the page logged that `ignore` did not excuse. */
  readonly consoleErrors: string[];
}

/** Launches headless Chromium with the project's flags and one page that collects console errors. */
export async function openConsoleBrowser(page: BrowserContextOptions, ignore: (text: string) => boolean): Promise<ConsoleBrowser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const opened = await browser.newPage(page);
  const consoleErrors: string[] = [];
  opened.on('console', (m) => {
    if (m.type() === 'error' && !ignore(m.text())) consoleErrors.push(m.text());
  });
  return { browser, page: opened, consoleErrors };
}

/** Signs in on the console's login form (every e2e user has E2E_PASSWORD); returns once submitted. */
export async function signIn(page: Page, url: string, username: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(E2E_PASSWORD);
  await page.getByTestId('login-submit').click();
}

/** Picks `option` in the Mantine select whose input has this test id. */
export async function pickOption(page: Page, testid: string, option: string): Promise<void> {
  await page.getByTestId(testid).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** A closed gathering event on zone `parvis`, started `agoMs` ago, as the pipeline would store it (seeds for console tests). */
export function storedGathering(camera: string, id: string, agoMs: number, details: VigieEvent['details'] = {}): VigieEvent {
  return {
    id,
    camera,
    rule: 'attroupement-parvis',
    type: 'gathering',
    severity: 'medium',
    start: 10,
    end: 40,
    start_time: new Date(Date.now() - agoMs).toISOString(),
    track_ids: [1, 2, 3],
    classes: ['person'],
    box: [0.2, 0.3, 0.3, 0.3],
    score: 0.9,
    snapshot: null,
    clip: null,
    details: { zone: 'parvis', ...details },
  };
}
