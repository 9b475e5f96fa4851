import type { ColumnDefinitionBuilder, ColumnDataType, Dialect } from 'kysely';

/**
 * What the dialect-agnostic store needs from one database engine. Each engine
 * has a folder with the same files (`sqlite/`, and for issue 10 `postgres/`):
 * `dialect.ts` opens the engine and returns this, `driver.ts` declares the
 * subset of the driver library it uses. Nothing outside those folders knows
 * which engine runs.
 */
export interface StoreDialect {
  readonly engine: 'sqlite' | 'postgres';
  /** Human-readable location, free of credentials (for logs and errors). */
  readonly location: string;
  /** The Kysely dialect that talks to the opened database. */
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
}
