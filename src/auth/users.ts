import { z } from 'zod';
import type { UserRecord } from './ports.js';
import { isRole } from './roles.js';
import type { Role } from './roles.js';

/** The user as the rest of the server and the API see them: no password hash. */
export interface AuthUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
}

/** Usernames are compared and stored in this form: NFKC, trimmed, lower case. */
export function normalizeUsername(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

export const USERNAME_MAX_LENGTH = 64;

/** A username as accepted on user creation: normalised, then 2-64 of `a-z 0-9 . _ -`, starting with a letter or digit. */
export const usernameSchema = z
  .string()
  .transform(normalizeUsername)
  .pipe(
    z
      .string()
      .min(2, 'Use at least 2 characters.')
      .max(USERNAME_MAX_LENGTH, `Use at most ${USERNAME_MAX_LENGTH} characters.`)
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'Use lower-case letters, digits, dots, dashes and underscores, starting with a letter or digit.'),
  );

/** Body of `POST /api/auth/login`. Lengths are capped so no request reaches argon2 with megabytes of input. */
export const loginBodySchema = z
  .object({
    username: z.string().min(1).max(256),
    password: z.string().min(1).max(1024),
  })
  .strict();
export type LoginBody = z.infer<typeof loginBodySchema>;

/** Body of `POST /api/auth/password` (a user changing their own password). */
export const passwordChangeSchema = z
  .object({
    currentPassword: z.string().min(1, 'give your current password').max(1024),
    newPassword: z.string().min(1, 'give the new password').max(1024),
  })
  .strict();

/** The public view of a stored user; null when its role is not a known role (such a user gets no access). */
export function toAuthUser(record: UserRecord): AuthUser | null {
  if (!isRole(record.role)) return null;
  return Object.freeze({ id: record.id, username: record.username, displayName: record.displayName, role: record.role });
}
