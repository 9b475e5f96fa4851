import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import type { Role } from '../../src/auth/roles.js';
import { configSchema } from '../../src/config/schema.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';
const ROLES_USED: readonly Role[] = ['dpo', 'operator', 'admin'];

let dir = '';
let vigie: RunningVigie;
const sessions = new Map<Role, { cookie: string; csrf: string; id: string }>();

function call(method: 'GET' | 'POST', url: string, as: Role, payload?: unknown) {
  const s = sessions.get(as);
  return vigie.app.inject({
    method,
    url,
    headers: { ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}) },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
}

const requisition = {
  caseRef: 'PV 2026/0142',
  authority: 'Parquet de Lyon',
  cameras: ['parvis'],
  from: '2026-11-20T21:00:00+01:00',
  to: '2026-11-20T23:00:00+01:00',
  note: 'rixe',
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-holds-'));
  const config = configSchema.parse({ cameras: [{ id: 'parvis', source: 'parvis.mp4', enabled: false }, { id: 'hall', source: 'hall.mp4', enabled: false }] });
  vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined });
  const hasher = createPasswordHasher(ARGON2);
  for (const role of ROLES_USED) {
    const user = await vigie.repos.users.create({ username: `${role}-user`, displayName: role, role, passwordHash: await hasher.hash(PASSWORD) });
    const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `${role}-user`, password: PASSWORD } });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'vigie_session');
    sessions.set(role, { cookie: `vigie_session=${cookie?.value ?? ''}`, csrf: res.json<{ csrfToken: string }>().csrfToken, id: user.id });
  }
});
afterAll(async () => {
  await vigie.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('legal holds API', () => {
  it('is for holds.manage only (the DPO): operators and admins are refused', async () => {
    for (const role of ['operator', 'admin'] as const) {
      expect((await call('GET', '/api/holds', role)).statusCode).toBe(403);
      expect((await call('POST', '/api/holds', role, requisition)).statusCode).toBe(403);
    }
  });

  it('places a hold (until released when no end date), lists it, releases it; both audited with the DPO as actor', async () => {
    const created = await call('POST', '/api/holds', 'dpo', requisition);
    expect(created.statusCode, created.body).toBe(201);
    const { item } = created.json<{ item: { id: string; status: string; until: string | null; from: string; createdBy: string } }>();
    expect(item).toMatchObject({ status: 'active', until: null, from: '2026-11-20T20:00:00.000Z', createdBy: sessions.get('dpo')?.id });

    const active = await call('GET', '/api/holds?status=active', 'dpo');
    expect(active.json<{ items: { id: string }[] }>().items.map((h) => h.id)).toEqual([item.id]);

    const released = await call('POST', `/api/holds/${item.id}/release`, 'dpo', { reason: 'classement sans suite' });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json<{ item: { status: string; releaseReason: string } }>().item).toMatchObject({ status: 'released', releaseReason: 'classement sans suite' });
    expect((await call('GET', '/api/holds?status=active', 'dpo')).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await call('GET', '/api/holds', 'dpo')).json<{ items: unknown[] }>().items).toHaveLength(1);

    const again = await call('POST', `/api/holds/${item.id}/release`, 'dpo', { reason: 'encore' });
    expect(again.statusCode).toBe(409);
    expect((await call('POST', '/api/holds/nope/release', 'dpo', { reason: 'x' })).statusCode).toBe(404);

    // The DPO's login is audited too: only the hold entries matter here.
    const audit = (await vigie.repos.audit.list({ actor: sessions.get('dpo')?.id ?? '' })).filter((e) => e.action.startsWith('hold.'));
    expect(audit.map((e) => [e.action, e.target, e.details.case_ref])).toEqual([
      ['hold.release', item.id, 'PV 2026/0142'],
      ['hold.create', item.id, 'PV 2026/0142'],
    ]);
  });

  it('refuses unknown cameras, a reversed range and a missing reason, naming the field', async () => {
    const unknown = await call('POST', '/api/holds', 'dpo', { ...requisition, cameras: ['parvis', 'gare'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ message: string }>().message).toBe('body.cameras: unknown camera(s) gare: use ids of the configuration (parvis, hall)');
    const reversed = await call('POST', '/api/holds', 'dpo', { ...requisition, to: requisition.from, from: requisition.to });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json<{ message: string }>().message).toMatch(/body\.to: the time range is empty or reversed/);
    const noReason = await call('POST', '/api/holds/x/release', 'dpo', {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json<{ message: string }>().message).toMatch(/body\.reason: missing/);
  });
});

describe('retention API and schedule', () => {
  it('documents the hold and retention routes in the OpenAPI document, with their permission', async () => {
    const docs = await vigie.app.inject({ method: 'GET', url: '/api/docs' });
    expect(docs.statusCode).toBe(200);
    const paths = docs.json<{ paths: Record<string, Record<string, { 'x-vigie-access': string }>> }>().paths;
    expect(paths['/api/holds']?.post?.['x-vigie-access']).toBe('holds.manage');
    expect(paths['/api/holds/{id}/release']?.post?.['x-vigie-access']).toBe('holds.manage');
    expect(paths['/api/retention/run']?.post?.['x-vigie-access']).toBe('retention.manage');
  });

  it('ran once at start, previews without auditing, and runs on demand audited with the caller', async () => {
    expect((await call('GET', '/api/retention', 'operator')).statusCode).toBe(403);
    const run = await call('POST', '/api/retention/run', 'dpo', { dryRun: true });
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json()).toMatchObject({ dryRun: true, segmentsDeleted: 0, snapshotsDeleted: 0, errors: [] });
    // Runs are serialised, so the run made at start is done by now.
    const runs = await vigie.repos.audit.list({ action: 'retention.run' });
    expect(runs.map((e) => [e.actor, e.details.trigger, e.details.dry_run])).toEqual([
      [sessions.get('dpo')?.id, 'api', true],
      ['system', 'schedule', false],
    ]);
    const preview = await call('GET', '/api/retention', 'dpo');
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ preview: { dryRun: true }, lastRun: { action: 'retention.run', details: { trigger: 'api' } } });
    expect(await vigie.repos.audit.list({ action: 'retention.run' })).toHaveLength(2);
  });
});
