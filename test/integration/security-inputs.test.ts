import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import { ROLES, type Role } from '../../src/auth/roles.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';
/** Planted outside every media folder: a traversal that works would serve it. */
const PLANTED = 'PLANTED-OUTSIDE-THE-MEDIA-FOLDERS';

/** Each media route, the role that may call it, and where its parameter goes. */
const MEDIA_ROUTES: readonly { readonly url: (p: string) => string; readonly as: Role }[] = [
  { url: (p) => `/api/recordings/segments/${p}`, as: 'supervisor' },
  { url: (p) => `/api/events/${p}/snapshot.jpg`, as: 'operator' },
  { url: (p) => `/api/cameras/${p}/snapshot.jpg`, as: 'operator' },
  { url: (p) => `/api/evidence/${p}/download`, as: 'dpo' },
];

/** Hostile path parameters, as sent on the wire (encoded where a raw one would not reach the route). */
const HOSTILE: readonly string[] = [
  '..',
  '..%2f..%2fplanted.ts',
  '%2e%2e%2f%2e%2e%2fplanted.ts',
  '%2e%2e',
  '%2fetc%2fpasswd',
  '%2Fetc%2Fpasswd',
  'planted.ts%00.jpg',
  '..%5c..%5cplanted.ts',
  'C:%5cWindows%5cwin.ini',
  '....%2f%2fplanted.ts',
  '%252e%252e%252fplanted.ts',
];

let dir = '';
let vigie: RunningVigie;
const cookies = new Map<Role, string>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-inputs-'));
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  for (const name of ['planted.ts', 'planted.jpg', 'planted.zip']) {
    writeFileSync(join(dir, name), PLANTED);
    writeFileSync(join(data, name), PLANTED);
  }
  vigie = await startVigie({ dataDir: data, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined });
  const hash = await createPasswordHasher(ARGON2).hash(PASSWORD);
  for (const role of ROLES) {
    await vigie.repos.users.create({ username: `u-${role}`, displayName: role, role, passwordHash: hash });
    const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `u-${role}`, password: PASSWORD } });
    cookies.set(role, `vigie_session=${res.cookies.find((c) => c.name === 'vigie_session')?.value ?? ''}`);
  }
});
afterAll(async () => {
  await vigie.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('media routes refuse paths that leave their folder', () => {
  for (const route of MEDIA_ROUTES) {
    for (const param of HOSTILE) {
      it(`${route.url(param)}`, async () => {
        const res = await vigie.app.inject({ method: 'GET', url: route.url(param), headers: { cookie: cookies.get(route.as) ?? '' } });
        expect([400, 404], res.body).toContain(res.statusCode);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body).not.toContain(PLANTED);
      });
    }
  }
});

describe('oversized input', () => {
  const supervisor = (): Record<string, string> => ({ cookie: cookies.get('supervisor') ?? '' });
  it('a body over the limit gets 413', async () => {
    const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: JSON.stringify({ username: 'x', password: 'y'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
  });
  it.each([
    ['a query value', `/api/events?camera=${'c'.repeat(5000)}`, /^query\.camera: 5000 characters/],
    ['a path parameter', `/api/events/${'e'.repeat(3000)}`, /^params\.id: 3000 characters/],
    ['a NUL byte in a query value', '/api/events?camera=a%00b', /^query\.camera: contains a NUL byte/],
  ])('%s gets 400 naming it', async (_what, url, message) => {
    const res = await vigie.app.inject({ method: 'GET', url, headers: supervisor() });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ code: string; message: string }>()).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) as unknown });
  });
});
