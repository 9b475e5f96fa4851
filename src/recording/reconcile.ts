/**
 * Start-up reconciliation of the segment index with the recordings folder
 * (and of event snapshots with the events that reference them), run before
 * any recorder or camera starts (so no file is being written):
 *
 * - deletions a crash interrupted (a `pending_deletes` intent) are finished:
 *   file unlinked if still there, rows and intent removed; not lost footage;
 * - `.part` files (segments being written when Vigie died) are deleted: the
 *   footage they hold was never indexed nor hashed, so it is reported lost
 *   (unless it was already filed under its final name: a second hard link);
 * - index rows whose file is gone (and no deletion was under way) are removed
 *   and reported: that footage was lost;
 * - completed files the index does not know (renamed, then the crash came
 *   before the row was written) are probed, hashed and indexed; a file that
 *   does not probe is left in place and reported;
 * - snapshots: temporary files and snapshots no event references are deleted,
 *   and a reference whose file is gone is cleared and reported.
 *
 * Every action is written to the audit log (actor `system`, action `recording.reconcile`).
 */
import type { Dirent } from 'node:fs';
import { readdir, rm, stat, unlink } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { probeSource } from '../media/ffprobe.js';
import { SYSTEM_ACTOR, type AuditInput } from '../store/audit-repository.js';
import { isDurableTempName } from '../store/durable-fs.js';
import type { Clock } from '../store/time.js';
import { sha256File } from './finalize.js';
import { INCOMING_DIR, PART_SUFFIX, segmentId, startFromSegmentName } from './layout.js';
import type { PendingDelete } from './pending-deletes.js';
import type { SegmentDeletions, SegmentIndex } from './segment-index.js';
import { snapshotFileName, type SnapshotCatalog } from './snapshot-catalog.js';

export type ReconcileKind =
  | 'part_removed'
  | 'row_removed'
  | 'file_indexed'
  | 'file_unreadable'
  /** An interrupted deletion (retention, disk pressure) was finished: not lost footage. */
  | 'delete_finished'
  /** An interrupted deletion could not be finished (the file cannot be removed); retried at the next start. */
  | 'delete_failed'
  /** A half-written temporary file (snapshot) was removed. */
  | 'temp_removed'
  /** A snapshot no event references (the event's row was never committed) was removed. */
  | 'snapshot_orphan_removed'
  /** An event referenced a snapshot file that is gone: the reference was cleared. */
  | 'snapshot_missing';

export interface ReconcileAction {
  readonly kind: ReconcileKind;
  readonly camera: string;
  /** Relative to the recordings folder. */
  readonly path: string;
  readonly bytes: number | null;
}

export interface ReconcileReport {
  readonly actions: readonly ReconcileAction[];
  /** Cameras that had a segment being written when Vigie stopped (their next gap is `lost_on_crash`). */
  readonly interrupted: ReadonlySet<string>;
}

export interface ReconcileOptions {
  readonly recordingsDir: string;
  readonly index: SegmentIndex & SegmentDeletions;
  /** Event snapshots: their folder and the events' references. Absent: snapshots are left alone. */
  readonly snapshots?: { readonly dir: string; readonly catalog: SnapshotCatalog };
  readonly audit: { append(input: AuditInput): Promise<unknown> };
  readonly clock: Clock;
  /** Duration (s) of a completed segment file; default ffprobe. */
  readonly probeDurationS?: (path: string) => Promise<number>;
}

const defaultProbe = async (path: string): Promise<number> => {
  const info = await probeSource(path, { timeoutMs: 15_000 });
  if (info.durationSec === null || !(info.durationSec > 0)) throw new Error(`${path} has no duration`);
  return info.durationSec;
};

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function reconcileRecordings(options: ReconcileOptions): Promise<ReconcileReport> {
  const { recordingsDir, index } = options;
  const probe = options.probeDurationS ?? defaultProbe;
  const actions: ReconcileAction[] = [];
  const interrupted = new Set<string>();
  const report: Report = async (action, details = {}) => {
    actions.push(action);
    await options.audit.append({
      actor: SYSTEM_ACTOR,
      action: 'recording.reconcile',
      target: action.path,
      details: { kind: action.kind, camera: action.camera, bytes: action.bytes, ...details },
    });
  };

  // Interrupted deletions first: their rows must not be mistaken for lost footage below.
  const finish = async (
    kind: 'segment' | 'snapshot',
    pending: readonly PendingDelete[],
    root: string,
    complete: (ids: readonly string[]) => Promise<number>,
  ): Promise<void> => {
    for (const intent of pending) {
      const camera = kind === 'segment' ? intent.path.split(sep)[0] ?? '' : '';
      const shown = kind === 'segment' ? intent.path : join('snapshots', intent.path);
      const path = insideFolder(root, intent.path);
      const details = { [kind === 'segment' ? 'segment' : 'event']: intent.refId, reason: intent.reason, intended_at: intent.createdAt };
      try {
        if (path === null) throw new Error(`path ${intent.path} would leave ${root}`);
        await unlink(path).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
        });
      } catch (err) {
        await report({ kind: 'delete_failed', camera, path: shown, bytes: null }, { ...details, error: String(err).slice(0, 300) });
        continue;
      }
      await complete([intent.refId]);
      await report({ kind: 'delete_finished', camera, path: shown, bytes: null }, details);
    }
  };
  await finish('segment', await index.pendingDeletes(), recordingsDir, (ids) => index.remove(ids));
  const snapshots = options.snapshots;
  if (snapshots) await finish('snapshot', await snapshots.catalog.pendingDeletes(), snapshots.dir, (ids) => snapshots.catalog.clear(ids));

  const indexed = new Map((await index.list()).map((s) => [s.path, s]));
  const seen = new Set<string>();

  for (const cameraEntry of await entries(recordingsDir)) {
    if (!cameraEntry.isDirectory()) continue;
    const camera = cameraEntry.name;
    const cameraDir = join(recordingsDir, camera);
    for (const entry of await entries(cameraDir)) {
      if (!entry.isDirectory()) continue;
      const dir = join(cameraDir, entry.name);
      if (entry.name === INCOMING_DIR) {
        for (const part of await entries(dir)) {
          if (!part.isFile()) continue;
          const path = join(dir, part.name);
          const info = await stat(path);
          await rm(path, { force: true });
          // A second link: the crash came after the segment was filed under its final name (handled below), nothing lost here.
          const filed = info.nlink > 1;
          if (part.name.endsWith(PART_SUFFIX) && !filed) interrupted.add(camera);
          await report({ kind: 'part_removed', camera, path: relative(recordingsDir, path), bytes: info.size }, filed ? { filed: 1 } : {});
        }
        continue;
      }
      for (const file of await entries(dir)) {
        if (!file.isFile()) continue;
        const path = join(dir, file.name);
        const rel = relative(recordingsDir, path);
        if (indexed.has(rel)) {
          seen.add(rel);
          continue;
        }
        const startMs = startFromSegmentName(file.name);
        const bytes = (await stat(path)).size;
        if (startMs === null) continue; // not ours: left alone
        try {
          const durationS = await probe(path);
          const sha256 = await sha256File(path);
          const end = startMs + Math.round(durationS * 1000);
          const at = new Date(options.clock()).toISOString();
          await index.add({ id: segmentId(camera, startMs), camera, start: new Date(startMs).toISOString(), end: new Date(end).toISOString(), durationS, bytes, sha256, path: rel, createdAt: at });
          seen.add(rel);
          await report({ kind: 'file_indexed', camera, path: rel, bytes }, { sha256 });
        } catch (err) {
          await report({ kind: 'file_unreadable', camera, path: rel, bytes }, { error: String(err).slice(0, 300) });
        }
      }
    }
  }

  const missing = [...indexed.values()].filter((s) => !seen.has(s.path));
  for (const segment of missing) {
    await index.remove([segment.id]);
    await report({ kind: 'row_removed', camera: segment.camera, path: segment.path, bytes: segment.bytes }, { segment: segment.id, start: segment.start, end: segment.end });
  }
  if (snapshots) await reconcileSnapshots(snapshots.dir, snapshots.catalog, report);
  return { actions, interrupted };
}

type Report = (action: ReconcileAction, details?: Record<string, string | number | null>) => Promise<void>;

/** Snapshots are written (durably) before their event's row: a file no row references is a leftover of a crash. */
async function reconcileSnapshots(dir: string, catalog: SnapshotCatalog, report: Report): Promise<void> {
  const referenced = await catalog.referencedIds();
  const onDisk = new Set<string>();
  for (const file of await entries(dir)) {
    if (!file.isFile()) continue;
    const path = join(dir, file.name);
    if (isDurableTempName(file.name) || file.name.endsWith('.part')) {
      const bytes = (await stat(path)).size;
      await rm(path, { force: true });
      await report({ kind: 'temp_removed', camera: '', path: join('snapshots', file.name), bytes });
      continue;
    }
    const eventId = file.name.endsWith('.jpg') ? file.name.slice(0, -'.jpg'.length) : null;
    if (eventId === null || snapshotFileName(eventId) !== file.name) continue; // not ours: left alone
    if (referenced.has(eventId)) {
      onDisk.add(eventId);
      continue;
    }
    const bytes = (await stat(path)).size;
    await rm(path, { force: true });
    await report({ kind: 'snapshot_orphan_removed', camera: '', path: join('snapshots', file.name), bytes }, { event: eventId });
  }
  const missing = [...referenced].filter((id) => !onDisk.has(id) && snapshotFileName(id) !== null);
  for (const eventId of missing) {
    await catalog.clear([eventId]);
    await report({ kind: 'snapshot_missing', camera: '', path: join('snapshots', `${eventId}.jpg`), bytes: null }, { event: eventId });
  }
}

/** The absolute path of a stored relative path, or null when it would leave the folder. */
function insideFolder(root: string, rel: string): string | null {
  if (isAbsolute(rel)) return null;
  const path = normalize(join(root, rel));
  return path.startsWith(normalize(root) + sep) ? path : null;
}
