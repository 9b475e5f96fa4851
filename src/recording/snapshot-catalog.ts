/**
 * Event snapshots (`<data>/snapshots/<event id>.jpg`) as the events table
 * references them (the `events.snapshot` column), with their pending deletions.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { forgetDeleteIntents, listDeleteIntents, recordDeleteIntents, type DeleteIntent, type PendingDelete } from './pending-deletes.js';
import type { SnapshotRef } from './retention.js';

export interface SnapshotCatalog {
  /** Events with a snapshot reference that started before `before` (ISO). */
  referencedBefore(before: string): Promise<readonly SnapshotRef[]>;
  /** Ids of every event whose row references its snapshot. */
  referencedIds(): Promise<ReadonlySet<string>>;
  /** Clears the snapshot reference of these events and their delete intents, in one transaction; returns how many changed. */
  clear(eventIds: readonly string[]): Promise<number>;
  /** Records that these snapshots are about to be deleted (before the unlink: see pending-deletes.ts); `refId` is the event id. */
  intendDelete(items: readonly DeleteIntent[], reason: string, at: string): Promise<void>;
  /** Forgets intents whose file could not be deleted: the reference stays. */
  cancelDelete(eventIds: readonly string[]): Promise<void>;
  /** Snapshot deletions begun and not finished. */
  pendingDeletes(): Promise<readonly PendingDelete[]>;
}

/** Event ids are the snapshot file names; anything else could walk out of the folder. */
export const SAFE_EVENT_ID = /^[A-Za-z0-9_-]+$/;

/** The file name of an event's snapshot, relative to the snapshots folder; null for an id that is not a safe file name. */
export function snapshotFileName(eventId: string): string | null {
  return SAFE_EVENT_ID.test(eventId) ? `${eventId}.jpg` : null;
}

/** The catalogue over the events table: the event rows stay, only their snapshot reference goes. */
export function createSnapshotCatalog(db: Kysely<Database>): SnapshotCatalog {
  return {
    async referencedBefore(before) {
      const rows = await db.selectFrom('events').select(['id', 'camera', 'start_at']).where('snapshot', 'is not', null).where('start_at', '<', before).orderBy('start_at').execute();
      return rows.map((r) => ({ eventId: r.id, camera: r.camera, time: r.start_at }));
    },
    async referencedIds() {
      const rows = await db.selectFrom('events').select('id').where('snapshot', 'is not', null).execute();
      return new Set(rows.map((r) => r.id));
    },
    async clear(eventIds) {
      if (eventIds.length === 0) return 0;
      return db.transaction().execute(async (trx) => {
        let changed = 0;
        for (let i = 0; i < eventIds.length; i += 500) {
          const result = await trx.updateTable('events').set({ snapshot: null }).where('id', 'in', eventIds.slice(i, i + 500)).executeTakeFirst();
          changed += Number(result.numUpdatedRows);
        }
        await forgetDeleteIntents(trx, 'snapshot', eventIds);
        return changed;
      });
    },
    intendDelete: (items, reason, at) => recordDeleteIntents(db, 'snapshot', items, reason, at),
    cancelDelete: (eventIds) => forgetDeleteIntents(db, 'snapshot', eventIds),
    pendingDeletes: () => listDeleteIntents(db, 'snapshot'),
  };
}
