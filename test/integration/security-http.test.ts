import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import { readTlsFiles } from '../../src/security/tls.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';

const EXPECTED = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'cross-origin-opener-policy': 'same-origin',
};

function expectSecurityHeaders(headers: Record<string, unknown>, what: string): void {
  for (const [name, value] of Object.entries(EXPECTED)) expect(headers[name], `${name} on ${what}`).toBe(value);
  const csp = String(headers['content-security-policy']);
  expect(csp, what).toContain("script-src 'self'");
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).toContain("object-src 'none'");
  expect(csp, what).not.toMatch(/script-src[^;]*unsafe/);
}

describe('security headers over plain HTTP', () => {
  let dir = '';
  let vigie: RunningVigie;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-headers-'));
    vigie = await startVigie({ dataDir: dir, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined });
  });
  afterAll(async () => {
    await vigie.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are on every kind of answer, without HSTS', async () => {
    for (const url of ['/api/health', '/api/events', '/api/nowhere', '/', '/public', '/api/docs']) {
      const res = await vigie.app.inject({ method: 'GET', url });
      expectSecurityHeaders(res.headers, `GET ${url} (${res.statusCode})`);
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
    const refused = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: 'not json', headers: { 'content-type': 'application/json' } });
    expect(refused.statusCode).toBe(400);
    expectSecurityHeaders(refused.headers, 'a refused body');
  });
});

describe('optional TLS', () => {
  let dir = '';
  let vigie: RunningVigie;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const tls = readTlsFiles(join(dir, 'cert.pem'), join(dir, 'key.pem'));
    vigie = await startVigie({ dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined, ...(tls ? { tls } : {}) });
    await vigie.repos.users.create({ username: 'op', displayName: 'Op', role: 'operator', passwordHash: await createPasswordHasher(ARGON2).hash(PASSWORD) });
  });
  afterAll(async () => {
    await vigie.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers over https with HSTS, and the session cookie is Secure even on localhost', async () => {
    expect(vigie.url).toMatch(/^https:\/\//);
    const ca = readFileSync(join(dir, 'cert.pem'));
    const res = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolveRes, reject) => {
      const req = request(`${vigie.url}/api/health`, { ca, servername: 'localhost' }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => resolveRes({ status: r.statusCode ?? 0, headers: r.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    expectSecurityHeaders(res.headers, 'https GET /api/health');

    const login = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'op', password: PASSWORD } });
    expect(login.statusCode).toBe(200);
    expect(login.cookies.find((c) => c.name === 'vigie_session')?.secure).toBe(true);
  });
});

describe('TLS flags', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-tls-flags-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, 'other-key.pem')], { stdio: 'ignore' });
    writeFileSync(join(dir, 'junk.pem'), 'hello\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('go together, and name the file that cannot be used', () => {
    expect(readTlsFiles(undefined, undefined)).toBeNull();
    expect(() => readTlsFiles(join(dir, 'cert.pem'), undefined)).toThrow(/--tls-cert and --tls-key go together: add --tls-key/);
    expect(() => readTlsFiles(join(dir, 'missing.pem'), join(dir, 'key.pem'))).toThrow(/--tls-cert .*missing\.pem does not exist/);
    expect(() => readTlsFiles(join(dir, 'junk.pem'), join(dir, 'key.pem'))).toThrow(/junk\.pem is not a PEM certificate/);
    expect(() => readTlsFiles(join(dir, 'cert.pem'), join(dir, 'other-key.pem'))).toThrow(/cannot be used together/);
    expect(readTlsFiles(join(dir, 'cert.pem'), join(dir, 'key.pem'))?.cert.length).toBeGreaterThan(0);
  });
});
