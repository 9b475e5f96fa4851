import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaFlavour } from '../dialect.js';

/**
 * Recording under the retention law: the index of recorded segments and of the
 * gaps between them, legal holds (judicial requisitions) and the append-only,
 * hash-chained audit log. Times are ISO 8601 UTC text like every other table.
 */
export function recordingMigration(flavour: SchemaFlavour): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('segments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('camera_id', 'text', (c) => c.notNull())
        .addColumn('start_at', 'text', (c) => c.notNull())
        .addColumn('end_at', 'text', (c) => c.notNull())
        .addColumn('duration_s', 'double precision', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        // Relative to the recordings folder, so the data folder can move.
        .addColumn('path', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('segments_camera_time_idx').on('segments').columns(['camera_id', 'start_at']).execute();
      await db.schema.createIndex('segments_end_idx').on('segments').columns(['end_at']).execute();

      await db.schema
        .createTable('recording_gaps')
        .addColumn('id', flavour.serialType, (c) => flavour.serialPrimaryKey(c))
        .addColumn('camera_id', 'text', (c) => c.notNull())
        .addColumn('start_at', 'text', (c) => c.notNull())
        .addColumn('end_at', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('recording_gaps_camera_time_idx').on('recording_gaps').columns(['camera_id', 'start_at']).execute();

      await db.schema
        .createTable('legal_holds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('case_ref', 'text', (c) => c.notNull())
        .addColumn('authority', 'text', (c) => c.notNull())
        // JSON array of camera ids.
        .addColumn('cameras', 'text', (c) => c.notNull())
        .addColumn('from_at', 'text', (c) => c.notNull())
        .addColumn('to_at', 'text', (c) => c.notNull())
        // null: held until released.
        .addColumn('until_at', 'text')
        .addColumn('note', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('released_at', 'text')
        .addColumn('released_by', 'text')
        .addColumn('release_reason', 'text')
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        // A user id, or 'system' for what Vigie does by itself (retention runs, reconciliation).
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        // JSON object of scalars.
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().check(sql`length(hash) = 64`))
        .execute();
      await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['audit_log', 'legal_holds', 'recording_gaps', 'segments']) await db.schema.dropTable(table).execute();
    },
  };
}
