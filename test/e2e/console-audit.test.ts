import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, E2E_ARGON2, E2E_PASSWORD, openConsoleBrowser, requireConsoleTooling, signIn } from '../helpers/console-browser.js';
import { datasetFile } from '../helpers/datasets.js';
import { createPasswordHasher } from '../../src/auth/passwords.js';
import { demoFootageH264 } from '../../src/cli/commands/demo.js';
import { loadConfigFile } from '../../src/config/load.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';

const CAMERA = 'demo-pets';
const OPERATOR = 'op-martin';
const DPO = 'dpo-claire';
const footage = datasetFile('pets09-s2l1/vtest.avi');

requireConsoleTooling();

// The DPO's audit screen in Debian's Chromium against `vigie start` recording the demo
// camera on real footage: an operator watches the camera live and plays its recorded
// footage (blurred); the DPO then finds both views in the audit log, filtered on that operator.
describe.skipIf(footage.missing)("console: the DPO's audit screen in Chromium", () => {
  let dir = '';
  let vigie: RunningVigie;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];
  let operatorId = '';
  let dpoId = '';

  async function login(username: string): Promise<void> {
    // A fresh session each time, even when an earlier test stopped before signing out.
    await page.context().clearCookies();
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

  /** As the DPO: the audit screen filtered on the operator (picked by username, as a person would). */
  async function openAuditOnOperator(): Promise<void> {
    await login(DPO);
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-screen').waitFor();
    // Unfiltered, the DPO's own sign-in is the newest entry.
    await page.locator(`[data-testid="audit-row"][data-action="auth.login"][data-actor="${dpoId}"]`).first().waitFor();
    await page.getByTestId('audit-filter-actor').click();
    await page.getByRole('option', { name: `${OPERATOR} (Martin)`, exact: true }).click();
    await page.getByTestId('audit-apply').click();
    await expect.poll(() => page.locator(`[data-testid="audit-row"]:not([data-actor="${operatorId}"])`).count()).toBe(0);
    expect(await page.getByTestId('audit-export').getAttribute('href')).toBe(`/api/audit.csv?actor=${operatorId}&limit=1000`);
  }

  /** Entry times are recent: written during this test, not left over from elsewhere. */
  async function expectRecent(row: ReturnType<Page['locator']>): Promise<void> {
    const at = Date.parse((await row.getAttribute('data-at')) ?? '');
    expect(Date.now() - at).toBeLessThan(10 * 60_000);
    expect(Date.now() - at).toBeGreaterThanOrEqual(0);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-audit-'));
    // The recorder stream-copies: the PETS clip (MS-MPEG4) is turned into H.264 once, as `vigie demo` does.
    const source = await demoFootageH264(footage.path, dir, () => undefined);
    const demo = loadConfigFile('examples/demo.yaml');
    const config = {
      ...demo,
      // 2 fps of analysis is plenty here (nothing waits for an alert); 10 s segments give footage to play soon.
      cameras: demo.cameras.map((c) => ({ ...c, source, loop: true, detect: { ...c.detect, fps: 2 }, recording: { ...c.recording, enabled: true, segment_s: 10 } })),
    };
    vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', argon2: E2E_ARGON2, print: () => undefined });
    const hasher = createPasswordHasher(E2E_ARGON2);
    operatorId = (await vigie.repos.users.create({ username: OPERATOR, displayName: 'Martin', role: 'operator', passwordHash: await hasher.hash(E2E_PASSWORD) })).id;
    dpoId = (await vigie.repos.users.create({ username: DPO, displayName: 'Claire', role: 'dpo', passwordHash: await hasher.hash(E2E_PASSWORD) })).id;
    // The DPO's header holds the most screens: below ~1900 px its end (sign-out) is pushed off-screen, so a full-HD monitor.
    ({ browser, page, consoleErrors } = await openConsoleBrowser({ viewport: { width: 1366, height: 800 } }, (text) => text.includes('401')));
  });
  afterAll(async () => {
    await browser?.close();
    await vigie?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows the DPO the operator's live view of the camera, in French words, with the chain's state", async () => {
    await login(OPERATOR);
    // An operator has no audit screen.
    expect(await page.getByTestId('nav-audit').count()).toBe(0);
    // The live preview is served once the camera delivers frames (degraded too: analysis behind on a busy machine).
    await expect
      .poll(async () => (await apiGet<{ cameras: { camera: { id: string }; health: { state: string } }[] }>('/api/cameras')).body.cameras.find((c) => c.camera.id === CAMERA)?.health.state, { timeout: 120_000 })
      .toMatch(/^(running|degraded)$/);
    await page.getByTestId('nav-cameras').click();
    await page.locator(`[data-testid="camera-tile"][data-camera-id="${CAMERA}"] [data-testid="camera-preview"]`).waitFor();
    await expect.poll(async () => (await vigie.repos.audit.list({ action: 'live.view', actor: operatorId })).length, { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByTestId('logout').click();

    await openAuditOnOperator();
    const live = page.locator('[data-testid="audit-row"][data-action="live.view"]').first();
    await live.waitFor();
    expect(await live.getByTestId('audit-actor').textContent()).toBe(OPERATOR);
    expect(await live.getByTestId('audit-action').textContent()).toContain('Consultation en direct');
    expect(await live.getByTestId('audit-target').textContent()).toBe(CAMERA);
    // Operators see people blurred.
    expect(await live.getByTestId('audit-details').textContent()).toContain('unblurred: false');
    await expectRecent(live);
    // The operator's sign-in is there too, by the same filter.
    await page.locator('[data-testid="audit-row"][data-action="auth.login"]').first().waitFor();

    // Narrowed to one action from the list of actions named in words.
    await page.getByTestId('audit-filter-action').click();
    await page.getByRole('option', { name: 'Consultation en direct', exact: true }).click();
    await page.getByTestId('audit-apply').click();
    await expect.poll(() => page.locator('[data-testid="audit-row"]:not([data-action="live.view"])').count()).toBe(0);
    expect(await page.locator('[data-testid="audit-row"]').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('audit-export').getAttribute('href')).toBe(`/api/audit.csv?action=live.view&actor=${operatorId}&limit=1000`);

    // The chain's latest signed anchor (made when `vigie start` started, if the trail had entries then), as stored.
    await page.getByTestId('audit-chain').waitFor();
    const [anchor] = await vigie.repos.audit.list({ action: 'audit.anchor', limit: 1 });
    if (anchor) expect(await page.getByTestId('audit-anchor').getAttribute('data-seq')).toBe(String(anchor.details.seq));
    else await page.getByTestId('audit-anchor-none').waitFor();
    // The DPO reads reports: the compliance report's two links.
    expect(await page.getByTestId('compliance-report-html').getAttribute('href')).toBe('/api/compliance/report.html');
    expect(await page.getByTestId('compliance-report-html').getAttribute('target')).toBe('_blank');
    expect(await page.getByTestId('compliance-report-pdf').getAttribute('href')).toBe('/api/compliance/report.pdf');
    await page.screenshot({ path: join(ARTIFACTS, 'audit-live-view.png'), fullPage: true });
    await page.getByTestId('logout').click();
    expect(consoleErrors).toEqual([]);
  });

  it("shows the DPO the operator's view of recorded footage: actor, recording.view, the camera", async () => {
    await login(OPERATOR);
    // Some footage recorded: two 10 s segments.
    await expect
      .poll(async () => (await apiGet<{ segments: unknown[] }>(`/api/cameras/${CAMERA}/recordings`)).body.segments?.length ?? 0, { timeout: 120_000 })
      .toBeGreaterThanOrEqual(2);
    await page.getByTestId('nav-recordings').click();
    await page.getByTestId('recordings-screen').waitFor();
    await page.getByTestId('rec-range').getByText('Dernière heure').click();
    const span = page.locator('[data-testid="rec-span"]').first();
    await span.waitFor();
    // Operators are given the blurred footage (MP4); a click on the recorded span plays from there.
    await span.click();
    const player = page.getByTestId('rec-blurred-player');
    expect(new URL((await player.getAttribute('data-src')) ?? '', vigie.url).pathname).toBe(`/api/cameras/${CAMERA}/footage.mp4`);
    // The server renders the blurred copy first (tens of seconds, longer on a busy machine).
    await page.locator('[data-testid="rec-blurred-player"]:is([data-state="ready"], [data-state="error"])').waitFor({ timeout: 300_000 });
    expect(await player.getAttribute('data-state')).toBe('ready');
    await expect.poll(async () => (await vigie.repos.audit.list({ action: 'recording.view', actor: operatorId })).length, { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByTestId('logout').click();

    await openAuditOnOperator();
    const viewed = page.locator('[data-testid="audit-row"][data-action="recording.view"]').first();
    await viewed.waitFor();
    expect(await viewed.getByTestId('audit-actor').textContent()).toBe(OPERATOR);
    const action = (await viewed.getByTestId('audit-action').textContent()) ?? '';
    expect(action).toContain("Consultation d'un enregistrement");
    expect(action).toContain('recording.view');
    expect(await viewed.getByTestId('audit-target').textContent()).toBe(CAMERA);
    const details = (await viewed.getByTestId('audit-details').textContent()) ?? '';
    expect(details).toContain(`camera: ${CAMERA}`);
    expect(details).toContain('blurred: true');
    await expectRecent(viewed);
    // Newest first: the footage view came after the live view of the first test.
    const order = await Promise.all((await page.locator('[data-testid="audit-row"]').all()).map((r) => r.getAttribute('data-action')));
    expect(order.indexOf('recording.view')).toBeLessThan(order.indexOf('live.view'));
    await page.screenshot({ path: join(ARTIFACTS, 'audit-recording-view.png'), fullPage: true });
    await page.getByTestId('logout').click();
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
