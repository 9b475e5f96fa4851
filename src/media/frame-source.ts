/**
 * The frame source: decodes a file or a camera stream with ffmpeg into RGB24
 * frames at the analysis rate and size, as an AsyncIterable. Network sources
 * (and looping files) are kept alive: reconnect with backoff, restart on stall.
 *
 * States: starting -> running <-> (stalled ->) reconnecting -> running ... -> ended | failed
 * Network sources also watch the pictures: running <-> frozen | corrupt, and
 * a picture frozen (or corrupt) for too long restarts ffmpeg like a stall.
 */
import type { RgbFrame } from '../contracts/frame.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { MediaError, mediaErrorFromStderr } from './errors.js';
import { analysisSize, buildDecodeArgs, sourceKind, type FrameSize, type SourceKind } from './ffmpeg-args.js';
import { startFfmpeg, type FfmpegExit, type FfmpegProcess } from './ffmpeg-process.js';
import { FrameAssembler } from './frame-assembler.js';
import { assertFrameSizeWithinLimits } from './frame-limits.js';
import { probeSource, type StreamInfo } from './ffprobe.js';
import { FrameTimeline } from './frame-timeline.js';
import { StallWatchdog } from './stall-watchdog.js';
import { FrameWatchdog, isDecodeErrorLine, pictureSampleHash, type FrameWatchdogOptions, type WatchdogVerdict } from './frame-watchdog.js';
import {
  DEFAULT_MAX_QUEUED_FRAMES,
  DEFAULT_STALL_TIMEOUT_MS,
  type FrameSource,
  type FrameSourceOptions,
  type FrameSourceState,
  type FrameSourceStats,
} from './frame-source-types.js';

export * from './frame-source-types.js';

/** Opens a frame source; nothing starts until the first frame is asked for. */
export function openFrameSource(options: FrameSourceOptions): FrameSource {
  return new FfmpegFrameSource(options);
}

type WatchdogRestart = 'stalled' | 'frozen' | 'corrupt';

interface SegmentResult {
  readonly exit: FfmpegExit;
  /** Why the watchdogs ended this run; null when ffmpeg ended by itself. */
  readonly restartedFor: WatchdogRestart | null;
}

class FfmpegFrameSource implements FrameSource {
  private readonly kind: SourceKind | null;
  private readonly optionsError: MediaError | null = null;
  private readonly restartable: boolean;
  private readonly dropWhenFull: boolean;
  private readonly maxQueued: number;
  private readonly backoff: BackoffPolicy;
  private readonly now: () => number;
  private readonly halt = new AbortController();

  private state: FrameSourceState = 'starting';
  private info: StreamInfo | null;
  private size: FrameSize | null = null;
  private timeline: FrameTimeline | null = null;
  private proc: FfmpegProcess | null = null;
  private watchdog: StallWatchdog | null = null;
  /** Network sources only: frozen and corrupt pictures. */
  private readonly pictureWatchdog: FrameWatchdog | null;
  /** Ends the current ffmpeg run on a watchdog's behalf. */
  private restartSegment: ((reason: WatchdogRestart) => void) | null = null;
  private paused = false;

  private readonly queue: RgbFrame[] = [];
  private waiters: (() => void)[] = [];
  private terminalError: MediaError | Error | null = null;
  private finished = false;

  private runPromise: Promise<void> | null = null;
  private stopPromise: Promise<void> | null = null;

  private seq = 0;
  private framesRead = 0;
  private framesDropped = 0;
  private restarts = 0;
  private failuresInARow = 0;
  private lastFrameWallMs: number | null = null;
  private lastError: string | null = null;
  private decodeErrors = 0;
  private frozenRestarts = 0;
  private corruptRestarts = 0;

  constructor(private readonly options: FrameSourceOptions) {
    this.info = options.info ?? null;
    this.now = options.now ?? Date.now;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.maxQueued = Math.max(1, options.maxQueuedFrames ?? DEFAULT_MAX_QUEUED_FRAMES);
    let kind: SourceKind | null = null;
    let pictureWatchdog: FrameWatchdog | null = null;
    try {
      kind = sourceKind(options.source);
      buildDecodeArgs({ ...options, sourceSize: undefined }); // validates the options now, fails on first next()
      if (kind !== 'file') pictureWatchdog = new FrameWatchdog(pictureWatchdogOptions(options));
    } catch (err) {
      if (err instanceof RangeError) this.optionsError = new MediaError('INVALID_OPTIONS', options.source, err.message);
      else if (err instanceof MediaError) this.optionsError = err;
      else throw err;
    }
    this.kind = kind;
    this.pictureWatchdog = pictureWatchdog;
    this.restartable = kind !== null && (kind !== 'file' || options.loop === true);
    this.dropWhenFull = options.dropWhenFull ?? (kind !== 'file' || options.realtime === true);
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private readonly onAbort = (): void => void this.stop();

  [Symbol.asyncIterator](): AsyncIterator<RgbFrame> {
    return {
      next: () => this.next(),
      // Called by `break`/`return`/a throw in a for-await body: stop ffmpeg.
      return: async () => {
        await this.stop();
        return { done: true, value: undefined };
      },
    };
  }

  stats(): FrameSourceStats {
    return {
      state: this.state,
      framesRead: this.framesRead,
      framesDropped: this.framesDropped,
      restarts: this.restarts,
      lastFrameWallMs: this.lastFrameWallMs,
      lastError: this.lastError,
      ffmpegPid: this.proc?.pid ?? null,
      decodeErrors: this.decodeErrors,
      frozenRestarts: this.frozenRestarts,
      corruptRestarts: this.corruptRestarts,
    };
  }

  streamInfo(): StreamInfo | null {
    return this.info;
  }

  stop(): Promise<void> {
    this.stopPromise ??= (async () => {
      this.halt.abort();
      // A long-lived signal shared by many sources must not collect their listeners.
      this.options.signal?.removeEventListener('abort', this.onAbort);
      this.queue.length = 0;
      this.wakeWaiters();
      await this.proc?.stop();
      await this.runPromise;
      if (this.state !== 'failed') this.setState('ended', null);
    })();
    return this.stopPromise;
  }

  private async next(): Promise<IteratorResult<RgbFrame>> {
    if (this.options.signal?.aborted) await this.stop();
    if (this.stopPromise) return { done: true, value: undefined };
    this.runPromise ??= this.run();
    for (;;) {
      // After stop() nothing more is delivered, not even frames already queued.
      if (this.stopPromise) return { done: true, value: undefined };
      const frame = this.queue.shift();
      if (frame) {
        this.resumeIfRoom();
        return { done: false, value: frame };
      }
      if (this.terminalError) {
        const err = this.terminalError;
        this.terminalError = null;
        throw err;
      }
      if (this.finished) return { done: true, value: undefined };
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  // ---- the pump: probe, then one ffmpeg run after another -----------------------------

  private async run(): Promise<void> {
    try {
      if (this.optionsError) throw this.optionsError;
      const info = this.info ?? (await this.probeUntilReady());
      this.info = info;
      // Network sources always get an explicit size, so a camera that changes
      // resolution after a reconnect cannot change the frame size mid-stream.
      const width = this.options.width ?? (this.kind === 'file' ? undefined : info.width);
      this.size = analysisSize(info, width);
      // Also for a caller-given `info`, and for an analysis width that stretches an extreme aspect ratio.
      assertFrameSizeWithinLimits(info, this.options.source);
      assertFrameSizeWithinLimits(this.size, this.options.source, 'analysed');
      this.timeline = new FrameTimeline(1000 / (this.options.fps ?? info.fps));
      const args = buildDecodeArgs({ ...this.options, width, sourceSize: info });

      while (!this.halt.signal.aborted) {
        const { exit, restartedFor } = await this.runSegment(args);
        if (this.halt.signal.aborted) break;
        if (exit.spawnError) {
          throw exit.spawnError.code === 'ENOENT'
            ? new MediaError('FFMPEG_MISSING', this.options.source, exit.spawnError.message)
            : exit.spawnError;
        }
        const failure = restartedFor
          ? this.watchdogError(restartedFor, exit.stderrTail)
          : exit.code === 0
            ? null
            : mediaErrorFromStderr(this.options.source, exit.stderrTail);
        if (!this.restartable) {
          if (failure) throw failure;
          break; // end of file
        }
        // A live stream that ends cleanly (server closed it) is a disconnection too.
        await this.retryAfter(failure ?? new MediaError('UNREACHABLE', this.options.source, 'stream ended'));
      }
      this.finish(null);
    } catch (err) {
      if (this.halt.signal.aborted) this.finish(null);
      else this.finish(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private async probeUntilReady(): Promise<StreamInfo> {
    for (;;) {
      try {
        return await probeSource(this.options.source, {
          signal: this.halt.signal,
          timeoutMs: this.options.probeTimeoutMs,
          networkTimeoutMs: this.options.networkTimeoutMs,
          command: this.options.ffprobePath,
        });
      } catch (err) {
        // Bad files fail at once; a camera that is down at start-up is waited for.
        if (this.halt.signal.aborted || this.kind === 'file' || !isRetryable(err)) throw err;
        await this.retryAfter(err);
      }
    }
  }

  private async retryAfter(error: MediaError): Promise<void> {
    this.failuresInARow += 1;
    this.lastError = error.message;
    const limit = this.options.maxConsecutiveFailures ?? Number.POSITIVE_INFINITY;
    if (this.failuresInARow > limit) throw error;
    const delayMs = backoffDelayMs(this.failuresInARow - 1, this.backoff, this.options.random);
    this.restarts += 1;
    this.setState('reconnecting', error, delayMs);
    this.options.onLog?.(`${error.message}; retrying in ${delayMs} ms`);
    await sleep(delayMs, this.halt.signal);
  }

  private runSegment(args: readonly string[]): Promise<SegmentResult> {
    const size = this.size as FrameSize;
    const assembler = new FrameAssembler(size.width * size.height * 3);
    let restartedFor: WatchdogRestart | null = null;
    const proc = startFfmpeg({ command: this.options.ffmpegPath, args, onStderrLine: (line) => this.onStderrLine(line) });
    this.proc = proc;
    this.paused = false;
    this.timeline?.startSegment();
    this.pictureWatchdog?.reset();
    this.restartSegment = (reason) => {
      if (restartedFor !== null) return;
      restartedFor = reason;
      if (reason === 'frozen') this.frozenRestarts += 1;
      if (reason === 'corrupt') this.corruptRestarts += 1;
      this.options.onLog?.(`${this.watchdogError(reason, []).message}; restarting ffmpeg`);
      void proc.stop();
    };
    const watchdog = new StallWatchdog(this.stallTimeoutMs(), () => {
      this.setState('stalled', this.watchdogError('stalled', []));
      this.restartSegment?.('stalled');
    });
    this.watchdog = watchdog;
    watchdog.arm();

    const stdoutDone = new Promise<void>((resolve) => {
      proc.stdout.once('end', resolve);
      proc.stdout.once('close', resolve);
    });
    proc.stdout.on('data', (chunk: Buffer) => {
      assembler.push(chunk, (data) => this.onFrame(data, size));
    });

    return (async () => {
      const exit = await proc.exited;
      if (!exit.spawnError) await stdoutDone;
      watchdog.disarm();
      this.watchdog = null;
      this.restartSegment = null;
      this.proc = null;
      if (assembler.pendingBytes > 0 && !this.halt.signal.aborted) {
        this.options.onLog?.(`dropped a truncated last frame (${assembler.pendingBytes} bytes)`);
      }
      return { exit, restartedFor };
    })();
  }

  /** Counts decoder errors; once the stream is judged corrupt, their lines are summarised by the state, not logged one by one. */
  private onStderrLine(line: string): void {
    if (this.pictureWatchdog && isDecodeErrorLine(line)) {
      const nowMs = this.now();
      this.decodeErrors += 1;
      this.pictureWatchdog.onDecodeError(nowMs);
      const verdict = this.pictureWatchdog.evaluate(nowMs);
      if (this.state !== 'corrupt') this.options.onLog?.(line);
      this.applyVerdict(verdict);
      return;
    }
    this.options.onLog?.(line);
  }

  /** Reports frozen/corrupt pictures (only while frames flow) and restarts ffmpeg when they last. */
  private applyVerdict(verdict: WatchdogVerdict): void {
    if (this.state !== 'running' && this.state !== 'frozen' && this.state !== 'corrupt') return;
    const target = verdict.condition === 'ok' ? 'running' : verdict.condition;
    if (target !== this.state) this.setState(target, target === 'running' ? null : this.watchdogError(target, []));
    if (verdict.restart) this.restartSegment?.(verdict.restart);
  }

  private watchdogError(reason: WatchdogRestart, stderrTail: readonly string[]): MediaError {
    const source = this.options.source;
    switch (reason) {
      case 'stalled':
        return new MediaError('STALLED', source, `no frame for ${this.stallTimeoutMs()} ms`, stderrTail);
      case 'frozen':
        return new MediaError('STALLED', source, 'the picture is frozen: identical frames', stderrTail);
      case 'corrupt':
        return new MediaError('DECODE_FAILED', source, 'the stream is corrupt: repeated decoder errors', stderrTail);
      default: {
        const never: never = reason;
        return never;
      }
    }
  }

  private onFrame(data: Buffer, size: FrameSize): void {
    if (this.halt.signal.aborted) return;
    const wallMs = this.now();
    const ptsMs = (this.timeline as FrameTimeline).next(wallMs);
    this.framesRead += 1;
    this.lastFrameWallMs = wallMs;
    this.failuresInARow = 0;
    this.watchdog?.kick();
    if (this.pictureWatchdog) {
      this.pictureWatchdog.onFrame(pictureSampleHash(data), wallMs);
      if (this.state !== 'running' && this.state !== 'frozen' && this.state !== 'corrupt') this.setState('running', null);
      this.applyVerdict(this.pictureWatchdog.evaluate(wallMs));
    } else if (this.state !== 'running') {
      this.setState('running', null);
    }

    const frame: RgbFrame = {
      cameraId: this.options.cameraId ?? 'default',
      seq: this.seq++,
      ptsMs,
      wallMs,
      width: size.width,
      height: size.height,
      data,
    };
    this.queue.push(frame);
    if (this.queue.length > this.maxQueued) {
      if (this.dropWhenFull) {
        this.queue.shift();
        this.framesDropped += 1;
      }
    }
    if (!this.dropWhenFull && this.queue.length >= this.maxQueued && !this.paused) {
      this.paused = true;
      this.proc?.stdout.pause();
      this.watchdog?.disarm();
    }
    this.wakeWaiters();
  }

  private resumeIfRoom(): void {
    if (this.paused && this.queue.length < this.maxQueued) {
      this.paused = false;
      this.proc?.stdout.resume();
      this.watchdog?.arm();
    }
  }

  private finish(error: Error | null): void {
    this.finished = true;
    if (error) {
      this.terminalError = error;
      this.lastError = error.message;
      this.setState('failed', error instanceof MediaError ? error : null);
    } else {
      this.setState('ended', null);
    }
    this.wakeWaiters();
  }

  private setState(state: FrameSourceState, error: MediaError | null, retryInMs: number | null = null): void {
    const previous = this.state;
    if (previous === state && state !== 'reconnecting') return; // each retry is reported
    if (previous === 'failed' || previous === 'ended') return; // terminal states are final
    this.state = state;
    this.options.onState?.({ state, previous, error, retryInMs });
  }

  private wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private stallTimeoutMs(): number {
    return this.options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  }
}

function pictureWatchdogOptions(options: FrameSourceOptions): Partial<FrameWatchdogOptions> {
  const picked: Partial<Record<keyof FrameWatchdogOptions, number>> = {};
  for (const key of ['frozenAfterMs', 'frozenRestartMs', 'corruptErrorThreshold', 'corruptWindowMs', 'corruptRestartMs'] as const) {
    const value = options[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}

function isRetryable(err: unknown): err is MediaError {
  return err instanceof MediaError && !['FFMPEG_MISSING', 'UNSUPPORTED_SOURCE', 'INVALID_OPTIONS', 'FRAME_TOO_LARGE'].includes(err.code);
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks the signal). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
