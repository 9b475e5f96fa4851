import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { checkPasswordPolicy } from './passwords.js';
import type { PasswordHasher } from './passwords.js';
import type { NewUserRecord } from './ports.js';
import type { RandomBytes } from './tokens.js';

/** What first-run setup needs from the users repository. */
export interface FirstAdminUsers {
  /** How many users exist, disabled ones included. */
  count(): Promise<number>;
  /** Inserts a user (the store assigns the id); rejects when the username is taken. */
  create(user: NewUserRecord): Promise<unknown>;
}

export const FIRST_ADMIN_USERNAME = 'admin';
export const ADMIN_PASSWORD_ENV = 'VIGIE_ADMIN_PASSWORD';

export interface EnsureFirstAdminOptions {
  readonly users: FirstAdminUsers;
  readonly hasher: PasswordHasher;
  /** `process.env.VIGIE_ADMIN_PASSWORD`; when unset or empty a password is generated. */
  readonly envPassword: string | undefined;
  /** Where the one-time notice goes (the terminal, not the log file). */
  readonly print: (line: string) => void;
  readonly random?: RandomBytes;
}

export type FirstAdminResult =
  | { readonly created: false }
  | { readonly created: true; readonly username: string; readonly passwordSource: 'env' | 'generated' };

/** The environment password breaks the policy; startup must stop and say what to fix. */
export class AdminPasswordPolicyError extends Error {
  override readonly name = 'AdminPasswordPolicyError';
}

/**
 * On first run (no user at all) creates the `admin` account. Its password
 * comes from VIGIE_ADMIN_PASSWORD (checked against the policy; never printed)
 * or is generated and printed exactly once. Does nothing when any user exists.
 */
export async function ensureFirstAdmin(options: EnsureFirstAdminOptions): Promise<FirstAdminResult> {
  if ((await options.users.count()) > 0) return { created: false };
  const env = options.envPassword === undefined || options.envPassword === '' ? undefined : options.envPassword;
  if (env !== undefined) {
    const policy = checkPasswordPolicy(env, { username: FIRST_ADMIN_USERNAME });
    if (!policy.ok) throw new AdminPasswordPolicyError(`${ADMIN_PASSWORD_ENV} is not accepted: ${policy.message}`);
  }
  const password = env ?? generatePassword(options.random);
  await options.users.create({
    username: FIRST_ADMIN_USERNAME,
    displayName: 'Administrator',
    role: 'admin',
    passwordHash: await options.hasher.hash(password),
    disabled: false,
  });
  if (env !== undefined) {
    options.print(`Created the first administrator "${FIRST_ADMIN_USERNAME}" with the password from ${ADMIN_PASSWORD_ENV}.`);
    return { created: true, username: FIRST_ADMIN_USERNAME, passwordSource: 'env' };
  }
  options.print(`Created the first administrator "${FIRST_ADMIN_USERNAME}" with the password: ${password}`);
  options.print('It is shown only this once. Sign in, create named accounts, and keep this one for administration.');
  return { created: true, username: FIRST_ADMIN_USERNAME, passwordSource: 'generated' };
}

/** No 0/O, 1/l/I: the password is read off a terminal and typed. 57 symbols, about 5.8 bits each. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * A password of 4 dash-separated groups of 5 characters (about 117 bits),
 * drawn without modulo bias; redrawn in the (rare) case the policy refuses it.
 * Throws when 100 draws in a row are refused (a broken random source).
 */
export function generatePassword(random: RandomBytes = cryptoRandomBytes): string {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const chars: string[] = [];
    for (const byte of random(64)) {
      // 228 = 4 * 57: bytes at or above it would favour the first letters.
      if (byte < 228 && chars.length < 20) chars.push(ALPHABET[byte % ALPHABET.length] ?? '');
    }
    if (chars.length < 20) continue; // 64 bytes almost always give 20 usable ones
    const password = [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
    if (checkPasswordPolicy(password, { username: FIRST_ADMIN_USERNAME }).ok) return password;
  }
  throw new Error('the random source keeps producing passwords the policy refuses; it is not random');
}
