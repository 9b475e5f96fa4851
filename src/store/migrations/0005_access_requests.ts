import type { Kysely, Migration } from 'kysely';

/**
 * GDPR right-of-access requests (docs/ACCESS-REQUESTS.md): what a person asked
 * the DPO for (a camera and a time range), the one-month deadline, the answer
 * and the evidence export sent. Times are ISO 8601 UTC text like every other table.
 */
export function accessRequestsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('access_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('received_at', 'text', (c) => c.notNull())
        // A letter number or initials: never an identity document.
        .addColumn('requester_ref', 'text', (c) => c.notNull())
        .addColumn('contact', 'text')
        .addColumn('camera_id', 'text', (c) => c.notNull())
        .addColumn('from_at', 'text', (c) => c.notNull())
        .addColumn('to_at', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('answered_at', 'text')
        .addColumn('answer_note', 'text')
        .addColumn('export_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('access_requests_status_due_idx').on('access_requests').columns(['status', 'due_at']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('access_requests').execute();
    },
  };
}
