import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Random bytes in a session or CSRF token (256 bits). */
export const TOKEN_BYTES = 32;
/** Length of a token as base64url text (32 bytes -> 43 characters, no padding). */
export const TOKEN_LENGTH = 43;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A source of random bytes; injectable so tests can make tokens predictable. */
export type RandomBytes = (size: number) => Buffer;

/** A new token: 32 random bytes, base64url. */
export function newToken(random: RandomBytes = randomBytes): string {
  return random(TOKEN_BYTES).toString('base64url');
}

/** True when `value` has the shape of a token (cheap check before any storage lookup). */
export function isTokenShaped(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** Lower-case hex SHA-256 of a token: the only form a session token is stored in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Compares two secrets in time independent of where they differ. Both sides
 * are hashed first so their lengths cannot leak either.
 */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}
