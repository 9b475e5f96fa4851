import type { CameraConfig } from '../config/schema.js';
import type { Detection } from '../contracts/detection.js';
import type { FrameRef, RgbFrame } from '../contracts/frame.js';
import type { TrackFrame } from '../contracts/track.js';
import { createEventLifecycle, type EventChange, type EventLifecycle } from '../events/lifecycle.js';
import { createPrivacyMasker, type PrivacyMasker } from '../privacy/mask.js';
import { createCameraRules, type CameraRules, type CameraRulesState } from '../rules/registry.js';
import type { CountRecord } from '../rules/types.js';
import { createSceneStage, type SceneStage } from '../vision/scene/stage.js';
import type { SceneObservations } from '../vision/scene/types.js';
import type { Detector, DetectorFrame, FlexibleInput } from '../vision/detect/detector.js';
import type { InputShape } from '../vision/detect/preprocess.js';
import type { MotionResult } from '../vision/motion/index.js';
import { createByteTracker, type ByteTracker, type ByteTrackerOptions } from '../vision/track/index.js';
import { cameraConfigChanges } from './camera-changes.js';
import { createDetectionStage, type DetectionPlan, type DetectionStage } from './detection-stage.js';
import type { RegionCrop } from './region-crops.js';
import type { BoxXYXY } from '../contracts/geometry.js';
import { DEFAULT_NMS_IOU_THRESHOLD, nonMaxSuppression } from '../vision/detect/nms.js';

/** Detections scored below this never reach the tracker (ByteTrack's low-score floor). */
export const DETECTION_FLOOR_SCORE = 0.1;

/**
 * How the pipeline asks for a frame's detections. Offline analysis waits for room
 * in the detector pool (no frame lost); a live camera never waits: `null` means the
 * pool is busy, and the tracker coasts through that frame (counted as dropped).
 */
export interface PipelineDetector {
  readonly name: string;
  /** `Detector.flexibleInput` (region crops need it). */
  readonly flexibleInput?: FlexibleInput | undefined;
  /** Detections of one frame: of the whole frame at `input`, or of its `crops` merged. */
  request(frame: DetectorFrame, crops: readonly RegionCrop[] | null, input: InputShape | undefined): Promise<Detection[]> | null;
}

const cropFrames = (frame: DetectorFrame, crops: readonly RegionCrop[]): DetectorFrame[] =>
  crops.map((c) => ({ data: frame.data, width: frame.width, height: frame.height, crop: c.rect, input: c.input }));

/** One frame's detections from its crops: an object cut by two crops is kept once. */
const mergeCrops = (perCrop: readonly Detection[][]): Detection[] => nonMaxSuppression(perCrop.flat(), { iouThreshold: DEFAULT_NMS_IOU_THRESHOLD });

/** Offline: every frame waits for its detections. */
export function waitForDetections(detector: Detector): PipelineDetector {
  return {
    name: detector.name,
    flexibleInput: detector.flexibleInput,
    request: (frame, crops, input) =>
      crops
        ? Promise.all(cropFrames(frame, crops).map((f) => detector.detect(f))).then(mergeCrops)
        : detector.detect({ data: frame.data, width: frame.width, height: frame.height, input }),
  };
}

/** The part of the detector pool a live camera uses (`DetectorPool` satisfies it). */
export interface LiveDetector {
  readonly name: string;
  readonly flexibleInput?: FlexibleInput | undefined;
  tryDetect(frame: DetectorFrame): Promise<Detection[]> | null;
  tryDetectAll(frames: readonly DetectorFrame[]): Promise<Detection[][]> | null;
}

/** Live: a frame the busy pool cannot take (whole, or all its crops) is coasted instead of waited for. */
export function detectWhenFree(pool: LiveDetector): PipelineDetector {
  return {
    name: pool.name,
    get flexibleInput() {
      return pool.flexibleInput;
    },
    request: (frame, crops, input) =>
      crops
        ? (pool.tryDetectAll(cropFrames(frame, crops))?.then(mergeCrops) ?? null)
        : pool.tryDetect({ data: frame.data, width: frame.width, height: frame.height, input }),
  };
}

/** Everything the pipeline knows about one analysed frame, in frame order. */
export interface FrameResult {
  readonly frame: FrameRef;
  readonly motion: MotionResult;
  /** false when the detector did not run on this frame (motion gating, or a busy pool). */
  readonly detected: boolean;
  /** true when the detector pool was full: the frame was only coasted (a live drop). */
  readonly detectorBusy: boolean;
  /**
   * true when the detection of this frame failed and `detectionFailure` is `coast`
   * (a detector worker crashed: the pool restarts it, the camera goes on).
   */
  readonly detectorFailed: boolean;
  readonly detections: readonly Detection[];
  readonly tracks: TrackFrame;
  readonly changes: readonly EventChange[];
  /** Pixel readings the rules asked for (empty when no rule needs pixels). */
  readonly scene: SceneObservations;
  /** Count buckets of `counting` rules that closed at this frame (also sent to count listeners). */
  readonly counts: readonly CountRecord[];
  /** The frame's pixels, privacy masks applied (live preview, snapshots); do not keep it past the frame. */
  readonly image: RgbFrame;
}

export interface CameraPipelineOptions {
  readonly camera: CameraConfig;
  /** How detections are requested; null for `detect.backend: motion`. */
  readonly detector: PipelineDetector | null;
  /** Analysed frames per second; default the camera's `detect.fps` (`vigie track` passes the source's). */
  readonly fps?: number;
  /** Frames in flight between decode and tracking; the detector pool's size + 1 keeps every worker busy. */
  readonly maxInFlight?: number;
  readonly newEventId?: () => string;
  readonly tracker?: Partial<ByteTrackerOptions>;
  /** Time zone of rule schedules (config `timezone`); default Europe/Paris. */
  readonly timeZone?: string;
  /**
   * A failed detection: `fail` throws (offline analysis must not skip frames
   * silently: the default); `coast` tracks the frame without detections and
   * reports it (`detectorFailed`), so a crashed detector worker costs the live
   * camera one frame, not a restart of its stream.
   */
  readonly detectionFailure?: 'fail' | 'coast';
}

export interface PipelineStats {
  /** Frames that went through the pipeline (analysed or coasted). */
  readonly frames: number;
  /** Frames coasted because the detector pool was full. */
  readonly detectorBusy: number;
  /** Frames coasted because their detection failed (`detectionFailure: coast`). */
  readonly detectorFailed: number;
  /** Configurations applied by `reconfigure`. */
  readonly reconfigurations: number;
}

export interface CameraPipeline {
  /** Analyses frames in order, one result per frame; closes every open event when the frames end. */
  run(frames: AsyncIterable<RgbFrame>): AsyncGenerator<FrameResult>;
  /**
   * Validates `camera` now (throws on a config the pipeline cannot run) and applies
   * it before the next frame: new rule state (open events are closed), and new
   * mask / motion / tracker when masks or detection settings changed. Source
   * settings (source, loop, detect.fps, detect.width) belong to whoever reads the frames.
   */
  reconfigure(camera: CameraConfig): void;
  /** Event changes, as they happen (the live server pushes them). */
  subscribe(listener: (change: EventChange) => void): () => void;
  /**
   * Count buckets of `counting` rules: each closed bucket once, and the open
   * buckets' partial counts when the run ends or the rules are reconfigured.
   */
  subscribeCounts(listener: (counts: readonly CountRecord[]) => void): () => void;
  stats(): PipelineStats;
}

interface Perception {
  readonly masker: PrivacyMasker;
  readonly stage: DetectionStage;
  readonly tracker: ByteTracker;
}

type Settled = { ok: true; value: readonly Detection[] } | { ok: false; error: unknown };

interface Pending {
  readonly frame: FrameRef;
  readonly perception: Perception;
  readonly plan: DetectionPlan;
  readonly model: Promise<Settled> | null;
  readonly busy: boolean;
  readonly image: RgbFrame;
}

/**
 * One camera's analysis, the same code offline and live: privacy mask -> motion ->
 * detection -> tracking -> rules -> events (ARCHITECTURE 3). Decoding and detection
 * overlap: up to `maxInFlight` frames wait for their detections at once, and
 * tracking consumes them strictly in frame order.
 */
export function createCameraPipeline(options: CameraPipelineOptions): CameraPipeline {
  const { detector } = options;
  const maxInFlight = Math.max(1, options.maxInFlight ?? 2);
  const listeners = new Set<(change: EventChange) => void>();
  const countListeners = new Set<(counts: readonly CountRecord[]) => void>();
  const emitCounts = (counts: readonly CountRecord[]): void => {
    if (counts.length > 0) countListeners.forEach((l) => l(counts));
  };
  const rulesOf = (camera: CameraConfig): CameraRules => createCameraRules(camera, options.timeZone ? { timeZone: options.timeZone } : {});
  const counters = { frames: 0, detectorBusy: 0, detectorFailed: 0, reconfigurations: 0 };
  const detectionFailure = options.detectionFailure ?? 'fail';

  const buildPerception = (camera: CameraConfig): Perception => {
    const fps = options.fps ?? camera.detect.fps;
    return {
      masker: createPrivacyMasker(camera.masks),
      stage: createDetectionStage(camera.detect, fps, detector),
      tracker: createByteTracker({
        fps,
        highScoreThreshold: camera.detect.min_score,
        newTrackScoreThreshold: Math.min(1, camera.detect.min_score + 0.1),
        ...options.tracker,
      }),
    };
  };

  let camera = options.camera;
  let perception = buildPerception(camera);
  let rules: CameraRules = rulesOf(camera);
  let ruleState: CameraRulesState = rules.init();
  let sceneStage: SceneStage = createSceneStage(rules.sceneRequests);
  let events: EventLifecycle | null = null;
  let baseWallMs: number | null = null;
  let lastTSec = 0;
  let pending: { camera: CameraConfig; perception: Perception | null; rules: CameraRules | null } | null = null;

  const lifecycle = (): EventLifecycle => {
    if (events) return events;
    const created = createEventLifecycle({
      camera: camera.id,
      rules: rules.meta,
      baseWallMs: baseWallMs ?? 0,
      ...(options.newEventId ? { newId: options.newEventId } : {}),
    });
    created.subscribe((change) => listeners.forEach((l) => l(change)));
    events = created;
    return created;
  };

  const applyPending = (): void => {
    if (!pending) return;
    camera = pending.camera;
    if (pending.perception) perception = pending.perception;
    if (pending.rules) {
      // Situations of the old rules end here; the new rules start from a blank state.
      events?.flush(lastTSec);
      events = null;
      emitCounts(rules.flushCounts(ruleState));
      rules = pending.rules;
      ruleState = rules.init();
      sceneStage = createSceneStage(rules.sceneRequests);
    }
    pending = null;
    counters.reconfigurations += 1;
  };

  const dispatch = (frame: RgbFrame): Pending => {
    const p = perception;
    p.masker.apply(frame);
    const plan = p.stage.plan(frame);
    let model: Promise<Settled> | null = null;
    let busy = false;
    if (plan.runModel && detector) {
      const attempt = detector.request(frame, plan.crops, plan.input);
      if (attempt === null) busy = true;
      else {
        model = attempt.then(
          (value): Settled => ({ ok: true, value }),
          (error: unknown): Settled => ({ ok: false, error }),
        );
      }
    }
    const { data: _pixels, ...ref } = frame;
    return { frame: ref, perception: p, plan, model, busy, image: frame };
  };

  const finish = async (p: Pending): Promise<FrameResult> => {
    const info = { seq: p.frame.seq, tSec: p.frame.ptsMs / 1000, width: p.frame.width, height: p.frame.height };
    const { tracker, stage } = p.perception;
    let detections: Detection[] = [];
    let tracks: TrackFrame;
    const settled = p.model ? await p.model : null;
    const failed = settled !== null && !settled.ok;
    // Offline, a failed detection fails the run (no frame is skipped silently); live, the frame is coasted and counted.
    if (settled?.ok === false && detectionFailure === 'fail') throw settled.error;
    if (p.plan.gated || p.busy || failed) {
      tracks = tracker.coast(info);
    } else {
      detections = stage.combine(p.plan, (settled?.ok ? settled.value : []).filter((d) => d.score >= DETECTION_FLOOR_SCORE));
      const observed = p.plan.crops?.map((c): BoxXYXY => [c.rect.x, c.rect.y, c.rect.x + c.rect.width, c.rect.y + c.rect.height]);
      tracks = tracker.update(detections, info, observed);
    }
    // Scene readings come from the masked frame: masked areas are never analysed.
    const scene = sceneStage.observe(p.image, tracks);
    const step = rules.evaluate(ruleState, tracks, { wallMs: p.frame.wallMs, scene });
    ruleState = step.state;
    emitCounts(step.counts);
    baseWallMs ??= p.frame.wallMs - p.frame.ptsMs;
    const changes = lifecycle().ingest(step.signals, tracks.tSec);
    lastTSec = tracks.tSec;
    counters.frames += 1;
    if (p.busy) counters.detectorBusy += 1;
    if (failed) counters.detectorFailed += 1;
    return {
      frame: p.frame,
      motion: p.plan.motion,
      detected: !p.plan.gated && !p.busy && !failed,
      detectorBusy: p.busy,
      detectorFailed: failed,
      detections,
      tracks,
      changes,
      scene,
      counts: step.counts,
      image: p.image,
    };
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    subscribeCounts(listener) {
      countListeners.add(listener);
      return () => countListeners.delete(listener);
    },
    stats: () => ({ ...counters }),
    reconfigure(next) {
      if (next.id !== camera.id) throw new Error(`camera id cannot change (${camera.id} -> ${next.id})`);
      const base = pending?.camera ?? camera;
      const changes = cameraConfigChanges(base, next);
      // Build now so that a config this pipeline cannot run is refused here, not on a frame.
      const newPerception = changes.perception ? buildPerception(next) : null;
      const newRules = changes.rules ? rulesOf(next) : null;
      pending = {
        camera: next,
        perception: newPerception ?? pending?.perception ?? null,
        rules: newRules ?? pending?.rules ?? null,
      };
    },
    async *run(frames) {
      const inFlight: Pending[] = [];
      try {
        for await (const frame of frames) {
          if (pending) {
            // Frames already planned finish with the stages that planned them.
            while (inFlight.length > 0) yield await finish(inFlight.shift() as Pending);
            applyPending();
          }
          inFlight.push(dispatch(frame));
          while (inFlight.length >= maxInFlight) yield await finish(inFlight.shift() as Pending);
        }
        while (inFlight.length > 0) yield await finish(inFlight.shift() as Pending);
      } finally {
        // Also on a crash or an early return: no event stays open forever, no count is lost.
        events?.flush(lastTSec);
        events = null;
        emitCounts(rules.flushCounts(ruleState));
        ruleState = rules.init();
      }
    },
  };
}
