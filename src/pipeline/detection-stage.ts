import type { Detection } from '../contracts/detection.js';
import type { RgbFrame } from '../contracts/frame.js';
import type { DetectConfig } from '../config/schema.js';
import { boxIou } from '../geometry/box.js';
import { createMotionObjectDetector, DEFAULT_MOTION_OBJECT_OPTIONS } from '../vision/detect/motion-backend.js';
import { createMotionDetector, DEFAULT_MOTION_OPTIONS, type MotionResult } from '../vision/motion/index.js';

/** The motion model's defaults were tuned at this frame rate; time constants scale from it. */
const MOTION_TUNED_AT_FPS = 12.5;
/** Even with no motion, run the detector this often so still objects keep their tracks. */
export const FULL_FRAME_REFRESH_S = 2;
/**
 * A region counts as moving when this share of its foreground changed since the
 * previous frame. Measured on the indoor clip at 5 fps: walking people 0.2-0.6,
 * people standing 0.002-0.04, the ghost a person leaves where they stood 0.000.
 */
export const MOVING_REGION_MIN_RATIO = 0.05;
/** A motion blob overlapping a model detection this much is the same object (hybrid backend). */
const HYBRID_SAME_OBJECT_IOU = 0.3;

/** What the detection stage decided for one frame. */
export interface DetectionPlan {
  readonly motion: MotionResult;
  /** Detections already known without the model (motion backend, or hybrid's blobs). */
  readonly motionObjects: readonly Detection[];
  /** true when the model must run on this frame. */
  readonly runModel: boolean;
  /** true when the frame is skipped by motion gating: the tracker only predicts. */
  readonly gated: boolean;
}

export interface DetectionStage {
  /** Sequential, in frame order: updates the motion model and decides what to run. */
  plan(frame: RgbFrame): DetectionPlan;
  /** Merges the model's detections (when it ran) with the plan's motion objects. */
  combine(plan: DetectionPlan, modelDetections: readonly Detection[]): Detection[];
}

const scaleFrames = (frames: number, fps: number, min: number): number =>
  Math.max(min, Math.round((frames * fps) / MOTION_TUNED_AT_FPS));

/**
 * Motion gating and the choice of backend for one camera (ARCHITECTURE 3,
 * `detect.backend`): `model` runs the detector where something moves, `motion`
 * turns moving blobs into `object` detections, `hybrid` does both and keeps the
 * blobs the model did not explain.
 */
export function createDetectionStage(detect: DetectConfig, fps: number, hasDetector: boolean): DetectionStage {
  if (detect.backend !== 'motion' && !hasDetector) {
    throw new Error(`detect.backend "${detect.backend}" needs a detector`);
  }
  const motion = createMotionDetector({
    backgroundTimeConstantFrames: scaleFrames(DEFAULT_MOTION_OPTIONS.backgroundTimeConstantFrames, fps, 5),
    foregroundTimeConstantFrames: scaleFrames(DEFAULT_MOTION_OPTIONS.foregroundTimeConstantFrames, fps, 50),
    lightingWindowFrames: scaleFrames(DEFAULT_MOTION_OPTIONS.lightingWindowFrames, fps, 3),
  });
  const blobs =
    detect.backend === 'model'
      ? null
      : createMotionObjectDetector({
          minPersistFrames: scaleFrames(DEFAULT_MOTION_OBJECT_OPTIONS.minPersistFrames, fps, 2),
          minPersistFramesInLightingChange: scaleFrames(DEFAULT_MOTION_OBJECT_OPTIONS.minPersistFramesInLightingChange, fps, 3),
        });
  const refreshEveryFrames = Math.max(1, Math.round(FULL_FRAME_REFRESH_S * fps));
  let framesSinceModel = Number.POSITIVE_INFINITY;

  return {
    plan(frame) {
      const m = motion.update(frame);
      const motionObjects = blobs ? blobs.detectFromMotion(m) : [];
      if (detect.backend === 'motion') return { motion: m, motionObjects, runModel: false, gated: false };
      // Still foreground (a person standing, a ghost) needs no detection on every
      // frame: the tracker coasts and the periodic refresh keeps the tracks honest.
      const quiet = !m.backgroundReset && !m.regions.some((r) => r.movingRatio >= MOVING_REGION_MIN_RATIO);
      const gated = detect.motion_gating && quiet && framesSinceModel < refreshEveryFrames;
      framesSinceModel = gated ? framesSinceModel + 1 : 0;
      // In hybrid mode a gated frame still has its (empty) blob list: nothing moves.
      return { motion: m, motionObjects, runModel: !gated, gated };
    },
    combine(plan, modelDetections) {
      if (plan.motionObjects.length === 0) return [...modelDetections];
      if (modelDetections.length === 0) return [...plan.motionObjects];
      const unexplained = plan.motionObjects.filter((blob) => !modelDetections.some((d) => boxIou(d.box, blob.box) >= HYBRID_SAME_OBJECT_IOU));
      return [...modelDetections, ...unexplained];
    },
  };
}
