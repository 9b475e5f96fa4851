import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Statistics of `counting` rules: one row per camera, rule, 5-minute bucket,
 * kind, target (line or zone), class and direction. Counts only: no track id.
 * Portable types (text, integer, double precision), the same on SQLite and PostgreSQL.
 */
export function countsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('counts')
        .addColumn('camera_id', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('bucket_start', 'text', (c) => c.notNull())
        .addColumn('bucket_s', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('crossing', 'occupancy')`))
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('cls', 'text', (c) => c.notNull())
        // '' for occupancy: a primary-key column cannot be null.
        .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('a_to_b', 'b_to_a', '')`))
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('peak', 'double precision', (c) => c.notNull())
        .addColumn('frames', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('counts_pk', ['camera_id', 'rule_id', 'bucket_start', 'kind', 'target', 'cls', 'direction'])
        .execute();
      // The API reads one camera over a time range; the primary key serves (camera, rule, range).
      await db.schema.createIndex('counts_camera_time_idx').on('counts').columns(['camera_id', 'bucket_start']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('counts').execute();
    },
  };
}
