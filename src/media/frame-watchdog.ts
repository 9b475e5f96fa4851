/**
 * Watchdog over the pictures a live source delivers (pure: time is passed in).
 * Two failures a stall watchdog cannot see, because frames keep coming:
 *  - frozen: every decoded picture is bit-identical (a hung encoder, a camera
 *    that repeats its last image). Exact equality is safe because real sensors
 *    add noise: two genuine frames never hash the same for long;
 *  - corrupt: the decoder keeps reporting damaged pictures (bad link, failing encoder).
 */

export interface FrameWatchdogOptions {
  /** Identical pictures for this long -> frozen. */
  readonly frozenAfterMs: number;
  /** Frozen for this long -> restart ffmpeg. */
  readonly frozenRestartMs: number;
  /** More than this many decoder error lines within `corruptWindowMs` -> corrupt. */
  readonly corruptErrorThreshold: number;
  /** Sliding window of the error count; also the error-free time that ends `corrupt`. */
  readonly corruptWindowMs: number;
  /** Corrupt for this long -> restart ffmpeg. */
  readonly corruptRestartMs: number;
}

export const DEFAULT_FRAME_WATCHDOG: FrameWatchdogOptions = Object.freeze({
  frozenAfterMs: 20_000,
  frozenRestartMs: 60_000,
  corruptErrorThreshold: 20,
  corruptWindowMs: 10_000,
  corruptRestartMs: 30_000,
});

export type PictureCondition = 'ok' | 'frozen' | 'corrupt';

export interface WatchdogVerdict {
  readonly condition: PictureCondition;
  /** Set when ffmpeg should be restarted now, with the reason. */
  readonly restart: 'frozen' | 'corrupt' | null;
}

export class FrameWatchdog {
  private readonly options: FrameWatchdogOptions;
  private lastHash: number | null = null;
  private sameSinceMs = 0;
  /** Times of the latest threshold+1 error lines (ring): enough to tell whether more than threshold fall in the window. */
  private readonly errorTimes: Float64Array;
  private errorCount = 0;
  private lastErrorMs = Number.NEGATIVE_INFINITY;
  private corruptSinceMs: number | null = null;

  constructor(options: Partial<FrameWatchdogOptions> = {}) {
    this.options = { ...DEFAULT_FRAME_WATCHDOG, ...options };
    const { frozenAfterMs, frozenRestartMs, corruptErrorThreshold, corruptWindowMs, corruptRestartMs } = this.options;
    for (const [name, value] of Object.entries({ frozenAfterMs, frozenRestartMs, corruptWindowMs, corruptRestartMs })) {
      if (!(value > 0)) throw new RangeError(`frame watchdog: ${name} must be > 0, got ${value}`);
    }
    if (!(Number.isInteger(corruptErrorThreshold) && corruptErrorThreshold >= 0)) {
      throw new RangeError(`frame watchdog: corruptErrorThreshold must be an integer >= 0, got ${corruptErrorThreshold}`);
    }
    this.errorTimes = new Float64Array(corruptErrorThreshold + 1);
  }

  /** A decoded picture with its sample hash (see pictureSampleHash). */
  onFrame(hash: number, nowMs: number): void {
    if (hash !== this.lastHash) {
      this.lastHash = hash;
      this.sameSinceMs = nowMs;
    }
  }

  /** One decoder error line on ffmpeg's stderr. */
  onDecodeError(nowMs: number): void {
    this.errorTimes[this.errorCount % this.errorTimes.length] = nowMs;
    this.errorCount += 1;
    this.lastErrorMs = nowMs;
  }

  /** Error lines counted within the window ending now, capped at threshold + 1. */
  errorsInWindow(nowMs: number): number {
    const from = nowMs - this.options.corruptWindowMs;
    const kept = Math.min(this.errorCount, this.errorTimes.length);
    let count = 0;
    for (let i = 0; i < kept; i += 1) if (this.errorTimes[i]! > from) count += 1;
    return count;
  }

  evaluate(nowMs: number): WatchdogVerdict {
    const { frozenAfterMs, frozenRestartMs, corruptErrorThreshold, corruptWindowMs, corruptRestartMs } = this.options;
    // Corrupt starts when the window holds more than the threshold, and ends after a whole window without error.
    if (this.corruptSinceMs === null) {
      if (this.errorsInWindow(nowMs) > corruptErrorThreshold) this.corruptSinceMs = nowMs;
    } else if (nowMs - this.lastErrorMs >= corruptWindowMs) {
      this.corruptSinceMs = null;
    }
    if (this.corruptSinceMs !== null) {
      return { condition: 'corrupt', restart: nowMs - this.corruptSinceMs >= corruptRestartMs ? 'corrupt' : null };
    }
    const frozenForMs = this.lastHash === null ? 0 : nowMs - this.sameSinceMs;
    if (frozenForMs >= frozenAfterMs) {
      return { condition: 'frozen', restart: frozenForMs >= frozenRestartMs ? 'frozen' : null };
    }
    return { condition: 'ok', restart: null };
  }

  /** A new ffmpeg starts: judge its pictures afresh. */
  reset(): void {
    this.lastHash = null;
    this.errorCount = 0;
    this.lastErrorMs = Number.NEGATIVE_INFINITY;
    this.corruptSinceMs = null;
  }
}

const SAMPLES = 4096;

/**
 * FNV-1a hash of a sparse sample of the picture's bytes (about 4096, spread
 * over the whole frame); no allocation, a few microseconds per frame.
 */
export function pictureSampleHash(data: Uint8Array): number {
  // An odd stride walks across the three colour channels.
  const stride = Math.max(1, Math.floor(data.length / SAMPLES)) | 1;
  let hash = 0x811c9dc5;
  for (let i = 0; i < data.length; i += stride) {
    hash ^= data[i]!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * ffmpeg decoder messages that mean a damaged picture (h264/hevc/mpeg
 * decoders and error concealment, as printed at `-loglevel error`).
 * Connection and demuxer failures are not counted: they end the run anyway.
 */
const DECODE_ERROR_PATTERN =
  /error while decoding|concealing \d+|corrupt|Invalid NAL|missing picture|decode_slice_header error|non-existing PPS|no frame!|out of range|too large|unavailable for requested intra|Invalid level prefix|left block unavailable|reference picture missing|illegal (short|long) term|mmco|slice mismatch|ac-tex damaged|Warning MVs not available/i;

export function isDecodeErrorLine(line: string): boolean {
  return DECODE_ERROR_PATTERN.test(line);
}
