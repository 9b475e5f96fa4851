/**
 * What the metrics read at scrape time, as narrow ports (built by the runtime,
 * or by tests), and one consistent snapshot of them per scrape.
 */
import { stat } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';
import type { FrameSourceStats } from '../media/frame-source-types.js';
import type { CameraHealth } from '../pipeline/health.js';
import type { DropReason } from '../pipeline/supervisor.js';
import type { RecorderStatus } from '../recording/index.js';
import type { Database } from '../store/schema.js';
import type { DetectorPoolStats } from '../vision/detect/pool.js';

export interface MetricsSources {
  cameras(): readonly CameraHealth[];
  /** The running frame source's counters of a camera; null between runs. */
  sourceStats(cameraId: string): FrameSourceStats | null;
  /** Frames the camera's supervisor did not analyse, by reason; null without a supervisor (disabled camera). */
  dropCounts(cameraId: string): Readonly<Record<DropReason, number>> | null;
  detector(): DetectorPoolStats | null;
  recorders(): readonly RecorderStatus[];
  liveClients(): number;
  /** Console WebSockets cut off because they could not keep up. */
  liveSlowClientsDisconnected(): number;
  /** Folders whose filesystem's free space is exported, by label (`recordings`, `data`). */
  readonly folders: readonly { readonly name: string; readonly path: string }[];
  freeSpace(dir: string): Promise<number>;
  /** Indexed segments and their bytes, by camera. */
  segmentTotals(): Promise<ReadonlyMap<string, { readonly segments: number; readonly bytes: number }>>;
  /** The SQLite file (its `-wal` is added); null for another database. */
  readonly databaseFile: string | null;
  /** An API node's intake of the event stream (docs/SCALE-OUT.md); absent or null on a single box. */
  eventStream?(): { readonly consumed: number; readonly fenced: number; readonly redelivered: number; readonly failed: number } | null;
}

export interface ScrapeSnapshot {
  readonly atMs: number;
  readonly cameras: readonly CameraHealth[];
  readonly sources: ReadonlyMap<string, FrameSourceStats>;
  readonly drops: ReadonlyMap<string, Readonly<Record<DropReason, number>>>;
  readonly detector: DetectorPoolStats | null;
  readonly recorders: readonly RecorderStatus[];
  /** Free bytes by folder label; a folder that could not be read is left out. */
  readonly freeBytes: ReadonlyMap<string, number>;
  readonly segments: ReadonlyMap<string, { readonly segments: number; readonly bytes: number }>;
  readonly databaseBytes: number | null;
  readonly liveClients: number;
  readonly liveSlowClientsDisconnected: number;
}

/** Segments and bytes per camera, from the index (one grouped query). */
export function segmentTotalsOf(db: Kysely<Database>): MetricsSources['segmentTotals'] {
  return async () => {
    const rows = await db
      .selectFrom('segments')
      .select('camera_id')
      .select((eb) => [eb.fn.countAll<number>().as('segments'), eb.fn.sum<number>('bytes').as('bytes')])
      .groupBy('camera_id')
      .execute();
    return new Map(rows.map((r) => [r.camera_id, { segments: Number(r.segments), bytes: Number(r.bytes) }]));
  };
}

async function fileBytes(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0; // no WAL file right after a checkpoint
  }
}

/** Reads every source once; a failing part is left out of this scrape rather than failing it. */
export async function takeSnapshot(sources: MetricsSources, now: number): Promise<ScrapeSnapshot> {
  const cameras = sources.cameras();
  const sourceStats = new Map<string, FrameSourceStats>();
  const drops = new Map<string, Readonly<Record<DropReason, number>>>();
  for (const c of cameras) {
    const s = sources.sourceStats(c.camera);
    if (s) sourceStats.set(c.camera, s);
    const d = sources.dropCounts(c.camera);
    if (d) drops.set(c.camera, d);
  }
  const freeBytes = new Map<string, number>();
  await Promise.all(
    sources.folders.map(async (f) => {
      const bytes = await sources.freeSpace(f.path).catch(() => null);
      if (bytes !== null) freeBytes.set(f.name, bytes);
    }),
  );
  const segments = await sources.segmentTotals().catch(() => new Map<string, { segments: number; bytes: number }>());
  const databaseBytes = sources.databaseFile === null ? null : (await fileBytes(sources.databaseFile)) + (await fileBytes(`${sources.databaseFile}-wal`));
  return {
    atMs: now,
    cameras,
    sources: sourceStats,
    drops,
    detector: sources.detector(),
    recorders: sources.recorders(),
    freeBytes,
    segments,
    databaseBytes,
    liveClients: sources.liveClients(),
    liveSlowClientsDisconnected: sources.liveSlowClientsDisconnected(),
  };
}

/** A trivial query: proves the database answers (GET /api/health). */
export function databasePing(db: Kysely<Database>): () => Promise<void> {
  return async () => {
    await sql`select 1`.execute(db);
  };
}
