import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, createPasswordHasher, makeDummyHash, PasswordHashError, PRODUCTION_ARGON2 } from '../../src/auth/passwords.js';
import type { Argon2Params, PasswordProblemCode } from '../../src/auth/passwords.js';

/** Cheap parameters so hashing tests stay fast; the production ones are tested once below. */
const CHEAP: Argon2Params = { memoryCostKiB: 64, timeCost: 1, parallelism: 1 };

describe('password hashing', () => {
  const hasher = createPasswordHasher(CHEAP);

  it('hashes with argon2id and a fresh salt, and verifies', async () => {
    const a = await hasher.hash('correct horse battery staple');
    const b = await hasher.hash('correct horse battery staple');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    expect(a).not.toBe(b);
    expect(await hasher.verify(a, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(a, 'correct horse battery stapler')).toBe(false);
    expect(await hasher.verify(a, '')).toBe(false);
  });

  it('matches the same characters typed in composed or decomposed form (NFKC)', async () => {
    const composed = 'r\u00e9verb\u00e8re de la place';
    const decomposed = 're\u0301verbe\u0300re de la place';
    expect(composed).not.toBe(decomposed);
    expect(await hasher.verify(await hasher.hash(composed), decomposed)).toBe(true);
  });

  it('refuses a damaged stored hash with a named error, not a silent false', async () => {
    await expect(hasher.verify('not-a-hash', 'x')).rejects.toBeInstanceOf(PasswordHashError);
    await expect(hasher.verify('$argon2id$v=19$m=64,t=1,p=1$broken', 'x')).rejects.toBeInstanceOf(PasswordHashError);
  });

  it('spends a verification on the dummy hash and always says no', async () => {
    expect(await hasher.verifyDummy('anything')).toBe(false);
    expect(await hasher.verifyDummy('')).toBe(false);
  });

  it('builds a dummy hash with the current parameters, which argon2 accepts and nothing matches', async () => {
    const dummy = makeDummyHash(CHEAP);
    expect(parseOptions(dummy)).toMatchObject({ memoryCost: 64, timeCost: 1, parallelism: 1, outputLen: 32, saltLen: 16 });
    expect(hasher.needsRehash(dummy)).toBe(false);
    expect(await hasher.verify(dummy, 'anything')).toBe(false);
    expect(makeDummyHash(PRODUCTION_ARGON2)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('tells which hashes need rehashing', async () => {
    const current = await hasher.hash('a long enough secret');
    expect(hasher.needsRehash(current)).toBe(false);
    const older = await createPasswordHasher({ ...CHEAP, timeCost: 2 }).hash('a long enough secret');
    expect(hasher.needsRehash(older)).toBe(true);
    expect(hasher.needsRehash('$2b$10$bcrypthashfromelsewhere')).toBe(true);
    // A hash made with other parameters still verifies.
    expect(await hasher.verify(older, 'a long enough secret')).toBe(true);
  });

  it('uses OWASP argon2id parameters by default (m = 19 MiB, t = 2, p = 1)', async () => {
    expect(PRODUCTION_ARGON2).toEqual({ memoryCostKiB: 19_456, timeCost: 2, parallelism: 1 });
    const prod = createPasswordHasher();
    const stored = await prod.hash('une phrase de passe solide');
    expect(stored.startsWith('$argon2id$v=19$')).toBe(true);
    expect(parseOptions(stored)).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32, saltLen: 16 });
    expect(await prod.verify(stored, 'une phrase de passe solide')).toBe(true);
    expect(prod.needsRehash(stored)).toBe(false);
  });
});

describe('password policy', () => {
  it.each<[string, string, PasswordProblemCode[]]>([
    // [password, username, expected problems]
    ['le chat dort sur le toit', 'marie', []],
    ['Tr0ub4dor&3xyz', 'marie', []],
    ['short', 'marie', ['too_short']],
    ['elevenchars', 'marie', ['too_short']],
    ['marie.dupont.2024', 'marie.dupont', ['contains_username']],
    ['xxMARIE.DUPONTxx', 'marie.dupont', ['contains_username']],
    ['aaaaaaaaaaaaaaaa', 'marie', ['too_few_distinct']],
    ['abababababababab', 'marie', ['too_few_distinct']],
    ['abcdefghijklmnop', 'marie', ['sequence']],
    ['123456789012', 'marie', ['sequence']],
    ['azertyuiop12', 'marie', ['common']],
    ['Password2024!', 'marie', ['common']],
    ['motdepasse123', 'marie', ['common']],
    ['soleilsoleil', 'marie', ['common']],
    ['admin', 'admin', ['too_short', 'contains_username', 'common']],
    ['qsdfghjklmqsdf', 'marie', ['sequence']],
    ['987654321098', 'marie', ['sequence']],
  ])('%j for %s -> %j', (password, username, expected) => {
    const result = checkPasswordPolicy(password, { username });
    const codes = result.ok ? [] : result.problems.map((p) => p.code);
    expect(codes.sort()).toEqual([...expected].sort());
  });

  it('refuses passwords over 256 characters', () => {
    const result = checkPasswordPolicy('word '.repeat(60), { username: 'marie' });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((p) => p.code)).toEqual(['too_long']);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(checkPasswordPolicy('😀😺🐱🦊🐻🐼🐨🐯🦁🐮🐷🐸', { username: 'marie' }).ok).toBe(true);
  });

  it('checks the display name too', () => {
    const result = checkPasswordPolicy('bonjour-dupont-42', { username: 'md', displayName: 'Marie Dupont' });
    expect(result.ok ? [] : result.problems.map((p) => p.code)).toEqual(['contains_username']);
  });

  it('says what to fix', () => {
    const result = checkPasswordPolicy('short', { username: 'marie' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain('at least 12 characters');
      expect(result.message).toContain('this one has 5');
    }
  });
});
