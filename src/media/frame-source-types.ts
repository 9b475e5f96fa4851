/** Public types of the frame source (src/media/frame-source.ts). */
import type { RgbFrame } from '../contracts/frame.js';
import type { BackoffPolicy } from './backoff.js';
import type { MediaError } from './errors.js';
import type { StreamInfo } from './ffprobe.js';

/**
 * `frozen` and `corrupt` (network sources) are reported while frames still
 * flow: identical pictures for `frozenAfterMs`, or too many decoder errors in
 * `corruptWindowMs`; the next good picture (a clean window) goes back to `running`.
 */
export type FrameSourceState = 'starting' | 'running' | 'frozen' | 'corrupt' | 'reconnecting' | 'stalled' | 'ended' | 'failed';

export interface FrameSourceStats {
  readonly state: FrameSourceState;
  /** Frames decoded (delivered + dropped). */
  readonly framesRead: number;
  /** Frames discarded because the consumer was slower than a live source. */
  readonly framesDropped: number;
  /** Reconnection attempts after a failure or a stall. */
  readonly restarts: number;
  /** Wall time (injected clock) of the last frame read; null before the first. */
  readonly lastFrameWallMs: number | null;
  /** One-line, redacted message of the last failure; null if none yet. */
  readonly lastError: string | null;
  /** pid of the running ffmpeg; null when none runs. */
  readonly ffmpegPid: number | null;
  /** Decoder error lines ffmpeg printed (damaged pictures), over the source's life. */
  readonly decodeErrors: number;
  /** ffmpeg restarts because the picture stayed frozen for `frozenRestartMs` (also counted in `restarts`). */
  readonly frozenRestarts: number;
  /** ffmpeg restarts because the stream stayed corrupt for `corruptRestartMs` (also counted in `restarts`). */
  readonly corruptRestarts: number;
}

export interface StateChange {
  readonly state: FrameSourceState;
  readonly previous: FrameSourceState;
  /** The failure that caused `reconnecting`, `stalled` or `failed`; for `frozen` and `corrupt`, what was seen. */
  readonly error: MediaError | null;
  /** For `reconnecting`: delay before the next attempt. */
  readonly retryInMs: number | null;
}

export interface FrameSourceOptions {
  /** File path, rtsp(s):// or http(s):// URL. */
  readonly source: string;
  /** Copied into every frame's FrameRef. Default `default`. */
  readonly cameraId?: string;
  /** Analysis rate; undefined keeps every source frame. */
  readonly fps?: number;
  /** Analysis width (height keeps the aspect, even); undefined keeps the native size. */
  readonly width?: number;
  /** Files only: loop forever. */
  readonly loop?: boolean;
  /** Files only: deliver at the native rate like a camera (demo). */
  readonly realtime?: boolean;
  /** Wall clock for `wallMs`; default Date.now. */
  readonly now?: () => number;
  /** Restart ffmpeg when a connected stream delivers no frame for this long. Default 10000. */
  readonly stallTimeoutMs?: number;
  /** Network sources: identical pictures for this long -> state `frozen`. Default 20000. */
  readonly frozenAfterMs?: number;
  /** Network sources: still frozen after this long -> ffmpeg restarted. Default 60000. */
  readonly frozenRestartMs?: number;
  /** Network sources: more than this many decoder error lines within `corruptWindowMs` -> state `corrupt`. Default 20. */
  readonly corruptErrorThreshold?: number;
  /** Sliding window of the decoder error count, and the error-free time that ends `corrupt`. Default 10000. */
  readonly corruptWindowMs?: number;
  /** Network sources: still corrupt after this long -> ffmpeg restarted. Default 30000. */
  readonly corruptRestartMs?: number;
  /** Socket I/O timeout for network sources. */
  readonly networkTimeoutMs?: number;
  /** Limit for each ffprobe run. */
  readonly probeTimeoutMs?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  /** Randomness for backoff jitter; [0,1). */
  readonly random?: () => number;
  /** Give up (state failed) after this many failures in a row without a frame. Default: never for live sources. */
  readonly maxConsecutiveFailures?: number;
  /** Frames buffered ahead of the consumer. Default 2. */
  readonly maxQueuedFrames?: number;
  /**
   * When the buffer is full: true drops the oldest frame (live sources: stay
   * current), false stops reading ffmpeg (files: every frame counts).
   * Default: true for network sources and realtime files.
   */
  readonly dropWhenFull?: boolean;
  /** Already probed facts about the source (skips the first ffprobe). */
  readonly info?: StreamInfo;
  /** Called on each state change; must not throw. */
  readonly onState?: (change: StateChange) => void;
  /** Redacted ffmpeg stderr lines and restart notices. */
  readonly onLog?: (line: string) => void;
  /** Aborting stops the source. */
  readonly signal?: AbortSignal;
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
}

export interface FrameSource extends AsyncIterable<RgbFrame> {
  /** Stops ffmpeg and ends the iteration; resolves once ffmpeg is gone. Idempotent. */
  stop(): Promise<void>;
  stats(): FrameSourceStats;
  /** Probed source facts; null until probed. */
  streamInfo(): StreamInfo | null;
}

export const DEFAULT_STALL_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_QUEUED_FRAMES = 2;
