import { SqliteAdapter, SqliteDialect, type DialectAdapter } from 'kysely';
import { StoreError } from '../errors.js';
import type { SchemaFlavour, StoreDialect, TransactionLocks } from '../dialect.js';
import { loadBetterSqlite, type BetterSqliteDatabase } from './driver.js';

/** Milliseconds a statement waits for a lock held by another connection before failing with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * Durability: `synchronous = FULL`. In WAL mode FULL syncs the WAL to disk at
 * every commit, so a committed event survives a power cut or a kernel crash, not
 * only a crash of the process (which is all NORMAL guarantees: NORMAL may lose the
 * last commits on power loss). Vigie announces an event only after its commit, so
 * a lost commit would be an alert that operators saw and the database forgot.
 * The cost is one fsync per transaction, a few per second at most.
 */
export const SQLITE_SYNCHRONOUS = 'FULL';

const sqliteSchema: SchemaFlavour = {
  serialType: 'integer',
  serialPrimaryKey: (col) => col.primaryKey().autoIncrement(),
};

/**
 * Transaction locks have nothing to do on SQLite: Kysely runs one transaction at
 * a time on the single connection, and another process's write waits for the
 * database lock or fails with SQLITE_BUSY, never interleaves.
 */
class SqliteStoreAdapter extends SqliteAdapter implements TransactionLocks {
  lockWithin(): Promise<void> {
    return Promise.resolve();
  }
}

class SqliteStoreDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new SqliteStoreAdapter();
  }
}

/**
 * Opens (creating it if needed) the SQLite file at `file` with WAL, synchronous
 * FULL, a busy timeout and foreign keys on. Throws a one-line StoreError
 * (UNAVAILABLE) when the file cannot be opened or is not a database.
 */
export function openSqlite(file: string): StoreDialect {
  const Database = loadBetterSqlite();
  let db: BetterSqliteDatabase | undefined;
  try {
    db = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    // journal_mode reads the file header: a file that is not a database fails here.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') {
      throw new StoreError('UNAVAILABLE', `cannot enable WAL journaling on ${file} (got "${String(mode)}"): put the data folder on a local disk`);
    }
    db.pragma(`synchronous = ${SQLITE_SYNCHRONOUS}`, { simple: true });
    db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`, { simple: true });
    db.pragma('foreign_keys = ON', { simple: true });
  } catch (err) {
    if (db?.open) db.close();
    if (err instanceof StoreError) throw err;
    throw new StoreError('UNAVAILABLE', `cannot open database ${file}: ${(err as Error).message}`, { cause: err });
  }
  return { engine: 'sqlite', location: file, kysely: new SqliteStoreDialect({ database: db }), schema: sqliteSchema };
}
