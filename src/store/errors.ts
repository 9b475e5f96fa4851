/**
 * Stable codes of storage failures. Codes are never reused for another meaning;
 * the server maps them to HTTP statuses (NOT_FOUND 404, CONFLICT 409, INVALID 400,
 * the others 500/503) and the CLI prints `message` as is.
 */
export const STORE_ERROR_CODES = [
  'UNSUPPORTED', // a database URL or handle this build cannot use
  'UNAVAILABLE', // the data folder or the database file cannot be created, opened or written
  'MIGRATION_FAILED', // a schema migration failed, or the database is from a newer Vigie
  'NOT_FOUND', // the row an operation needs (event, user, config version) does not exist
  'CONFLICT', // a unique value is taken (username)
  'INVALID', // the caller passed a value the store refuses (bad action, bad cursor, bad event)
  'CORRUPT', // a stored row no longer parses (names the row)
] as const;

export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

/** A storage failure with a one-line message fit to show a person (no SQL, no credentials). */
export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message.replace(/\s*\n\s*/g, ' '), options);
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}

/**
 * True when a driver error is a unique-constraint violation. Knows the codes of
 * every driver the store supports: better-sqlite3 (`SQLITE_CONSTRAINT_UNIQUE`,
 * `SQLITE_CONSTRAINT_PRIMARYKEY`) and pg (SQLSTATE `23505`).
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** True when a driver error is a foreign-key violation (better-sqlite3 or pg SQLSTATE `23503`). */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}
