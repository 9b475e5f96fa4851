/**
 * Dropped frames of a camera, by reason, for `vigie_camera_frames_dropped_total`.
 * The supervisor counts each drop by reason (`dropCounts()`, since it started);
 * without those counts (a supervisor between restarts, or a test port), the
 * runtime's own frame counters give the detector's share and the health's total
 * (`framesDropped`) the rest, which is the source's.
 */
import type { CameraHealth } from '../pipeline/health.js';
import { DROP_REASONS, type DropReason } from '../pipeline/supervisor.js';
import type { CameraFrameCounts } from './live-counters.js';

export { DROP_REASONS, type DropReason };

export function dropsByReason(
  health: CameraHealth,
  counts: Readonly<CameraFrameCounts> | undefined,
  supervisorDrops: Readonly<Record<DropReason, number>> | null,
): Map<DropReason, number> {
  if (supervisorDrops) return new Map(DROP_REASONS.map((r) => [r, Math.max(0, supervisorDrops[r])]));
  const busy = counts?.detectorBusy ?? 0;
  const failed = counts?.detectorFailed ?? 0;
  return new Map<DropReason, number>([
    // A supervisor started again (camera re-enabled) restarts its total: never report less than 0.
    ['source_queue_full', Math.max(0, health.framesDropped - busy - failed)],
    ['detector_busy', busy],
    ['detector_failed', failed],
  ]);
}
