import { describe, expect, it } from 'vitest';
import type { FirstAdminUsers } from '../../../src/auth/first-admin.js';
import type { SessionStore, UserLookup } from '../../../src/auth/ports.js';
import { STORE_ENGINES, storePerTest } from './helpers.js';

describe.each(STORE_ENGINES)('%s', (engine) => {
  const t = storePerTest(engine);

  describe('store repositories fit the auth ports', () => {
    it('passes the repositories to auth as they are (checked by tsc; exercised here)', async () => {
      const sessions: SessionStore = t.repos.sessions;
      const users: UserLookup = t.repos.users;
      const firstAdmin: FirstAdminUsers = t.repos.users;
      expect(await firstAdmin.count()).toBe(0);
      await firstAdmin.create({ username: 'admin', displayName: 'Administrator', role: 'admin', passwordHash: '$argon2id$x' });
      expect((await users.findByUsername('admin'))?.role).toBe('admin');
      expect(await sessions.deleteExpired()).toBe(0);
    });
  });
});
