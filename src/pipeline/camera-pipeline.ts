import type { CameraConfig } from '../config/schema.js';
import type { Detection } from '../contracts/detection.js';
import type { FrameRef, RgbFrame } from '../contracts/frame.js';
import type { TrackFrame } from '../contracts/track.js';
import { createEventLifecycle, type EventChange, type EventLifecycle } from '../events/lifecycle.js';
import { createPrivacyMasker } from '../privacy/mask.js';
import { createCameraRules, type CameraRulesState } from '../rules/registry.js';
import type { Detector } from '../vision/detect/detector.js';
import type { MotionResult } from '../vision/motion/index.js';
import { createByteTracker, type ByteTrackerOptions } from '../vision/track/index.js';
import { createDetectionStage, type DetectionPlan } from './detection-stage.js';

/** Detections scored below this never reach the tracker (ByteTrack's low-score floor). */
export const DETECTION_FLOOR_SCORE = 0.1;

/** Everything the pipeline knows about one analysed frame, in frame order. */
export interface FrameResult {
  readonly frame: FrameRef;
  readonly motion: MotionResult;
  /** false when motion gating skipped detection on this frame. */
  readonly detected: boolean;
  readonly detections: readonly Detection[];
  readonly tracks: TrackFrame;
  readonly changes: readonly EventChange[];
}

export interface CameraPipelineOptions {
  readonly camera: CameraConfig;
  /** Shared detector (usually a worker pool); null for `detect.backend: motion`. */
  readonly detector: Detector | null;
  /** Frames per second actually analysed (the camera's `detect.fps`, or the source's for `vigie track`). */
  readonly fps: number;
  /** Frames in flight between decode and tracking; at least the detector pool's size keeps every worker busy. */
  readonly maxInFlight?: number;
  /** Wall time (ms) of stream time 0; default: taken from the first frame. */
  readonly baseWallMs?: number;
  readonly newEventId?: () => string;
  readonly tracker?: Partial<ByteTrackerOptions>;
}

export interface CameraPipeline {
  /** Analyses frames in order; yields one result per frame. Closes every open event when the frames end. */
  run(frames: AsyncIterable<RgbFrame>): AsyncGenerator<FrameResult>;
  /** Event changes, as they happen (the live server pushes them). */
  subscribe(listener: (change: EventChange) => void): () => void;
}

type Settled = { ok: true; value: readonly Detection[] } | { ok: false; error: unknown };

interface Pending {
  readonly frame: FrameRef;
  readonly plan: DetectionPlan;
  readonly model: Promise<Settled> | null;
}

/**
 * One camera's analysis: privacy mask -> motion -> detection -> tracking -> rules
 * -> events (ARCHITECTURE 3). Decoding and detection overlap: up to `maxInFlight`
 * frames wait for the detector at once, and tracking consumes them strictly in order.
 */
export function createCameraPipeline(options: CameraPipelineOptions): CameraPipeline {
  const { camera, fps } = options;
  const masker = createPrivacyMasker(camera.masks);
  const stage = createDetectionStage(camera.detect, fps, options.detector);
  const tracker = createByteTracker({
    fps,
    highScoreThreshold: camera.detect.min_score,
    newTrackScoreThreshold: Math.min(1, camera.detect.min_score + 0.1),
    ...options.tracker,
  });
  const rules = createCameraRules(camera);
  let ruleState: CameraRulesState = rules.init();
  const listeners = new Set<(change: EventChange) => void>();
  let events: EventLifecycle | null = null;
  const maxInFlight = Math.max(1, options.maxInFlight ?? 2);

  const lifecycleFor = (first: FrameRef): EventLifecycle => {
    const lifecycle = createEventLifecycle({
      camera: camera.id,
      rules: rules.meta,
      baseWallMs: options.baseWallMs ?? first.wallMs - first.ptsMs,
      ...(options.newEventId ? { newId: options.newEventId } : {}),
    });
    lifecycle.subscribe((change) => listeners.forEach((l) => l(change)));
    return lifecycle;
  };

  const dispatch = (frame: RgbFrame): Pending => {
    masker.apply(frame);
    const plan = stage.plan(frame);
    const model =
      plan.runModel && stage.detector
        ? stage.detector.detect(frame).then(
            (value): Settled => ({ ok: true, value }),
            (error: unknown): Settled => ({ ok: false, error }),
          )
        : null;
    const { data: _pixels, ...ref } = frame;
    return { frame: ref, plan, model };
  };

  const finish = async (p: Pending): Promise<FrameResult> => {
    const info = { seq: p.frame.seq, tSec: p.frame.ptsMs / 1000, width: p.frame.width, height: p.frame.height };
    let detections: Detection[] = [];
    let tracks: TrackFrame;
    if (p.plan.gated) {
      tracks = tracker.coast(info);
    } else {
      const settled = p.model ? await p.model : { ok: true as const, value: [] };
      if (!settled.ok) throw settled.error;
      const modelDetections = settled.value.filter((d) => d.score >= DETECTION_FLOOR_SCORE);
      detections = stage.combine(p.plan, modelDetections);
      tracks = tracker.update(detections, info);
    }
    const step = rules.evaluate(ruleState, tracks);
    ruleState = step.state;
    events ??= lifecycleFor(p.frame);
    const changes = events.ingest(step.signals, tracks.tSec);
    return { frame: p.frame, motion: p.plan.motion, detected: !p.plan.gated, detections, tracks, changes };
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async *run(frames) {
      const inFlight: Pending[] = [];
      let lastTSec = 0;
      for await (const frame of frames) {
        inFlight.push(dispatch(frame));
        while (inFlight.length >= maxInFlight) {
          const result = await finish(inFlight.shift() as Pending);
          lastTSec = result.tracks.tSec;
          yield result;
        }
      }
      while (inFlight.length > 0) {
        const result = await finish(inFlight.shift() as Pending);
        lastTSec = result.tracks.tSec;
        yield result;
      }
      events?.flush(lastTSec);
    },
  };
}
