import type { Kysely, Migration } from 'kysely';

/**
 * Trial reports (docs/REPORTS.md): `camera_uptime`, the spans during which a
 * camera's pipeline was running and receiving frames (availability), and
 * `incidents`, the incidents operators log by hand, including those the AI
 * missed (recall). Times are ISO 8601 UTC text like every other table.
 */
export function trialReportsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('camera_uptime')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('camera', 'text', (c) => c.notNull())
        .addColumn('from_at', 'text', (c) => c.notNull())
        // Extended while frames flow: a crash loses at most one extension interval.
        .addColumn('to_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('camera_uptime_camera_time_idx').on('camera_uptime').columns(['camera', 'from_at']).execute();
      await db.schema
        .createTable('incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        // A configured camera id, or null with `place` for a spot Vigie does not analyse.
        .addColumn('camera', 'text')
        .addColumn('place', 'text')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('incidents_occurred_idx').on('incidents').columns(['occurred_at']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('incidents').execute();
      await db.schema.dropTable('camera_uptime').execute();
    },
  };
}
