import type { ColumnDefinitionBuilder, ColumnDataType, Dialect, QueryExecutorProvider } from 'kysely';

/**
 * What the dialect-agnostic store needs from one database engine. Each engine
 * has a folder with the same files (`sqlite/`, `postgres/`):
 * `dialect.ts` opens the engine and returns this, `driver.ts` declares the
 * subset of the driver library it uses. Nothing outside those folders knows
 * which engine runs.
 */
export interface StoreDialect {
  readonly engine: 'sqlite' | 'postgres';
  /** Human-readable location, free of credentials (for logs and errors). */
  readonly location: string;
  /**
   * The Kysely dialect that talks to the opened database. Its adapter implements
   * `TransactionLocks` (see `lockWithin` in ../locks.ts).
   */
  readonly kysely: Dialect;
  /** Column types that differ between engines, for the migrations. */
  readonly schema: SchemaFlavour;
}

/** The few DDL details that differ between engines. */
export interface SchemaFlavour {
  /** Type of an integer primary key the database numbers itself. */
  readonly serialType: ColumnDataType;
  /** Makes a column of `serialType` an auto-numbered primary key. */
  serialPrimaryKey(col: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /**
   * Schema of the migration bookkeeping tables, on engines with schemas: named,
   * because Kysely otherwise looks for them in every schema of the database.
   */
  readonly migrationTableSchema?: string;
}

/**
 * How an engine serialises read-then-write transactions between writers, which
 * may be other processes (several API nodes on one PostgreSQL). Implemented by
 * the engine's Kysely adapter, so a transaction reaches it from its own handle.
 */
export interface TransactionLocks {
  /** Waits for the lock named `key`, held until the transaction `trx` ends. */
  lockWithin(trx: QueryExecutorProvider, key: string): Promise<void>;
}
