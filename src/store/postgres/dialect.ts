import { PostgresAdapter, PostgresDialect, sql, type DatabaseIntrospector, type DialectAdapter, type Kysely, type QueryExecutorProvider } from 'kysely';
import { StoreError } from '../errors.js';
import type { SchemaFlavour, StoreDialect, TransactionLocks } from '../dialect.js';
import { createPgPool, type PgPool } from './driver.js';
import { SchemaIntrospector } from './introspector.js';

/**
 * Connections per process. An API node or a worker runs one write queue plus
 * the HTTP reads of a few consoles; 10 keeps a cluster of ~10 processes under
 * PostgreSQL's default max_connections (100). Override with `?pool_max=N`.
 */
export const PG_DEFAULT_POOL_MAX = 10;
/** How long opening (and each new pooled connection) waits for the server. */
export const PG_CONNECT_TIMEOUT_MS = 5_000;
/** Schema used when the URL has no `schema` parameter. */
export const PG_DEFAULT_SCHEMA = 'public';

const pgSchema = (schema: string): SchemaFlavour => ({
  serialType: 'serial',
  serialPrimaryKey: (col) => col.primaryKey(),
  migrationTableSchema: schema,
});

/** Where to connect, parsed from a postgres:// URL. */
export interface PostgresTarget {
  /** The URL for pg, without Vigie's own parameters. */
  readonly connectionString: string;
  readonly schema: string;
  readonly poolMax: number;
  /** `postgres://user@host:port/db`, never the password. */
  readonly where: string;
}

/** Parses `postgres://user:pass@host:port/db?schema=name&pool_max=N`; INVALID names what is wrong. */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreError('INVALID', '--db is not a valid URL: use postgres://user:password@host:5432/database');
  }
  const schema = parsed.searchParams.get('schema') ?? PG_DEFAULT_SCHEMA;
  // Lower-case identifiers only: they need no quoting in search_path or in the startup options.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError('INVALID', `--db schema "${schema}" is not a plain lower-case identifier: use letters a-z, digits and _ (at most 63)`);
  }
  const poolParam = parsed.searchParams.get('pool_max');
  const poolMax = poolParam === null ? PG_DEFAULT_POOL_MAX : Number(poolParam);
  if (!Number.isInteger(poolMax) || poolMax < 1 || poolMax > 100) {
    throw new StoreError('INVALID', `--db pool_max must be an integer from 1 to 100 (got "${poolParam ?? ''}")`);
  }
  parsed.searchParams.delete('schema');
  parsed.searchParams.delete('pool_max');
  const host = parsed.hostname === '' ? 'localhost' : parsed.hostname;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username) || 'postgres';
  const user = parsed.username === '' ? '' : `${decodeURIComponent(parsed.username)}@`;
  return {
    connectionString: parsed.toString(),
    schema,
    poolMax,
    where: `postgres://${user}${host}:${parsed.port || '5432'}/${database}`,
  };
}

/**
 * Locks are transaction-level advisory locks: released by commit or rollback,
 * so a crashed process never leaves one behind. The key includes the schema,
 * so stores sharing a database (tests) do not wait on each other.
 */
class PostgresStoreAdapter extends PostgresAdapter implements TransactionLocks {
  constructor(private readonly schema: string) {
    super();
  }

  async lockWithin(trx: QueryExecutorProvider, key: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(${this.lockId(key)})`.execute(trx);
  }

  /**
   * Kysely's own migration lock is one key for the whole database, which makes
   * stores in other schemas wait; the migrations of one schema need only that
   * schema's lock. Kysely takes it on the connection before opening the
   * migrations' transaction, so it is a session lock, released explicitly
   * (or by the server when the connection dies).
   */
  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`select pg_advisory_lock(${this.lockId('migrations')})`.execute(db);
  }

  override async releaseMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`select pg_advisory_unlock(${this.lockId('migrations')})`.execute(db);
  }

  private lockId(key: string) {
    return sql<string>`hashtextextended(${`${this.schema}:${key}`}, 0)`;
  }
}

class PostgresStoreDialect extends PostgresDialect {
  constructor(
    pool: PgPool,
    private readonly schema: string,
  ) {
    super({ pool });
  }

  override createAdapter(): DialectAdapter {
    return new PostgresStoreAdapter(this.schema);
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SchemaIntrospector(db, this.schema);
  }
}

/**
 * Opens a pool on the PostgreSQL database of `url` and checks it at once: the
 * server answers, the schema exists (created if missing) and the database
 * compares text byte by byte. Every pooled connection starts with
 * `search_path` set to the schema, so unqualified tables are the store's.
 * Throws a one-line StoreError (UNAVAILABLE) naming host:port/db, never the password.
 */
export async function openPostgres(url: string): Promise<StoreDialect> {
  const target = parsePostgresUrl(url);
  const pool = createPgPool({
    connectionString: target.connectionString,
    max: target.poolMax,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    options: `-c search_path=${target.schema}`,
    application_name: 'vigie',
  });
  // An idle client that loses its server emits 'error' on the pool; without a
  // listener that would crash the process. The next query gets a new connection.
  pool.on('error', () => undefined);
  try {
    await checkServer(pool, target);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return {
    engine: 'postgres',
    location: `${target.where} (schema ${target.schema})`,
    kysely: new PostgresStoreDialect(pool, target.schema),
    schema: pgSchema(target.schema),
  };
}

async function checkServer(pool: PgPool, target: PostgresTarget): Promise<void> {
  let client;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new StoreError('UNAVAILABLE', `cannot reach PostgreSQL at ${target.where.replace(/^postgres:\/\/([^@/]*@)?/, '')}: ${connectReason(err)}`, { cause: err });
  }
  try {
    // Asked of the comparison itself rather than of the catalog: an ICU database
    // reports datcollate C yet sorts by language rules.
    const { rows } = await client.query<{ bytewise: boolean; collation: string }>(
      `select ('B' < 'a' and 'a-c' < 'ab') as bytewise, datcollate as collation from pg_database where datname = current_database()`,
    );
    if (rows[0]?.bytewise !== true) {
      throw new StoreError(
        'UNAVAILABLE',
        `PostgreSQL database ${target.where} does not sort text byte by byte (collation "${rows[0]?.collation ?? '?'}", or an ICU locale); Vigie needs it: create the database with createdb --template=template0 --locale=C.UTF-8 --locale-provider=libc (docs/STORAGE.md)`,
      );
    }
    try {
      await client.query(`create schema if not exists ${target.schema}`);
    } catch (err) {
      // Two processes creating the same schema at once: the loser sees a unique violation.
      if ((err as { code?: string }).code !== '23505') throw err;
    }
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StoreError('UNAVAILABLE', `cannot use PostgreSQL ${target.where} (schema ${target.schema}): ${(err as Error).message}`, { cause: err });
  } finally {
    client.release();
  }
}

/** Why a connection failed and what to do, in words, from pg's and Node's error codes. */
function connectReason(err: unknown): string {
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused; is it running? check --db';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host; check --db';
    case 'ETIMEDOUT':
      return 'connection timed out; check --db and the firewall';
    case '28P01':
    case '28000':
      return `authentication failed (${e.message ?? 'rejected'}); check the user and password in --db`;
    case '3D000':
      return `${e.message ?? 'database does not exist'}; create it (docs/STORAGE.md) or fix --db`;
    default:
      return /timeout/i.test(e.message ?? '') ? `no answer within ${PG_CONNECT_TIMEOUT_MS / 1000} s; check --db` : `${e.message ?? String(err)}; check --db`;
  }
}
