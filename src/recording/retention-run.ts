/**
 * Executes retention: gathers what is stored, plans with `retention.ts`, deletes
 * files and their references together, and writes one `retention.run` summary
 * to the audit log.
 *
 * Order of a deletion (pending-deletes.ts): the INTENT is committed first, then
 * the file is unlinked, then its index row (or the event's snapshot reference)
 * and the intent are removed in one transaction. A crash anywhere in between
 * leaves the intent, and start-up reconciliation finishes the deletion; it is
 * never reported as lost footage, and no footage outlives its retention unknown
 * to the database. A crash before the intent leaves everything as it was, for
 * the next run.
 */
import { statfs, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import type { VigieConfig } from '../config/schema.js';
import type { AuditRepository } from '../store/audit-repository.js';
import { SYSTEM_ACTOR } from '../store/audit-repository.js';
import type { HoldRepository } from '../store/hold-repository.js';
import type { DeleteIntent } from './pending-deletes.js';
import type { SegmentDeletions, SegmentIndex } from './segment-index.js';
import { snapshotFileName, type SnapshotCatalog } from './snapshot-catalog.js';
import { expiryCutoff, planDiskPressure, planRetention, retentionDaysOf, DEFAULT_RETENTION_DAYS, type DiskAlert, type RetentionPlan, type SegmentRef, type SnapshotRef } from './retention.js';

export { createSnapshotCatalog, type SnapshotCatalog } from './snapshot-catalog.js';

/** What a run reads and writes, behind narrow ports. */
export interface RetentionDeps {
  readonly segments: Pick<SegmentIndex, 'list' | 'remove'> & SegmentDeletions;
  readonly holds: Pick<HoldRepository, 'list'>;
  readonly snapshots: SnapshotCatalog;
  readonly audit: Pick<AuditRepository, 'append'>;
  /** The configuration in force (read at each run: retention may have changed). */
  config(): Promise<VigieConfig>;
  /** `<data>/recordings`: segment paths are relative to it. */
  readonly recordingsDir: string;
  /** `<data>/snapshots`: `<event id>.jpg`. */
  readonly snapshotDir: string;
  /** Free bytes on the recordings disk; default statfs. */
  readonly freeBytes?: (dir: string) => Promise<number>;
  /** Deletes a file; default fs unlink (tests inject failures). */
  readonly unlink?: (path: string) => Promise<void>;
  /** Wall clock (ms); default Date.now. */
  readonly now?: () => number;
}

export interface RetentionRunOptions {
  /** Plan and report, delete nothing. */
  readonly dryRun?: boolean;
  /** Plan for this time instead of the clock's (ms). */
  readonly now?: number;
  /** Audit actor: a user id, or 'system' (default). */
  readonly actor?: string;
  /** Where the run came from, kept in the audit entry: `schedule`, `cli`, `api`. */
  readonly trigger?: string;
  /** A dry run that writes no audit entry (the console's preview); ignored unless `dryRun`. */
  readonly preview?: boolean;
}

export interface RetentionSummary {
  readonly now: string;
  readonly dryRun: boolean;
  /** Expired segments deleted (or that would be, on a dry run). */
  readonly segmentsDeleted: number;
  /** Segments deleted under disk pressure, before their retention ended. */
  readonly pressureSegmentsDeleted: number;
  readonly snapshotsDeleted: number;
  readonly bytesFreed: number;
  /** Expired segments and snapshots kept because a legal hold covers them. */
  readonly heldSegmentsKept: number;
  readonly heldSnapshotsKept: number;
  /** Files that were already gone (their rows were removed all the same). */
  readonly missingFiles: number;
  /** Files that could not be deleted (kept indexed, retried next run), one line each. */
  readonly errors: readonly string[];
  readonly freeBytes: number | null;
  readonly alert: DiskAlert | null;
  /** The retention plan itself (lists of what went, and what holds kept). */
  readonly plan: RetentionPlan;
  readonly pressure: readonly SegmentRef[];
}

const CHUNK = 100;

/** How one kind of footage file is found and deleted (segments, snapshots). */
interface DeletionTarget<T> {
  id(item: T): string;
  /** The file, or null when its recorded path would leave its folder. */
  file(item: T): { readonly id: string; readonly relative: string; readonly absolute: string } | null;
  what(item: T): string;
  intendDelete(items: readonly DeleteIntent[], reason: string, at: string): Promise<void>;
  cancelDelete(ids: readonly string[]): Promise<void>;
  /** Removes the rows (or references) and the intents, in one transaction. */
  complete(ids: readonly string[]): Promise<number>;
}

/** One retention run: expiry, then disk pressure, then one audit entry. */
export async function runRetention(deps: RetentionDeps, options: RetentionRunOptions = {}): Promise<RetentionSummary> {
  const nowMs = options.now ?? (deps.now ?? Date.now)();
  const dryRun = options.dryRun === true;
  const config = await deps.config();
  const retentionDays = new Map(config.cameras.map((c) => [c.id, c.recording.retention_days]));
  // Candidates: anything older than the shortest retention in force; the plan applies each camera's own.
  const shortest = Math.min(DEFAULT_RETENTION_DAYS, ...[...retentionDays.keys()].map((id) => retentionDaysOf(id, retentionDays)));
  const before = expiryCutoff(nowMs, shortest);
  const holds = await deps.holds.list();
  const plan = planRetention({
    now: nowMs,
    segments: await deps.segments.list({ endedBefore: before, order: 'oldest' }),
    snapshots: await deps.snapshots.referencedBefore(before),
    holds,
    retentionDays,
  });

  const removeFile = deps.unlink ?? ((path: string) => unlink(path));
  const errors: string[] = [];
  let missingFiles = 0;
  let bytesFreed = 0;

  /**
   * Deletes the files of a batch: intents, unlinks, then rows and intents together.
   * Returns the items now gone and those whose file was already missing.
   */
  const deleteFiles = async <T>(items: readonly T[], target: DeletionTarget<T>, reason: string): Promise<{ done: T[]; missing: Set<T> }> => {
    const planned: { item: T; id: string; relative: string; absolute: string }[] = [];
    for (const item of items) {
      const file = target.file(item);
      if (file === null) errors.push(`${target.what(item)}: its path would leave its folder, not deleted (correct that row in the database by hand)`);
      else planned.push({ item, ...file });
    }
    await target.intendDelete(planned.map((p): DeleteIntent => ({ refId: p.id, path: p.relative })), reason, new Date((deps.now ?? Date.now)()).toISOString());
    const done: T[] = [];
    const failed: string[] = [];
    const missing = new Set<T>();
    for (const p of planned) {
      try {
        await removeFile(p.absolute);
        done.push(p.item);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          missingFiles += 1;
          missing.add(p.item);
          done.push(p.item);
        } else {
          failed.push(p.id);
          errors.push(`${target.what(p.item)}: ${code ?? String(err)} deleting ${p.absolute}; kept in the index, retried next run`);
        }
      }
    }
    await target.cancelDelete(failed);
    await target.complete(done.map((item) => target.id(item)));
    return { done, missing };
  };

  const segmentTarget: DeletionTarget<SegmentRef> = {
    id: (s) => s.id,
    file: (s) => {
      const absolute = insideFolder(deps.recordingsDir, s.path);
      return absolute === null ? null : { id: s.id, relative: s.path, absolute };
    },
    what: (s) => `segment ${s.id} of camera ${s.camera}`,
    intendDelete: (items, reason, at) => deps.segments.intendDelete(items, reason, at),
    cancelDelete: (ids) => deps.segments.cancelDelete(ids),
    complete: (ids) => deps.segments.remove(ids),
  };
  const snapshotTarget: DeletionTarget<SnapshotRef> = {
    id: (s) => s.eventId,
    file: (s) => {
      const name = snapshotFileName(s.eventId);
      return name === null ? null : { id: s.eventId, relative: name, absolute: join(deps.snapshotDir, name) };
    },
    what: (s) => `snapshot of event ${s.eventId}`,
    intendDelete: (items, reason, at) => deps.snapshots.intendDelete(items, reason, at),
    cancelDelete: (ids) => deps.snapshots.cancelDelete(ids),
    complete: (ids) => deps.snapshots.clear(ids),
  };

  const deleteSegments = async (segments: readonly SegmentRef[], reason: string): Promise<number> => {
    let deleted = 0;
    for (let i = 0; i < segments.length; i += CHUNK) {
      const { done, missing } = await deleteFiles(segments.slice(i, i + CHUNK), segmentTarget, reason);
      deleted += done.length;
      bytesFreed += done.reduce((n, s) => n + (missing.has(s) ? 0 : s.bytes), 0);
    }
    return deleted;
  };

  let segmentsDeleted = plan.segments.length;
  let snapshotsDeleted = plan.snapshots.length;
  if (!dryRun) {
    segmentsDeleted = await deleteSegments(plan.segments, 'retention');
    snapshotsDeleted = 0;
    for (let i = 0; i < plan.snapshots.length; i += CHUNK) {
      const { done } = await deleteFiles(plan.snapshots.slice(i, i + CHUNK), snapshotTarget, 'retention');
      snapshotsDeleted += done.length;
    }
  } else {
    bytesFreed = plan.bytes;
  }

  // Disk pressure, measured after the expiry (estimated on a dry run).
  const freeOf = deps.freeBytes ?? diskFreeBytes;
  let freeBytes: number | null = null;
  let alert: DiskAlert | null = null;
  let pressure: readonly SegmentRef[] = [];
  let pressureSegmentsDeleted = 0;
  try {
    freeBytes = (await freeOf(deps.recordingsDir)) + (dryRun ? plan.bytes : 0);
  } catch (err) {
    errors.push(`free space of ${deps.recordingsDir} unknown (${(err as NodeJS.ErrnoException).code ?? String(err)}): disk pressure not checked`);
  }
  if (freeBytes !== null && freeBytes < config.recording.min_free_mb * 1024 * 1024) {
    const gone = new Set(plan.segments.map((s) => s.id));
    const remaining = (await deps.segments.list({ order: 'oldest' })).filter((s) => !gone.has(s.id));
    const pressurePlan = planDiskPressure({ now: nowMs, freeBytes, minFreeMb: config.recording.min_free_mb, segments: remaining, holds });
    pressure = pressurePlan.segments;
    alert = pressurePlan.alert;
    if (dryRun) {
      pressureSegmentsDeleted = pressure.length;
      bytesFreed += pressurePlan.bytes;
    } else {
      pressureSegmentsDeleted = await deleteSegments(pressure, 'disk_pressure');
    }
  }

  const summary: RetentionSummary = {
    now: plan.now,
    dryRun,
    segmentsDeleted,
    pressureSegmentsDeleted,
    snapshotsDeleted,
    bytesFreed,
    heldSegmentsKept: plan.heldSegments.length,
    heldSnapshotsKept: plan.heldSnapshots.length,
    missingFiles,
    errors,
    freeBytes,
    alert,
    plan,
    pressure,
  };
  if (dryRun && options.preview === true) return summary;
  await deps.audit.append({
    actor: options.actor ?? SYSTEM_ACTOR,
    action: 'retention.run',
    target: null,
    details: {
      now: plan.now,
      dry_run: dryRun,
      trigger: options.trigger ?? 'schedule',
      segments_deleted: segmentsDeleted,
      pressure_segments_deleted: pressureSegmentsDeleted,
      snapshots_deleted: snapshotsDeleted,
      bytes_freed: bytesFreed,
      held_segments_kept: summary.heldSegmentsKept,
      held_snapshots_kept: summary.heldSnapshotsKept,
      missing_files: missingFiles,
      errors: errors.length,
      alert: alert ? `${alert.level}: ${alert.message}` : null,
    },
  });
  return summary;
}

/** Lines for a person: what the run did (or would do), holds kept, alerts, errors. */
export function formatRetentionSummary(s: RetentionSummary, options: { readonly items?: boolean; readonly max?: number } = {}): string[] {
  const verb = s.dryRun ? 'would delete' : 'deleted';
  const lines = [
    `retention at ${s.now}${s.dryRun ? ' (dry run: nothing deleted)' : ''}:`,
    `  ${verb} ${s.segmentsDeleted} expired segment(s) and ${s.snapshotsDeleted} snapshot(s), ${formatBytes(s.bytesFreed)} in all`,
    `  kept under legal hold: ${s.heldSegmentsKept} expired segment(s), ${s.heldSnapshotsKept} snapshot(s)`,
  ];
  if (s.pressureSegmentsDeleted > 0) lines.push(`  disk pressure: ${verb} ${s.pressureSegmentsDeleted} more segment(s), oldest unheld first`);
  if (s.missingFiles > 0) lines.push(`  ${s.missingFiles} file(s) were already gone: their index entries were removed`);
  if (s.freeBytes !== null) lines.push(`  free on the recordings disk: ${formatBytes(s.freeBytes)}${s.dryRun ? ' (estimated after the deletions)' : ''}`);
  if (s.alert) lines.push(`  ALERT (${s.alert.level}): ${s.alert.message}`);
  for (const e of s.errors) lines.push(`  error: ${e}`);
  if (options.items) {
    const list = <T>(title: string, items: readonly T[], line: (item: T) => string): void => {
      if (items.length === 0) return;
      lines.push(`  ${title}:`);
      for (const item of items.slice(0, options.max ?? 50)) lines.push(`    ${line(item)}`);
      if (items.length > (options.max ?? 50)) lines.push(`    ... and ${items.length - (options.max ?? 50)} more`);
    };
    const seg = (x: SegmentRef): string => `${x.camera} ${x.start} -> ${x.end} ${x.path}`;
    list(`segments ${verb} (expired)`, s.plan.segments, seg);
    list(`segments ${verb} (disk pressure)`, s.pressure, seg);
    list('expired segments kept by a hold', s.plan.heldSegments, (h) => `${seg(h.item)} (hold ${h.holdIds.join(', ')})`);
    list(`snapshots ${verb}`, s.plan.snapshots, (x) => `${x.camera} ${x.time} event ${x.eventId}`);
  }
  return lines;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${bytes} B`;
}

/** Free bytes for unprivileged writers on the disk of `dir` (its parent while it does not exist yet). */
async function diskFreeBytes(dir: string): Promise<number> {
  let s;
  try {
    s = await statfs(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    s = await statfs(dirname(dir));
  }
  return Number(s.bavail) * Number(s.bsize);
}

/** The absolute path of an index path, or null when it would leave the folder. */
function insideFolder(root: string, relative: string): string | null {
  if (isAbsolute(relative)) return null;
  const path = normalize(join(root, relative));
  return path.startsWith(normalize(root) + sep) ? path : null;
}

/** Runs retention at start and then every `intervalMs`, never two at once; `stop` waits for a run in progress. */
export function scheduleRetention(run: () => Promise<unknown>, options: { readonly intervalMs: number; readonly onError: (err: unknown) => void }): { stop(): Promise<void> } {
  let current: Promise<void> | null = null;
  let stopped = false;
  const tick = (): void => {
    if (stopped || current) return;
    current = run()
      .then(() => undefined, options.onError)
      .finally(() => {
        current = null;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}

/** Retention as the server runs it: one run at a time, whoever asks (schedule or API). */
/** The disk alert of the latest real (not dry) run, and when that run ended. */
export interface StorageAlert extends DiskAlert {
  readonly at: string;
}

export interface RetentionService {
  run(options?: RetentionRunOptions): Promise<RetentionSummary>;
  /** The disk-pressure alert of the latest run that was not a dry run; null once a run needed none. */
  storageAlert(): StorageAlert | null;
}

export function createRetentionService(deps: RetentionDeps): RetentionService {
  let queue: Promise<unknown> = Promise.resolve();
  let alert: StorageAlert | null = null;
  return {
    run(options) {
      const next = queue.then(() => runRetention(deps, options));
      queue = next.catch(() => undefined);
      return next.then((summary) => {
        if (!options?.dryRun) alert = summary.alert ? { ...summary.alert, at: new Date().toISOString() } : null;
        return summary;
      });
    },
    storageAlert: () => alert,
  };
}
