import type { Kysely, Selectable } from 'kysely';
import type { Database, RecordingGapsTable, SegmentsTable } from '../store/schema.js';
import { normaliseIso } from '../store/time.js';
import { forgetDeleteIntents, listDeleteIntents, recordDeleteIntents, type DeleteIntent, type PendingDelete } from './pending-deletes.js';

/** One recorded segment file, as the index knows it. */
export interface Segment {
  readonly id: string;
  readonly camera: string;
  /** ISO 8601 UTC of the segment's first and last instant. */
  readonly start: string;
  readonly end: string;
  readonly durationS: number;
  readonly bytes: number;
  /** Hex SHA-256 of the file as it was closed. */
  readonly sha256: string;
  /** Relative to the recordings folder. */
  readonly path: string;
  readonly createdAt: string;
}

/** A span a camera did not record, and why (`stream_down`, `disk_full`, `vigie_stopped`, `lost_on_crash`, ...). */
export interface RecordingGap {
  readonly camera: string;
  readonly start: string;
  readonly end: string;
  readonly reason: string;
}

export interface SegmentQuery {
  readonly camera?: string;
  /** Segments overlapping [from, to). */
  readonly from?: string;
  readonly to?: string;
  /** Segments that ended before this time (retention). */
  readonly endedBefore?: string;
  /** Oldest first (default) or newest first. */
  readonly order?: 'oldest' | 'newest';
  readonly limit?: number;
}

/** The database index of recorded segments and gaps (the files live in the recordings folder). */
export interface SegmentIndex {
  add(segment: Segment): Promise<void>;
  list(query?: SegmentQuery): Promise<readonly Segment[]>;
  get(id: string): Promise<Segment | null>;
  /** Removes index rows and their delete intents, in one transaction (the caller deletes the files); returns how many rows existed. */
  remove(ids: readonly string[]): Promise<number>;
  addGap(gap: RecordingGap): Promise<void>;
  gaps(query: { readonly camera: string; readonly from?: string; readonly to?: string }): Promise<readonly RecordingGap[]>;
  /** Total bytes indexed, per camera. */
  usage(): Promise<ReadonlyMap<string, number>>;
}

/** Deleting segment files safely (see pending-deletes.ts): the intent first, then the unlink, then `remove`. */
export interface SegmentDeletions {
  /** Records that these segments' files are about to be deleted (before the unlink). */
  intendDelete(items: readonly DeleteIntent[], reason: string, at: string): Promise<void>;
  /** Forgets intents whose file could not be deleted: the segment stays indexed. */
  cancelDelete(ids: readonly string[]): Promise<void>;
  /** Segment deletions begun and not finished (a crash came in between). */
  pendingDeletes(): Promise<readonly PendingDelete[]>;
}

const toSegment = (r: Selectable<SegmentsTable>): Segment => ({
  id: r.id,
  camera: r.camera_id,
  start: r.start_at,
  end: r.end_at,
  durationS: r.duration_s,
  bytes: r.bytes,
  sha256: r.sha256,
  path: r.path,
  createdAt: r.created_at,
});

const toGap = (r: Selectable<RecordingGapsTable>): RecordingGap => ({ camera: r.camera_id, start: r.start_at, end: r.end_at, reason: r.reason });

export function createSegmentIndex(db: Kysely<Database>): SegmentIndex & SegmentDeletions {
  return {
    async add(s) {
      await db
        .insertInto('segments')
        .values({
          id: s.id,
          camera_id: s.camera,
          start_at: normaliseIso(s.start, 'segment start'),
          end_at: normaliseIso(s.end, 'segment end'),
          duration_s: s.durationS,
          bytes: s.bytes,
          sha256: s.sha256,
          path: s.path,
          created_at: normaliseIso(s.createdAt, 'segment createdAt'),
        })
        .execute();
    },
    async list(query = {}) {
      let q = db.selectFrom('segments').selectAll();
      if (query.camera !== undefined) q = q.where('camera_id', '=', query.camera);
      if (query.from !== undefined) q = q.where('end_at', '>', normaliseIso(query.from, 'from'));
      if (query.to !== undefined) q = q.where('start_at', '<', normaliseIso(query.to, 'to'));
      if (query.endedBefore !== undefined) q = q.where('end_at', '<', normaliseIso(query.endedBefore, 'endedBefore'));
      q = q.orderBy('start_at', query.order === 'newest' ? 'desc' : 'asc').orderBy('id');
      if (query.limit !== undefined) q = q.limit(query.limit);
      return (await q.execute()).map(toSegment);
    },
    async get(id) {
      const row = await db.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toSegment(row) : null;
    },
    async remove(ids) {
      if (ids.length === 0) return 0;
      return db.transaction().execute(async (trx) => {
        let removed = 0;
        // Chunks keep each statement under SQLite's parameter limit.
        for (let i = 0; i < ids.length; i += 500) {
          const result = await trx.deleteFrom('segments').where('id', 'in', ids.slice(i, i + 500)).executeTakeFirst();
          removed += Number(result.numDeletedRows);
        }
        await forgetDeleteIntents(trx, 'segment', ids);
        return removed;
      });
    },
    intendDelete: (items, reason, at) => recordDeleteIntents(db, 'segment', items, reason, normaliseIso(at, 'delete intent time')),
    cancelDelete: (ids) => forgetDeleteIntents(db, 'segment', ids),
    pendingDeletes: () => listDeleteIntents(db, 'segment'),
    async addGap(g) {
      await db
        .insertInto('recording_gaps')
        .values({ camera_id: g.camera, start_at: normaliseIso(g.start, 'gap start'), end_at: normaliseIso(g.end, 'gap end'), reason: g.reason })
        .execute();
    },
    async gaps(query) {
      let q = db.selectFrom('recording_gaps').selectAll().where('camera_id', '=', query.camera);
      if (query.from !== undefined) q = q.where('end_at', '>', normaliseIso(query.from, 'from'));
      if (query.to !== undefined) q = q.where('start_at', '<', normaliseIso(query.to, 'to'));
      return (await q.orderBy('start_at').execute()).map(toGap);
    },
    async usage() {
      const rows = await db.selectFrom('segments').select(['camera_id']).select((eb) => eb.fn.sum<number>('bytes').as('bytes')).groupBy('camera_id').execute();
      return new Map(rows.map((r) => [r.camera_id, Number(r.bytes)]));
    },
  };
}
