import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, E2E_ARGON2, openConsoleBrowser, requireConsoleTooling } from '../helpers/console-browser.js';
import { loadConfigFile } from '../../src/config/load.js';
import type { PublicPageModel } from '../../src/public/model.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { datasetFile } from '../helpers/datasets.js';

const footage = datasetFile('pets09-s2l1/vtest.avi');

requireConsoleTooling();

// The public information page in Debian's Chromium against `vigie start` on the
// demo configuration: no login, the demo camera and its events, and a change of
// configuration shows at the next visit. The page needs no analysed frame, so the
// camera runs on the motion backend without the detector pool (cheaper).
describe.skipIf(footage.missing)('public information page in Chromium', () => {
  let dir = '';
  let vigie: RunningVigie;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-public-'));
    const demo = loadConfigFile('examples/demo.yaml');
    const config = { ...demo, cameras: demo.cameras.map((c) => ({ ...c, source: footage.path, loop: true, detect: { ...c.detect, backend: 'motion' as const } })) };
    vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', argon2: E2E_ARGON2, detectorPool: false, print: () => undefined });
    ({ browser, page, consoleErrors } = await openConsoleBrowser({ viewport: { width: 1024, height: 768 } }, () => false));
  });
  afterAll(async () => {
    await browser?.close();
    await vigie?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders without login and lists the demo camera and its events', async () => {
    const response = await page.goto(`${vigie.url}/public`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await expect(page.locator('h1').innerText()).resolves.toContain('vidéoprotection');

    const camera = page.getByTestId('public-camera');
    expect(await camera.count()).toBe(1);
    expect(await camera.locator('h3').innerText()).toBe('Carrefour du campus (PETS 2009)');
    const uses = await camera.getByTestId('public-use').allInnerTexts();
    expect(uses.some((u) => u.includes('Intrusion'))).toBe(true);
    expect(uses.some((u) => u.includes('Attroupement'))).toBe(true);
    expect(uses.some((u) => u.includes("Franchissement d'une ligne"))).toBe(true);
    expect(uses.some((u) => u.includes('Comptage anonyme (statistiques)'))).toBe(true);

    const text = await page.locator('body').innerText();
    expect(text).toContain('Aucune reconnaissance faciale');
    expect(text).toContain('cnil.fr');
    expect(text).toContain('à compléter'); // a fresh installation: no organisation yet
    expect(text).not.toContain(footage.path);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.getByTestId('login-username').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'public-page.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('follows the configuration in force, and serves the same content as JSON', async () => {
    const current = await vigie.repos.config.current();
    if (!current) throw new Error('the demo configuration was not stored');
    const config = {
      ...current.config,
      organisation: { controller: 'Ville de Démo <Test>', dpo_contact: 'dpo@demo.example', purposes: ['Sécurité du carrefour'] },
      cameras: current.config.cameras.map((c) => ({ ...c, rules: c.rules.map((r) => (r.type === 'gathering' ? { ...r, enabled: false } : r)) })),
    };
    await vigie.repos.config.save(config, { userId: null, comment: 'public page e2e' });

    await page.goto(`${vigie.url}/public`);
    const text = await page.locator('body').innerText();
    expect(text).toContain('Ville de Démo <Test>');
    expect(text).toContain('dpo@demo.example');
    expect(text).toContain('Sécurité du carrefour');
    const uses = await page.getByTestId('public-use').allInnerTexts();
    expect(uses.some((u) => u.includes('Attroupement'))).toBe(false);
    expect(uses.some((u) => u.includes('Intrusion'))).toBe(true);
    expect(await page.getByTestId('public-config-date').innerText()).toContain('version 2');

    const json = await page.goto(`${vigie.url}/api/public`);
    expect(json?.status()).toBe(200);
    const model = (await json?.json()) as PublicPageModel;
    expect(model.controller.name).toBe('Ville de Démo <Test>');
    expect(model.configuration.version).toBe(2);
    expect(model.cameras.map((c) => c.name)).toEqual(['Carrefour du campus (PETS 2009)']);
    expect(JSON.stringify(model)).not.toContain(footage.path);
  });
});
