import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, E2E_ARGON2, E2E_PASSWORD, openConsoleBrowser, requireConsoleTooling, signIn } from '../helpers/console-browser.js';
import { createPasswordHasher } from '../../src/auth/passwords.js';
import { loadConfigFile } from '../../src/config/load.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { datasetFile } from '../helpers/datasets.js';

const footage = datasetFile('pets09-s2l1/vtest.avi');

requireConsoleTooling();

/** Polls until `check` returns a value (the browser and the cameras run in real time). */
async function eventually<T>(check: () => Promise<T | null | undefined>, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

// The console in Debian's Chromium against `vigie start` on the demo camera (real
// footage in real time, real detector): alerts arrive live, an operator handles one,
// a supervisor draws a zone whose rule then raises alerts.
describe.skipIf(footage.missing)('operator console in Chromium', () => {
  let dir = '';
  let vigie: RunningVigie;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];

  async function login(username: string): Promise<void> {
    await signIn(page, vigie.url, username);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-'));
    const demo = loadConfigFile('examples/demo.yaml');
    const config = { ...demo, cameras: demo.cameras.map((c) => ({ ...c, source: footage.path, loop: true })) };
    vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', argon2: E2E_ARGON2, print: () => undefined });
    const hasher = createPasswordHasher(E2E_ARGON2);
    for (const role of ['operator', 'supervisor'] as const) {
      await vigie.repos.users.create({ username: role, displayName: role, role, passwordHash: await hasher.hash(E2E_PASSWORD) });
    }
    ({ browser, page, consoleErrors } = await openConsoleBrowser({ viewport: { width: 1280, height: 720 } }, (text) => text.includes('401')));
  });
  afterAll(async () => {
    await browser?.close();
    await vigie?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows an alert that arrives live, and records the operator marking it a false alarm', async () => {
    await login('operator');
    await page.getByTestId('alert-queue').waitFor();
    // Nothing reloads the page from here on: the row must come over the WebSocket.
    const row = page.locator('[data-testid="alert-row"]').first();
    await row.waitFor({ timeout: 90_000 });
    const eventId = await row.getAttribute('data-event-id');
    expect(eventId).toBeTruthy();
    await page.screenshot({ path: join(ARTIFACTS, 'alert-queue.png') });

    await row.click();
    await row.getByTestId('alert-open').click();
    await page.locator(`[data-testid="event-detail"][data-event-id="${eventId}"]`).waitFor();
    await page.getByTestId('action-false-alarm').click();
    await page.locator('[data-testid="timeline-item"][data-kind="qualify"]').waitFor();

    const stored = await vigie.repos.events.get(eventId as string);
    expect(stored?.qualification).toBe('false_alarm');
    expect(stored?.acknowledgedAt).not.toBeNull();

    await page.getByTestId('nav-cameras').click();
    await page.locator('[data-testid="camera-tile"][data-camera-id="demo-pets"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'camera-wall.png') });
    await page.getByTestId('logout').click();
  });

  it('lets a supervisor draw a zone with an intrusion rule that then raises alerts', async () => {
    await login('supervisor');
    await page.getByTestId('nav-setup').click();
    const canvas = page.getByTestId('zone-editor-canvas');
    await canvas.waitFor();
    await page.getByTestId('setup-tool').getByText('Zone').click();
    const box = await eventually(() => canvas.boundingBox(), 'the zone editor');
    // The road people walk on, in normalised coordinates of the frame.
    for (const [x, y] of [[0.3, 0.3], [0.97, 0.3], [0.97, 0.62], [0.3, 0.62]] as const) {
      await canvas.click({ position: { x: x * box.width, y: y * box.height } });
    }
    await page.keyboard.press('Enter');
    await page.getByTestId('shape-id').fill('route');
    await page.getByTestId('shape-confirm').click();
    await page.getByTestId('rule-target').click();
    await page.getByRole('option', { name: 'route' }).click();
    await page.getByTestId('rule-submit').click();
    await page.locator('[data-testid="rule-item"][data-rule-id="intrusion-route"]').waitFor();
    await page.getByTestId('config-save').click();

    const saved = await eventually(async () => {
      const current = await vigie.repos.config.current();
      return current?.config.cameras[0]?.rules.find((r) => r.id === 'intrusion-route') ? current : null;
    }, 'the new configuration version');
    expect(saved.config.cameras[0]?.zones.map((z) => z.id)).toContain('route');
    // The running camera applies it without a restart: people on the road raise intrusions.
    const intrusion = await eventually(async () => {
      const page1 = await vigie.repos.events.list({ type: 'intrusion', limit: 50 });
      return page1.items.find((i) => i.event.rule === 'intrusion-route');
    }, 'an intrusion event from the new rule');
    expect(intrusion.event.details.zone).toBe('route');
    expect(consoleErrors).toEqual([]);
  });
});
