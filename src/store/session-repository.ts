import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { StoreError, isForeignKeyViolation } from './errors.js';
import type { SessionRecord } from '../auth/ports.js';
import type { Database, SessionsTable } from './schema.js';
import { isoNow, normaliseIso, systemClock, type Clock } from './time.js';

/** A login session (the shape the auth core expects). Its id is the SHA-256 of the token the browser holds; the token is never stored. */
export type Session = SessionRecord;

export interface NewSession {
  /** `sessionTokenHash(token)`: 64 hex characters. */
  readonly tokenHash: string;
  readonly userId: string;
  /** ISO 8601 time. */
  readonly expiresAt: string;
  readonly csrfToken: string;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
}

export interface SessionRepository {
  /** NOT_FOUND for an unknown user; INVALID for a tokenHash that is not a SHA-256 hex digest. */
  create(session: NewSession): Promise<Session>;
  /** The session if it exists and has not expired at the clock's time, else null. */
  find(tokenHash: string): Promise<Session | null>;
  /** Marks the session seen now, optionally moving its expiry (sliding sessions); the updated session or null. */
  touch(tokenHash: string, options?: { readonly expiresAt?: string }): Promise<Session | null>;
  /** Logout; true when a session was deleted. */
  delete(tokenHash: string): Promise<boolean>;
  /** Deletes sessions expired at `now` (default: the clock); returns how many. */
  deleteExpired(now?: string): Promise<number>;
  /** Deletes every session of a user (password change, user disabled), except `exceptTokenHash`'s (a self-service password change); returns how many. */
  deleteForUser(userId: string, options?: { readonly exceptTokenHash?: string | undefined }): Promise<number>;
}

/** The session id for a token: SHA-256, hex. */
export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function createSessionRepository(db: Kysely<Database>, options: { readonly now?: Clock } = {}): SessionRepository {
  const now = options.now ?? systemClock;

  return {
    async create(session) {
      checkHash(session.tokenHash);
      const at = isoNow(now);
      try {
        const row = await db
          .insertInto('sessions')
          .values({
            id: session.tokenHash,
            user_id: session.userId,
            created_at: at,
            expires_at: normaliseIso(session.expiresAt, 'expiresAt'),
            last_seen_at: at,
            csrf_token: session.csrfToken,
            ip: session.ip ?? null,
            user_agent: session.userAgent ?? null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toSession(row);
      } catch (err) {
        if (isForeignKeyViolation(err)) throw new StoreError('NOT_FOUND', `user "${session.userId}" does not exist`, { cause: err });
        throw err;
      }
    },

    async find(tokenHash) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id', '=', tokenHash)
        .where('expires_at', '>', isoNow(now))
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },

    async touch(tokenHash, touchOptions = {}) {
      const row = await db
        .updateTable('sessions')
        .set({
          last_seen_at: isoNow(now),
          ...(touchOptions.expiresAt !== undefined ? { expires_at: normaliseIso(touchOptions.expiresAt, 'expiresAt') } : {}),
        })
        .where('id', '=', tokenHash)
        .returningAll()
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },

    async delete(tokenHash) {
      const result = await db.deleteFrom('sessions').where('id', '=', tokenHash).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async deleteExpired(at) {
      const cutoff = at === undefined ? isoNow(now) : normaliseIso(at, 'now');
      const result = await db.deleteFrom('sessions').where('expires_at', '<=', cutoff).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async deleteForUser(userId, deleteOptions = {}) {
      let query = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (deleteOptions.exceptTokenHash !== undefined) query = query.where('id', '!=', deleteOptions.exceptTokenHash);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function checkHash(tokenHash: string): void {
  if (!/^[0-9a-f]{64}$/.test(tokenHash)) {
    throw new StoreError('INVALID', 'tokenHash must be the SHA-256 hex digest of the token (sessionTokenHash), never the token itself');
  }
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    tokenHash: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
    csrfToken: row.csrf_token,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}
