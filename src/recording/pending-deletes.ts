/**
 * The `pending_deletes` table: footage files whose deletion has begun. A
 * deletion is (1) `recordDeleteIntents`, (2) unlink the file, (3) remove the
 * rows that point at it and `forgetDeleteIntents` in ONE transaction. Whatever
 * moment a crash comes, start-up reconciliation finds either nothing to do or
 * an intent to finish, so an interrupted deletion is never mistaken for lost
 * footage, and footage is never lost without being reported.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

export type DeleteKind = 'segment' | 'snapshot';

/** One file to delete: `refId` is the segment id or the event id of a snapshot. */
export interface DeleteIntent {
  readonly refId: string;
  /** Relative to the recordings folder (segments) or the snapshots folder (snapshots). */
  readonly path: string;
}

export interface PendingDelete extends DeleteIntent {
  readonly kind: DeleteKind;
  readonly reason: string;
  readonly createdAt: string;
}

type Db = Kysely<Database> | Transaction<Database>;

/** SQLite's parameter limit is the binding one; 500 rows of 5 values stay well under it. */
const CHUNK = 100;

/** Writes the intents (one transaction); an intent already recorded is left as it is. */
export async function recordDeleteIntents(db: Kysely<Database>, kind: DeleteKind, items: readonly DeleteIntent[], reason: string, at: string): Promise<void> {
  if (items.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < items.length; i += CHUNK) {
      await trx
        .insertInto('pending_deletes')
        .values(items.slice(i, i + CHUNK).map((item) => ({ kind, ref_id: item.refId, path: item.path, reason, created_at: at })))
        .onConflict((oc) => oc.columns(['kind', 'ref_id']).doNothing())
        .execute();
    }
  });
}

/** Removes the intents of these items; call it inside the transaction that removes their rows. */
export async function forgetDeleteIntents(db: Db, kind: DeleteKind, refIds: readonly string[]): Promise<void> {
  for (let i = 0; i < refIds.length; i += 500) {
    await db.deleteFrom('pending_deletes').where('kind', '=', kind).where('ref_id', 'in', refIds.slice(i, i + 500)).execute();
  }
}

/** Deletions of this kind begun and not finished, oldest first. */
export async function listDeleteIntents(db: Db, kind: DeleteKind): Promise<readonly PendingDelete[]> {
  const rows = await db.selectFrom('pending_deletes').selectAll().where('kind', '=', kind).orderBy('id').execute();
  return rows.map((r) => ({ kind, refId: r.ref_id, path: r.path, reason: r.reason, createdAt: r.created_at }));
}
