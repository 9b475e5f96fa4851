import { sql, type Kysely, type TableMetadata } from 'kysely';
import { createAuditRepository, type AuditVerification } from './audit-repository.js';
import type { StoreDatabase } from './database.js';
import { StoreError } from './errors.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE } from './migrations/index.js';
import type { Database } from './schema.js';

/** Rows read from the source and inserted into the target per statement (well under PostgreSQL's 65,535 parameters). */
export const COPY_BATCH_ROWS = 500;

export interface CopiedTable {
  readonly table: string;
  readonly rows: number;
}

export interface CopySummary {
  readonly source: string;
  readonly target: string;
  /** In the order they were copied (parents before the tables that reference them). */
  readonly tables: readonly CopiedTable[];
  readonly rows: number;
  /** Sequences moved past the copied keys, as `table.column`. */
  readonly sequences: readonly string[];
  /** The audit chain as checked on the target before committing. */
  readonly audit: AuditVerification;
}

export interface CopyOptions {
  readonly batchRows?: number;
  /** Called after each batch with the rows copied so far and the total. */
  readonly onProgress?: (copied: number, total: number) => void;
}

type Row = Record<string, unknown>;

/**
 * Copies every table of a SQLite store into an empty PostgreSQL store, both
 * already migrated to the same schema (openDatabase does that). The source is
 * read in one transaction (a consistent snapshot); the target is written in one
 * transaction that also moves the serial sequences past the copied keys and
 * checks the row counts and the audit chain, so a failed copy leaves the target
 * empty and can simply be run again. A target that already has rows is refused:
 * a Vigie has written there, and merging two audit chains would break both.
 */
export async function copyStore(source: StoreDatabase, target: StoreDatabase, options: CopyOptions = {}): Promise<CopySummary> {
  if (source.engine !== 'sqlite') throw new StoreError('INVALID', `the copy reads a SQLite store; ${source.location} is ${source.engine}`);
  if (target.engine !== 'postgres') throw new StoreError('INVALID', `the copy writes to PostgreSQL; ${target.location} is ${target.engine}: pass --to postgres://...`);
  const batchRows = options.batchRows ?? COPY_BATCH_ROWS;
  const src = source.db as unknown as Kysely<unknown>;
  const dst = target.db as unknown as Kysely<unknown>;

  const sourceTables = storeTables(await src.introspection.getTables());
  const { rows: schemaRows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(dst);
  const targetSchema = schemaRows[0]?.schema ?? '';
  const targetTables = storeTables((await dst.introspection.getTables()).filter((t) => t.schema === targetSchema));
  checkSameTables(sourceTables, targetTables);
  const order = copyOrder(
    sourceTables.map((t) => t.name),
    await foreignKeys(dst),
  );
  const columns = new Map(sourceTables.map((t) => [t.name, t.columns.map((c) => c.name)]));

  return src.transaction().execute(async (from) => {
    const counts = new Map<string, number>();
    for (const table of order) counts.set(table, await countRows(from, table));
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    return dst.transaction().execute(async (to) => {
      for (const table of order) {
        if ((await countRows(to, table)) > 0) {
          throw new StoreError('CONFLICT', `target ${target.location} is not empty (table ${table} has rows): copy into a new schema (?schema=name) or drop this one first`);
        }
      }
      let copied = 0;
      options.onProgress?.(0, total);
      for (const table of order) {
        const cols = columns.get(table) ?? [];
        // Keyset paging on SQLite's rowid: stable and linear on large tables.
        for (let after = Number.MIN_SAFE_INTEGER; ; ) {
          const { rows } = await sql<Row & { vigie_rowid: number }>`select rowid as vigie_rowid, * from ${sql.table(table)} where rowid > ${after} order by rowid limit ${batchRows}`.execute(from);
          if (rows.length === 0) break;
          await insertRows(to, table, cols, rows);
          after = rows[rows.length - 1]!.vigie_rowid;
          copied += rows.length;
          options.onProgress?.(copied, total);
        }
      }
      for (const table of order) {
        const n = await countRows(to, table);
        if (n !== counts.get(table)) throw new StoreError('CORRUPT', `copy check failed: table ${table} has ${n} rows on the target, ${counts.get(table)} on the source; nothing was committed`);
      }
      const sequences = await advanceSequences(to);
      const audit = await createAuditRepository(to as unknown as Kysely<Database>).verify();
      if (!audit.ok) throw new StoreError('CORRUPT', `the audit chain does not verify after the copy (${audit.reason}); nothing was committed: run vigie audit verify on the source`);
      return {
        source: source.location,
        target: target.location,
        tables: order.map((table) => ({ table, rows: counts.get(table) ?? 0 })),
        rows: total,
        sequences,
        audit,
      };
    });
  });
}

/** The store's own tables (not the migration bookkeeping). */
function storeTables(tables: readonly TableMetadata[]): TableMetadata[] {
  return tables.filter((t) => !t.isView && t.name !== MIGRATION_TABLE && t.name !== MIGRATION_LOCK_TABLE);
}

function checkSameTables(source: readonly TableMetadata[], target: readonly TableMetadata[]): void {
  const targetByName = new Map(target.map((t) => [t.name, t]));
  for (const table of source) {
    const other = targetByName.get(table.name);
    if (!other) throw new StoreError('MIGRATION_FAILED', `table ${table.name} of the source is missing on the target: are both opened by the same Vigie version?`);
    const missing = table.columns.map((c) => c.name).filter((c) => !other.columns.some((o) => o.name === c));
    if (missing.length > 0) throw new StoreError('MIGRATION_FAILED', `columns ${missing.join(', ')} of ${table.name} are missing on the target: are both opened by the same Vigie version?`);
  }
  const extra = target.filter((t) => !source.some((s) => s.name === t.name)).map((t) => t.name);
  if (extra.length > 0) throw new StoreError('MIGRATION_FAILED', `tables ${extra.join(', ')} of the target are missing on the source: are both opened by the same Vigie version?`);
}

/** Foreign keys of the target's schema, as child -> parent table names. */
async function foreignKeys(db: Kysely<unknown>): Promise<ReadonlyArray<readonly [string, string]>> {
  const { rows } = await sql<{ child: string; parent: string }>`
    select child.relname as child, parent.relname as parent
    from pg_constraint c
    join pg_class child on child.oid = c.conrelid
    join pg_class parent on parent.oid = c.confrelid
    join pg_namespace n on n.oid = child.relnamespace
    where c.contype = 'f' and n.nspname = current_schema()`.execute(db);
  return rows.map((r) => [r.child, r.parent] as const);
}

/** Tables sorted so that every table comes after the tables it references; ties by name (pure). */
export function copyOrder(tables: readonly string[], keys: ReadonlyArray<readonly [string, string]>): string[] {
  const pending = new Set(tables);
  const order: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter((t) => !keys.some(([child, parent]) => child === t && parent !== t && pending.has(parent))).sort();
    if (ready.length === 0) throw new StoreError('INVALID', `foreign keys form a cycle between ${[...pending].sort().join(', ')}: the copy cannot order them`);
    for (const t of ready) {
      order.push(t);
      pending.delete(t);
    }
  }
  return order;
}

async function countRows(db: Kysely<unknown>, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

async function insertRows(db: Kysely<unknown>, table: string, cols: readonly string[], rows: readonly Row[]): Promise<void> {
  const values = rows.map((row) => sql`(${sql.join(cols.map((c) => row[c] ?? null))})`);
  await sql`insert into ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))}) values ${sql.join(values)}`.execute(db);
}

/**
 * Rows were inserted with their keys, which leaves each serial sequence at its
 * start: the next insert would reuse key 1. Moves each one past the largest key.
 */
async function advanceSequences(db: Kysely<unknown>): Promise<string[]> {
  const { rows } = await sql<{ table: string; column: string; sequence: string }>`
    select table_name as table, column_name as column, pg_get_serial_sequence(quote_ident(table_name), column_name) as sequence
    from information_schema.columns
    where table_schema = current_schema() and column_default like 'nextval(%'
    order by table_name, column_name`.execute(db);
  const moved: string[] = [];
  for (const r of rows) {
    await sql`select setval(${r.sequence}, coalesce((select max(${sql.ref(r.column)}) from ${sql.table(r.table)}), 0) + 1, false)`.execute(db);
    moved.push(`${r.table}.${r.column}`);
  }
  return moved;
}
