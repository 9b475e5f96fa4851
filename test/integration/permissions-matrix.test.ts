import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import { PERMISSIONS, ROLES, ROLE_PERMISSIONS, can, type Role } from '../../src/auth/roles.js';
import { apiRoutes } from '../../src/server/app.js';
import type { ServerDeps } from '../../src/server/deps.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';

/**
 * A stand-in for the server's dependencies that answers anything: building the
 * route table only reads method, url and access, so every route (including
 * ones added later) is listed without wiring real services.
 */
function anything(): ServerDeps {
  const stub: object = new Proxy(function stubbed() {}, { get: (_t, key) => (key === 'then' ? undefined : stub), apply: () => stub });
  return stub as ServerDeps;
}

/** Plausible path parameters: unknown ids (a 404 proves the permission check passed). */
const fill = (url: string): string => url.replace(':file', 'porte-20260101T000000Z.ts').replace(/:[A-Za-z]+/g, 'unknown-id');

let dir = '';
let vigie: RunningVigie;
const routes = apiRoutes(anything()).map((r) => ({ method: r.method, url: r.url, access: r.access }));

async function login(role: Role): Promise<{ cookie: string; csrf: string }> {
  const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `u-${role}`, password: PASSWORD } });
  expect(res.statusCode, `login ${role}`).toBe(200);
  return { cookie: `vigie_session=${res.cookies.find((c) => c.name === 'vigie_session')?.value ?? ''}`, csrf: res.json<{ csrfToken: string }>().csrfToken };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-matrix-'));
  vigie = await startVigie({ dataDir: dir, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined });
  const hash = await createPasswordHasher(ARGON2).hash(PASSWORD);
  for (const role of ROLES) await vigie.repos.users.create({ username: `u-${role}`, displayName: role, role, passwordHash: hash });
});
afterAll(async () => {
  await vigie.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('every route, every role', () => {
  it('lists the whole route table', () => {
    expect(routes.length).toBeGreaterThan(30);
    for (const r of routes) expect(['public', 'session', ...PERMISSIONS], `${r.method} ${r.url}`).toContain(r.access);
  });

  it('anonymous gets 401, a role without the permission 403, a role with it neither', async () => {
    const sessions = new Map<Role, { cookie: string; csrf: string }>();
    for (const role of ROLES) sessions.set(role, await login(role));
    const problems: string[] = [];
    for (const r of routes) {
      const url = fill(r.url);
      const payload = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
      const anonymous = await vigie.app.inject({ method: r.method, url, ...(payload ? { payload } : {}) });
      const anonymousExpected = r.access === 'public' ? 'allowed' : 401;
      if (anonymousExpected === 401 ? anonymous.statusCode !== 401 : [401, 403].includes(anonymous.statusCode)) {
        problems.push(`anonymous ${r.method} ${r.url}: ${anonymous.statusCode}, expected ${anonymousExpected}`);
      }
      for (const role of ROLES) {
        // Logging out ends the session it is called with: give it one of its own.
        const s = r.url === '/api/auth/logout' ? await login(role) : (sessions.get(role) as { cookie: string; csrf: string });
        const res = await vigie.app.inject({ method: r.method, url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, ...(payload ? { payload } : {}) });
        const allowed = r.access === 'public' || r.access === 'session' || can(role, r.access);
        const ok = allowed ? ![401, 403].includes(res.statusCode) : res.statusCode === 403 && res.json<{ code: string }>().code === 'FORBIDDEN';
        if (!ok) problems.push(`${role} ${r.method} ${r.url} (${r.access}): ${res.statusCode} ${res.body.slice(0, 120)}, expected ${allowed ? 'neither 401 nor 403' : '403 FORBIDDEN'}`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('docs/PERMISSIONS.md', () => {
  it('shows the same matrix as ROLE_PERMISSIONS', () => {
    const lines = readFileSync('docs/PERMISSIONS.md', 'utf8').split('\n');
    const header = lines.find((l) => l.startsWith('| Permission |'))?.split('|').map((c) => c.trim()) ?? [];
    const column = (role: Role): number => header.indexOf(role);
    for (const role of ROLES) expect(column(role), `column ${role}`).toBeGreaterThan(0);
    for (const permission of PERMISSIONS) {
      const row = lines.find((l) => l.startsWith(`| \`${permission}\` |`))?.split('|').map((c) => c.trim());
      expect(row, `row ${permission}`).toBeDefined();
      for (const role of ROLES) {
        expect(row?.[column(role)] === '✓', `${permission} for ${role}`).toBe(ROLE_PERMISSIONS[role].includes(permission));
      }
    }
  });
});
