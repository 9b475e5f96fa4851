import type { Kysely, Migration } from 'kysely';

/**
 * The webhook outbox (docs/INTEGRATIONS.md): one row per change of an event to
 * deliver to one webhook, written before any attempt so a restart resumes the
 * retries. The unique key makes the same change offered twice (several API
 * nodes, a redelivered message) one delivery. `claimed_until` and `claim_token`
 * let several processes run the dispatcher: a row is sent by whoever claimed it.
 */
export function webhookDeliveriesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('webhook_deliveries')
        // Also the X-Vigie-Delivery header: stable across the retries of one delivery.
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('webhook_id', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        // 'opened', 'closed', or 'updated:<hash of the event>' (one row per distinct update).
        .addColumn('change_key', 'text', (c) => c.notNull())
        .addColumn('change', 'text', (c) => c.notNull())
        .addColumn('camera', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        // The JSON body, fixed when queued: every attempt sends the same bytes.
        .addColumn('payload', 'text', (c) => c.notNull())
        // 'pending', 'delivered', 'dead', 'discarded'
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('claimed_until', 'text')
        .addColumn('claim_token', 'text')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        .addUniqueConstraint('webhook_deliveries_change_unique', ['webhook_id', 'event_id', 'change_key'])
        .execute();
      await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('webhook_deliveries_listed').on('webhook_deliveries').columns(['created_at', 'id']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('webhook_deliveries').execute();
    },
  };
}
