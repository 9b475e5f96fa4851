import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import { parseConfig } from '../../src/config/load.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';
const BUCKET_MS = 300_000;

// A camera (not running: the API reads what the store holds) with a rule kept to statistics by its legal basis.
const config = parseConfig({
  cameras: [
    {
      id: 'quai',
      enabled: false,
      source: 'quai.mp4',
      zones: [{ id: 'bord', polygon: [[0, 0], [1, 0], [1, 1]] }],
      rules: [
        { id: 'attente', type: 'loitering', zone: 'bord', purpose: "Mesurer l'attente", legal_basis: { kind: 'statistics' } },
      ],
    },
  ],
});

let dir = '';
let vigie: RunningVigie;
let cookie = '';
const recent = Math.floor((Date.now() - 3_600_000) / BUCKET_MS) * BUCKET_MS;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-legal-api-'));
  vigie = await startVigie({ dataDir: dir, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, config, print: () => undefined });
  await vigie.repos.users.create({ username: 'operator-user', displayName: 'operator', role: 'operator', passwordHash: await createPasswordHasher(ARGON2).hash(PASSWORD) });
  const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'operator-user', password: PASSWORD } });
  cookie = `vigie_session=${res.cookies.find((c) => c.name === 'vigie_session')?.value ?? ''}`;
  const occurrence = { ruleId: 'attente', bucketStartMs: recent, bucketS: 300, kind: 'occurrence', target: 'bord', cls: 'person', direction: null, value: 2, peak: 2, frames: 1500 } as const;
  await vigie.repos.counts.add('quai', [occurrence]);
}, 60_000);
afterAll(async () => {
  await vigie.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('statistics-only rules through the API', () => {
  it('serves the occurrence counts of a statistics-only rule', async () => {
    const res = await vigie.app.inject({ method: 'GET', url: '/api/cameras/quai/counts', headers: { cookie } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ buckets: unknown[] }>().buckets).toEqual([
      { start: new Date(recent).toISOString(), rule: 'attente', kind: 'occurrence', target: 'bord', cls: 'person', direction: null, value: 2, peak: 2 },
    ]);
  });

});
