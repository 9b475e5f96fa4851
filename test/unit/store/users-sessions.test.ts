import { describe, expect, it } from 'vitest';
import { sessionTokenHash } from '../../../src/store/index.js';
import { STORE_ENGINES, storePerTest } from './helpers.js';

describe.each(STORE_ENGINES)('%s', (engine) => {
  const t = storePerTest(engine);

  describe('user repository', () => {
    it('creates, finds, lists, updates and counts users without leaking password hashes', async () => {
      expect(await t.repos.users.count()).toBe(0);
      const alice = await t.repos.users.create({ username: ' Alice ', displayName: 'Alice M.', role: 'admin', passwordHash: '$argon2id$a' });
      expect(alice).toEqual({
        id: 'user-1', username: 'alice', displayName: 'Alice M.', role: 'admin', disabled: false,
        createdAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-03-01T10:00:00.000Z',
      });
      await t.repos.users.create({ username: 'bob', displayName: 'Bob', role: 'operator', passwordHash: '$argon2id$b' });

      expect(await t.repos.users.findByUsername('ALICE')).toEqual({ ...alice, passwordHash: '$argon2id$a' });
      expect(await t.repos.users.findByUsername('carol')).toBeNull();
      expect(await t.repos.users.get(alice.id)).toEqual(alice);
      expect(await t.repos.users.get('user-99')).toBeNull();
      const listed = await t.repos.users.list();
      expect(listed.map((u) => u.username)).toEqual(['alice', 'bob']);
      expect(listed.every((u) => !('passwordHash' in u))).toBe(true);

      t.clock.advance(5_000);
      const updated = await t.repos.users.update('user-2', { role: 'supervisor', displayName: 'Robert', disabled: true, passwordHash: '$argon2id$c' });
      expect(updated).toMatchObject({ role: 'supervisor', displayName: 'Robert', disabled: true, updatedAt: '2026-03-01T10:00:05.000Z' });
      expect((await t.repos.users.findByUsername('bob'))?.passwordHash).toBe('$argon2id$c');

      expect(await t.repos.users.count()).toBe(2);
      expect(await t.repos.users.count({ role: 'admin' })).toBe(1);
      expect(await t.repos.users.count({ disabled: false })).toBe(1);
    });

    it('usernames are unique regardless of case', async () => {
      await t.repos.users.create({ username: 'alice', displayName: 'A', role: 'operator', passwordHash: 'h' });
      await expect(t.repos.users.create({ username: 'ALICE', displayName: 'B', role: 'dpo', passwordHash: 'h' })).rejects.toMatchObject({
        code: 'CONFLICT', message: 'username "alice" is already taken',
      });
      expect(await t.repos.users.count()).toBe(1);
    });

    it('refuses unknown roles and unknown ids', async () => {
      await expect(t.repos.users.create({ username: 'x', displayName: 'X', role: 'root' as 'admin', passwordHash: 'h' })).rejects.toMatchObject({ code: 'INVALID' });
      await expect(t.repos.users.update('nobody', { disabled: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('session repository', () => {
    const token = 'opaque-random-token';
    const hash = sessionTokenHash(token);

    async function withUser(): Promise<string> {
      return (await t.repos.users.create({ username: 'op', displayName: 'Op', role: 'operator', passwordHash: 'h' })).id;
    }

    it('stores the SHA-256 of the token, finds it until it expires, and touch slides it', async () => {
      const userId = await withUser();
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      const session = await t.repos.sessions.create({ tokenHash: hash, userId, expiresAt: '2026-03-01T12:00:00Z', csrfToken: 'csrf', ip: '10.0.0.1', userAgent: 'test' });
      expect(session).toEqual({
        tokenHash: hash, userId, createdAt: '2026-03-01T10:00:00.000Z', expiresAt: '2026-03-01T12:00:00.000Z',
        lastSeenAt: '2026-03-01T10:00:00.000Z', csrfToken: 'csrf', ip: '10.0.0.1', userAgent: 'test',
      });
      await expect(t.repos.sessions.create({ tokenHash: token, userId, expiresAt: '2026-03-01T12:00:00Z', csrfToken: 'c' })).rejects.toMatchObject({ code: 'INVALID' });

      t.clock.set('2026-03-01T11:00:00.000Z');
      expect(await t.repos.sessions.find(hash)).toEqual(session);
      expect(await t.repos.sessions.touch(hash, { expiresAt: '2026-03-01T13:00:00.000Z' })).toMatchObject({
        lastSeenAt: '2026-03-01T11:00:00.000Z', expiresAt: '2026-03-01T13:00:00.000Z',
      });

      t.clock.set('2026-03-01T12:30:00.000Z');
      expect(await t.repos.sessions.find(hash)).not.toBeNull();
      t.clock.set('2026-03-01T13:00:00.000Z');
      expect(await t.repos.sessions.find(hash)).toBeNull(); // expired at its expiry instant
      expect(await t.repos.sessions.touch(sessionTokenHash('other'))).toBeNull();
    });

    it('deleteExpired removes only expired sessions; delete and deleteForUser remove what they name', async () => {
      const userId = await withUser();
      const other = (await t.repos.users.create({ username: 'sup', displayName: 'Sup', role: 'supervisor', passwordHash: 'h' })).id;
      const h = (s: string) => sessionTokenHash(s);
      await t.repos.sessions.create({ tokenHash: h('old'), userId, expiresAt: '2026-03-01T10:30:00Z', csrfToken: 'c' });
      await t.repos.sessions.create({ tokenHash: h('new'), userId, expiresAt: '2026-03-01T18:00:00Z', csrfToken: 'c' });
      await t.repos.sessions.create({ tokenHash: h('sup'), userId: other, expiresAt: '2026-03-01T18:00:00Z', csrfToken: 'c' });

      t.clock.set('2026-03-01T11:00:00.000Z');
      expect(await t.repos.sessions.deleteExpired()).toBe(1);
      expect(await t.repos.sessions.deleteExpired('2026-03-01T11:00:00Z')).toBe(0);
      expect(await t.repos.sessions.find(h('new'))).not.toBeNull();

      expect(await t.repos.sessions.deleteForUser(userId)).toBe(1);
      expect(await t.repos.sessions.find(h('new'))).toBeNull();
      expect(await t.repos.sessions.delete(h('sup'))).toBe(true);
      expect(await t.repos.sessions.delete(h('sup'))).toBe(false);
    });

    it('refuses a session for an unknown user', async () => {
      await expect(t.repos.sessions.create({ tokenHash: hash, userId: 'ghost', expiresAt: '2026-03-02T00:00:00Z', csrfToken: 'c' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
