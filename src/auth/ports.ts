/**
 * What authentication needs from storage. `src/store` repositories implement
 * these; tests use in-memory fakes. Field names are the column names.
 * Times are milliseconds since the Unix epoch (UTC), as plain numbers.
 */

/** One row of the users table. */
export interface UserRecord {
  /** Opaque, stable, not guessable from the username (e.g. a UUID). */
  readonly id: string;
  /** Stored normalised (`normalizeUsername`), unique. */
  readonly username: string;
  readonly display_name: string;
  /** One of `ROLES`; any other value grants nothing (the user cannot log in). */
  readonly role: string;
  /** argon2id PHC string from `PasswordHasher.hash`. */
  readonly password_hash: string;
  /** A disabled user cannot log in and their open sessions stop working at the next request. */
  readonly disabled: boolean;
}

export interface UserLookup {
  /** The user with this exact (already normalised) username, disabled or not; null when none. */
  findByUsername(username: string): Promise<UserRecord | null>;
  /** The user with this id, disabled or not; null when none (deleted). */
  findById(id: string): Promise<UserRecord | null>;
}

/** One row of the sessions table. The token itself is never stored, only its SHA-256. */
export interface SessionRecord {
  /** Lower-case hex SHA-256 of the session token (64 characters); primary key. */
  readonly token_hash: string;
  readonly user_id: string;
  /** The session's CSRF synchroniser token (base64url, 43 characters). */
  readonly csrf_token: string;
  readonly created_at: number;
  /** Absolute end of the session; it is refused from this instant on. */
  readonly expires_at: number;
  /** Last authenticated request (updated at most once per `touchIntervalMs`). */
  readonly last_seen_at: number;
  /** Client address at login, for the audit log and the "my sessions" list. */
  readonly ip: string | null;
  readonly user_agent: string | null;
}

export interface SessionStore {
  /** Inserts a new session. */
  create(session: SessionRecord): Promise<void>;
  /** The session with this token hash, expired or not; null when none. */
  find(tokenHash: string): Promise<SessionRecord | null>;
  /** Sets `last_seen_at`; a no-op when the session is gone. */
  touch(tokenHash: string, lastSeenAt: number): Promise<void>;
  /** Removes one session; a no-op when it is gone. */
  delete(tokenHash: string): Promise<void>;
  /** Removes every session of a user (password change, user disabled or deleted); resolves to how many. */
  deleteForUser(userId: string): Promise<number>;
  /** Removes sessions with `expires_at <= now`, and with `last_seen_at <= idleBefore` when given; resolves to how many. */
  deleteExpired(now: number, idleBefore?: number): Promise<number>;
}
