import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/auth/passwords.js';
import type { PasswordHasher } from '../../src/auth/passwords.js';
import type { NewSessionRecord, SessionRecord, SessionStore, UserCredentialsRecord, UserLookup, UserRecord } from '../../src/auth/ports.js';
import { createLoginRateLimiter } from '../../src/auth/rate-limit.js';
import {
  clearSessionCookieOptions, createSessionService, DEFAULT_SESSION_TTL_MS, isLoopbackHost, sessionCookieOptions,
} from '../../src/auth/sessions.js';
import type { SessionService, SessionServiceOptions } from '../../src/auth/sessions.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 15, 20, 0, 0);
const CTX = { ip: '10.1.2.3', userAgent: 'Firefox' };

/** In-memory SessionStore with the store's behaviour (its own clock stamps createdAt and lastSeenAt), counting calls. It does not hide expired sessions, so the service's own checks are what is tested. */
class FakeSessionStore implements SessionStore {
  readonly rows = new Map<string, SessionRecord>();
  finds = 0;
  touches = 0;
  constructor(private readonly clock: () => number) {}
  private nowIso(): string {
    return new Date(this.clock()).toISOString();
  }
  create(session: NewSessionRecord): Promise<SessionRecord> {
    const row: SessionRecord = { ...session, createdAt: this.nowIso(), lastSeenAt: this.nowIso() };
    this.rows.set(session.tokenHash, row);
    return Promise.resolve(row);
  }
  find(tokenHash: string): Promise<SessionRecord | null> {
    this.finds += 1;
    return Promise.resolve(this.rows.get(tokenHash) ?? null);
  }
  touch(tokenHash: string, options: { readonly expiresAt?: string } = {}): Promise<SessionRecord | null> {
    this.touches += 1;
    const row = this.rows.get(tokenHash);
    if (!row) return Promise.resolve(null);
    const updated = { ...row, lastSeenAt: this.nowIso(), ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}) };
    this.rows.set(tokenHash, updated);
    return Promise.resolve(updated);
  }
  delete(tokenHash: string): Promise<boolean> {
    return Promise.resolve(this.rows.delete(tokenHash));
  }
  deleteForUser(userId: string): Promise<number> {
    const doomed = [...this.rows.values()].filter((r) => r.userId === userId);
    doomed.forEach((r) => this.rows.delete(r.tokenHash));
    return Promise.resolve(doomed.length);
  }
  deleteExpired(now: string = this.nowIso()): Promise<number> {
    const doomed = [...this.rows.values()].filter((r) => r.expiresAt <= now);
    doomed.forEach((r) => this.rows.delete(r.tokenHash));
    return Promise.resolve(doomed.length);
  }
}

/** In-memory UserLookup over a mutable list. */
class FakeUsers implements UserLookup {
  constructor(public users: UserCredentialsRecord[]) {}
  findByUsername(username: string): Promise<UserCredentialsRecord | null> {
    return Promise.resolve(this.users.find((u) => u.username === username) ?? null);
  }
  get(id: string): Promise<UserRecord | null> {
    const found = this.users.find((u) => u.id === id);
    if (!found) return Promise.resolve(null);
    const { passwordHash: _hash, ...user } = found;
    return Promise.resolve(user);
  }
  update(id: string, change: Partial<UserCredentialsRecord>): void {
    this.users = this.users.map((u) => (u.id === id ? { ...u, ...change } : u));
  }
}

/** Real argon2 (cheap parameters) that counts which verification ran. */
function spyHasher(): PasswordHasher & { calls: { verify: number; dummy: number } } {
  const inner = createPasswordHasher({ memoryCostKiB: 64, timeCost: 1, parallelism: 1 });
  const calls = { verify: 0, dummy: 0 };
  return {
    calls,
    params: inner.params,
    hash: (p) => inner.hash(p),
    needsRehash: (h) => inner.needsRehash(h),
    verify(h, p) {
      calls.verify += 1;
      return inner.verify(h, p);
    },
    verifyDummy(p) {
      calls.dummy += 1;
      return inner.verifyDummy(p);
    },
  };
}

const PASSWORD = 'la nuit tous les chats sont gris';

describe('session service', () => {
  let clock: number;
  let store: FakeSessionStore;
  let users: FakeUsers;
  let hasher: ReturnType<typeof spyHasher>;
  let service: SessionService;

  const build = (extra: Partial<SessionServiceOptions> = {}): SessionService =>
    createSessionService({ store, users, hasher, now: () => clock, ...extra });

  const loginOk = async (s: SessionService = service) => {
    const result = await s.login('marie', PASSWORD, CTX);
    if (!result.ok) throw new Error(`login failed: ${result.reason}`);
    return result;
  };

  beforeEach(async () => {
    clock = T0;
    store = new FakeSessionStore(() => clock);
    hasher = spyHasher();
    const hash = await hasher.hash(PASSWORD);
    users = new FakeUsers([
      { id: 'u-1', username: 'marie', displayName: 'Marie Dupont', role: 'operator', passwordHash: hash, disabled: false },
      { id: 'u-2', username: 'paul', displayName: 'Paul Martin', role: 'supervisor', passwordHash: hash, disabled: true },
      { id: 'u-3', username: 'ghost', displayName: 'Bad Row', role: 'superuser', passwordHash: hash, disabled: false },
    ]);
    service = build();
  });

  it('opens a session: random base64url tokens, only the SHA-256 stored, 12 h by default', async () => {
    const result = await loginOk();
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.csrfToken).not.toBe(result.token);
    expect(result.user).toEqual({ id: 'u-1', username: 'marie', displayName: 'Marie Dupont', role: 'operator' });
    expect(result.expiresAt).toBe(T0 + 12 * 60 * MINUTE);
    expect(DEFAULT_SESSION_TTL_MS).toBe(12 * 60 * MINUTE);

    const rows = [...store.rows.values()];
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row).toEqual({
      tokenHash: createHash('sha256').update(result.token).digest('hex'),
      userId: 'u-1',
      csrfToken: result.csrfToken,
      createdAt: '2026-01-15T20:00:00.000Z',
      expiresAt: '2026-01-16T08:00:00.000Z',
      lastSeenAt: '2026-01-15T20:00:00.000Z',
      ip: '10.1.2.3',
      userAgent: 'Firefox',
    });
    expect(JSON.stringify(rows)).not.toContain(result.token);
    expect(JSON.stringify(result)).not.toContain('argon2');
  });

  it('gives each login its own tokens', async () => {
    const a = await loginOk();
    const b = await loginOk();
    expect(a.token).not.toBe(b.token);
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect(store.rows.size).toBe(2);
  });

  it('normalises the username (case, spaces)', async () => {
    const result = await service.login('  MARIE ', PASSWORD, CTX);
    expect(result.ok).toBe(true);
  });

  it('refuses a wrong password without opening a session', async () => {
    const result = await service.login('marie', 'la nuit tous les chats sont noirs', CTX);
    expect(result).toEqual({ ok: false, reason: 'invalid_credentials', userId: 'u-1' });
    expect(store.rows.size).toBe(0);
  });

  it('does the same hashing work for an unknown user as for a known one, and gives the same answer', async () => {
    const result = await service.login('nobody', PASSWORD, CTX);
    expect(result).toEqual({ ok: false, reason: 'invalid_credentials' });
    expect(hasher.calls).toEqual({ verify: 0, dummy: 1 });
    hasher.calls.verify = 0;
    hasher.calls.dummy = 0;
    await service.login('marie', 'wrong but long enough', CTX);
    expect(hasher.calls).toEqual({ verify: 1, dummy: 0 });
  });

  it('says an account is disabled only to someone who knows its password', async () => {
    expect(await service.login('paul', PASSWORD, CTX)).toEqual({ ok: false, reason: 'account_disabled', userId: 'u-2' });
    expect(await service.login('paul', 'not the password at all', CTX)).toEqual({ ok: false, reason: 'invalid_credentials', userId: 'u-2' });
    expect(store.rows.size).toBe(0);
  });

  it('refuses a user whose stored role is unknown', async () => {
    const result = await service.login('ghost', PASSWORD, CTX);
    expect(result.ok).toBe(false);
    expect(store.rows.size).toBe(0);
  });

  it('refuses oversized input before any hashing', async () => {
    expect((await service.login('marie', 'x'.repeat(257), CTX)).ok).toBe(false);
    expect((await service.login('m'.repeat(65), PASSWORD, CTX)).ok).toBe(false);
    expect((await service.login('   ', PASSWORD, CTX)).ok).toBe(false);
    expect(hasher.calls).toEqual({ verify: 0, dummy: 0 });
  });

  it('authenticates the cookie token and returns user and session', async () => {
    const { token, csrfToken } = await loginOk();
    const auth = await service.authenticate(token);
    expect(auth?.user.username).toBe('marie');
    expect(auth?.session.csrfToken).toBe(csrfToken);
    expect(await service.authenticate(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeNull();
  });

  it('rejects malformed tokens without a storage lookup', async () => {
    for (const bad of ['', 'short', 'x'.repeat(44), `${'a'.repeat(42)}=`, `${'a'.repeat(42)}+`]) {
      expect(await service.authenticate(bad)).toBeNull();
    }
    expect(store.finds).toBe(0);
  });

  it('ends a session at its absolute expiry, whatever the activity', async () => {
    const { token } = await loginOk();
    for (let h = 1; h < 12; h += 1) {
      clock = T0 + h * 60 * MINUTE;
      expect(await service.authenticate(token)).not.toBeNull();
    }
    clock = T0 + 12 * 60 * MINUTE - 1;
    expect(await service.authenticate(token)).not.toBeNull();
    clock = T0 + 12 * 60 * MINUTE;
    expect(await service.authenticate(token)).toBeNull();
    expect(store.rows.size).toBe(0);
  });

  it('honours a custom ttl', async () => {
    service = build({ ttlMs: 30 * MINUTE });
    const { token, expiresAt } = await loginOk();
    expect(expiresAt).toBe(T0 + 30 * MINUTE);
    clock = T0 + 30 * MINUTE;
    expect(await service.authenticate(token)).toBeNull();
  });

  it('slides last_seen_at, writing it at most once a minute', async () => {
    const { token } = await loginOk();
    clock = T0 + 10_000;
    await service.authenticate(token);
    clock = T0 + 50_000;
    await service.authenticate(token);
    expect(store.touches).toBe(0);
    clock = T0 + MINUTE;
    const auth = await service.authenticate(token);
    expect(store.touches).toBe(1);
    expect(auth?.session.lastSeenAt).toBe(new Date(T0 + MINUTE).toISOString());
    expect([...store.rows.values()][0]?.lastSeenAt).toBe(new Date(T0 + MINUTE).toISOString());
  });

  it('ends an idle session when an idle timeout is set, and activity keeps it alive', async () => {
    service = build({ idleTimeoutMs: 30 * MINUTE });
    const { token } = await loginOk();
    clock = T0 + 29 * MINUTE;
    expect(await service.authenticate(token)).not.toBeNull();
    clock = T0 + 58 * MINUTE;
    expect(await service.authenticate(token)).not.toBeNull();
    clock = T0 + 88 * MINUTE;
    expect(await service.authenticate(token)).toBeNull();
    expect(store.rows.size).toBe(0);
  });

  it('slides the stored expiry with activity, never past the session length', async () => {
    service = build({ ttlMs: 60 * MINUTE, idleTimeoutMs: 30 * MINUTE });
    const { token } = await loginOk();
    expect([...store.rows.values()][0]?.expiresAt).toBe(new Date(T0 + 30 * MINUTE).toISOString());
    clock = T0 + 20 * MINUTE;
    await service.authenticate(token);
    expect([...store.rows.values()][0]?.expiresAt).toBe(new Date(T0 + 50 * MINUTE).toISOString());
    clock = T0 + 45 * MINUTE;
    await service.authenticate(token);
    expect([...store.rows.values()][0]?.expiresAt).toBe(new Date(T0 + 60 * MINUTE).toISOString());
    clock = T0 + 60 * MINUTE;
    expect(await service.authenticate(token)).toBeNull();
  });

  it('ends a session whose stored times cannot be read', async () => {
    const { token } = await loginOk();
    const [hash, row] = [...store.rows.entries()][0]!;
    store.rows.set(hash, { ...row, expiresAt: 'garbage' });
    expect(await service.authenticate(token)).toBeNull();
    expect(store.rows.size).toBe(0);
  });

  it('ends a session stored with an expiry beyond the session length', async () => {
    const { token } = await loginOk();
    const [hash, row] = [...store.rows.entries()][0]!;
    store.rows.set(hash, { ...row, expiresAt: new Date(T0 + 48 * 60 * MINUTE).toISOString() });
    clock = T0 + 12 * 60 * MINUTE;
    expect(await service.authenticate(token)).toBeNull();
  });

  it('has no idle timeout by default (a console only receiving pushes all night)', async () => {
    const { token } = await loginOk();
    clock = T0 + 11 * 60 * MINUTE;
    expect(await service.authenticate(token)).not.toBeNull();
  });

  it('stops a session at the next request once its user is disabled or deleted', async () => {
    const { token } = await loginOk();
    users.update('u-1', { disabled: true });
    expect(await service.authenticate(token)).toBeNull();
    expect(store.rows.size).toBe(0);

    users.update('u-1', { disabled: false });
    const again = await loginOk();
    users.users = users.users.filter((u) => u.id !== 'u-1');
    expect(await service.authenticate(again.token)).toBeNull();
  });

  it('reflects a role change at the next request', async () => {
    const { token } = await loginOk();
    users.update('u-1', { role: 'supervisor' });
    expect((await service.authenticate(token))?.user.role).toBe('supervisor');
  });

  it('logs out one session; unknown tokens are a no-op', async () => {
    const a = await loginOk();
    const b = await loginOk();
    await service.logout(a.token);
    await service.logout(a.token);
    await service.logout('garbage');
    expect(await service.authenticate(a.token)).toBeNull();
    expect(await service.authenticate(b.token)).not.toBeNull();
  });

  it('revokes every session of one user only', async () => {
    const a = await loginOk();
    const b = await loginOk();
    const other = { ...users.users[0]!, id: 'u-9', username: 'zoe' };
    users.users.push(other);
    const z = await service.login('zoe', PASSWORD, CTX);
    expect(await service.revokeUser('u-1')).toBe(2);
    expect(await service.authenticate(a.token)).toBeNull();
    expect(await service.authenticate(b.token)).toBeNull();
    expect(z.ok && (await service.authenticate(z.token))).toBeTruthy();
  });

  it('purges expired and idle sessions', async () => {
    service = build({ idleTimeoutMs: 60 * MINUTE });
    await loginOk();
    clock = T0 + 90 * MINUTE;
    const fresh = await loginOk();
    expect(await service.purgeExpired()).toBe(1);
    expect(await service.authenticate(fresh.token)).not.toBeNull();
  });

  it('throttles repeated failures, even with the right password, and lets the user back after the lockout', async () => {
    service = build({ limiter: createLoginRateLimiter({ now: () => clock }) });
    for (let i = 0; i < 5; i += 1) {
      expect((await service.login('marie', `wrong guess number ${i}`, CTX)).ok).toBe(false);
    }
    const verifies = hasher.calls.verify;
    expect(await service.login('marie', PASSWORD, CTX)).toEqual({ ok: false, reason: 'rate_limited', retryAfterS: 60 });
    expect(hasher.calls.verify).toBe(verifies); // no hashing while locked
    // Another address is not locked out by this one.
    expect((await service.login('marie', PASSWORD, { ip: '10.9.9.9' })).ok).toBe(true);
    clock += 60_000;
    expect((await service.login('marie', PASSWORD, CTX)).ok).toBe(true);
  });

  it('throttles unknown usernames the same way (no existence oracle)', async () => {
    service = build({ limiter: createLoginRateLimiter({ now: () => clock }) });
    for (let i = 0; i < 5; i += 1) await service.login('nobody', `guess number ${i}`, CTX);
    expect(await service.login('nobody', PASSWORD, CTX)).toEqual({ ok: false, reason: 'rate_limited', retryAfterS: 60 });
  });

  it('refuses nonsensical durations', () => {
    expect(() => build({ ttlMs: 0 })).toThrow(RangeError);
    expect(() => build({ idleTimeoutMs: -1 })).toThrow(RangeError);
  });
});

describe('session cookie', () => {
  const remote = { allowInsecureLocalhost: false, hostname: 'vigie.mairie.fr' };

  it('is HttpOnly, SameSite=Strict, Secure, scoped to /api, for the remaining session time', () => {
    expect(sessionCookieOptions(T0 + 12 * 60 * MINUTE, T0, remote)).toEqual({
      httpOnly: true, sameSite: 'strict', secure: true, path: '/api', maxAge: 43_200,
    });
    expect(sessionCookieOptions(T0 + 1500, T0, remote).maxAge).toBe(1);
    expect(sessionCookieOptions(T0 - 1, T0, remote).maxAge).toBe(0);
  });

  it('drops Secure only when explicitly allowed and on a loopback host', () => {
    expect(sessionCookieOptions(T0 + 1000, T0, { allowInsecureLocalhost: false, hostname: 'localhost:8080' }).secure).toBe(true);
    expect(sessionCookieOptions(T0 + 1000, T0, { allowInsecureLocalhost: true, hostname: 'localhost:8080' }).secure).toBe(false);
    expect(sessionCookieOptions(T0 + 1000, T0, { allowInsecureLocalhost: true, hostname: 'vigie.mairie.fr' }).secure).toBe(true);
    expect(sessionCookieOptions(T0 + 1000, T0, { allowInsecureLocalhost: true, hostname: '192.168.1.10:8080' }).secure).toBe(true);
  });

  it.each<[string, boolean]>([
    ['localhost', true], ['localhost:8080', true], ['app.localhost', true], ['127.0.0.1', true], ['127.1.2.3:80', true],
    ['[::1]:8080', true], ['::1', true], ['localhost.evil.fr', false], ['127.0.0.1.nip.io', false], ['10.0.0.1', false],
  ])('isLoopbackHost(%s) = %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it('clears with the same attributes and Max-Age=0', () => {
    expect(clearSessionCookieOptions(remote)).toEqual({ httpOnly: true, sameSite: 'strict', secure: true, path: '/api', maxAge: 0 });
  });
});
