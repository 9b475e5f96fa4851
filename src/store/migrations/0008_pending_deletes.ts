import type { Kysely, Migration } from 'kysely';
import type { SchemaFlavour } from '../dialect.js';

/**
 * Deletions of footage (recorded segments, event snapshots) are written down
 * before the file is unlinked, and forgotten in the same transaction that removes
 * the rows pointing at it. A crash in between leaves the intent: start-up
 * reconciliation finishes the deletion instead of reporting lost footage.
 */
export function pendingDeletesMigration(flavour: SchemaFlavour): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('pending_deletes')
        .addColumn('id', flavour.serialType, (c) => flavour.serialPrimaryKey(c))
        // 'segment' (ref_id: segment id, path relative to the recordings folder)
        // or 'snapshot' (ref_id: event id, path relative to the snapshots folder).
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('ref_id', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        // 'retention', 'disk_pressure', ...
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('pending_deletes_kind_ref_unique', ['kind', 'ref_id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('pending_deletes').execute();
    },
  };
}
