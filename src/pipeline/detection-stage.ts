import type { Detection } from '../contracts/detection.js';
import type { RgbFrame } from '../contracts/frame.js';
import type { DetectConfig } from '../config/schema.js';
import type { BoxXYXY } from '../contracts/geometry.js';
import { boxIou } from '../geometry/box.js';
import { createMotionObjectDetector, DEFAULT_MOTION_OBJECT_OPTIONS } from '../vision/detect/motion-backend.js';
import { createMotionDetector, DEFAULT_MOTION_OPTIONS, type MotionResult } from '../vision/motion/index.js';
import type { FlexibleInput } from '../vision/detect/detector.js';
import type { InputShape } from '../vision/detect/preprocess.js';
import { planRegionCrops, type RegionCrop } from './region-crops.js';

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
  /** Rectangles the model runs on, each at its own input size; null = the whole frame at `input`. */
  readonly crops: readonly RegionCrop[] | null;
  /** Model input size for the whole frame (from `detect.input_size`); undefined for a fixed-size detector. */
  readonly input: InputShape | undefined;
}

/** What the detection stage needs to know of the detector; null when there is none. */
export interface StageDetector {
  /** `Detector.flexibleInput`; absent = one fixed input size, so no region crops. */
  readonly flexibleInput?: FlexibleInput | undefined;
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
export function createDetectionStage(detect: DetectConfig, fps: number, detector: StageDetector | null): DetectionStage {
  if (detect.backend !== 'motion' && !detector) {
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
  let framesSinceFullFrame = Number.POSITIVE_INFINITY;
  const flexible = detector?.flexibleInput;
  // The whole frame stays letterboxed into a square: fed at its own aspect ratio
  // (e.g. 512x384) it cost a quarter less but lost 3.7 IDF1 points on PETS09.
  const fullInput: InputShape | undefined = flexible ? { width: detect.input_size, height: detect.input_size } : undefined;
  const cropsFor = (m: MotionResult, moving: readonly BoxXYXY[], input: InputShape | undefined): readonly RegionCrop[] | null => {
    // The periodic refresh and lighting changes look at the whole frame; so does a frame with no moving region.
    if (!flexible || !input || !detect.region_crops || m.backgroundReset || framesSinceFullFrame + 1 >= refreshEveryFrames) return null;
    return planRegionCrops(moving, m.width, m.height, { flexible, fullFrameInput: input });
  };

  return {
    plan(frame) {
      const m = motion.update(frame);
      const motionObjects = blobs ? blobs.detectFromMotion(m) : [];
      const input = fullInput;
      if (detect.backend === 'motion') return { motion: m, motionObjects, runModel: false, gated: false, crops: null, input };
      // Still foreground (a person standing, a ghost) needs no detection on every
      // frame: the tracker coasts and the periodic refresh keeps the tracks honest.
      const moving = m.regions.filter((r) => r.movingRatio >= MOVING_REGION_MIN_RATIO).map((r) => r.box);
      const quiet = !m.backgroundReset && moving.length === 0;
      const gated = detect.motion_gating && quiet && framesSinceModel < refreshEveryFrames;
      framesSinceModel = gated ? framesSinceModel + 1 : 0;
      const crops = gated ? null : cropsFor(m, moving, input);
      framesSinceFullFrame = gated || crops ? framesSinceFullFrame + 1 : 0;
      // In hybrid mode a gated frame still has its (empty) blob list: nothing moves.
      return { motion: m, motionObjects, runModel: !gated, gated, crops, input };
    },
    combine(plan, modelDetections) {
      if (plan.motionObjects.length === 0) return [...modelDetections];
      if (modelDetections.length === 0) return [...plan.motionObjects];
      const unexplained = plan.motionObjects.filter((blob) => !modelDetections.some((d) => boxIou(d.box, blob.box) >= HYBRID_SAME_OBJECT_IOU));
      return [...modelDetections, ...unexplained];
    },
  };
}
