import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountLockout } from '../../src/auth/account-lockout.js';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import type { Role } from '../../src/auth/roles.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';
const NEW_PASSWORD = 'a brand new passphrase 7781';

let dir = '';
let vigie: RunningVigie;

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

async function login(username: string, password = PASSWORD) {
  return vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
}
async function session(username: string, password = PASSWORD): Promise<Session> {
  const res = await login(username, password);
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: `vigie_session=${res.cookies.find((c) => c.name === 'vigie_session')?.value ?? ''}`, csrf: res.json<{ csrfToken: string }>().csrfToken };
}
const me = async (s: Session) => (await vigie.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode;
const send = (s: Session, method: 'POST' | 'PATCH', url: string, payload: Record<string, unknown>) =>
  vigie.app.inject({ method, url, payload, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
const audit = async (action: string) => (await vigie.repos.audit.list({ action })).filter(Boolean);

async function user(username: string, role: Role): Promise<string> {
  const created = await vigie.repos.users.create({ username, displayName: username, role, passwordHash: await createPasswordHasher(ARGON2).hash(PASSWORD) });
  return created.id;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-sessions-'));
  vigie = await startVigie({ dataDir: dir, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined });
  await user('boss', 'admin');
});
afterAll(async () => {
  await vigie.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sessions end when the password changes', () => {
  it('a self-service change keeps the current session and ends the others; the old password stops working', async () => {
    const id = await user('alice', 'operator');
    const here = await session('alice');
    const elsewhere = await session('alice');
    const wrong = await send(here, 'POST', '/api/auth/password', { currentPassword: 'not it at all 123', newPassword: NEW_PASSWORD });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json<{ code: string }>().code).toBe('WRONG_PASSWORD');
    expect(await me(elsewhere)).toBe(200);
    const weak = await send(here, 'POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json<{ message: string }>().message).toMatch(/^body\.newPassword: /);

    const ok = await send(here, 'POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(ok.statusCode, ok.body).toBe(204);
    expect(await me(here)).toBe(200);
    expect(await me(elsewhere)).toBe(401);
    expect((await login('alice')).statusCode).toBe(401);
    expect((await login('alice', NEW_PASSWORD)).statusCode).toBe(200);
    const entry = (await audit('user.password_change')).find((e) => e.target === id);
    expect(entry?.details).toMatchObject({ username: 'alice', sessions_revoked: 1 });
    expect(JSON.stringify(await vigie.repos.audit.list({}))).not.toContain(NEW_PASSWORD);
  });

  it('an administrator reset, a role change or disabling ends every session of the user, audited', async () => {
    const admin = await session('boss');
    const id = await user('bob', 'operator');
    for (const [patch, reason] of [[{ password: NEW_PASSWORD }, 'password_reset'], [{ role: 'supervisor' }, 'role_change'], [{ disabled: true }, 'disabled_change']] as const) {
      const bob = await session('bob', reason === 'password_reset' ? PASSWORD : NEW_PASSWORD);
      const res = await send(admin, 'PATCH', `/api/users/${id}`, patch);
      expect(res.statusCode, res.body).toBe(200);
      expect(await me(bob), reason).toBe(401);
      const entry = (await audit('auth.sessions_revoked')).find((e) => e.target === id && e.details.reason === reason);
      expect(entry?.details, reason).toMatchObject({ username: 'bob', reason, sessions: 1 });
    }
    expect(await me(admin)).toBe(200);
  });
});

describe('account lockout', () => {
  it('locks after 5 failures in a row, answers the same to the right password, and an admin reset unlocks', async () => {
    const id = await user('carol', 'operator');
    for (let i = 0; i < 4; i += 1) expect((await login('carol', `wrong password ${i}`)).statusCode).toBe(401);
    expect((await login('carol')).statusCode).toBe(200); // a success resets the count
    for (let i = 0; i < 5; i += 1) expect((await login('carol', `wrong password ${i}`)).statusCode).toBe(401);
    const right = await login('carol');
    const wrong = await login('carol', 'still wrong 999');
    expect(right.statusCode).toBe(423);
    expect(right.body).toBe(wrong.body); // identical answers: the lock reveals nothing about the password
    expect(right.json<{ message: string }>().message).toMatch(/locked .* try again after \d{4}-\d\d-\d\dT.*Z/);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(800);
    const locked = (await audit('auth.locked')).filter((e) => e.target === id);
    expect(locked).toHaveLength(1);
    expect(locked[0]?.details).toMatchObject({ username: 'carol' });

    const admin = await session('boss');
    expect((await send(admin, 'PATCH', `/api/users/${id}`, { password: NEW_PASSWORD })).statusCode).toBe(200);
    expect((await audit('auth.unlocked')).find((e) => e.target === id)?.details).toMatchObject({ reason: 'password_reset' });
    // The account is unlocked; the per-address limiter still slows this address down, so log in from another one.
    const elsewhere = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.1.2.3', payload: { username: 'carol', password: NEW_PASSWORD } });
    expect(elsewhere.statusCode, elsewhere.body).toBe(200);
  });

  it('counts a window, and lifts the lock when it ends (reported once)', () => {
    let t = 0;
    const lockout = createAccountLockout({ now: () => t, maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 });
    for (let i = 0; i < 4; i += 1) expect(lockout.recordFailure('dan')).toBeNull();
    t = 15 * 60_000; // the window has passed: counting starts again
    for (let i = 0; i < 4; i += 1) expect(lockout.recordFailure('dan')).toBeNull();
    expect(lockout.recordFailure('dan')).toEqual({ kind: 'locked', until: t + 15 * 60_000 });
    expect(lockout.status('dan')).toEqual({ locked: true, until: t + 15 * 60_000 });
    t += 15 * 60_000;
    expect(lockout.status('dan')).toEqual({ locked: false, change: { kind: 'unlocked' } });
    expect(lockout.status('dan')).toEqual({ locked: false });
  });
});
