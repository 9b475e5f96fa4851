/**
 * Counters that only the hot paths see (each analysed frame, each event change,
 * each retention run), kept as plain numbers and read at scrape time. The
 * per-frame path allocates nothing once a camera has its record.
 */
import type { EventChange } from '../events/lifecycle.js';

export interface CameraFrameCounts {
  /** Frames that reached the pipeline (analysed or coasted). */
  frames: number;
  /** Frames coasted because the detector pool was full. */
  detectorBusy: number;
  /** Frames whose detection failed (counted as dropped, not as a camera failure). */
  detectorFailed: number;
}

export interface RetentionTotals {
  runs: number;
  lastRunMs: number | null;
  segmentsDeleted: number;
  snapshotsDeleted: number;
  bytesFreed: number;
}

/** The part of a frame result the counters read (FrameResult fits). */
export interface FrameOutcome {
  readonly detectorBusy: boolean;
  readonly detectorFailed?: boolean;
}

export interface LiveCounters {
  recordFrame(cameraId: string, outcome: FrameOutcome): void;
  recordEventChange(change: EventChange): void;
  recordRetentionRun(summary: { readonly segmentsDeleted: number; readonly pressureSegmentsDeleted: number; readonly snapshotsDeleted: number; readonly bytesFreed: number }, atMs: number): void;
  frames(): ReadonlyMap<string, Readonly<CameraFrameCounts>>;
  /** Opened events by camera, then by type. */
  eventsOpened(): ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Events open now, by camera. */
  eventsOpen(): ReadonlyMap<string, number>;
  retention(): Readonly<RetentionTotals>;
}

export function createLiveCounters(): LiveCounters {
  const frames = new Map<string, CameraFrameCounts>();
  const opened = new Map<string, Map<string, number>>();
  const open = new Map<string, Set<string>>();
  const retention: RetentionTotals = { runs: 0, lastRunMs: null, segmentsDeleted: 0, snapshotsDeleted: 0, bytesFreed: 0 };

  return {
    recordFrame(cameraId, outcome) {
      let counts = frames.get(cameraId);
      if (!counts) {
        counts = { frames: 0, detectorBusy: 0, detectorFailed: 0 };
        frames.set(cameraId, counts);
      }
      counts.frames++;
      if (outcome.detectorBusy) counts.detectorBusy++;
      else if (outcome.detectorFailed === true) counts.detectorFailed++;
    },
    recordEventChange({ kind, event }) {
      let ids = open.get(event.camera);
      if (!ids) {
        ids = new Set();
        open.set(event.camera, ids);
      }
      if (kind === 'opened') {
        let byType = opened.get(event.camera);
        if (!byType) {
          byType = new Map();
          opened.set(event.camera, byType);
        }
        byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
        ids.add(event.id);
      } else if (kind === 'closed') {
        ids.delete(event.id);
      }
    },
    recordRetentionRun(summary, atMs) {
      retention.runs++;
      retention.lastRunMs = atMs;
      retention.segmentsDeleted += summary.segmentsDeleted + summary.pressureSegmentsDeleted;
      retention.snapshotsDeleted += summary.snapshotsDeleted;
      retention.bytesFreed += summary.bytesFreed;
    },
    frames: () => frames,
    eventsOpened: () => opened,
    eventsOpen: () => new Map([...open].map(([camera, ids]) => [camera, ids.size])),
    retention: () => retention,
  };
}
