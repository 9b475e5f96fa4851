import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kysely } from 'kysely';
import type { StoreDialect } from './dialect.js';
import { StoreError } from './errors.js';
import { migrateToLatest } from './migrations/index.js';
import type { Database } from './schema.js';
import { openPostgres } from './postgres/dialect.js';
import { openSqlite } from './sqlite/dialect.js';

/** File name of the SQLite database inside the data folder. */
export const SQLITE_FILE_NAME = 'vigie.db';

export interface OpenDatabaseOptions {
  /** The data folder (`--data`, default `./data`); created if missing. */
  readonly dataDir: string;
  /**
   * The `--db` URL. Absent: SQLite at `<dataDir>/vigie.db`. `sqlite:<path>`: SQLite
   * at that path. `postgres://` / `postgresql://`: PostgreSQL (docs/STORAGE.md), with
   * `?schema=name` for the schema the store lives in (default public).
   */
  readonly url?: string;
}

/** An open, migrated database. */
export interface StoreDatabase {
  /** Typed query builder; pass it to the repositories (`createRepositories`). */
  readonly db: Kysely<Database>;
  readonly engine: StoreDialect['engine'];
  /** Where the data lives, free of credentials (for the startup log). */
  readonly location: string;
  /** Migrations this open applied; empty when the schema was already current. */
  readonly migrated: readonly string[];
  /** Closes the database (checkpointing the WAL, or ending the PostgreSQL pool); safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens the database the CLI flags point at, creating and migrating it as needed.
 * Errors are StoreErrors with one-line messages: UNSUPPORTED for a URL this build
 * cannot use, UNAVAILABLE for a data folder or file that cannot be used,
 * MIGRATION_FAILED for a schema that cannot be brought up to date.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<StoreDatabase> {
  const dialect = await openDialect(options);
  const db = new Kysely<Database>({ dialect: dialect.kysely });
  let migrated: readonly string[];
  try {
    migrated = await migrateToLatest(db as unknown as Kysely<unknown>, dialect.schema);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  let closed = false;
  return {
    db,
    engine: dialect.engine,
    location: dialect.location,
    migrated,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

async function openDialect(options: OpenDatabaseOptions): Promise<StoreDialect> {
  const url = options.url?.trim() ?? '';
  if (url === '') return openSqlite(join(ensureDataDir(options.dataDir), SQLITE_FILE_NAME));
  if (/^postgres(ql)?:\/\//i.test(url)) return openPostgres(url);
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new StoreError('INVALID', '--db sqlite: needs a file path, e.g. sqlite:./data/vigie.db');
    ensureDataDir(resolve(path, '..'));
    return openSqlite(resolve(path));
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1] ?? url.slice(0, 12);
  throw new StoreError('UNSUPPORTED', `unsupported database URL "${scheme}:...": omit --db for SQLite in the data folder, or use sqlite:<path>`);
}

/** Creates the data folder if needed and checks that it is a writable folder; returns its absolute path. */
function ensureDataDir(dataDir: string): string {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'not writable'
        : code === 'ENOTDIR' || code === 'EEXIST'
          ? 'a file is in the way (not a folder)'
          : (err as Error).message;
    throw new StoreError('UNAVAILABLE', `cannot use data folder ${dir}: ${reason}; pick another with --data`, { cause: err });
  }
  return dir;
}
