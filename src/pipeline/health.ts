/**
 * Camera health: a pure model of one camera's liveness, fed with signals from
 * its supervisor (starts, analysed frames, drops, frame-source states, crashes)
 * and read as a `CameraHealth` snapshot (`GET /api/health`, the live console).
 *
 * Rules, evaluated in this order at each signal's time `t` (policy defaults in
 * brackets, see DEFAULT_HEALTH_POLICY):
 *  1. `disabled`  the camera is disabled in the configuration.
 *  2. `offline`   the source ended for good (a file without `loop`);
 *                 or its image is frozen (the frame source's watchdog saw
 *                 identical frames for its `frozenAfterMs`: frames still come,
 *                 but the camera shows nothing new, so they do not count);
 *                 or it has been in trouble (source reconnecting / stalled /
 *                 failed, or the pipeline crashed and waits for its restart)
 *                 for at least `offlineAfterMs` [6 s];
 *                 or no frame came for `offlineAfterMs` since the last frame;
 *                 or none came at all for `firstFrameTimeoutMs` [20 s] since
 *                 the (re)start (opening an RTSP stream and waiting for its
 *                 first key frame takes seconds: not an outage by itself).
 *                 With the 1-s health tick, a camera that goes away is
 *                 offline within 7 s of ffmpeg noticing it (about 1 s for a
 *                 closed connection): the supervisor then raises a
 *                 `camera_offline` event (offline-event.ts).
 *  3. `starting`  no frame yet since the (re)start, and no trouble.
 *  4. `degraded`  in trouble for less than `offlineAfterMs` (also before the
 *                 first frame: a camera unreachable at start-up);
 *                 or, once a whole window [10 s] has been observed since the
 *                 first frame, the analysis rate over the window is below
 *                 `minFpsRatio` [0.8] of the target;
 *                 or more than `maxDroppedRatio` [5 %] of the frames expected
 *                 in the window were dropped (source queue full, detector busy);
 *                 or the decoder reports corrupt frames (source state `corrupt`).
 *  5. `running`   otherwise.
 * A frame arriving ends the trouble. A restart after a crash keeps the window,
 * so the gap shows as `degraded` until it slides out; a restart asked for by a
 * configuration change clears it (state `starting`).
 */
import { redactText } from '../media/redact.js';
import type { FrameSourceState } from '../media/frame-source-types.js';

export const CAMERA_HEALTH_STATES = ['starting', 'running', 'degraded', 'offline', 'disabled'] as const;
export type CameraHealthState = (typeof CAMERA_HEALTH_STATES)[number];

/** One camera's health, as shown to operators and served by the API. */
export interface CameraHealth {
  readonly camera: string;
  readonly state: CameraHealthState;
  /** When the camera entered `state` (ISO 8601, UTC). */
  readonly since: string;
  /** Time of the last frame that reached the pipeline (ISO 8601), null before the first. */
  readonly lastFrameAt: string | null;
  /** Frames analysed per second over the sliding window. */
  readonly analysisFps: number;
  /** The camera's `detect.fps`. */
  readonly targetFps: number;
  /** Frames dropped since the supervisor started (source queue full + detector busy). */
  readonly framesDropped: number;
  /** Pipeline restarts after a crash + stream reconnections, since the supervisor started. */
  readonly restarts: number;
  /** Last failure, one line, credentials hidden; null if none yet. */
  readonly lastError: string | null;
  /** Why the camera is offline; null in any other state. */
  readonly offlineReason: OfflineReason | null;
}

/**
 * Why a camera is offline: `unreachable` (the stream cannot be opened or keeps
 * dropping), `no_frames` (connected but silent), `frozen` (the same image over and
 * over), `crashed` (the analysis failed and waits for its restart), `ended` (a
 * file without loop).
 */
export const OFFLINE_REASONS = ['unreachable', 'no_frames', 'frozen', 'crashed', 'ended'] as const;
export type OfflineReason = (typeof OFFLINE_REASONS)[number];
type TroubleKind = Exclude<OfflineReason, 'frozen' | 'ended'>;

export interface HealthPolicy {
  /** Sliding window over which the analysis rate and the drops are measured. */
  readonly windowMs: number;
  /** Below this share of the target rate (over a full window) the camera is degraded. */
  readonly minFpsRatio: number;
  /** Dropped frames in the window above this share of the frames expected in it: degraded. */
  readonly maxDroppedRatio: number;
  /** Trouble, or no frame, for this long: offline. */
  readonly offlineAfterMs: number;
  /** No first frame for this long after a (re)start, without any other trouble: offline. */
  readonly firstFrameTimeoutMs: number;
}

export const DEFAULT_HEALTH_POLICY: HealthPolicy = Object.freeze({
  windowMs: 10_000,
  minFpsRatio: 0.8,
  maxDroppedRatio: 0.05,
  offlineAfterMs: 6_000,
  firstFrameTimeoutMs: 20_000,
});

/** Why the supervisor (re)started the camera's pipeline. */
export type StartReason = 'initial' | 'reconfigured' | 'recovery';

/** What the supervisor reports; every signal carries the injected clock's time `atMs`. */
export type HealthSignal =
  /** The supervisor (re)started the pipeline; `targetFps` when the camera's `detect.fps` changed. */
  | { readonly kind: 'started'; readonly atMs: number; readonly reason: StartReason; readonly targetFps?: number }
  /**
   * A frame reached the pipeline; `analysed` false when it was only coasted (detector busy).
   * `capturedAtMs`: when the source read it (frames decoded before a failure still come out of
   * the pipeline after it, and must not end the trouble).
   */
  | { readonly kind: 'frame'; readonly atMs: number; readonly analysed: boolean; readonly capturedAtMs?: number }
  | { readonly kind: 'dropped'; readonly atMs: number; readonly count: number }
  | { readonly kind: 'source'; readonly atMs: number; readonly state: FrameSourceState; readonly error: string | null }
  /** The pipeline threw; it is restarted after a backoff. */
  | { readonly kind: 'crashed'; readonly atMs: number; readonly error: string }
  /** The source ended for good (a file without loop). */
  | { readonly kind: 'ended'; readonly atMs: number }
  | { readonly kind: 'enabled'; readonly atMs: number; readonly enabled: boolean }
  /** Re-evaluation with no new fact (periodic timer): time alone makes a camera offline. */
  | { readonly kind: 'tick'; readonly atMs: number };

interface Drop {
  readonly atMs: number;
  readonly count: number;
}

/** The reducer's state. Treat as opaque outside this module; read it with `cameraHealth`. */
export interface HealthModel {
  readonly camera: string;
  readonly targetFps: number;
  readonly policy: HealthPolicy;
  readonly enabled: boolean;
  readonly state: CameraHealthState;
  readonly sinceMs: number;
  /** Time of the last (re)start whose first frame has not come yet; null once it has. */
  readonly awaitingFirstFrameSinceMs: number | null;
  /** First frame of the current measurement (the window is judged only once it is full). */
  readonly measuredFromMs: number | null;
  readonly lastFrameMs: number | null;
  /** Analysed frame times within the window, ascending. */
  readonly frameTimes: readonly number[];
  readonly drops: readonly Drop[];
  readonly troubleSinceMs: number | null;
  /** What the current trouble is, for the offline reason. */
  readonly troubleKind: TroubleKind | null;
  /** The source's watchdog says the image is frozen: frames do not prove the camera alive. */
  readonly frozen: boolean;
  /** The source's decoder reports corrupt frames. */
  readonly corrupt: boolean;
  readonly ended: boolean;
  readonly framesDropped: number;
  readonly restarts: number;
  readonly lastError: string | null;
  /** Time of the latest signal: the "now" of the snapshot. */
  readonly atMs: number;
}

/** Longest kept error text. */
const MAX_ERROR_CHARS = 300;

/** One line, credentials hidden, bounded: what an operator may see of a failure. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = redactText(text).split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS - 1)}…` : line;
}

export function initialHealth(
  camera: string,
  targetFps: number,
  atMs: number,
  options: { readonly enabled?: boolean; readonly policy?: Partial<HealthPolicy> } = {},
): HealthModel {
  const enabled = options.enabled ?? true;
  return {
    camera,
    targetFps,
    policy: { ...DEFAULT_HEALTH_POLICY, ...options.policy },
    enabled,
    state: enabled ? 'starting' : 'disabled',
    sinceMs: atMs,
    awaitingFirstFrameSinceMs: atMs,
    measuredFromMs: null,
    lastFrameMs: null,
    frameTimes: [],
    drops: [],
    troubleSinceMs: null,
    troubleKind: null,
    frozen: false,
    corrupt: false,
    ended: false,
    framesDropped: 0,
    restarts: 0,
    lastError: null,
    atMs,
  };
}

/** Applies one signal and re-evaluates the state (pure). */
export function reduceHealth(model: HealthModel, signal: HealthSignal): HealthModel {
  const next = slide(applySignal(model, signal), signal.atMs);
  const state = classify(next, signal.atMs);
  return state === model.state ? next : { ...next, state, sinceMs: signal.atMs };
}

function applySignal(m: HealthModel, s: HealthSignal): HealthModel {
  const at = { ...m, atMs: Math.max(m.atMs, s.atMs) };
  switch (s.kind) {
    case 'started': {
      const targetFps = s.targetFps ?? m.targetFps;
      if (s.reason === 'recovery') return { ...at, targetFps, awaitingFirstFrameSinceMs: s.atMs };
      // A new start: a fresh measurement (a config change is not a failure).
      return { ...at, ...CLEAR, targetFps, awaitingFirstFrameSinceMs: s.atMs, measuredFromMs: null, frameTimes: [], drops: [], ended: false };
    }
    case 'frame':
      // A frozen image proves nothing: its frames neither end the trouble nor count as analysed.
      if (m.frozen) return at;
      if (m.troubleSinceMs !== null && s.capturedAtMs !== undefined && s.capturedAtMs < m.troubleSinceMs) {
        return { ...at, frameTimes: s.analysed ? [...m.frameTimes, s.atMs] : m.frameTimes };
      }
      return {
        ...at,
        lastFrameMs: s.atMs,
        awaitingFirstFrameSinceMs: null,
        measuredFromMs: m.measuredFromMs ?? s.atMs,
        frameTimes: s.analysed ? [...m.frameTimes, s.atMs] : m.frameTimes,
        troubleSinceMs: null,
        troubleKind: null,
      };
    case 'dropped':
      if (s.count <= 0) return at;
      return { ...at, drops: [...m.drops, { atMs: s.atMs, count: s.count }], framesDropped: m.framesDropped + s.count };
    case 'source':
      switch (s.state) {
        case 'running':
          return { ...at, ...CLEAR };
        case 'reconnecting':
          return { ...at, ...trouble(m, s.atMs, s.error, 'unreachable'), restarts: m.restarts + 1 };
        case 'failed':
          return { ...at, ...trouble(m, s.atMs, s.error, 'unreachable') };
        case 'stalled':
          return { ...at, ...trouble(m, s.atMs, s.error, 'no_frames') };
        case 'frozen':
          return { ...at, frozen: true, lastError: describeError(s.error ?? 'the image is frozen: the camera sends the same picture over and over') };
        case 'corrupt':
          return { ...at, corrupt: true, lastError: describeError(s.error ?? 'the camera sends corrupt video (decoder errors)') };
        case 'starting':
        case 'ended':
          return at;
        default:
          return unreachable(s.state);
      }
    case 'crashed':
      return { ...at, ...trouble(m, s.atMs, s.error, 'crashed'), restarts: m.restarts + 1 };
    case 'ended':
      return { ...at, ended: true, lastError: m.lastError ?? 'the source ended (a file without loop)' };
    case 'enabled':
      return s.enabled === m.enabled ? at : { ...at, ...CLEAR, enabled: s.enabled, awaitingFirstFrameSinceMs: s.atMs, measuredFromMs: null, frameTimes: [], drops: [] };
    case 'tick':
      return at;
    default:
      return unreachable(s);
  }
}

/** No trouble of any kind: a new start, or the source says it runs normally again. */
const CLEAR = { troubleSinceMs: null, troubleKind: null, frozen: false, corrupt: false } as const;

function trouble(m: HealthModel, atMs: number, error: string | null, kind: TroubleKind): Pick<HealthModel, 'troubleSinceMs' | 'troubleKind' | 'lastError'> {
  return { troubleSinceMs: m.troubleSinceMs ?? atMs, troubleKind: kind, lastError: error === null ? m.lastError : describeError(error) };
}

/** Forgets frames and drops that left the window. */
function slide(m: HealthModel, nowMs: number): HealthModel {
  const from = nowMs - m.policy.windowMs;
  const firstFrame = m.frameTimes.findIndex((t) => t > from);
  const firstDrop = m.drops.findIndex((d) => d.atMs > from);
  if (firstFrame === 0 && (firstDrop === 0 || m.drops.length === 0)) return m;
  return {
    ...m,
    frameTimes: firstFrame < 0 ? [] : m.frameTimes.slice(firstFrame),
    drops: firstDrop < 0 ? [] : m.drops.slice(firstDrop),
  };
}

/** The rules of the module comment, in order. */
export function classify(m: HealthModel, nowMs: number): CameraHealthState {
  const { offlineAfterMs, firstFrameTimeoutMs, windowMs, minFpsRatio, maxDroppedRatio } = m.policy;
  if (!m.enabled) return 'disabled';
  if (m.ended || m.frozen) return 'offline';
  if (m.troubleSinceMs !== null && nowMs - m.troubleSinceMs >= offlineAfterMs) return 'offline';
  if (m.awaitingFirstFrameSinceMs !== null && nowMs - m.awaitingFirstFrameSinceMs >= firstFrameTimeoutMs) return 'offline';
  if (m.awaitingFirstFrameSinceMs === null && m.lastFrameMs !== null && nowMs - m.lastFrameMs >= offlineAfterMs) return 'offline';
  if (m.awaitingFirstFrameSinceMs !== null && m.troubleSinceMs === null) return 'starting';
  if (m.troubleSinceMs !== null || m.corrupt) return 'degraded';
  const fullWindow = m.measuredFromMs !== null && nowMs - m.measuredFromMs >= windowMs;
  if (fullWindow && windowFps(m, nowMs) < minFpsRatio * m.targetFps) return 'degraded';
  const dropped = droppedInWindow(m, nowMs);
  if (dropped > 0 && dropped > maxDroppedRatio * m.targetFps * (windowMs / 1000)) return 'degraded';
  return 'running';
}

/**
 * Frames analysed per second over the window. Before a whole window has been
 * observed, the rate since the first frame (0 with a single frame).
 */
export function windowFps(m: HealthModel, nowMs: number): number {
  const from = nowMs - m.policy.windowMs;
  const count = m.frameTimes.filter((t) => t > from && t <= nowMs).length;
  if (m.measuredFromMs === null) return 0;
  const observedMs = nowMs - m.measuredFromMs;
  if (observedMs >= m.policy.windowMs) return count / (m.policy.windowMs / 1000);
  // The first frame opens the measurement: count the intervals after it.
  return observedMs > 0 ? Math.max(0, count - 1) / (observedMs / 1000) : 0;
}

function droppedInWindow(m: HealthModel, nowMs: number): number {
  const from = nowMs - m.policy.windowMs;
  return m.drops.reduce((sum, d) => (d.atMs > from && d.atMs <= nowMs ? sum + d.count : sum), 0);
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The snapshot served to operators, as of the model's latest signal. */
export function cameraHealth(m: HealthModel): CameraHealth {
  return {
    camera: m.camera,
    state: m.state,
    since: iso(m.sinceMs),
    lastFrameAt: m.lastFrameMs === null ? null : iso(m.lastFrameMs),
    analysisFps: Math.round(windowFps(m, m.atMs) * 100) / 100,
    targetFps: m.targetFps,
    framesDropped: m.framesDropped,
    restarts: m.restarts,
    lastError: m.lastError,
    offlineReason: m.state === 'offline' ? offlineReason(m) : null,
  };
}

function offlineReason(m: HealthModel): OfflineReason {
  if (m.ended) return 'ended';
  if (m.frozen) return 'frozen';
  return m.troubleKind ?? 'no_frames';
}

/** Health of a camera that is configured but disabled (no supervisor runs for it). */
export function disabledHealth(camera: string, targetFps: number, atMs: number): CameraHealth {
  return cameraHealth(initialHealth(camera, targetFps, atMs, { enabled: false }));
}

function unreachable(value: never): never {
  throw new Error(`unhandled health signal: ${JSON.stringify(value)}`);
}
