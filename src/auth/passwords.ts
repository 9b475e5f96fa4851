import { hash as argon2Hash, parseOptions, verify as argon2Verify } from '@node-rs/argon2';
import type { Algorithm } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/**
 * argon2id cost parameters. Changing them changes new hashes only: existing
 * hashes carry their own parameters (PHC string) and still verify;
 * `needsRehash` tells which ones are behind.
 */
export interface Argon2Params {
  /** Memory per hash in KiB. More memory makes GPU/ASIC guessing costlier; each concurrent login holds this much RAM. */
  readonly memoryCostKiB: number;
  /** Passes over the memory. Linear in CPU time. */
  readonly timeCost: number;
  /** Lanes. Changing it changes the hash; 1 keeps a login on one core, leaving the others to video analysis. */
  readonly parallelism: number;
}

/**
 * Production parameters: OWASP Password Storage Cheat Sheet, first argon2id
 * option (m = 19 MiB, t = 2, p = 1); about 30-60 ms per hash on one core of a
 * small server, which keeps a login cheap next to the video pipeline while
 * making offline guessing expensive. Raise memory first if the box allows.
 */
export const PRODUCTION_ARGON2: Argon2Params = Object.freeze({ memoryCostKiB: 19_456, timeCost: 2, parallelism: 1 });

/** argon2id in @node-rs/argon2's (const) enum; a literal because const enums cannot be imported under isolated modules. */
const ARGON2ID: Algorithm = 2;

/** Longest password accepted anywhere (policy and login), in code points. Longer input is refused before hashing. */
export const MAX_PASSWORD_LENGTH = 256;
export const MIN_PASSWORD_LENGTH = 12;

/** Passwords are compared after Unicode NFKC, so the same characters typed on two keyboards match. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

export interface PasswordHasher {
  /** A PHC string (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`) of the normalised password, with a fresh random salt. */
  hash(password: string): Promise<string>;
  /**
   * True when `password` matches `passwordHash`. Throws PasswordHashError when
   * the stored hash is not a valid argon2 PHC string (a damaged row, not a wrong password).
   */
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * Spends the same work as `verify` against a fixed hash with the current
   * parameters, and resolves false. Called for unknown usernames so a login's
   * duration does not reveal whether the account exists.
   */
  verifyDummy(password: string): Promise<false>;
  /** True when a stored hash was made with other parameters or algorithm than the current ones. */
  needsRehash(passwordHash: string): boolean;
  readonly params: Argon2Params;
}

export class PasswordHashError extends Error {
  override readonly name = 'PasswordHashError';
}

export function createPasswordHasher(params: Argon2Params = PRODUCTION_ARGON2): PasswordHasher {
  const options = {
    algorithm: ARGON2ID,
    memoryCost: params.memoryCostKiB,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
  };
  const dummy = makeDummyHash(params);

  const hash = (password: string): Promise<string> => argon2Hash(normalizePassword(password), options);

  const verify = async (passwordHash: string, password: string): Promise<boolean> => {
    if (!passwordHash.startsWith('$argon2')) throw new PasswordHashError('stored password hash is not an argon2 PHC string');
    try {
      return await argon2Verify(passwordHash, normalizePassword(password));
    } catch (err) {
      throw new PasswordHashError(`stored password hash cannot be verified: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return {
    params: Object.freeze({ ...params }),
    hash,
    verify,
    async verifyDummy(password) {
      await verify(dummy, password);
      return false;
    },
    needsRehash(passwordHash) {
      if (!passwordHash.startsWith('$argon2id$')) return true;
      try {
        const p = parseOptions(passwordHash);
        return p.memoryCost !== params.memoryCostKiB || p.timeCost !== params.timeCost || p.parallelism !== params.parallelism;
      } catch (err) {
        if (err instanceof Error) return true; // unparsable: must be replaced
        throw err;
      }
    },
  };
}

/**
 * A well-formed argon2id PHC string with the given parameters and random salt
 * and digest: verifying against it costs exactly one hash with those
 * parameters (argon2 recomputes, then compares), and no password matches it.
 * Built without hashing, so even the first unknown-user login costs the same as the others.
 */
export function makeDummyHash(params: Argon2Params): string {
  const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');
  return `$argon2id$v=19$m=${params.memoryCostKiB},t=${params.timeCost},p=${params.parallelism}$${b64(randomBytes(16))}$${b64(randomBytes(32))}`;
}

// ---------------------------------------------------------------------------
// Policy

export type PasswordProblemCode = 'too_short' | 'too_long' | 'contains_username' | 'too_few_distinct' | 'sequence' | 'common';

export interface PasswordProblem {
  readonly code: PasswordProblemCode;
  /** What to fix, in one sentence, for the person choosing the password. */
  readonly message: string;
}

export type PasswordPolicyResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly problems: readonly PasswordProblem[]; readonly message: string };

/** Distinct characters a password needs: rules out `aaaaaaaaaaaa` and `abababababab`. */
export const MIN_DISTINCT_CHARACTERS = 5;

/**
 * Passwords people pick first (lower case, compared after removing digits and
 * symbols at the ends). Short by design: the length rule already removes most
 * of the well-known lists; these are the long ones seen in leaks, in French and English.
 */
const COMMON_WORDS: ReadonlySet<string> = new Set([
  'password', 'motdepasse', 'azerty', 'azertyuiop', 'qwerty', 'qwertyuiop', 'iloveyou', 'jetaime', 'soleil',
  'bonjour', 'doudou', 'loulou', 'chouchou', 'marseille', 'football', 'princess', 'sunshine', 'welcome',
  'bienvenue', 'admin', 'administrator', 'administrateur', 'changeme', 'letmein', 'secret', 'vigie',
  'operateur', 'operator', 'superviseur', 'supervisor', 'camera', 'cameras', 'videoprotection', 'surveillance',
]);

/** Keyboard rows and the alphabet: twelve characters walked along one of these is not a password. */
const SEQUENCES = ['abcdefghijklmnopqrstuvwxyz', '0123456789', 'azertyuiop', 'qsdfghjklm', 'wxcvbn', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** Checks a new password. Returns every problem found, each saying what to change. */
export function checkPasswordPolicy(password: string, context: { readonly username: string; readonly displayName?: string }): PasswordPolicyResult {
  const pw = normalizePassword(password);
  const chars = [...pw];
  const lower = pw.toLowerCase();
  const problems: PasswordProblem[] = [];

  if (chars.length < MIN_PASSWORD_LENGTH) {
    problems.push({ code: 'too_short', message: `Use at least ${MIN_PASSWORD_LENGTH} characters (this one has ${chars.length}); a phrase of several words is easiest to remember.` });
  }
  if (chars.length > MAX_PASSWORD_LENGTH) {
    problems.push({ code: 'too_long', message: `Use at most ${MAX_PASSWORD_LENGTH} characters (this one has ${chars.length}).` });
  }
  const names = [context.username, ...(context.displayName ?? '').split(/\s+/)]
    .map((n) => n.normalize('NFKC').toLowerCase().trim())
    .filter((n) => [...n].length >= 3);
  if (names.some((n) => lower.includes(n))) {
    problems.push({ code: 'contains_username', message: 'Do not include your user name or your name.' });
  }
  if (new Set(chars).size < MIN_DISTINCT_CHARACTERS) {
    problems.push({ code: 'too_few_distinct', message: `Use at least ${MIN_DISTINCT_CHARACTERS} different characters.` });
  }
  if (isSequence(lower)) {
    problems.push({ code: 'sequence', message: 'Do not use a run of the alphabet, digits or keyboard keys.' });
  }
  if (isCommon(lower)) {
    problems.push({ code: 'common', message: 'This password is too common: choose words that are not an obvious password.' });
  }
  if (problems.length === 0) return { ok: true };
  return { ok: false, problems, message: problems.map((p) => p.message).join(' ') };
}

/** True when the password, without symbols, is one walk along a sequence (either way, possibly repeated). */
function isSequence(lower: string): boolean {
  const core = lower.replace(/[^a-z0-9]/g, '');
  if (core.length < 6) return false;
  return SEQUENCES.some((s) => {
    const forward = s.repeat(Math.ceil(core.length / s.length) + 1);
    const backward = [...forward].reverse().join('');
    return forward.includes(core) || backward.includes(core);
  });
}

/** True when the password is a common word (or a few of them repeated) dressed with digits and symbols. */
function isCommon(lower: string): boolean {
  const core = lower.replace(/[^\p{L}]/gu, '').normalize('NFD').replace(/\p{M}/gu, '');
  if (core.length === 0) return false;
  for (const word of COMMON_WORDS) {
    if (core.length % word.length === 0 && word.repeat(core.length / word.length) === core) return true;
  }
  return false;
}
