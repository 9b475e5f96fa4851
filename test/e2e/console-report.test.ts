import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, E2E_ARGON2, E2E_PASSWORD, openConsoleBrowser, pickOption, requireConsoleTooling, signIn, storedGathering } from '../helpers/console-browser.js';
import { createPasswordHasher } from '../../src/auth/passwords.js';
import { configSchema } from '../../src/config/schema.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';

const CAMERA = 'parvis-mairie';
const CHARTS = ['chart-by-type', 'chart-weekday-hour', 'chart-precision', 'chart-time-to-ack', 'chart-availability'];

requireConsoleTooling();

// The trial report and the incident log in Debian's Chromium against a real
// server. The camera is disabled: the report only needs the configuration and
// the store, seeded here through the repositories.
describe('trial report and incident log in the console', () => {
  let dir = '';
  let vigie: RunningVigie;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];
  const failedRequests: string[] = [];

  async function login(username: string): Promise<void> {
    await signIn(page, vigie.url, username);
    await page.getByTestId('logout').waitFor();
  }


  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-report-'));
    const config = configSchema.parse({
      cameras: [
        {
          id: CAMERA,
          name: 'Parvis de la mairie',
          enabled: false,
          source: join(dir, 'absent.mp4'),
          zones: [{ id: 'parvis', name: 'Parvis', polygon: [[0.1, 0.5], [0.9, 0.5], [0.9, 0.95], [0.1, 0.95]] }],
          rules: [
            { id: 'attroupement-parvis', type: 'gathering', zone: 'parvis' },
            { id: 'intrusion-parvis', type: 'intrusion', zone: 'parvis', mode: 'shadow' },
          ],
        },
      ],
    });
    vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', argon2: E2E_ARGON2, print: () => undefined });
    const hasher = createPasswordHasher(E2E_ARGON2);
    await vigie.repos.users.create({ username: 'superviseur', displayName: 'Superviseur', role: 'supervisor', passwordHash: await hasher.hash(E2E_PASSWORD) });
    const operator = await vigie.repos.users.create({ username: 'operateur', displayName: 'Opératrice', role: 'operator', passwordHash: await hasher.hash(E2E_PASSWORD) });

    // Four alerts: two true (acknowledged about 2 and 4 minutes after they started), one false alarm (about 6 minutes),
    // one not handled yet; and a shadow rule's event, never an alert.
    await vigie.repos.events.upsert(storedGathering(CAMERA, 'evt-vrai-1', 2 * 60_000));
    await vigie.repos.events.upsert(storedGathering(CAMERA, 'evt-vrai-2', 4 * 60_000));
    await vigie.repos.events.upsert(storedGathering(CAMERA, 'evt-faux', 6 * 60_000));
    await vigie.repos.events.upsert(storedGathering(CAMERA, 'evt-ouvert', 1 * 60_000));
    await vigie.repos.events.upsert({ ...storedGathering(CAMERA, 'evt-ombre', 3 * 60_000, { shadow: true }), id: 'evt-ombre', rule: 'intrusion-parvis', type: 'intrusion' });
    await vigie.repos.events.applyAction('evt-vrai-1', { kind: 'qualify', value: 'true_alert', userId: operator.id });
    await vigie.repos.events.applyAction('evt-vrai-2', { kind: 'qualify', value: 'true_alert', userId: operator.id });
    await vigie.repos.events.applyAction('evt-faux', { kind: 'qualify', value: 'false_alarm', userId: operator.id });
    // Two gatherings seen by operators on this camera: one Vigie raised, one it missed (recall 50 %).
    const at = new Date(Date.now() - 10 * 60_000).toISOString();
    await vigie.repos.incidents.create({ occurredAt: at, camera: CAMERA, type: 'gathering', description: 'Attroupement signalé par Vigie', eventId: 'evt-vrai-1', by: operator.id });
    await vigie.repos.incidents.create({ occurredAt: at, camera: CAMERA, type: 'gathering', description: 'Attroupement vu à l’écran', eventId: null, by: operator.id });

    ({ browser, page, consoleErrors } = await openConsoleBrowser({ viewport: { width: 1366, height: 900 }, locale: 'fr-FR', acceptDownloads: true }, (text) => text.startsWith('Failed to load resource')));
    page.on('response', (r) => {
      const url = new URL(r.url());
      // 401: the console asking who is logged in before login; the disabled camera has no snapshot;
      // an instance without monthly reports answers 404 and the box is hidden.
      const expected = r.status() === 401 || url.pathname.endsWith('/snapshot.jpg') || (r.status() === 404 && url.pathname === '/api/reports/monthly');
      if (r.status() >= 400 && !expected) failedRequests.push(`${r.status()} ${url.pathname}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await vigie?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the headline figures, draws every chart, and a CSV has the same numbers as the chart', async () => {
    await login('superviseur');
    await page.getByTestId('nav-report').click();
    await page.getByTestId('report-results').waitFor();

    expect(await page.getByTestId('kpi-alerts-value').textContent()).toBe('4');
    expect(await page.getByTestId('kpi-precision-value').textContent()).toBe('67 %');
    expect(await page.getByTestId('kpi-recall-value').textContent()).toBe('50 %');
    // Median of the three acknowledgements: the one about 4 minutes after its event started.
    const ack = Number(await page.getByTestId('kpi-ack').getAttribute('data-value'));
    expect(ack).toBeGreaterThanOrEqual(240);
    expect(ack).toBeLessThan(300);
    expect(await page.getByTestId('kpi-ack-value').textContent()).toMatch(/^4 min/);
    await page.getByTestId('kpi-availability').waitFor();

    for (const chart of CHARTS) {
      const box = page.locator(`[data-testid="${chart}"][data-rendered="true"]`);
      await box.waitFor();
      // Some pixel of the canvas is drawn (not fully transparent).
      // (A string: the test is compiled without the DOM's types.)
      const drawn = await page.evaluate(
        `(() => { const c = document.querySelector('[data-testid="${chart}"] canvas'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true; return false; })()`,
      );
      expect(drawn, chart).toBe(true);
      // The chart is described for screen readers.
      expect(await box.getAttribute('aria-label'), chart).toBeTruthy();
    }

    // The shadow rule's event is not an alert: it is in the shadow table.
    expect(await page.getByTestId('table-shadow').textContent()).toContain('intrusion-parvis');

    // The table under the chart and its CSV give the same figure: 4 gatherings.
    const block = page.getByTestId('chart-by-type-block');
    await block.getByText('Données du graphique').click();
    expect(await block.locator('tbody tr').first().textContent()).toBe('Attroupement4');
    const link = page.getByTestId('chart-by-type-csv');
    expect(await link.textContent()).toBe('Télécharger les données (CSV)');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
    expect(csv).toEqual(['type,events', 'gathering,4']);

    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
  });

  it('compares two periods', async () => {
    await page.getByTestId('report-mode').getByText('Comparer deux périodes').click();
    await page.getByTestId('compare-table').waitFor();
    // Last month had no alert; this period has 4.
    expect(await page.getByTestId('compare-alerts-before').textContent()).toBe('0');
    expect(await page.getByTestId('compare-alerts-after').textContent()).toBe('4');
    expect(await page.getByTestId('compare-alerts-diff').textContent()).toBe('+4');
  });

  it('lists the monthly reports found in the data folder, and downloads one', async () => {
    // `vigie start` writes these for each past month (src/reports/monthly.ts); a file laid down here stands for one.
    mkdirSync(join(dir, 'reports'), { recursive: true });
    writeFileSync(join(dir, 'reports', 'vigie-report-2026-10.html'), '<html><body>Bilan octobre 2026</body></html>');
    await page.reload();
    const row = page.locator('[data-testid="monthly-report"][data-month="2026-10"]');
    await row.waitFor();
    const link = row.getByRole('link', { name: /HTML/ });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(readFileSync(await download.path(), 'utf8')).toContain('Bilan octobre 2026');
  });

  it('lets an operator log an incident, from scratch and from an event, list, correct and delete it', async () => {
    await page.getByTestId('logout').click();
    await login('operateur');
    // Operators read the log and write to it, but have no trial report.
    expect(await page.getByTestId('nav-report').count()).toBe(0);
    await page.getByTestId('nav-incidents').click();
    await page.getByTestId('incidents-screen').waitFor();
    expect(await page.getByTestId('incident-row').count()).toBe(2);

    await pickOption(page, 'incident-camera', 'Parvis de la mairie (parvis-mairie)');
    await pickOption(page, 'incident-type-select', 'Dépôt sauvage');
    expect(await page.getByTestId('incident-form').textContent()).toContain('Décrivez les faits, jamais les personnes (pas de nom, pas de description physique)');
    await page.getByTestId('incident-description-input').fill('Sacs déposés au pied du banc');
    await page.getByTestId('incident-submit').click();
    const logged = page.locator('[data-testid="incident-row"]', { hasText: 'Sacs déposés au pied du banc' });
    await logged.waitFor();
    expect(await logged.getByTestId('incident-type').textContent()).toBe('Dépôt sauvage');
    expect(await logged.getByTestId('incident-where').textContent()).toBe(CAMERA);

    // From the event detail: the form comes prefilled with the event.
    await page.goto(`${vigie.url}#/events/evt-ouvert`);
    await page.getByTestId('event-create-incident').click();
    await page.getByTestId('incident-prefilled').waitFor();
    expect(await page.getByTestId('incident-event-id').inputValue()).toBe('evt-ouvert');
    await page.getByTestId('incident-description-input').fill('Groupe dispersé par la patrouille');
    await page.getByTestId('incident-submit').click();
    const linked = page.locator('[data-testid="incident-row"]', { hasText: 'Groupe dispersé par la patrouille' });
    await linked.waitFor();
    expect(await linked.getByTestId('incident-type').textContent()).toBe('Attroupement');
    expect(await linked.getByTestId('incident-event').getAttribute('href')).toBe('#/events/evt-ouvert');

    // Correcting one, then deleting it.
    await logged.getByTestId('incident-edit').click();
    await page.getByTestId('incident-description-input').fill('Sacs et carton déposés au pied du banc');
    await page.getByTestId('incident-submit').click();
    const corrected = page.locator('[data-testid="incident-row"]', { hasText: 'Sacs et carton déposés au pied du banc' });
    await corrected.waitFor();
    expect(await corrected.getByTestId('incident-type').textContent()).toBe('Dépôt sauvage');
    await corrected.getByTestId('incident-delete').click();
    await corrected.getByTestId('incident-delete-confirm').click();
    await corrected.waitFor({ state: 'detached' });

    const stored = await vigie.repos.incidents.list();
    expect(stored.map((i) => [i.type, i.camera, i.eventId]).sort()).toEqual(
      [
        ['gathering', CAMERA, 'evt-ouvert'],
        ['gathering', CAMERA, 'evt-vrai-1'],
        ['gathering', CAMERA, null],
      ].sort(),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'incidents.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
  });
});
