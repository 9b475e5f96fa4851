/**
 * API fuzzing: every route that takes a body, a query or path parameters (read from
 * the route table, so new routes are covered) gets arbitrary JSON, wrong content
 * types, huge strings, deep objects, prototype keys and odd parameters, from a
 * logged-in user allowed to call it. The server never answers 5xx, every refusal is
 * JSON naming the problem, and a refused request writes nothing (row counts of every
 * table but the audit log and sessions are compared before and after).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import { ROLES, can, type Role } from '../../src/auth/roles.js';
import { parseConfig } from '../../src/config/load.js';
import { apiRoutes } from '../../src/server/app.js';
import type { ServerDeps } from '../../src/server/deps.js';
import type { RouteSpec } from '../../src/server/route.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { SQLITE_FILE_NAME } from '../../src/store/database.js';
import { loadBetterSqlite, type BetterSqliteDatabase } from '../../src/store/sqlite/driver.js';
import { fuzzParams } from './fuzz-settings.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';
/** The camera of the test configuration: with its id, routes reach their handler's own checks. */
const CAMERA = 'cam1';
/** Tables whose rows a refused request may add: who tried what (audit) and logins. */
const WRITABLE_ON_REFUSAL = new Set(['audit_log', 'sessions']);

/** The route table without real services (the permissions-matrix test builds it the same way). */
function anything(): ServerDeps {
  const stub: object = new Proxy(function stubbed() {}, { get: (_t, key) => (key === 'then' ? undefined : stub), apply: () => stub });
  return stub as ServerDeps;
}

/**
 * Routes left out, and why: logging out ends the fuzzing session; a PDF is printed by
 * Chromium (seconds per request). Everything else with an input is fuzzed.
 */
const SKIPPED = new Set(['POST /api/auth/logout', 'GET /api/compliance/report.pdf']);
const FUZZED: readonly RouteSpec[] = apiRoutes(anything()).filter((r) => (r.params || r.query || r.body) && !SKIPPED.has(`${r.method} ${r.url}`));

let dir = '';
let vigie: RunningVigie;
let db: BetterSqliteDatabase;
const sessions = new Map<Role, { cookie: string; 'x-csrf-token': string }>();

/** Row counts of every table a refused request must leave alone. */
function fingerprint(): Record<string, number> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'").all([]) as { name: string }[];
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    if (!WRITABLE_ON_REFUSAL.has(name)) counts[name] = (db.prepare(`SELECT count(*) AS n FROM "${name}"`).all([])[0] as { n: number }).n;
  }
  return counts;
}

/** A logged-in role allowed to call the route (any, for `session` and `public`). */
function callerOf(spec: RouteSpec): { cookie: string; 'x-csrf-token': string } | undefined {
  if (spec.access === 'public') return undefined;
  const role = ROLES.find((r) => spec.access === 'session' || can(r, spec.access as Parameters<typeof can>[1]));
  return role ? sessions.get(role) : undefined;
}

const oddString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', ' ', '..', '../../etc/passwd', '%00', '\u0000', '__proto__', 'constructor', 'null', '-1', '1e309', 'NaN', 'x'.repeat(1200), '\u202e\u{1F600}', CAMERA, 'cam1/../x', '%2e%2e%2f'),
);

/** JSON text of arrays nested `depth` deep (written directly: JSON.stringify would recurse). */
const nestedJson = (depth: number): string => `${'['.repeat(depth)}0${']'.repeat(depth)}`;

/** JSON texts that parse to hostile values: prototype keys, deep nesting, huge and odd values. */
const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.dictionary(oddString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"config":{"__proto__":{"polluted":true},"cameras":[]}}',
    '{"camera":{"__proto__":{"id":"cam9"},"source":"rtsp://x/y"}}',
    '{"items":[{"__proto__":{"polluted":true}}]}',
    `{"username":"${'a'.repeat(100_000)}","password":"x"}`,
    `{"comment":"${'é'.repeat(200_000)}"}`,
    JSON.stringify({ config: { cameras: [{ id: CAMERA, source: 'concat:/etc/passwd|/etc/passwd' }] } }),
    JSON.stringify({ camera: { id: CAMERA, source: '/etc/passwd' } }),
    `{"items":${nestedJson(5000)}}`,
    nestedJson(100_000),
    '{"a":1e999}',
    '[',
    '',
    'null',
  ),
);

type Body = { readonly contentType: string; readonly payload: string } | null;
const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 5, arbitrary: hostileJson.map((payload) => ({ contentType: 'application/json', payload })) },
  { weight: 1, arbitrary: fc.constant<Body>(null) },
  {
    weight: 2,
    arbitrary: fc.record({
      contentType: fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/octet-stream'),
      payload: fc.oneof(hostileJson, fc.string({ maxLength: 200 })),
    }),
  },
);

/** The URL of a route with its `:params` replaced, and an arbitrary query string. */
function urlOf(spec: RouteSpec, params: readonly string[], query: Readonly<Record<string, string>>): string {
  let i = 0;
  // A known camera id only where the route writes: GET previews of a stopped camera rightly answer 503.
  const path = spec.url.replace(/:([A-Za-z]+)/g, () => encodeURIComponent(params[i++ % params.length] ?? 'x'));
  const qs = new URLSearchParams(Object.entries(query)).toString();
  return qs ? `${path}?${qs}` : path;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-api-fuzz-'));
  const config = parseConfig({ cameras: [{ id: CAMERA, source: 'rtsp://127.0.0.1:9/cam1', enabled: false }] });
  vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined });
  const hash = await createPasswordHasher(ARGON2).hash(PASSWORD);
  for (const role of ROLES) {
    await vigie.repos.users.create({ username: `fuzz-${role}`, displayName: role, role, passwordHash: hash });
    const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `fuzz-${role}`, password: PASSWORD } });
    expect(res.statusCode, res.body).toBe(200);
    sessions.set(role, { cookie: `vigie_session=${res.cookies.find((c) => c.name === 'vigie_session')?.value ?? ''}`, 'x-csrf-token': res.json<{ csrfToken: string }>().csrfToken });
  }
  // A second connection of its own, read only in practice: WAL lets it see each committed write.
  db = new (loadBetterSqlite())(join(dir, SQLITE_FILE_NAME), { fileMustExist: true });
});
afterAll(async () => {
  db?.close();
  await vigie?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('API fuzzing', () => {
  it('covers the routes that take input', () => {
    expect(FUZZED.length).toBeGreaterThan(20);
    expect(FUZZED.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining(['PUT /api/config', 'POST /api/cameras', 'POST /api/auth/login', 'GET /api/events']));
  });

  it('arbitrary bodies, content types, queries and params: never a 5xx, every refusal JSON naming the problem, nothing written', async () => {
    const request = fc.record({
      route: fc.nat({ max: FUZZED.length - 1 }),
      params: fc.array(oddString, { minLength: 1, maxLength: 3 }),
      query: fc.dictionary(fc.oneof(fc.constantFrom('from', 'to', 'limit', 'camera', 'format', 'cursor', 'state', 'dryRun', '__proto__'), fc.string({ maxLength: 8 })), oddString, { maxKeys: 3 }),
      body,
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ route, params, query, body: sent }) => {
        const spec = FUZZED[route]!;
        const writes = spec.method !== 'GET' && spec.method !== 'DELETE';
        const url = urlOf(spec, writes ? params : params.map((p) => (p === CAMERA ? `${p}-x` : p)), query);
        const before = fingerprint();
        const res = await vigie.app.inject({
          method: spec.method,
          url,
          headers: { ...callerOf(spec), ...(sent ? { 'content-type': sent.contentType } : {}) },
          ...(sent && spec.method !== 'GET' ? { payload: sent.payload } : {}),
        });
        const what = `${spec.method} ${url.slice(0, 200)} ${sent?.contentType ?? ''} ${sent?.payload.slice(0, 200) ?? ''} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, what).toBeLessThan(500);
        if (res.statusCode < 400) return;
        expect(res.headers['content-type'], what).toMatch(/^application\/json/);
        const error = res.json<{ code?: unknown; message?: unknown }>();
        expect(typeof error.code, what).toBe('string');
        expect(typeof error.message === 'string' && error.message.length > 0, what).toBe(true);
        if (error.code === 'INVALID_INPUT') expect(error.message, what).toMatch(/^(body|query|params)\b/);
        expect(fingerprint(), what).toEqual(before);
      }),
      fuzzParams(400),
    );
    // Prototype keys were data, never merged into Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 120_000);

  it('a body over the size limit is a 413 in JSON, nothing written', async () => {
    const before = fingerprint();
    const res = await vigie.app.inject({
      method: 'PUT',
      url: '/api/config',
      headers: { ...callerOf(FUZZED.find((r) => r.url === '/api/config')!), 'content-type': 'application/json' },
      payload: JSON.stringify({ config: { cameras: [] }, comment: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^body: /) as unknown });
    expect(fingerprint()).toEqual(before);
  });
});
