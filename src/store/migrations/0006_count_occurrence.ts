import { sql, type Kysely, type Migration } from 'kysely';

const COLUMNS = ['camera_id', 'rule_id', 'bucket_start', 'bucket_s', 'kind', 'target', 'cls', 'direction', 'value', 'peak', 'frames'] as const;

/** The counts table of 0003 with `kind` limited to `kinds`; `key` names its primary key (unique per schema on PostgreSQL). */
async function createCounts(db: Kysely<unknown>, kinds: readonly string[], key: string): Promise<void> {
  await db.schema
    .createTable('counts')
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('bucket_start', 'text', (c) => c.notNull())
    .addColumn('bucket_s', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in (${sql.join(kinds.map((k) => sql.lit(k)))})`))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('cls', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('a_to_b', 'b_to_a', '')`))
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('peak', 'double precision', (c) => c.notNull())
    .addColumn('frames', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint(key, ['camera_id', 'rule_id', 'bucket_start', 'kind', 'target', 'cls', 'direction'])
    .execute();
}

/**
 * Rebuilds `counts` with the given kinds, keeping the rows whose kind is
 * among them. A rebuild because SQLite cannot alter a CHECK constraint.
 */
async function rebuildCounts(db: Kysely<unknown>, kinds: readonly string[], key: string): Promise<void> {
  await db.schema.dropIndex('counts_camera_time_idx').execute();
  await db.schema.alterTable('counts').renameTo('counts_previous').execute();
  await createCounts(db, kinds, key);
  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  await sql`insert into counts (${columns}) select ${columns} from counts_previous where kind in (${sql.join(kinds.map((k) => sql.lit(k)))})`.execute(db);
  await db.schema.dropTable('counts_previous').execute();
  await db.schema.createIndex('counts_camera_time_idx').on('counts').columns(['camera_id', 'bucket_start']).execute();
}

/**
 * Counts of kind `occurrence`: situations opened by a rule whose legal basis
 * is `statistics` (docs/RULES.md, "Legal basis"). Counts only, like 0003.
 */
export function countOccurrenceMigration(): Migration {
  return {
    up: (db) => rebuildCounts(db, ['crossing', 'occupancy', 'occurrence'], 'counts_key'),
    // Occurrence counts cannot be kept under the old constraint: they are dropped.
    down: (db) => rebuildCounts(db, ['crossing', 'occupancy'], 'counts_pk'),
  };
}
