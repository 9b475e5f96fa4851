/**
 * Start-up reconciliation of the segment index with the recordings folder,
 * run before any recorder starts (so no file is being written):
 *
 * - `.part` files (segments being written when Vigie died) are deleted: the
 *   footage they hold was never indexed nor hashed, so it is reported lost;
 * - index rows whose file is gone are removed;
 * - completed files the index does not know (renamed, then the crash came
 *   before the row was written) are probed, hashed and indexed; a file that
 *   does not probe is left in place and reported.
 *
 * Every action is written to the audit log (actor `system`, action `recording.reconcile`).
 */
import type { Dirent } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { probeSource } from '../media/ffprobe.js';
import { SYSTEM_ACTOR, type AuditInput } from '../store/audit-repository.js';
import type { Clock } from '../store/time.js';
import { sha256File } from './finalize.js';
import { INCOMING_DIR, PART_SUFFIX, segmentId, startFromSegmentName } from './layout.js';
import type { SegmentIndex } from './segment-index.js';

export type ReconcileKind = 'part_removed' | 'row_removed' | 'file_indexed' | 'file_unreadable';

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
  readonly index: SegmentIndex;
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
  const report = async (action: ReconcileAction, details: Record<string, string | number | null> = {}): Promise<void> => {
    actions.push(action);
    await options.audit.append({
      actor: SYSTEM_ACTOR,
      action: 'recording.reconcile',
      target: action.path,
      details: { kind: action.kind, camera: action.camera, bytes: action.bytes, ...details },
    });
  };

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
          const bytes = (await stat(path)).size;
          await rm(path, { force: true });
          if (part.name.endsWith(PART_SUFFIX)) interrupted.add(camera);
          await report({ kind: 'part_removed', camera, path: relative(recordingsDir, path), bytes });
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
  return { actions, interrupted };
}
