/**
 * The camera pipeline for live supervision (`vigie start`): the same stages as
 * `createCameraPipeline` (privacy mask -> motion -> detection -> tracking ->
 * rules -> events), with two differences a camera running for months needs:
 *  - the detector is asked with `tryDetect`: when the shared pool is full the
 *    frame is not waited for but coasted by the tracker, and counted
 *    (`detectorBusy`); decoding never waits for another camera's detections;
 *  - `reconfigure(camera)` swaps rules (and, when masks or detection settings
 *    changed, the perception stages) at the next frame boundary, without
 *    touching the frame source.
 */
import type { CameraConfig } from '../config/schema.js';
import type { Detection } from '../contracts/detection.js';
import type { FrameRef, RgbFrame } from '../contracts/frame.js';
import type { TrackFrame } from '../contracts/track.js';
import { createEventLifecycle, type EventChange, type EventLifecycle } from '../events/lifecycle.js';
import { createPrivacyMasker, type PrivacyMasker } from '../privacy/mask.js';
import { createCameraRules, type CameraRules, type CameraRulesState } from '../rules/registry.js';
import type { Detector, DetectorFrame } from '../vision/detect/detector.js';
import { createByteTracker, type ByteTracker, type ByteTrackerOptions } from '../vision/track/index.js';
import { DETECTION_FLOOR_SCORE, type FrameResult } from './camera-pipeline.js';
import { createDetectionStage, type DetectionPlan, type DetectionStage } from './detection-stage.js';

/**
 * The part of the detector pool a live camera uses (`DetectorPool` satisfies it):
 * `tryDetect` answers null at once when the pool has no room.
 */
export interface LiveDetector {
  readonly name: string;
  tryDetect(frame: DetectorFrame): Promise<Detection[]> | null;
}

export interface LiveFrameResult extends FrameResult {
  /** true when the detector pool was full: the frame was only coasted (counted as dropped). */
  readonly detectorBusy: boolean;
  /** The frame's pixels, privacy masks applied (for live previews); do not keep it past the frame. */
  readonly image: RgbFrame;
}

export interface LivePipelineOptions {
  readonly camera: CameraConfig;
  /** Shared detector pool; null when the camera's backend is `motion`. */
  readonly detector: LiveDetector | null;
  /** Frames waiting for their detections before decoding waits. Default 3. */
  readonly maxInFlight?: number;
  readonly newEventId?: () => string;
  readonly tracker?: Partial<ByteTrackerOptions>;
}

export interface LivePipelineStats {
  /** Frames that went through the pipeline (analysed or coasted). */
  readonly frames: number;
  /** Frames coasted because the detector pool was full. */
  readonly detectorBusy: number;
  /** Configurations applied by `reconfigure`. */
  readonly reconfigurations: number;
}

export interface LivePipeline {
  /** Analyses frames in order, one result per frame; closes every open event when the frames end. */
  run(frames: AsyncIterable<RgbFrame>): AsyncGenerator<LiveFrameResult>;
  /**
   * Validates `camera` now (throws on a config the pipeline cannot run) and applies
   * it before the next frame: new rule state (open events are closed), and new
   * mask / motion / tracker when masks or detection settings changed. Source
   * settings (source, loop, detect.fps, detect.width) are the supervisor's business.
   */
  reconfigure(camera: CameraConfig): void;
  subscribe(listener: (change: EventChange) => void): () => void;
  stats(): LivePipelineStats;
}

/** What differs between two configurations of one camera, by what must be rebuilt. */
export interface CameraConfigChanges {
  /** The frame source must restart: source, loop, detect.fps or detect.width changed. */
  readonly source: boolean;
  /** Mask, motion, detection stage and tracker: masks or other detect settings changed. */
  readonly perception: boolean;
  /** Rules and their state: zones, lines or rules changed. */
  readonly rules: boolean;
}

/**
 * Throws (with the reason) when the live pipeline cannot run `camera`: a rule
 * referring to a missing zone or line, a bad mask, a model backend without a detector.
 */
export function assertLiveCamera(camera: CameraConfig, detector: LiveDetector | null): void {
  if (camera.detect.backend !== 'motion' && !detector) {
    throw new Error(`camera ${camera.id}: detect.backend "${camera.detect.backend}" needs the detector pool, and none was given`);
  }
  createPrivacyMasker(camera.masks);
  createCameraRules(camera);
}

export function cameraConfigChanges(before: CameraConfig, after: CameraConfig): CameraConfigChanges {
  const { fps: fpsA, width: widthA, ...detectA } = before.detect;
  const { fps: fpsB, width: widthB, ...detectB } = after.detect;
  return {
    source: before.source !== after.source || before.loop !== after.loop || fpsA !== fpsB || widthA !== widthB,
    perception: !sameJson(before.masks, after.masks) || !sameJson(detectA, detectB),
    rules: !sameJson([before.zones, before.lines, before.rules], [after.zones, after.lines, after.rules]),
  };
}

/** Structural equality of JSON-like values, whatever the key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
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

/** createDetectionStage wants a Detector for model backends; the live pipeline calls tryDetect itself. */
function stageDetector(detector: LiveDetector): Detector {
  return {
    name: detector.name,
    detect: () => Promise.reject(new Error('the live pipeline detects through tryDetect')),
    close: () => Promise.resolve(),
  };
}

export function createLivePipeline(options: LivePipelineOptions): LivePipeline {
  const { detector } = options;
  const maxInFlight = Math.max(1, options.maxInFlight ?? 3);
  const listeners = new Set<(change: EventChange) => void>();
  const counters = { frames: 0, detectorBusy: 0, reconfigurations: 0 };

  const buildPerception = (camera: CameraConfig): Perception => {
    const fps = camera.detect.fps;
    return {
      masker: createPrivacyMasker(camera.masks),
      stage: createDetectionStage(camera.detect, fps, detector ? stageDetector(detector) : null),
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
  let rules: CameraRules = createCameraRules(camera);
  let ruleState: CameraRulesState = rules.init();
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
      rules = pending.rules;
      ruleState = rules.init();
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
    if (plan.runModel && p.stage.detector && detector) {
      const attempt = detector.tryDetect(frame);
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

  const finish = async (p: Pending): Promise<LiveFrameResult> => {
    const info = { seq: p.frame.seq, tSec: p.frame.ptsMs / 1000, width: p.frame.width, height: p.frame.height };
    const { tracker, stage } = p.perception;
    let detections: Detection[] = [];
    let tracks: TrackFrame;
    if (p.plan.gated || p.busy) {
      tracks = tracker.coast(info);
    } else {
      const settled = p.model ? await p.model : { ok: true as const, value: [] };
      if (!settled.ok) throw settled.error;
      detections = stage.combine(p.plan, settled.value.filter((d) => d.score >= DETECTION_FLOOR_SCORE));
      tracks = tracker.update(detections, info);
    }
    const step = rules.evaluate(ruleState, tracks);
    ruleState = step.state;
    baseWallMs ??= p.frame.wallMs - p.frame.ptsMs;
    const changes = lifecycle().ingest(step.signals, tracks.tSec);
    lastTSec = tracks.tSec;
    counters.frames += 1;
    if (p.busy) counters.detectorBusy += 1;
    return {
      frame: p.frame,
      motion: p.plan.motion,
      detected: !p.plan.gated && !p.busy,
      detections,
      tracks,
      changes,
      detectorBusy: p.busy,
      image: p.image,
    };
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stats: () => ({ ...counters }),
    reconfigure(next) {
      if (next.id !== camera.id) throw new Error(`camera id cannot change (${camera.id} -> ${next.id})`);
      const base = pending?.camera ?? camera;
      const changes = cameraConfigChanges(base, next);
      // Build now so that a config this pipeline cannot run is refused here, not on a frame.
      const newPerception = changes.perception ? buildPerception(next) : null;
      const newRules = changes.rules ? createCameraRules(next) : null;
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
        // Also on a crash or an early return: no event stays open forever.
        events?.flush(lastTSec);
        events = null;
      }
    },
  };
}
