import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { SchemaFlavour } from '../dialect.js';
import { StoreError } from '../errors.js';
import { initialMigration } from './0001_initial.js';
import { ruleCatalogueMigration } from './0002_rule_catalogue.js';
import { countsMigration } from './0003_counts.js';
import { recordingMigration } from './0004_recording.js';
import { accessRequestsMigration } from './0005_access_requests.js';
import { countOccurrenceMigration } from './0006_count_occurrence.js';
import { trialReportsMigration } from './0007_trial_reports.js';
import { pendingDeletesMigration } from './0008_pending_deletes.js';
import { webhookDeliveriesMigration } from './0009_webhook_deliveries.js';

/**
 * Every migration, in order. Names sort in execution order (`0001_initial`,
 * `0002_...`); a migration is never edited once released: add the next one.
 */
export function storeMigrations(flavour: SchemaFlavour): Readonly<Record<string, Migration>> {
  return {
    '0001_initial': initialMigration(flavour),
    '0002_rule_catalogue': ruleCatalogueMigration(),
    '0003_counts': countsMigration(),
    '0004_recording': recordingMigration(flavour),
    '0005_access_requests': accessRequestsMigration(),
    '0006_count_occurrence': countOccurrenceMigration(),
    '0007_trial_reports': trialReportsMigration(),
    '0008_pending_deletes': pendingDeletesMigration(flavour),
    '0009_webhook_deliveries': webhookDeliveriesMigration(),
  };
}

/** Kysely's bookkeeping tables (names kept apart from ours). */
export const MIGRATION_TABLE = 'vigie_migrations';
export const MIGRATION_LOCK_TABLE = 'vigie_migrations_lock';

/** Brings the schema to the latest migration; returns the names it applied (none when already up to date). */
export async function migrateToLatest(db: Kysely<unknown>, flavour: SchemaFlavour): Promise<readonly string[]> {
  const migrations = storeMigrations(flavour);
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve({ ...migrations }) };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(flavour.migrationTableSchema === undefined ? {} : { migrationTableSchema: flavour.migrationTableSchema }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error');
    const message = error instanceof Error ? error.message : JSON.stringify(error);
    const hint = /missing/i.test(message) ? ' (the database was written by a newer Vigie: upgrade Vigie or use another data folder)' : '';
    const which = failed ? `migration ${failed.migrationName}` : 'migration';
    throw new StoreError('MIGRATION_FAILED', `database ${which} failed: ${message}${hint}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
