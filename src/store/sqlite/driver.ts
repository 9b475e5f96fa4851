import { createRequire } from 'node:module';
import type { SqliteDatabase } from 'kysely';

/**
 * The subset of better-sqlite3 (12.x) the store uses: what Kysely's SqliteDialect
 * calls, plus `pragma`. Declared here instead of depending on @types/better-sqlite3,
 * so a test fake or another SQLite binding only has to provide these methods.
 */
export interface BetterSqliteDatabase extends SqliteDatabase {
  pragma(source: string, options: { simple: true }): unknown;
  readonly open: boolean;
}

export interface BetterSqliteOptions {
  /** Milliseconds to wait for a lock held by another connection (busy_timeout). */
  readonly timeout?: number;
  readonly fileMustExist?: boolean;
}

export type BetterSqliteConstructor = new (filename: string, options?: BetterSqliteOptions) => BetterSqliteDatabase;

const require = createRequire(import.meta.url);

/** Loads better-sqlite3 (a CommonJS native module) typed as the subset above. */
export function loadBetterSqlite(): BetterSqliteConstructor {
  return require('better-sqlite3') as BetterSqliteConstructor;
}
