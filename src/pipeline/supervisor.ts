/**
 * Camera supervision for `vigie start`: one supervisor per enabled camera runs
 * its live pipeline (frame source -> live pipeline) for as long as the process
 * lives, and keeps its health.
 *
 * Lifecycle of one supervisor:
 *   start() -> run: open the frame source, build the pipeline, analyse frames
 *     - a detection fails (a detector worker crashed: the pool restarts it):
 *       the frame is coasted and counted as dropped (`detector_failed`), the
 *       stream goes on;
 *     - the pipeline throws (source failed for good, a callback threw): stop
 *       the source, wait a capped exponential backoff
 *       with jitter, run again (state `degraded`, then `offline` if it lasts);
 *       a run that lasted `stableAfterMs` resets the backoff;
 *     - update(camera) with new source settings: stop the source, run again at once;
 *     - update(camera) with new rules / zones / lines / masks / detect settings:
 *       applied at the next frame, same ffmpeg;
 *     - a file without `loop` ends: state `offline` until an update or stop();
 *   stop() -> stop the source (ffmpeg is reaped), close open events, return.
 * Network streams reconnect inside the frame source (its own backoff); the
 * supervisor only sees their states, which feed the health. When the health
 * turns `offline` the supervisor raises a `camera_offline` event through
 * `onEvent`, closed when frames flow again (offline-event.ts).
 */
import { randomUUID } from 'node:crypto';
import type { CameraConfig } from '../config/schema.js';
import type { CountRecord } from '../rules/types.js';
import type { RgbFrame } from '../contracts/frame.js';
import type { VigieEvent } from '../contracts/event.js';
import type { EventChange } from '../events/lifecycle.js';
import { backoffDelayMs, type BackoffPolicy } from '../media/backoff.js';
import { openFrameSource, type FrameSource, type FrameSourceOptions } from '../media/frame-source.js';
import {
  cameraHealth,
  describeError,
  initialHealth,
  reduceHealth,
  type CameraHealth,
  type HealthModel,
  type HealthPolicy,
  type HealthSignal,
  type StartReason,
} from './health.js';
import { assertRunnableCamera, cameraConfigChanges } from './camera-changes.js';
import { createCameraPipeline, detectWhenFree, type CameraPipeline, type FrameResult, type LiveDetector } from './camera-pipeline.js';
import { closeOfflineEvent, offlineEventStep, type OfflineEventContext } from './offline-event.js';

/** Pipeline restarts after a crash: from 1 s, doubling, at most 1 min, up to 30 % shorter at random. */
export const DEFAULT_RESTART_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.3 });
/** A run that lasted this long was healthy: the next crash starts the backoff over. */
export const DEFAULT_STABLE_AFTER_MS = 60_000;
/** Health is re-evaluated and reported this often, also when no frame comes. */
export const DEFAULT_HEALTH_INTERVAL_MS = 1000;

/** Why a frame was not analysed: the source's queue was full, the detector pool was busy, or the detection failed. */
export const DROP_REASONS = ['source_queue_full', 'detector_busy', 'detector_failed'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** The narrow port through which the supervisor opens frame sources (tests inject fakes). */
export type OpenFrameSource = (options: FrameSourceOptions) => FrameSource;

/** Frame source settings the supervisor passes through (timeouts, reconnect backoff, binaries). */
export type SupervisedSourceOptions = Pick<
  FrameSourceOptions,
  'stallTimeoutMs' | 'networkTimeoutMs' | 'probeTimeoutMs' | 'backoff' | 'maxQueuedFrames' | 'ffmpegPath' | 'ffprobePath'
>;

export interface CameraSupervisorOptions {
  readonly camera: CameraConfig;
  /** The shared detector pool (`DetectorPool` fits); null when every camera uses `detect.backend: motion`. */
  readonly detector: LiveDetector | null;
  /**
   * Every event change of this camera, as it happens. `onEvent` and `onFrame` run
   * inside the pipeline: one that throws fails the run like any pipeline error
   * (restart with backoff, shown in the health). `onHealth` failures are only logged.
   */
  readonly onEvent: (change: EventChange) => void;
  /** On every health state change, and every `healthIntervalMs`. */
  readonly onHealth: (health: CameraHealth) => void;
  /** Each frame's result and its (masked) pixels, e.g. for a live preview; do not keep `frame`. */
  readonly onFrame?: (result: FrameResult, frame: RgbFrame) => void;
  /**
   * Uptime port (trial availability): `true` on every analysed frame, `false` when a run ends
   * (stop, crash, restart, end of file). The listener throttles its own writes.
   */
  readonly onFlow?: (cameraId: string, flowing: boolean, atMs: number) => void;
  /** Count buckets of the camera's `counting` rules (closed ones, and partial ones when a run ends). */
  readonly onCounts?: (counts: readonly CountRecord[], cameraId: string) => void;
  /** Time zone of rule schedules (config `timezone`). */
  readonly timeZone?: string;
  /** Wall clock, ms since epoch. Default Date.now. */
  readonly now?: () => number;
  /** Randomness for the backoff jitter, [0,1). Default Math.random. */
  readonly random?: () => number;
  readonly restartBackoff?: Partial<BackoffPolicy>;
  readonly stableAfterMs?: number;
  readonly healthPolicy?: Partial<HealthPolicy>;
  readonly healthIntervalMs?: number;
  readonly source?: SupervisedSourceOptions;
  /** Frames waiting for detections before decoding waits (see CameraPipelineOptions). */
  readonly maxInFlight?: number;
  readonly newEventId?: () => string;
  /** Redacted operational lines (restarts, ffmpeg stderr, callback failures). Default: none. */
  readonly onLog?: (line: string) => void;
  /** Default: openFrameSource (ffmpeg). */
  readonly openSource?: OpenFrameSource;
}

export interface CameraSupervisor {
  readonly cameraId: string;
  /** Starts the camera's pipeline; returns at once. Idempotent. */
  start(): void;
  /** Stops the pipeline and its ffmpeg; resolves once ffmpeg is reaped and open events are closed. Idempotent. */
  stop(): Promise<void>;
  /**
   * Applies a new configuration of the same camera without stopping the process.
   * Throws (and keeps the running configuration) when the pipeline cannot run it.
   */
  update(camera: CameraConfig): void;
  /** Health now. */
  health(): CameraHealth;
  /** The running frame source's counters (ffmpeg pid, frames read), null between runs. */
  sourceStats(): ReturnType<FrameSource['stats']> | null;
  /** Frames not analysed since the supervisor started, by reason (never silent: also in the health's `framesDropped`). */
  dropCounts(): Readonly<Record<DropReason, number>>;
}

type RunOutcome =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'restart' }
  | { readonly kind: 'ended' }
  | { readonly kind: 'crashed'; readonly error: unknown };

interface Run {
  readonly source: FrameSource;
  readonly pipeline: CameraPipeline;
  /** The source's drop counter already reported to the health model. */
  droppedSeen: number;
}

/** Frame source options for a camera in `vigie start`: files play in real time (like a camera), live sources drop rather than lag. */
export function liveSourceOptions(camera: CameraConfig): FrameSourceOptions {
  const isFile = !/^[a-z][a-z0-9+.-]*:\/\//i.test(camera.source);
  return {
    source: camera.source,
    cameraId: camera.id,
    fps: camera.detect.fps,
    width: camera.detect.width,
    ...(isFile ? { loop: camera.loop, realtime: true } : {}),
    dropWhenFull: true,
  };
}

export function createCameraSupervisor(options: CameraSupervisorOptions): CameraSupervisor {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const backoff: BackoffPolicy = { ...DEFAULT_RESTART_BACKOFF, ...options.restartBackoff };
  const stableAfterMs = options.stableAfterMs ?? DEFAULT_STABLE_AFTER_MS;
  const openSource = options.openSource ?? openFrameSource;
  const log = options.onLog ?? (() => undefined);
  assertRunnableCamera(options.camera, options.detector !== null);

  let camera = options.camera;
  const drops: Record<DropReason, number> = { source_queue_full: 0, detector_busy: 0, detector_failed: 0 };
  const offlineContext: OfflineEventContext = { newId: options.newEventId ?? randomUUID, originMs: now() };
  /** The camera's open `camera_offline` event, if any. */
  let offlineEvent: VigieEvent | null = null;
  let model: HealthModel = initialHealth(camera.id, camera.detect.fps, now(), options.healthPolicy ? { policy: options.healthPolicy } : {});
  let run: Run | null = null;
  let loop: Promise<void> | null = null;
  let ticker: NodeJS.Timeout | null = null;
  let stopping = false;
  let restartRequested = false;
  /** Wakes the loop from a backoff wait or from the wait after a file ended. */
  let wake: (() => void) | null = null;

  const emitHealth = (): void => {
    try {
      options.onHealth(cameraHealth(model));
    } catch (err) {
      // A broken listener must not stop the camera; it is reported, not hidden.
      log(`camera ${camera.id}: onHealth failed: ${describeError(err)}`);
    }
  };

  const emitEvent = (change: EventChange): void => {
    try {
      options.onEvent(change);
    } catch (err) {
      log(`camera ${camera.id}: a camera_offline event could not be delivered: ${describeError(err)}`);
    }
  };

  const trackOffline = (): void => {
    const step = offlineEventStep(offlineEvent, cameraHealth(model), offlineContext);
    offlineEvent = step.open;
    if (step.change) emitEvent(step.change);
  };

  const signal = (s: HealthSignal): void => {
    const before = model.state;
    model = reduceHealth(model, s);
    if (model.state !== before && !stopping) {
      emitHealth();
      trackOffline();
    }
  };

  const drop = (reason: DropReason, count: number): void => {
    drops[reason] += count;
    signal({ kind: 'dropped', atMs: now(), count });
  };

  const syncSourceDrops = (r: Run): void => {
    const dropped = r.source.stats().framesDropped;
    if (dropped > r.droppedSeen) drop('source_queue_full', dropped - r.droppedSeen);
    r.droppedSeen = dropped;
  };

  const onFrame = (r: Run, result: FrameResult): void => {
    syncSourceDrops(r);
    const atMs = now();
    if (result.detectorBusy) drop('detector_busy', 1);
    if (result.detectorFailed) drop('detector_failed', 1);
    signal({ kind: 'frame', atMs, analysed: !result.detectorBusy && !result.detectorFailed, capturedAtMs: result.frame.wallMs });
    options.onFlow?.(camera.id, true, atMs);
    options.onFrame?.(result, result.image);
  };

  async function runOnce(): Promise<RunOutcome> {
    restartRequested = false;
    const runCamera = camera;
    const source = openSource({
      ...options.source,
      ...liveSourceOptions(runCamera),
      now,
      onState: (change) => {
        signal({ kind: 'source', atMs: now(), state: change.state, error: change.error?.message ?? null });
        if (change.retryInMs !== null) log(`camera ${runCamera.id}: stream ${change.state}, retry in ${change.retryInMs} ms (${change.error?.message ?? 'no error'})`);
      },
      onLog: (line) => log(`camera ${runCamera.id}: ${line}`),
    });
    const pipeline = createCameraPipeline({
      camera: runCamera,
      detector: options.detector ? detectWhenFree(options.detector) : null,
      detectionFailure: 'coast',
      ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
      ...(options.newEventId ? { newEventId: options.newEventId } : {}),
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    });
    const unsubscribeEvents = pipeline.subscribe(options.onEvent);
    const { onCounts } = options;
    const unsubscribeCounts = onCounts ? pipeline.subscribeCounts((counts) => onCounts(counts, runCamera.id)) : () => undefined;
    const unsubscribe = (): void => {
      unsubscribeEvents();
      unsubscribeCounts();
    };
    const current: Run = { source, pipeline, droppedSeen: 0 };
    run = current;
    try {
      for await (const result of pipeline.run(source)) {
        onFrame(current, result);
        if (restartRequested || stopping) break;
      }
      if (stopping) return { kind: 'stopped' };
      return restartRequested ? { kind: 'restart' } : { kind: 'ended' };
    } catch (error) {
      if (stopping) return { kind: 'stopped' };
      return { kind: 'crashed', error };
    } finally {
      run = null;
      options.onFlow?.(runCamera.id, false, now());
      await source.stop();
      unsubscribe();
    }
  }

  /** Resolves after `ms`, or early when woken (update, stop). */
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = ms === Number.POSITIVE_INFINITY ? null : setTimeout(done, ms);
      function done(): void {
        if (timer) clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  async function supervise(): Promise<void> {
    let failuresInARow = 0;
    let reason: StartReason = 'initial';
    while (!stopping) {
      if (reason !== 'initial') signal({ kind: 'started', atMs: now(), reason, targetFps: camera.detect.fps });
      const startedMs = now();
      const outcome = await runOnce();
      if (stopping || outcome.kind === 'stopped') break;
      if (outcome.kind === 'restart') {
        failuresInARow = 0;
        reason = 'reconfigured';
        continue;
      }
      if (outcome.kind === 'ended') {
        signal({ kind: 'ended', atMs: now() });
        log(`camera ${camera.id}: the source ended (a file without loop); waiting for a configuration change`);
        await pause(Number.POSITIVE_INFINITY);
        reason = 'reconfigured';
        continue;
      }
      if (now() - startedMs >= stableAfterMs) failuresInARow = 0;
      const delayMs = backoffDelayMs(failuresInARow, backoff, random);
      failuresInARow += 1;
      const message = describeError(outcome.error);
      signal({ kind: 'crashed', atMs: now(), error: message });
      log(`camera ${camera.id}: pipeline failed (${message}); restart ${failuresInARow} in ${delayMs} ms`);
      await pause(delayMs);
      reason = restartRequested ? 'reconfigured' : 'recovery';
    }
  }

  return {
    cameraId: camera.id,
    start() {
      if (loop || stopping) return;
      signal({ kind: 'started', atMs: now(), reason: 'initial', targetFps: camera.detect.fps });
      emitHealth();
      ticker = setInterval(() => {
        if (run) syncSourceDrops(run);
        signal({ kind: 'tick', atMs: now() });
        emitHealth();
      }, options.healthIntervalMs ?? DEFAULT_HEALTH_INTERVAL_MS);
      ticker.unref();
      loop = supervise().catch((err: unknown) => {
        // supervise() handles every failure of a run; reaching here is a bug, made visible.
        signal({ kind: 'crashed', atMs: now(), error: describeError(err) });
        log(`camera ${camera.id}: supervisor stopped on an unexpected error: ${describeError(err)}`);
      });
    },
    async stop() {
      stopping = true;
      if (ticker) clearInterval(ticker);
      ticker = null;
      wake?.();
      await run?.source.stop();
      await loop;
      if (offlineEvent) emitEvent(closeOfflineEvent(offlineEvent, now(), 'shutdown', offlineContext));
      offlineEvent = null;
    },
    update(next) {
      if (next.id !== camera.id) throw new Error(`camera id cannot change (${camera.id} -> ${next.id})`);
      if (!next.enabled) throw new Error(`camera ${next.id} is disabled: stop its supervisor instead`);
      assertRunnableCamera(next, options.detector !== null);
      const changes = cameraConfigChanges(camera, next);
      if (changes.source) {
        camera = next;
        restartRequested = true;
        void run?.source.stop(); // the run ends at once and the loop starts a new one
        wake?.();
        return;
      }
      if (!changes.perception && !changes.rules) {
        camera = next; // nothing the pipeline uses changed (e.g. the name)
        return;
      }
      run?.pipeline.reconfigure(next); // between runs, the next run starts with `camera`
      camera = next;
    },
    health() {
      signal({ kind: 'tick', atMs: now() });
      return cameraHealth(model);
    },
    sourceStats() {
      return run?.source.stats() ?? null;
    },
    dropCounts() {
      return { ...drops };
    },
  };
}
