import pg from 'pg';

/**
 * The parts of node-postgres (pg 8.x) the store uses: a connection pool, and
 * type parsers that return JS numbers where SQLite would.
 */
export type PgPool = pg.Pool;
export type PgPoolConfig = pg.PoolConfig;

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Type parsers for one pool (never pg's global ones, which other libraries in
 * the process may rely on). `count(*)` and `sum(integer)` are int8 and numeric
 * comes back as text by default; the repositories expect numbers, as SQLite
 * returns. Every stored integer (byte counts, sequence numbers) stays far below
 * 2^53, where a JS number is exact.
 */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown => {
    if ((oid === INT8_OID || oid === NUMERIC_OID) && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format ?? 'text') as unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export function createPgPool(config: PgPoolConfig): PgPool {
  return new pg.Pool({ ...config, types: pgTypes });
}
