import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaFlavour } from '../dialect.js';

/**
 * The first schema: versioned config and its derived rows, events and their
 * actions, users and sessions. Column types are the portable subset (text,
 * integer, double precision); the one engine-specific detail (auto-numbered
 * keys) comes from `flavour`.
 */
export function initialMigration(flavour: SchemaFlavour): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(inList('role', ['operator', 'supervisor', 'dpo', 'admin'])))
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .execute();
      await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
      await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

      await db.schema
        .createTable('config_versions')
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.references('users.id'))
        .addColumn('comment', 'text')
        .addColumn('document', 'text', (c) => c.notNull())
        .execute();

      await createDerivedTables(db);
      await createEventTables(db, flavour);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['event_actions', 'events', 'rules', 'masks', 'lines', 'zones', 'cameras', 'config_versions', 'sessions', 'users']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}

async function createDerivedTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cameras')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('config_version', 'integer', (c) => c.notNull().references('config_versions.version'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('loop', 'integer', (c) => c.notNull())
    .addColumn('detect', 'text', (c) => c.notNull())
    .execute();

  const cameraChild = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn('camera_id', 'text', (c) => c.notNull().references('cameras.id').onDelete('cascade'))
      .addColumn('config_version', 'integer', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull());

  await cameraChild('zones')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('polygon', 'text', (c) => c.notNull())
    .addColumn('direction', 'text')
    .addPrimaryKeyConstraint('zones_pk', ['camera_id', 'id'])
    .execute();
  await cameraChild('lines')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('points', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('lines_pk', ['camera_id', 'id'])
    .execute();
  await cameraChild('masks')
    .addColumn('polygon', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('masks_pk', ['camera_id', 'position'])
    .execute();
  await cameraChild('rules')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('zone_id', 'text')
    .addColumn('line_id', 'text')
    .addColumn('definition', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rules_pk', ['camera_id', 'id'])
    .execute();
  await db.schema.createIndex('rules_type_idx').on('rules').column('type').execute();
}

async function createEventTables(db: Kysely<unknown>, flavour: SchemaFlavour): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('camera', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('severity_rank', 'integer', (c) => c.notNull())
    .addColumn('start_s', 'double precision', (c) => c.notNull())
    .addColumn('end_s', 'double precision')
    .addColumn('start_time', 'text', (c) => c.notNull())
    .addColumn('start_at', 'text', (c) => c.notNull())
    .addColumn('track_ids', 'text', (c) => c.notNull())
    .addColumn('classes', 'text', (c) => c.notNull())
    .addColumn('box', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('snapshot', 'text')
    .addColumn('clip_from', 'text')
    .addColumn('clip_to', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(inList('status', ['open', 'closed'])))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('qualification', 'text', (c) => c.check(inList('qualification', ['true_alert', 'false_alarm', 'duplicate'])))
    .addColumn('qualified_at', 'text')
    .addColumn('qualified_by', 'text')
    .addColumn('dispatched_at', 'text')
    .addColumn('dispatched_by', 'text')
    .execute();
  await db.schema.createIndex('events_camera_idx').on('events').column('camera').execute();
  await db.schema.createIndex('events_type_idx').on('events').column('type').execute();
  await db.schema.createIndex('events_start_idx').on('events').column('start_at').execute();
  await db.schema.createIndex('events_queue_idx').on('events').columns(['severity_rank desc', 'start_at desc', 'id']).execute();

  await db.schema
    .createTable('event_actions')
    .addColumn('id', flavour.serialType, (c) => flavour.serialPrimaryKey(c))
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(inList('kind', ['ack', 'qualify', 'dispatch', 'note'])))
    .addColumn('value', 'text')
    .addColumn('note', 'text')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_actions_event_idx').on('event_actions').columns(['event_id', 'created_at']).execute();
}

/** CHECK (column IN (...)) for a closed list of literal values (these lists are constants, never input). */
function inList(column: string, values: readonly string[]) {
  return sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}
