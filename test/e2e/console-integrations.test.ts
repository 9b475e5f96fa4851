import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/auth/passwords.js';
import { configSchema } from '../../src/config/schema.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { ARTIFACTS, E2E_ARGON2, E2E_PASSWORD, openConsoleBrowser, requireConsoleTooling, signIn, storedGathering } from '../helpers/console-browser.js';

const ADMIN = 'admin-sophie';
const SECRET_ENV = 'VIGIE_E2E_WEBHOOK_SECRET';

requireConsoleTooling();

// The admin's Integrations screen in Debian's Chromium: a dispatch webhook refuses an
// event (410, dead at once); the admin sees it in the dead-letter list with the
// receiver's answer, the receiver is fixed, and "Relancer" delivers it.
describe('console: a webhook dead letter retried from the Integrations screen', () => {
  let dir = '';
  let vigie: RunningVigie;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];
  let receiver: Server;
  let status = 410;
  const received: string[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['x-vigie-delivery']));
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 410 ? 'gone: endpoint moved' : 'ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/vigie`;
    process.env[SECRET_ENV] = 'e2e-secret-0b7d';
    dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-integrations-'));
    const config = configSchema.parse({ integrations: { webhooks: [{ id: 'dispatch', url, secret_env: SECRET_ENV }] } });
    vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', detectorPool: false, argon2: E2E_ARGON2, print: () => undefined });
    await vigie.repos.users.create({ username: ADMIN, displayName: 'Sophie', role: 'admin', passwordHash: await createPasswordHasher(E2E_ARGON2).hash(E2E_PASSWORD) });
    // The console asks who is signed in before the login form: a 401 is expected then.
    ({ browser, page, consoleErrors } = await openConsoleBrowser({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' }, (text) => text.includes('401')));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await vigie?.close();
    await new Promise((r) => receiver.close(r));
    delete process.env[SECRET_ENV];
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the dead letter with its last error, and Relancer delivers it', async () => {
    // A committed change, as the runtime hands it over after storing the event.
    const { stored } = await vigie.repos.events.upsert(storedGathering('parvis', 'evt-e2e-1', 60_000));
    await vigie.integrations.onEvent('opened', stored);
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);

    await signIn(page, vigie.url, ADMIN);
    await page.getByTestId('nav-integrations').click();
    await page.getByTestId('integrations-screen').waitFor();
    const hook = page.locator('[data-testid="webhook-row"][data-webhook-id="dispatch"]');
    await expect.poll(() => hook.getByTestId('webhook-dead').textContent(), { timeout: 10_000 }).toBe('1');
    expect(await page.getByTestId('mqtt-none').textContent()).toBe('Aucun courtier MQTT configuré.');
    const row = page.getByTestId('dead-row');
    await row.waitFor();
    expect(await row.getByTestId('dead-error').textContent()).toBe('HTTP 410: gone: endpoint moved');
    expect(await row.textContent()).toContain('evt-e2e-1');
    await page.screenshot({ path: join(ARTIFACTS, 'console-integrations-dead.png'), fullPage: true });

    status = 204;
    await row.getByTestId('dead-retry').click();
    await page.getByTestId('dead-empty').waitFor({ timeout: 10_000 });
    await expect.poll(() => hook.getByTestId('webhook-delivered').textContent(), { timeout: 10_000 }).toBe('1');
    expect(await hook.getByTestId('webhook-dead').textContent()).toBe('0');
    // The same delivery, sent again: a receiver deduplicates on X-Vigie-Delivery.
    expect(received).toHaveLength(2);
    expect(received[1]).toBe(received[0]);
    const audit = await vigie.repos.audit.list({ action: 'webhook.retry' });
    expect(audit.map((a) => a.target)).toEqual([received[0]]);
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
