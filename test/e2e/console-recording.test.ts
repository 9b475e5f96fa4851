import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, E2E_ARGON2, E2E_PASSWORD, openConsoleBrowser, requireConsoleTooling, signIn } from '../helpers/console-browser.js';
import { createPasswordHasher } from '../../src/auth/passwords.js';
import { loadConfigFile } from '../../src/config/load.js';
import { createSegmentIndex } from '../../src/recording/segment-index.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { openDatabase, type StoreDatabase } from '../../src/store/index.js';

const CAMERA = 'demo-pets';

requireConsoleTooling();

// The recordings, legal-hold and export screens of the console in Debian's Chromium
// against `vigie start` (camera configured but not running: nothing here needs live video).
describe('console: recordings and legal holds in Chromium', () => {
  let dir = '';
  let vigie: RunningVigie;
  let store: StoreDatabase;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];

  async function login(username: string): Promise<void> {
    await signIn(page, vigie.url, username);
    await page.getByTestId('current-user').waitFor({ state: 'attached' });
  }

  /** The API as the signed-in browser sees it (same cookies). */
  async function apiGet<T>(path: string): Promise<{ status: number; body: T }> {
    return page.evaluate(async (p) => {
      const res = await fetch(p, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      return { status: res.status, body: (await res.json().catch(() => null)) as T };
    }, path);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-rec-'));
    const demo = loadConfigFile('examples/demo.yaml');
    const config = { ...demo, cameras: demo.cameras.map((c) => ({ ...c, enabled: false })) };
    vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', argon2: E2E_ARGON2, print: () => undefined });
    // A second connection to the same SQLite file: the test seeds the segment index as the recorder would.
    store = await openDatabase({ dataDir: dir });
    const hasher = createPasswordHasher(E2E_ARGON2);
    for (const role of ['operator', 'supervisor', 'dpo'] as const) {
      await vigie.repos.users.create({ username: role, displayName: role, role, passwordHash: await hasher.hash(E2E_PASSWORD) });
    }
    ({ browser, page, consoleErrors } = await openConsoleBrowser({ viewport: { width: 1366, height: 800 } }, (text) => text.includes('401')));
  });
  afterAll(async () => {
    await browser?.close();
    await store?.close();
    await vigie?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets the DPO place a legal hold and release it with a reason', async () => {
    await login('dpo');
    await page.getByTestId('nav-holds').click();
    await page.getByTestId('holds-screen').waitFor();
    await page.getByTestId('hold-new').click();
    await page.getByTestId('hold-case-input').fill('PV 2026/0042');
    await page.getByTestId('hold-authority').fill('Parquet de Lyon');
    await page.getByTestId('hold-cameras').click();
    await page.getByRole('option', { name: 'Carrefour du campus (PETS 2009)' }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('hold-note').fill('Vol à l’arraché, 21 h');
    await page.getByTestId('hold-submit').click();
    const row = page.locator('[data-testid="hold-row"]').filter({ hasText: 'PV 2026/0042' });
    await row.waitFor();
    expect(await row.getAttribute('data-active')).toBe('true');

    const created = await apiGet<{ items: { id: string; caseRef: string; authority: string; cameras: string[]; until: string | null; status?: string; active?: boolean }[] }>('/api/holds');
    expect(created.status).toBe(200);
    const hold = created.body.items.find((h) => h.caseRef === 'PV 2026/0042');
    expect(hold).toBeDefined();
    expect(hold?.authority).toBe('Parquet de Lyon');
    expect(hold?.cameras).toEqual([CAMERA]);
    expect(hold?.until).toBeNull();
    await page.screenshot({ path: join(ARTIFACTS, 'holds-active.png') });

    await row.getByTestId('hold-release').click();
    // A reason is required: confirming without one keeps the hold.
    await page.getByTestId('hold-release-confirm').click();
    await page.getByTestId('hold-release-reason').fill('Affaire classée');
    await page.getByTestId('hold-release-confirm').click();
    await page.locator(`[data-testid="hold-row"][data-hold-id="${hold?.id}"][data-active="false"]`).waitFor();
    await row.getByTestId('hold-release-info').waitFor();

    const after = await apiGet<{ items: { id: string; releasedAt: string | null; releaseReason: string | null; status?: string }[] }>('/api/holds');
    const released = after.body.items.find((h) => h.id === hold?.id);
    expect(released?.releasedAt).not.toBeNull();
    expect(released?.releaseReason).toBe('Affaire classée');
    await page.screenshot({ path: join(ARTIFACTS, 'holds-released.png') });
    await page.getByTestId('logout').click();
  });

  it('shows recorded spans and a gap with its reason on the recordings timeline', async () => {
    const index = createSegmentIndex(store.db);
    const now = Date.now();
    const base = Math.floor((now - 3 * 3_600_000) / 60_000) * 60_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    // 30 min recorded, 10 min lost (disk full), 20 min recorded.
    const minutes = [...Array.from({ length: 30 }, (_, i) => i), ...Array.from({ length: 20 }, (_, i) => 40 + i)];
    for (const m of minutes) {
      const start = base + m * 60_000;
      await index.add({ id: `seg-${m}`, camera: CAMERA, start: iso(start), end: iso(start + 60_000), durationS: 60, bytes: 1_000_000, sha256: 'a'.repeat(64), path: `${CAMERA}/seg-${m}.ts`, createdAt: iso(start + 60_000) });
    }
    await index.addGap({ camera: CAMERA, start: iso(base + 30 * 60_000), end: iso(base + 40 * 60_000), reason: 'disk_full' });

    await login('operator');
    const api = await apiGet<{ segments: unknown[]; gaps: unknown[] }>(`/api/cameras/${CAMERA}/recordings?from=${encodeURIComponent(iso(base - 60_000))}&to=${encodeURIComponent(iso(now))}`);
    expect(api.status).toBe(200);
    expect(api.body.segments).toHaveLength(50);

    await page.getByTestId('nav-recordings').click();
    await page.getByTestId('recordings-screen').waitFor();
    await page.getByTestId('rec-timeline').waitFor();
    // Consecutive segments are drawn as one span each side of the gap.
    await expect.poll(() => page.locator('[data-testid="rec-span"]').count()).toBe(2);
    const gap = page.locator('[data-testid="rec-gap"]');
    expect(await gap.count()).toBe(1);
    expect(await gap.getAttribute('data-reason')).toBe('disk_full');
    expect(await gap.getAttribute('aria-label')).toContain('Disque plein');
    // From the keyboard: Tab from the bar reaches the gap mark, whose reason shows on focus.
    await page.getByTestId('rec-bar').focus();
    await page.keyboard.press('Tab');
    expect(await page.locator('[data-testid="rec-gap"]:focus').count()).toBe(1);
    await page.getByRole('tooltip').filter({ hasText: 'Disque plein' }).first().waitFor({ timeout: 5_000 });
    await page.getByTestId('rec-gap-table').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'recordings-timeline.png') });

    // A click on the bar opens the player on the playlist from that instant.
    const bar = page.getByTestId('rec-bar');
    const box = await bar.boundingBox();
    expect(box).not.toBeNull();
    await bar.click({ position: { x: (box?.width ?? 0) * 0.9, y: 10 } });
    // An operator gets the blurred rendering, never the original stream.
    await page.getByTestId('rec-blurred-player').waitFor();
    expect(await page.getByTestId('rec-player').count()).toBe(0);
    await page.getByTestId('logout').click();

    await login('supervisor');
    await page.getByTestId('nav-recordings').click();
    await page.getByTestId('rec-timeline').waitFor();
    const supervisorBar = page.getByTestId('rec-bar');
    const supervisorBox = await supervisorBar.boundingBox();
    await supervisorBar.click({ position: { x: (supervisorBox?.width ?? 0) * 0.9, y: 10 } });
    const player = page.getByTestId('rec-player');
    await player.waitFor();
    expect(await player.getAttribute('data-src')).toContain(`/api/cameras/${CAMERA}/recordings/playlist.m3u8?from=`);
    await page.getByTestId('logout').click();
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
