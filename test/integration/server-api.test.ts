import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import { ROLES, type Role } from '../../src/auth/roles.js';
import type { VigieEvent } from '../../src/contracts/event.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';

// Cheap argon2 for speed; the production parameters are tested in the auth unit tests.
const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';

const event = (id: string, overrides: Partial<VigieEvent> = {}): VigieEvent => ({
  id,
  camera: 'hall',
  rule: 'r1',
  type: 'intrusion',
  severity: 'high',
  start: 1,
  end: null,
  start_time: '2026-11-28T21:00:00.000Z',
  track_ids: [3],
  classes: ['person'],
  box: [0.1, 0.2, 0.1, 0.3],
  score: 0.8,
  snapshot: null,
  clip: null,
  details: { zone: 'z' },
  ...overrides,
});

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

let dir = '';
let vigie: RunningVigie;
const sessions = new Map<Role, Session>();

async function start(): Promise<RunningVigie> {
  return startVigie({ dataDir: dir, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined, allowFileSources: [dir] });
}

async function login(username: string, password = PASSWORD): Promise<Session> {
  const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'vigie_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Strict');
  return { cookie: `vigie_session=${cookie?.value ?? ''}`, csrf: (res.json<{ csrfToken: string }>()).csrfToken };
}

function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, as: Role | null, payload?: unknown, csrf = true) {
  const s = as ? sessions.get(as) : undefined;
  return vigie.app.inject({
    method,
    url,
    headers: { ...(s ? { cookie: s.cookie } : {}), ...(s && csrf ? { 'x-csrf-token': s.csrf } : {}) },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-api-'));
  vigie = await start();
  const hasher = createPasswordHasher(ARGON2);
  for (const role of ROLES) {
    await vigie.repos.users.create({ username: `${role}-user`, displayName: role, role, passwordHash: await hasher.hash(PASSWORD) });
    sessions.set(role, await login(`${role}-user`));
  }
  await vigie.repos.events.upsert(event('e1'));
  await vigie.repos.events.upsert(event('e2', { severity: 'low', type: 'line_crossing', end: 1, details: { line: 'l' } }));
});
afterAll(async () => {
  await vigie.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('authentication', () => {
  it('refuses unauthenticated calls with 401 on every protected route', async () => {
    // The OpenAPI document is built from the route table, access level included.
    const docs = (await vigie.app.inject({ method: "GET", url: "/api/docs" })).json<{ paths: Record<string, Record<string, { "x-vigie-access": string }>> }>();
    const protectedRoutes = Object.entries(docs.paths).flatMap(([path, methods]) =>
      Object.entries(methods).filter(([, op]) => op['x-vigie-access'] !== 'public').map(([method, op]) => ({ path, method: method.toUpperCase() as 'GET', access: op['x-vigie-access'] })),
    );
    expect(protectedRoutes.length).toBeGreaterThan(10);
    for (const r of protectedRoutes) {
      expect(r.access).toBeTruthy();
      const res = await call(r.method, r.path.replace('{id}', 'x'), null, r.method === 'GET' ? undefined : {});
      expect(res.statusCode, `${r.method} ${r.path}`).toBe(401);
    }
  });

  it('refuses a wrong password with one generic message, and a malformed login with 400 naming the field', async () => {
    const wrong = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'operator-user', password: 'nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ code: 'INVALID_CREDENTIALS', message: 'wrong username or password' });
    const malformed = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'operator-user' } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('body.password') as unknown });
  });

  it('requires the CSRF token on state-changing requests', async () => {
    const res = await call('POST', '/api/events/e1/actions', 'operator', { kind: 'ack' }, false);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'CSRF_INVALID' });
  });

  it('tells the console who is logged in and their permissions', async () => {
    const me = await call('GET', '/api/auth/me', 'operator');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { username: 'operator-user', role: 'operator' }, csrfToken: sessions.get('operator')?.csrf });
  });
});

describe('permissions per role', () => {
  const cases: [string, 'GET' | 'POST' | 'PUT' | 'PATCH', string, unknown, Record<Role, number>][] = [
    ['read the alert queue', 'GET', '/api/events', undefined, { operator: 200, supervisor: 200, dpo: 200, admin: 403 }],
    ['act on an event', 'POST', '/api/events/e2/actions', { kind: 'note', note: 'vu' }, { operator: 200, supervisor: 200, dpo: 403, admin: 403 }],
    ['read cameras', 'GET', '/api/cameras', undefined, { operator: 200, supervisor: 200, dpo: 200, admin: 200 }],
    ['change the configuration', 'PUT', '/api/config', { config: { cameras: [] } }, { operator: 403, supervisor: 200, dpo: 403, admin: 403 }],
    ['list users', 'GET', '/api/users', undefined, { operator: 403, supervisor: 403, dpo: 200, admin: 200 }],
    ['create users', 'POST', '/api/users', { username: 'x', displayName: 'x', role: 'operator', password: 'x' }, { operator: 403, supervisor: 403, dpo: 403, admin: 400 }],
  ];
  for (const [what, method, url, payload, expected] of cases) {
    it(`only the right roles may ${what}`, async () => {
      for (const role of ROLES) {
        const res = await call(method, url, role, payload);
        expect(res.statusCode, `${role}: ${res.body}`).toBe(expected[role]);
        if (res.statusCode === 403) expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
      }
    });
  }
});

describe('events', () => {
  it('orders the queue by severity and paginates', async () => {
    const res = await call('GET', '/api/events?limit=1', 'operator');
    const page = res.json<{ items: { event: { id: string } }[]; total: number; nextCursor: string | null }>();
    expect(page.total).toBe(2);
    expect(page.items.map((i) => i.event.id)).toEqual(['e1']);
    expect(page.nextCursor).not.toBeNull();
  });

  it('keeps events of shadow rules out of the queue; only roles with reports.read may list them', async () => {
    await vigie.repos.events.upsert(event('shadow-1', { type: 'fire', rule: 'f', details: { shadow: true } }));
    const queue = await call('GET', '/api/events?limit=500', 'operator');
    expect(queue.json<{ items: { event: { id: string } }[] }>().items.map((i) => i.event.id)).not.toContain('shadow-1');
    expect((await call('GET', '/api/events?shadow=only', 'operator')).statusCode).toBe(403);
    const measured = await call('GET', '/api/events?shadow=only', 'supervisor');
    expect(measured.statusCode, measured.body).toBe(200);
    expect(measured.json<{ items: { event: { id: string } }[] }>().items.map((i) => i.event.id)).toEqual(['shadow-1']);
  });

  it('rejects malformed filters and actions with 400 naming the field', async () => {
    const badFilter = await call('GET', '/api/events?severity=high&limit=0', 'operator');
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.json()).toMatchObject({ message: expect.stringMatching(/query\.limit.*query: unknown field\(s\) severity|query: unknown field\(s\) severity/) as unknown });
    const badAction = await call('POST', '/api/events/e1/actions', 'operator', { kind: 'qualify', value: 'maybe' });
    expect(badAction.statusCode).toBe(400);
    expect(badAction.json()).toMatchObject({ message: expect.stringContaining('body.value') as unknown });
    const unknownEvent = await call('POST', '/api/events/nope/actions', 'operator', { kind: 'ack' });
    expect(unknownEvent.statusCode).toBe(404);
  });

  it('records a qualification with its author, and keeps it across a restart', async () => {
    const res = await call('POST', '/api/events/e1/actions', 'operator', { kind: 'qualify', value: 'false_alarm' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ item: { qualification: 'false_alarm', acknowledgedAt: expect.any(String) as unknown }, action: { kind: 'qualify', username: 'operator-user' } });

    await vigie.close();
    vigie = await start();
    sessions.set('operator', await login('operator-user'));
    const after = await call('GET', '/api/events/e1', 'operator');
    expect(after.json()).toMatchObject({ item: { qualification: 'false_alarm' }, actions: [{ kind: 'qualify', username: 'operator-user' }] });
  });
});

describe('configuration', () => {
  it('refuses an invalid configuration with 400 naming the YAML path, and saves a valid one as a new version', async () => {
    const bad = await call('PUT', '/api/config', 'supervisor', { config: { cameras: [{ id: 'cam', source: 'x.mp4', zones: [{ id: 'z', polygon: [[0, 0], [2, 0], [1, 1]] }] }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ message: expect.stringContaining('body.config.cameras[0].zones[0].polygon[1][0]') as unknown });
    const before = (await call('GET', '/api/config', 'supervisor')).json<{ version: number }>();
    const ok = await call('PUT', '/api/config', 'supervisor', { config: { cameras: [] }, comment: 'test' });
    expect(ok.json()).toEqual({ version: before.version + 1 });
  });

  it('adds, changes and removes a camera as new versions, applied to the running cameras', async () => {
    // A file the API may set: the folder is allowed at start (docs/SECURITY.md, "Camera sources allow-list").
    const camera = { id: 'couloir', source: join(dir, 'couloir.mp4'), detect: { backend: 'motion' } };
    const added = await call('POST', '/api/cameras', 'supervisor', { camera });
    expect(added.statusCode, added.body).toBe(201);
    expect((await call('POST', '/api/cameras', 'supervisor', { camera })).statusCode).toBe(409);
    expect(vigie.cameras.health().map((h) => h.camera)).toContain('couloir');

    const renamed = await call('PUT', '/api/cameras/couloir', 'supervisor', { camera: { ...camera, name: 'Couloir B' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const badZone = await call('PUT', '/api/cameras/couloir/zones', 'supervisor', { items: [{ id: 'z', polygon: [[0, 0], [1, 0]] }] });
    expect(badZone.json()).toMatchObject({ message: expect.stringContaining('body.config.cameras[0].zones[0].polygon') as unknown });

    // Privacy masks: the DPO may set them, and may not touch rules.
    const masks = await call('PUT', '/api/cameras/couloir/masks', 'dpo', { items: [[[0, 0], [0.2, 0], [0.2, 0.2]]] });
    expect(masks.statusCode, masks.body).toBe(200);
    expect((await call('PUT', '/api/cameras/couloir/rules', 'dpo', { items: [] })).statusCode).toBe(403);

    const removed = await call('DELETE', '/api/cameras/couloir', 'supervisor');
    expect(removed.statusCode).toBe(200);
    const history = (await call('GET', '/api/config/history', 'supervisor')).json<{ versions: { comment: string | null }[] }>();
    expect(history.versions.slice(0, 4).map((v) => v.comment)).toEqual([
      'camera couloir removed',
      'masks of camera couloir changed',
      'camera couloir changed',
      'camera couloir added',
    ]);
    expect(vigie.cameras.health().map((h) => h.camera)).not.toContain('couloir');
  });

  it('refuses a configuration saved over a newer version (409)', async () => {
    const { version } = (await call('GET', '/api/config', 'supervisor')).json<{ version: number }>();
    const stale = await call('PUT', '/api/config', 'supervisor', { config: { cameras: [] }, baseVersion: version - 1 });
    expect(stale.statusCode).toBe(409);
    expect((await call('PUT', '/api/config', 'supervisor', { config: { cameras: [] }, baseVersion: version })).statusCode).toBe(200);
  });

  it('serves its OpenAPI document and health without login', async () => {
    const docs = await vigie.app.inject({ method: 'GET', url: '/api/docs' });
    expect(Object.keys(docs.json<{ paths: object }>().paths)).toContain('/api/events/{id}/actions');
    const health = await vigie.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.json()).toMatchObject({ status: 'ok', cameras: [] });
  });
});
