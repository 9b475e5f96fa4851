import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import type { Role } from '../../src/auth/roles.js';
import { parseConfig } from '../../src/config/load.js';
import type { CountRecord } from '../../src/rules/types.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';
const BUCKET_MS = 300_000;

// One camera, not running (disabled): the API reads what the store holds.
const config = parseConfig({
  cameras: [
    {
      id: 'parvis',
      enabled: false,
      source: 'parvis.mp4',
      zones: [{ id: 'place', polygon: [[0, 0], [1, 0], [1, 1]] }],
      lines: [{ id: 'entree', points: [[0, 0.5], [1, 0.5]] }],
      rules: [{ id: 'comptage', type: 'counting', lines: ['entree'], zones: ['place'] }, { id: 'comptage-nuit', type: 'counting', lines: ['entree'] }],
    },
  ],
});

let dir = '';
let vigie: RunningVigie;
const cookies = new Map<Role, string>();
/** A bucket start one hour ago, and one 25 hours ago (outside the default 24 h). */
const recent = Math.floor((Date.now() - 3_600_000) / BUCKET_MS) * BUCKET_MS;
const old = recent - 24 * 3_600_000;

const record = (over: Partial<CountRecord>): CountRecord => ({
  ruleId: 'comptage', bucketStartMs: recent, bucketS: 300, kind: 'crossing', target: 'entree', cls: 'person', direction: 'a_to_b', value: 4, peak: 4, frames: 1500, ...over,
});

const get = (url: string, as: Role | null = 'operator') => vigie.app.inject({ method: 'GET', url, headers: as ? { cookie: cookies.get(as) ?? '' } : {} });
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-counts-api-'));
  vigie = await startVigie({ dataDir: dir, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, config, print: () => undefined });
  const hasher = createPasswordHasher(ARGON2);
  for (const role of ['operator', 'admin'] as const) {
    await vigie.repos.users.create({ username: `${role}-user`, displayName: role, role, passwordHash: await hasher.hash(PASSWORD) });
    const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `${role}-user`, password: PASSWORD } });
    cookies.set(role, `vigie_session=${res.cookies.find((c) => c.name === 'vigie_session')?.value ?? ''}`);
  }
  await vigie.repos.counts.add('parvis', [
    record({}),
    record({ direction: 'b_to_a', value: 2, peak: 2 }),
    record({ kind: 'occupancy', target: 'place', direction: null, value: 0.75, peak: 3 }),
    record({ ruleId: 'comptage-nuit', value: 1, peak: 1 }),
    record({ bucketStartMs: old, value: 9, peak: 9 }),
  ]);
  await vigie.repos.counts.add('autre', [record({})]);
}, 60_000);
afterAll(async () => {
  await vigie.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/cameras/:id/counts', () => {
  it('returns the last 24 h of buckets by default, in the chart contract shape', async () => {
    const res = await get('/api/cameras/parvis/counts');
    expect(res.statusCode, res.body).toBe(200);
    const start = iso(recent);
    expect(res.json()).toEqual({
      camera: 'parvis',
      bucket_s: 300,
      buckets: [
        { start, rule: 'comptage', kind: 'crossing', target: 'entree', cls: 'person', direction: 'a_to_b', value: 4, peak: 4 },
        { start, rule: 'comptage', kind: 'crossing', target: 'entree', cls: 'person', direction: 'b_to_a', value: 2, peak: 2 },
        { start, rule: 'comptage', kind: 'occupancy', target: 'place', cls: 'person', direction: null, value: 0.75, peak: 3 },
        { start, rule: 'comptage-nuit', kind: 'crossing', target: 'entree', cls: 'person', direction: 'a_to_b', value: 1, peak: 1 },
      ],
    });
  });

  it('reads a given range and one rule', async () => {
    const res = await get(`/api/cameras/parvis/counts?from=${iso(old)}&to=${iso(old + BUCKET_MS)}`);
    expect(res.json<{ buckets: { value: number }[] }>().buckets.map((b) => b.value)).toEqual([9]);
    const one = await get(`/api/cameras/parvis/counts?rule=comptage-nuit`);
    expect(one.json<{ buckets: { rule: string }[] }>().buckets.map((b) => b.rule)).toEqual(['comptage-nuit']);
  });

  it('answers 404 for an unknown camera', async () => {
    const res = await get('/api/cameras/autre/counts');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'NOT_FOUND', message: 'camera autre not found' });
  });

  it('answers 400 naming the field for a bad range', async () => {
    const cases: [string, RegExp][] = [
      ['from=yesterday', /^query\.from: from must be an ISO 8601 time with a zone/],
      ['to=2026-03-02T10:00:00', /^query\.to: to must be an ISO 8601 time with a zone/],
      [`from=${iso(recent)}&to=${iso(recent)}`, /^query\.to: must be after from/],
      [`from=${iso(recent - 40 * 86_400_000)}&to=${iso(recent)}`, /^query\.from: the range is longer than 31 days/],
      ['limit=3', /^query: unknown field\(s\) limit/],
    ];
    for (const [q, message] of cases) {
      const res = await get(`/api/cameras/parvis/counts?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json<{ code: string; message: string }>().code).toBe('INVALID_INPUT');
      expect(res.json<{ message: string }>().message, q).toMatch(message);
    }
  });

  it('needs a session with events.read, like the other read routes', async () => {
    expect((await get('/api/cameras/parvis/counts', null)).statusCode).toBe(401);
    expect((await get('/api/cameras/parvis/counts', 'admin')).statusCode).toBe(403);
  });

  it('is in the OpenAPI document', async () => {
    const docs = (await vigie.app.inject({ method: 'GET', url: '/api/docs' })).json<{ paths: Record<string, Record<string, { 'x-vigie-access': string }>> }>();
    expect(docs.paths['/api/cameras/{id}/counts']?.['get']?.['x-vigie-access']).toBe('events.read');
  });
});
