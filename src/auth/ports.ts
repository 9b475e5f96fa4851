import type { Role } from './roles.js';

/**
 * What authentication needs from storage. The shapes match `src/store`'s
 * `UserRepository` and `SessionRepository` structurally, so those are passed
 * in as they are; tests use in-memory fakes. Times are ISO 8601 UTC strings,
 * as the store keeps them; the auth code converts to milliseconds inside.
 */

/** A user without credentials. */
export interface UserRecord {
  /** Opaque and stable (a UUID), not guessable from the username. */
  readonly id: string;
  /** Stored normalised (lower case), unique. */
  readonly username: string;
  readonly displayName: string;
  /** One of `ROLES`; any other value grants nothing (the user cannot log in). */
  readonly role: string;
  /** A disabled user cannot log in, and their sessions stop working at their next request. */
  readonly disabled: boolean;
}

/** A user with the password hash, for login only. */
export interface UserCredentialsRecord extends UserRecord {
  /** argon2id PHC string from `PasswordHasher.hash`. */
  readonly passwordHash: string;
}

export interface UserLookup {
  /** The user with this (already normalised) username, disabled or not, with the hash; null when none. */
  findByUsername(username: string): Promise<UserCredentialsRecord | null>;
  /** The user with this id, disabled or not; null when none (deleted). */
  get(id: string): Promise<UserRecord | null>;
}

/** A stored session. The token itself is never stored, only its SHA-256. */
export interface SessionRecord {
  /** Lower-case hex SHA-256 of the session token (64 characters); the key. */
  readonly tokenHash: string;
  readonly userId: string;
  readonly createdAt: string;
  /** When the session stops working. With an idle timeout, `touch` moves it forward (never past createdAt + ttl). */
  readonly expiresAt: string;
  /** Last authenticated request (written at most once per `touchIntervalMs`). */
  readonly lastSeenAt: string;
  /** The session's CSRF synchroniser token (base64url, 43 characters). */
  readonly csrfToken: string;
  /** Client address at login, for the audit log and a "my sessions" list. */
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface NewSessionRecord {
  readonly tokenHash: string;
  readonly userId: string;
  readonly expiresAt: string;
  readonly csrfToken: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface SessionStore {
  /** Inserts a session; `createdAt` and `lastSeenAt` are the store's now. */
  create(session: NewSessionRecord): Promise<SessionRecord>;
  /** The session with this token hash; null when none (the store may also hide expired ones). */
  find(tokenHash: string): Promise<SessionRecord | null>;
  /** Sets `lastSeenAt` to now and, when given, `expiresAt`; the updated session, or null when it is gone. */
  touch(tokenHash: string, options?: { readonly expiresAt?: string }): Promise<SessionRecord | null>;
  /** Removes one session; resolves false when it was already gone. */
  delete(tokenHash: string): Promise<boolean>;
  /** Removes every session of a user (password or role change, user disabled or deleted), but `exceptTokenHash`'s; resolves to how many. */
  deleteForUser(userId: string, options?: { readonly exceptTokenHash?: string }): Promise<number>;
  /** Removes sessions with `expiresAt <= now`; resolves to how many. */
  deleteExpired(now?: string): Promise<number>;
}

/** A user to create (first-run admin). The store assigns the id. */
export interface NewUserRecord {
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly passwordHash: string;
  readonly disabled?: boolean;
}
