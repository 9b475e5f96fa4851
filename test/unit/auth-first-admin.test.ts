import { describe, expect, it } from 'vitest';
import { AdminPasswordPolicyError, ensureFirstAdmin, generatePassword } from '../../src/auth/first-admin.js';
import type { FirstAdminUsers } from '../../src/auth/first-admin.js';
import { checkPasswordPolicy, createPasswordHasher } from '../../src/auth/passwords.js';
import type { NewUserRecord } from '../../src/auth/ports.js';

const hasher = createPasswordHasher({ memoryCostKiB: 64, timeCost: 1, parallelism: 1 });

class FakeUsers implements FirstAdminUsers {
  constructor(readonly rows: NewUserRecord[] = []) {}
  count(): Promise<number> {
    return Promise.resolve(this.rows.length);
  }
  create(user: NewUserRecord): Promise<{ id: string }> {
    if (this.rows.some((u) => u.username === user.username)) return Promise.reject(new Error('username taken'));
    this.rows.push(user);
    return Promise.resolve({ id: `id-${this.rows.length}` });
  }
}

function run(users: FakeUsers, envPassword: string | undefined) {
  const printed: string[] = [];
  const result = ensureFirstAdmin({ users, hasher, envPassword, print: (l) => printed.push(l) });
  return { result, printed };
}

describe('ensureFirstAdmin', () => {
  it('creates admin with a generated password, printed once, that verifies', async () => {
    const users = new FakeUsers();
    const { result, printed } = run(users, undefined);
    expect(await result).toEqual({ created: true, username: 'admin', passwordSource: 'generated' });
    const row = users.rows[0];
    expect(users.rows).toHaveLength(1);
    expect(row).toMatchObject({ username: 'admin', displayName: 'Administrator', role: 'admin', disabled: false });
    const shown = printed.join('\n').match(/password: (\S+)/)?.[1];
    expect(shown).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    expect(printed.filter((l) => l.includes(shown ?? '?'))).toHaveLength(1);
    expect(await hasher.verify(row?.passwordHash ?? '', shown ?? '')).toBe(true);
    expect(row?.passwordHash).not.toContain(shown);
  });

  it('uses VIGIE_ADMIN_PASSWORD without ever printing it', async () => {
    const users = new FakeUsers();
    const password = 'Un mot de passe pour la salle';
    const { result, printed } = run(users, password);
    expect(await result).toEqual({ created: true, username: 'admin', passwordSource: 'env' });
    expect(printed.join('\n')).toContain('VIGIE_ADMIN_PASSWORD');
    expect(printed.join('\n')).not.toContain(password);
    expect(await hasher.verify(users.rows[0]?.passwordHash ?? '', password)).toBe(true);
  });

  it('treats an empty variable as unset', async () => {
    expect(await run(new FakeUsers(), '').result).toMatchObject({ passwordSource: 'generated' });
  });

  it('refuses a weak environment password, saying what to fix, and creates nothing', async () => {
    const users = new FakeUsers();
    const { result, printed } = run(users, 'admin123');
    await expect(result).rejects.toBeInstanceOf(AdminPasswordPolicyError);
    await expect(result).rejects.toThrow(/VIGIE_ADMIN_PASSWORD.*at least 12 characters/);
    await expect(result).rejects.not.toThrow(/admin123/);
    expect(users.rows).toHaveLength(0);
    expect(printed).toEqual([]);
  });

  it('does nothing, and prints nothing, once any user exists', async () => {
    const existing: NewUserRecord = { username: 'marie', displayName: 'Marie', role: 'operator', passwordHash: 'h', disabled: true };
    const users = new FakeUsers([existing]);
    const { result, printed } = run(users, 'Un mot de passe pour la salle');
    expect(await result).toEqual({ created: false });
    expect(users.rows).toEqual([existing]);
    expect(printed).toEqual([]);
  });
});

describe('generatePassword', () => {
  it('draws 20 characters from an unambiguous alphabet and passes the policy', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const password = generatePassword();
      expect(password).toMatch(/^[A-HJ-NP-Za-km-z2-9]{5}(-[A-HJ-NP-Za-km-z2-9]{5}){3}$/);
      expect(checkPasswordPolicy(password, { username: 'admin' }).ok).toBe(true);
      seen.add(password);
    }
    expect(seen.size).toBe(200);
  });

  it('fails loudly on a random source that is not random', () => {
    expect(() => generatePassword(() => Buffer.alloc(64, 7))).toThrow(/not random/);
  });
});
