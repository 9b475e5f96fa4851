/**
 * Per-camera frame counters, fed with every frame result of the running system
 * (`StartOptions.onFrame`). The health model only keeps a sliding window, and the
 * benchmark needs exact counts at the start and the end of its window.
 */
import type { FrameResult } from '../pipeline/camera-pipeline.js';

export interface CameraFrameCounts {
  /** Frames that reached the pipeline (analysed or coasted). */
  readonly frames: number;
  /** Frames analysed: every frame but those coasted because the detector pool was full (as the health counts them). */
  readonly analysed: number;
  /** Frames on which the detector ran. */
  readonly detected: number;
  /** Frames coasted because the pool refused them (`tryDetect` drops). */
  readonly detectorBusy: number;
}

/** What the counters read of a frame result. */
export type CountedFrame = Pick<FrameResult, 'detected' | 'detectorBusy'> & { readonly frame: Pick<FrameResult['frame'], 'cameraId'> };

export interface FrameCounters {
  record(result: CountedFrame): void;
  /** A copy of every camera's counts now. */
  snapshot(): ReadonlyMap<string, CameraFrameCounts>;
}

export const NO_FRAMES: CameraFrameCounts = Object.freeze({ frames: 0, analysed: 0, detected: 0, detectorBusy: 0 });

export function createFrameCounters(): FrameCounters {
  const counts = new Map<string, { frames: number; analysed: number; detected: number; detectorBusy: number }>();
  return {
    record(result) {
      const id = result.frame.cameraId;
      let c = counts.get(id);
      if (!c) {
        c = { ...NO_FRAMES };
        counts.set(id, c);
      }
      c.frames += 1;
      if (!result.detectorBusy) c.analysed += 1;
      if (result.detected) c.detected += 1;
      if (result.detectorBusy) c.detectorBusy += 1;
    },
    snapshot: () => new Map([...counts].map(([id, c]) => [id, { ...c }])),
  };
}
