import type { Kysely, Migration } from 'kysely';

/**
 * The full rule catalogue: events of rules in `mode: shadow` are stored to
 * measure the rule but kept out of operators' queue. `shadow` is 1 for them.
 */
export function ruleCatalogueMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('events').addColumn('shadow', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('events').dropColumn('shadow').execute();
    },
  };
}
