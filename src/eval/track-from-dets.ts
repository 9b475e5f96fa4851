/**
 * Runs the tracker over a MOT detection file's rows: the offline path used by
 * the benchmark and the PETS integration test (`vigie track` runs the real
 * detector instead).
 */
import type { Detection } from '../contracts/detection.js';
import type { ObjectClass } from '../contracts/classes.js';
import type { SizeWH } from '../contracts/geometry.js';
import { createByteTracker, type ByteTrackerOptions } from '../vision/track/byte-tracker.js';
import { groupByFrame, trackFrameToMotRows, type MotRow } from './mot-io.js';

export interface DetectionFileOptions {
  /** Detection scores are divided by this and clamped to [0, 1] (MOT15 public detections: 100). */
  readonly scoreScale: number;
  /** Class given to every detection (MOT detection files carry none). */
  readonly cls: ObjectClass;
  readonly size: SizeWH;
  /** Last MOT frame to run (frames without detections are still fed to the tracker). */
  readonly lastFrame: number;
}

/** Detections per frame, index = MOT frame - 1 (= tracker seq). */
export function detectionsByFrame(rows: readonly MotRow[], opts: DetectionFileOptions): Detection[][] {
  if (!(opts.scoreScale > 0)) throw new RangeError(`scoreScale must be > 0, got ${opts.scoreScale}`);
  const grouped = groupByFrame(rows);
  const frames: Detection[][] = [];
  for (let f = 1; f <= opts.lastFrame; f++) {
    frames.push((grouped.get(f) ?? []).map((r) => ({
      box: [r.left, r.top, r.left + r.width, r.top + r.height],
      score: Math.min(1, Math.max(0, r.conf / opts.scoreScale)),
      cls: opts.cls,
    })));
  }
  return frames;
}

/** Tracks every frame (seq = MOT frame - 1) and returns the tracker output as MOT rows. */
export function trackDetectionFrames(frames: readonly (readonly Detection[])[], size: SizeWH, options: ByteTrackerOptions): MotRow[] {
  const tracker = createByteTracker(options);
  const rows: MotRow[] = [];
  frames.forEach((dets, seq) => {
    rows.push(...trackFrameToMotRows(tracker.update(dets, { seq, tSec: seq / options.fps, ...size })));
  });
  return rows;
}
