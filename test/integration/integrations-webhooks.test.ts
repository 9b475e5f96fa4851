import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import { configSchema } from '../../src/config/schema.js';
import type { VigieEvent } from '../../src/contracts/event.js';
import { integrationsSchema } from '../../src/integrations/config.js';
import { createIntegrations, type Integrations } from '../../src/integrations/index.js';
import { verifySignature } from '../../src/integrations/signature.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { openDatabase, type StoreDatabase } from '../../src/store/index.js';
import type { StoredEvent } from '../../src/store/event-codec.js';

/*
 * Webhooks against a real HTTP receiver (node:http on a free port) and a real
 * SQLite outbox: signature, retry then delivered, refused then dead, the same
 * change offered twice or by two processes sent once, and the console's retry.
 */

const SECRET = 'test-webhook-secret-4f2a';
const ENV = { VIGIE_TEST_HOOK_SECRET: SECRET };
const FAST = { retryScheduleS: [0.05], pollMs: 50 };

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let receiver: Server;
let base = '';
const received: Received[] = [];
/** Status codes each path answers in turn (the last one repeats); default 200. */
const answers = new Map<string, number[]>();

const event = (id: string, over: Partial<VigieEvent> = {}): VigieEvent => ({
  id, camera: 'parvis', rule: 'pelouse', type: 'intrusion', severity: 'high', start: 1, end: null,
  start_time: '2026-11-28T10:00:00.000Z', track_ids: [4], classes: ['person'], box: [0.1, 0.2, 0.1, 0.3], score: 0.9,
  snapshot: `/api/events/${id}/snapshot.jpg`, clip: null, details: { zone: 'pelouse' }, ...over,
});
const stored = (e: VigieEvent): StoredEvent => ({
  event: e, status: e.end === null ? 'open' : 'closed', recordedAt: e.start_time, updatedAt: e.start_time, acknowledgedAt: null,
  acknowledgedBy: null, qualification: null, qualifiedAt: null, qualifiedBy: null, dispatchedAt: null, dispatchedBy: null,
});

async function until<T>(what: string, read: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const hooks = (...specs: { id: string; path: string; secret_env?: string }[]) =>
  integrationsSchema.parse({ webhooks: specs.map((s) => ({ id: s.id, url: `${base}${s.path}`, secret_env: s.secret_env ?? 'VIGIE_TEST_HOOK_SECRET', max_attempts: 3 })) });

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body });
      const queue = answers.get(path) ?? [200];
      const status = queue.length > 1 ? (queue.shift() as number) : (queue[0] as number);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 400 ? 'payload refused: unknown camera' : 'ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => receiver.close(r));
});

describe('webhook dispatcher', () => {
  let dir = '';
  let store: StoreDatabase;
  const sinks: Integrations[] = [];
  const lines: string[] = [];
  const sink = (config: ReturnType<typeof hooks>): Integrations => {
    const s = createIntegrations({ config, db: store.db, env: ENV, print: (l) => lines.push(l), ...FAST });
    sinks.push(s);
    return s;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-webhooks-'));
    store = await openDatabase({ dataDir: dir });
  });
  afterAll(async () => {
    for (const s of sinks) await s.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs each POST, retries a 500 until delivered with the same delivery id, and makes a 400 dead at once', async () => {
    answers.set('/flaky', [500, 503, 200]);
    answers.set('/reject', [400]);
    const s = sink(hooks({ id: 'ok', path: '/ok' }, { id: 'flaky', path: '/flaky' }, { id: 'reject', path: '/reject' }));
    await s.onEvent('opened', stored(event('evt-a')));
    const deliveries = await until('three deliveries settled', () => s.deliveries.list(), (p) => p.items.length === 3 && p.items.every((d) => d.status !== 'pending'));
    const byHook = new Map(deliveries.items.map((d) => [d.webhookId, d]));

    const ok = received.filter((r) => r.path === '/ok');
    expect(ok).toHaveLength(1);
    const [first] = ok as [Received];
    const signature = { signature: String(first.headers['x-vigie-signature']), timestamp: String(first.headers['x-vigie-timestamp']) };
    expect(verifySignature(SECRET, signature, first.body, Date.now() / 1000)).toBe(true);
    expect(verifySignature('another secret', signature, first.body, Date.now() / 1000)).toBe(false);
    expect(first.headers['x-vigie-delivery']).toBe(byHook.get('ok')?.id);
    expect(first.headers['content-type']).toBe('application/json');
    expect(JSON.parse(first.body)).toEqual({ change: 'opened', status: 'open', event: event('evt-a') });
    expect(byHook.get('ok')).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200, lastError: null });

    const flaky = received.filter((r) => r.path === '/flaky');
    expect(flaky.map((r) => r.headers['x-vigie-delivery'])).toEqual([byHook.get('flaky')?.id, byHook.get('flaky')?.id, byHook.get('flaky')?.id]);
    expect(new Set(flaky.map((r) => r.body)).size).toBe(1);
    expect(byHook.get('flaky')).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200 });

    expect(received.filter((r) => r.path === '/reject')).toHaveLength(1);
    expect(byHook.get('reject')).toMatchObject({ status: 'dead', attempts: 1, lastStatus: 400 });
    expect(byHook.get('reject')?.lastError).toContain('payload refused: unknown camera');
    expect(lines.some((l) => l.includes('webhook reject') && l.includes('dead'))).toBe(true);
  });

  it('gives up after max_attempts when the receiver is down, and keeps the error', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const s = sink(integrationsSchema.parse({ webhooks: [{ id: 'down', url: `http://127.0.0.1:${port}/`, secret_env: 'VIGIE_TEST_HOOK_SECRET', max_attempts: 2 }] }));
    await s.onEvent('opened', stored(event('evt-down')));
    const { items } = await until('dead after 2 attempts', () => s.deliveries.list({ webhookId: 'down' }), (p) => p.items[0]?.status === 'dead');
    expect(items[0]).toMatchObject({ attempts: 2, lastStatus: null, lastError: 'ECONNREFUSED' });
  });

  it('queues the same change once, even offered twice by two processes, and sends each delivery once', async () => {
    const config = hooks({ id: 'twice', path: '/twice' });
    const [a, b] = [sink(config), sink(config)];
    const ids = Array.from({ length: 12 }, (_, i) => `evt-dup-${i}`);
    for (const id of ids) {
      await a.onEvent('opened', stored(event(id)));
      await b.onEvent('opened', stored(event(id)));
      await a.onEvent('opened', stored(event(id)));
    }
    // Updates are not sent by default; a close is, once.
    await a.onEvent('updated', stored(event(ids[0] as string, { score: 0.5 })));
    await b.onEvent('closed', stored(event(ids[0] as string, { end: 9 })));
    await a.onEvent('closed', stored(event(ids[0] as string, { end: 9 })));
    await until('13 deliveries', () => a.deliveries.counts(), (c) => c.get('twice')?.delivered === 13);
    await new Promise((r) => setTimeout(r, 300));
    const bodies = received.filter((r) => r.path === '/twice').map((r) => JSON.parse(r.body) as { change: string; event: { id: string } });
    expect(bodies).toHaveLength(13);
    expect(new Set(bodies.map((p) => `${p.event.id}:${p.change}`)).size).toBe(13);
    expect((await a.deliveries.counts()).get('twice')).toEqual({ pending: 0, delivered: 13, dead: 0, discarded: 0 });
  });

  it('does not start a webhook whose secret variable is unset, and says why', () => {
    const s = sink(hooks({ id: 'nosecret', path: '/ok', secret_env: 'VIGIE_TEST_UNSET_SECRET' }));
    expect(s.status().webhooks).toEqual([{ id: 'nosecret', url: `${base}/ok`, active: false, problem: 'environment variable VIGIE_TEST_UNSET_SECRET is not set' }]);
    expect(lines.some((l) => l.startsWith('webhook nosecret not started: environment variable VIGIE_TEST_UNSET_SECRET is not set'))).toBe(true);
  });
});

describe('dead letters through the API', () => {
  const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
  const PASSWORD = 'correct horse battery staple 42';
  let dir = '';
  let vigie: RunningVigie;
  const cookies = new Map<string, { cookie: string; csrf: string }>();
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, as: string, payload?: Record<string, unknown>) => {
    const s = cookies.get(as);
    return vigie.app.inject({ method, url, headers: s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}, ...(payload ? { payload } : {}) });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-webhooks-api-'));
    process.env.VIGIE_TEST_HOOK_SECRET = SECRET;
    const config = configSchema.parse({ integrations: { webhooks: [{ id: 'dispatch', url: `${base}/api-hook`, secret_env: 'VIGIE_TEST_HOOK_SECRET' }] } });
    vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined });
    const hash = await createPasswordHasher(ARGON2).hash(PASSWORD);
    for (const role of ['admin', 'operator', 'supervisor'] as const) {
      await vigie.repos.users.create({ username: `u-${role}`, displayName: role, role, passwordHash: hash });
      const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `u-${role}`, password: PASSWORD } });
      cookies.set(role, { cookie: `vigie_session=${res.cookies.find((c) => c.name === 'vigie_session')?.value ?? ''}`, csrf: res.json<{ csrfToken: string }>().csrfToken });
    }
  });
  afterAll(async () => {
    await vigie.close();
    delete process.env.VIGIE_TEST_HOOK_SECRET;
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the dead letter, retries it (audited) until delivered, and refuses to discard a delivered one', async () => {
    answers.set('/api-hook', [422]);
    await vigie.integrations.onEvent('opened', stored(event('evt-api')));
    const dead = await until('a dead letter', async () => (await call('GET', '/api/integrations/deliveries?status=dead', 'admin')).json<{ items: { id: string; lastStatus: number }[] }>().items, (i) => i.length === 1);
    const id = (dead[0] as { id: string }).id;
    expect(dead[0]?.lastStatus).toBe(422);
    const overview = await call('GET', '/api/integrations', 'admin');
    expect(overview.statusCode).toBe(200);
    expect(overview.json()).toEqual({ mqtt: null, webhooks: [{ id: 'dispatch', url: `${base}/api-hook`, active: true, problem: null, counts: { pending: 0, delivered: 0, dead: 1, discarded: 0 } }] });
    expect((await call('GET', '/api/integrations', 'operator')).statusCode).toBe(403);
    expect((await call('POST', `/api/integrations/deliveries/${id}/retry`, 'operator')).statusCode).toBe(403);

    answers.set('/api-hook', [200]);
    const retried = await call('POST', `/api/integrations/deliveries/${id}/retry`, 'admin');
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json<{ item: { status: string; attempts: number } }>().item).toMatchObject({ status: 'pending', attempts: 1 });
    const delivered = await until('delivered', async () => (await call('GET', '/api/integrations/deliveries', 'admin')).json<{ items: { status: string; attempts: number }[] }>().items[0], (d) => d?.status === 'delivered');
    expect(delivered?.attempts).toBe(2);
    const audit = await vigie.repos.audit.list({ action: 'webhook.retry' });
    expect(audit.map((a) => [a.target, a.details.webhook, a.details.event])).toEqual([[id, 'dispatch', 'evt-api']]);

    const again = await call('POST', `/api/integrations/deliveries/${id}/discard`, 'admin');
    expect(again.statusCode).toBe(409);
    expect((await call('POST', '/api/integrations/deliveries/nope/retry', 'admin')).statusCode).toBe(404);
  });

  it('applies a configuration saved through the API without a restart', async () => {
    const current = (await call('GET', '/api/config', 'supervisor')).json<{ version: number; config: Record<string, unknown> }>();
    const integrations = { webhooks: [{ id: 'dispatch', url: `${base}/api-hook`, secret_env: 'VIGIE_TEST_HOOK_SECRET' }, { id: 'second', url: `${base}/second`, secret_env: 'VIGIE_TEST_UNSET_SECRET' }] };
    // A supervisor edits the cameras, not where alerts leave Vigie.
    const refused = await call('PUT', '/api/config', 'supervisor', { config: { ...current.config, integrations }, baseVersion: current.version });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('integrations.manage');
    const saved = await call('PUT', '/api/config/integrations', 'admin', { integrations, baseVersion: current.version });
    expect(saved.statusCode, saved.body).toBe(200);
    const overview = (await call('GET', '/api/integrations', 'admin')).json<{ webhooks: { id: string; active: boolean; problem: string | null }[] }>();
    expect(overview.webhooks.map((w) => [w.id, w.active, w.problem])).toEqual([
      ['dispatch', true, null],
      ['second', false, 'environment variable VIGIE_TEST_UNSET_SECRET is not set'],
    ]);
  });
});
