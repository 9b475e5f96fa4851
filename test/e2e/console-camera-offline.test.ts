import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/auth/passwords.js';
import { configSchema } from '../../src/config/schema.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { startTestCameras, type TestCameras } from '../../src/testcam/index.js';
import { ARTIFACTS, E2E_ARGON2, E2E_PASSWORD, openConsoleBrowser, requireConsoleTooling, signIn } from '../helpers/console-browser.js';
import { makeTempDir, makeTestClip } from '../helpers/media-fixtures.js';

requireConsoleTooling();

// What the operator on duty sees when a street camera goes dark: a "Caméra hors ligne" alert
// arrives live in the queue, says why in words, and the camera's tile turns offline, then back.
describe('a camera going offline, seen in the console (Chromium)', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let cams: TestCameras;
  let vigie: RunningVigie;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    tmp = await makeTempDir();
    const clip = await makeTestClip(tmp.dir, 'street', { width: 320, height: 240, rate: 10, durationSec: 10, format: 'mp4' });
    cams = await startTestCameras({ file: clip, cameras: 1, fps: 10, width: 320 });
    const config = configSchema.parse({
      cameras: [{ id: 'rue-haute', name: 'Rue Haute', source: cams.urls[0], detect: { fps: 5, width: 320, backend: 'motion' } }],
    });
    vigie = await startVigie({ dataDir: tmp.dir, config, port: 0, host: '127.0.0.1', detectorPool: false, argon2: E2E_ARGON2, print: () => undefined });
    const hasher = createPasswordHasher(E2E_ARGON2);
    await vigie.repos.users.create({ username: 'operator', displayName: 'operator', role: 'operator', passwordHash: await hasher.hash(E2E_PASSWORD) });
    ({ browser, page, consoleErrors } = await openConsoleBrowser({ viewport: { width: 1280, height: 720 } }, (text) => text.includes('401')));
  });
  afterAll(async () => {
    await browser?.close();
    await vigie?.close();
    await cams?.close();
    await tmp?.cleanup();
  });

  it('raises a live "Caméra hors ligne" alert with its reason, and shows the camera back when it returns', async () => {
    await signIn(page, vigie.url, 'operator');
    await page.getByTestId('nav-cameras').click();
    const tile = page.locator('[data-testid="camera-tile"][data-camera-id="rue-haute"]');
    await tile.and(page.locator('[data-state="running"]')).waitFor({ timeout: 60_000 });

    await page.getByTestId('nav-queue').click();
    await page.getByTestId('queue-empty').waitFor(); // nothing has happened yet
    cams.fault(0, 'down');
    // No reload: the alert comes over the WebSocket.
    const row = page.locator('[data-testid="alert-row"]').filter({ hasText: 'Caméra hors ligne' });
    await row.waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'camera-offline-alert.png') });
    const eventId = await row.getAttribute('data-event-id');
    await row.click();
    await row.getByTestId('alert-open').click();
    const detail = page.locator(`[data-testid="event-detail"][data-event-id="${eventId ?? ''}"]`);
    await detail.waitFor();
    await expect.poll(() => detail.innerText()).toMatch(/Flux injoignable|plus aucune image/);
    expect(await detail.getByTestId('event-snapshot').count()).toBe(0); // no picture to show, none requested

    cams.fault(0, 'up');
    await page.getByTestId('nav-cameras').click();
    await tile.and(page.locator('[data-state="running"]')).waitFor({ timeout: 60_000 });
    const stored = await vigie.repos.events.get(eventId ?? '');
    expect(stored?.event).toMatchObject({ type: 'camera_offline', rule: 'system' });
    await expect.poll(async () => (await vigie.repos.events.get(eventId ?? ''))?.event.end ?? null, { timeout: 10_000 }).not.toBeNull();
    expect(consoleErrors).toEqual([]);
  });
});
