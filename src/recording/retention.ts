/**
 * Retention under the law, as pure planning: given what is stored (segments,
 * event snapshots), the legal holds and the clock, decide what must go. Nothing
 * here touches a file or the database; `retention-run.ts` gathers the inputs,
 * executes the plan and audits it.
 *
 * - A segment expires when its END is older than `now - retention_days` of its
 *   camera (a segment is kept as long as its newest image may be kept).
 * - An event snapshot expires when the event's start time is older than the
 *   same limit. The event row itself stays (metadata without images: the
 *   statistics need it); only its snapshot reference is cleared.
 * - Anything overlapped by an ACTIVE hold of its camera is kept, whatever its age.
 * - Disk pressure: below `min_free_mb`, the oldest unheld segments of any age go
 *   first until enough is free; held footage is never deleted to make room, and
 *   when deleting every unheld segment cannot free enough, the plan says so.
 */
import { cameraRecordingSchema, MAX_RETENTION_DAYS } from '../config/schema.js';

/** Days footage is kept when a camera does not say (the law's usual period). */
export const DEFAULT_RETENTION_DAYS: number = cameraRecordingSchema.parse({}).retention_days;
const DAY_MS = 86_400_000;
const MIB = 1024 * 1024;

/** What the plan needs of a segment (the index's `Segment` has all of it). */
export interface SegmentRef {
  readonly id: string;
  readonly camera: string;
  /** ISO 8601 UTC. */
  readonly start: string;
  readonly end: string;
  readonly bytes: number;
  /** Relative to the recordings folder. */
  readonly path: string;
}

/** An event whose snapshot (`<data>/snapshots/<eventId>.jpg`) is still referenced. */
export interface SnapshotRef {
  readonly eventId: string;
  readonly camera: string;
  /** The event's start time, ISO 8601 UTC. */
  readonly time: string;
}

/** What the plan needs of a legal hold (the hold repository's `LegalHold` has all of it). */
export interface HoldRef {
  readonly id: string;
  readonly cameras: readonly string[];
  /** Footage overlapping [from, to) is held. */
  readonly from: string;
  readonly to: string;
  /** The hold lapses at this time; null = until released. */
  readonly until: string | null;
  readonly releasedAt: string | null;
}

/** True while a hold protects footage: not released and its end date not reached. */
export function isHoldActive(hold: HoldRef, nowMs: number): boolean {
  if (hold.releasedAt !== null) return false;
  return hold.until === null || Date.parse(hold.until) > nowMs;
}

/** Ids of the active holds of `camera` whose range overlaps [start, end] (a point when start = end). */
export function holdsCovering(holds: readonly HoldRef[], camera: string, start: string, end: string): string[] {
  const s = Date.parse(start);
  const e = Date.parse(end);
  const ids: string[] = [];
  for (const h of holds) {
    if (!h.cameras.includes(camera)) continue;
    const from = Date.parse(h.from);
    const to = Date.parse(h.to);
    // [start, end] against [from, to): a point inside, or a span with any instant inside.
    const overlaps = s === e ? s >= from && s < to : s < to && e > from;
    if (overlaps) ids.push(h.id);
  }
  return ids;
}

export interface RetentionInput {
  /** The time the plan is made for (ms since epoch). */
  readonly now: number;
  readonly segments: readonly SegmentRef[];
  readonly snapshots: readonly SnapshotRef[];
  /** Every hold not yet released; the plan decides which are active at `now`. */
  readonly holds: readonly HoldRef[];
  /** Retention per camera id; cameras missing here (removed from the config) get `defaultDays`. */
  readonly retentionDays: ReadonlyMap<string, number>;
  readonly defaultDays?: number;
}

export interface HeldItem<T> {
  readonly item: T;
  readonly holdIds: readonly string[];
}

export interface RetentionPlan {
  /** ISO time the plan was made for. */
  readonly now: string;
  /** Expired and unheld: delete (file, then index row). Oldest end first. */
  readonly segments: readonly SegmentRef[];
  /** Expired but under an active hold: kept. */
  readonly heldSegments: readonly HeldItem<SegmentRef>[];
  /** Expired and unheld: delete the JPEG and clear the event's snapshot reference. */
  readonly snapshots: readonly SnapshotRef[];
  readonly heldSnapshots: readonly HeldItem<SnapshotRef>[];
  /** Bytes the segments to delete take, as indexed. */
  readonly bytes: number;
}

/** The retention limit of a camera: refuses a value the law forbids, whatever the caller passed. */
export function retentionDaysOf(camera: string, retentionDays: ReadonlyMap<string, number>, defaultDays = DEFAULT_RETENTION_DAYS): number {
  const days = retentionDays.get(camera) ?? defaultDays;
  if (!(days > 0) || days > MAX_RETENTION_DAYS) {
    throw new RangeError(`camera ${camera}: retention of ${days} days is not allowed: the law allows at most ${MAX_RETENTION_DAYS} days (the usual is ${DEFAULT_RETENTION_DAYS}); fix recording.retention_days in the configuration`);
  }
  return days;
}

/** The instant before which footage of a camera has expired (ISO). */
export function expiryCutoff(nowMs: number, days: number): string {
  return new Date(nowMs - days * DAY_MS).toISOString();
}

/** What retention deletes at `now`: expired segments and snapshots not covered by an active hold. */
export function planRetention(input: RetentionInput): RetentionPlan {
  const active = input.holds.filter((h) => isHoldActive(h, input.now));
  const cutoffs = new Map<string, number>();
  const cutoffOf = (camera: string): number => {
    let cutoff = cutoffs.get(camera);
    if (cutoff === undefined) {
      cutoff = input.now - retentionDaysOf(camera, input.retentionDays, input.defaultDays) * DAY_MS;
      cutoffs.set(camera, cutoff);
    }
    return cutoff;
  };

  const segments: SegmentRef[] = [];
  const heldSegments: HeldItem<SegmentRef>[] = [];
  for (const segment of input.segments) {
    if (!(Date.parse(segment.end) < cutoffOf(segment.camera))) continue;
    const holdIds = holdsCovering(active, segment.camera, segment.start, segment.end);
    if (holdIds.length > 0) heldSegments.push({ item: segment, holdIds });
    else segments.push(segment);
  }
  segments.sort(oldestFirst);

  const snapshots: SnapshotRef[] = [];
  const heldSnapshots: HeldItem<SnapshotRef>[] = [];
  for (const snapshot of input.snapshots) {
    if (!(Date.parse(snapshot.time) < cutoffOf(snapshot.camera))) continue;
    const holdIds = holdsCovering(active, snapshot.camera, snapshot.time, snapshot.time);
    if (holdIds.length > 0) heldSnapshots.push({ item: snapshot, holdIds });
    else snapshots.push(snapshot);
  }

  return { now: new Date(input.now).toISOString(), segments, heldSegments, snapshots, heldSnapshots, bytes: sumBytes(segments) };
}

export interface DiskPressureInput {
  readonly now: number;
  /** Free bytes on the recordings disk now (after the retention deletions, when they ran). */
  readonly freeBytes: number;
  /** `recording.min_free_mb` of the configuration. */
  readonly minFreeMb: number;
  /** Every indexed segment still present (any age). */
  readonly segments: readonly SegmentRef[];
  readonly holds: readonly HoldRef[];
}

export interface DiskPressurePlan {
  /** Bytes that must be freed to get back above the threshold (0: no pressure). */
  readonly neededBytes: number;
  /** Oldest unheld segments first, just enough to free `neededBytes` (all unheld when that is not enough). */
  readonly segments: readonly SegmentRef[];
  readonly bytes: number;
  /** Bytes of footage kept because a hold covers it. */
  readonly heldBytes: number;
  /**
   * Set whenever the disk is below the threshold: `warning` when deleting the
   * chosen segments is enough (footage younger than its retention is lost),
   * `critical` when even every unheld segment is not.
   */
  readonly alert: DiskAlert | null;
}

export interface DiskAlert {
  readonly level: 'warning' | 'critical';
  readonly message: string;
}

/** Below `min_free_mb` of free space: which unheld segments to delete, oldest first. Held footage never. */
export function planDiskPressure(input: DiskPressureInput): DiskPressurePlan {
  const minFree = input.minFreeMb * MIB;
  const neededBytes = Math.max(0, minFree - input.freeBytes);
  if (neededBytes === 0) return { neededBytes: 0, segments: [], bytes: 0, heldBytes: 0, alert: null };

  const active = input.holds.filter((h) => isHoldActive(h, input.now));
  const unheld: SegmentRef[] = [];
  let heldBytes = 0;
  for (const segment of input.segments) {
    if (holdsCovering(active, segment.camera, segment.start, segment.end).length > 0) heldBytes += segment.bytes;
    else unheld.push(segment);
  }
  unheld.sort(oldestFirst);

  const chosen: SegmentRef[] = [];
  let bytes = 0;
  for (const segment of unheld) {
    if (bytes >= neededBytes) break;
    chosen.push(segment);
    bytes += segment.bytes;
  }
  const below = `${mib(input.freeBytes)} MiB free on the recordings disk, below recording.min_free_mb (${input.minFreeMb} MiB)`;
  const alert: DiskAlert =
    bytes >= neededBytes
      ? {
          level: 'warning',
          message: `disk pressure: ${below}; deleting the ${chosen.length} oldest unheld segment(s) (${mib(bytes)} MiB) before their retention ends: free space on the disk or give the recordings a larger disk`,
        }
      : {
          level: 'critical',
          message:
            `disk pressure: ${below}; ` +
            `deleting every unheld segment frees only ${mib(bytes)} MiB and ${mib(heldBytes)} MiB of footage is under legal hold (never deleted): ` +
            'free space on the disk, give the recordings a larger disk, or lower recording.min_free_mb',
        };
  return { neededBytes, segments: chosen, bytes, heldBytes, alert };
}

function oldestFirst(a: SegmentRef, b: SegmentRef): number {
  const byEnd = Date.parse(a.end) - Date.parse(b.end);
  if (byEnd !== 0) return byEnd;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const sumBytes = (segments: readonly SegmentRef[]): number => segments.reduce((n, s) => n + s.bytes, 0);
const mib = (bytes: number): string => (bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0);
