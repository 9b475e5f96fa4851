/** Test doubles for the camera supervisor: scripted frame sources and a scripted detector pool. */
import type { Detection } from '../../src/contracts/detection.js';
import type { RgbFrame } from '../../src/contracts/frame.js';
import { MediaError } from '../../src/media/errors.js';
import type { FrameSource, FrameSourceOptions, FrameSourceState, FrameSourceStats } from '../../src/media/frame-source.js';
import type { LiveDetector } from '../../src/pipeline/camera-pipeline.js';
import type { DetectorFrame } from '../../src/vision/detect/detector.js';

/** A frame source the test feeds by hand; records how it was opened and whether it was stopped. */
export class FakeFrameSource implements FrameSource {
  readonly pid: number;
  stopped = false;
  private readonly queue: RgbFrame[] = [];
  private waiters: (() => void)[] = [];
  private failure: Error | null = null;
  private ended = false;
  private state: FrameSourceState = 'starting';
  private framesRead = 0;
  framesDropped = 0;

  constructor(
    readonly options: FrameSourceOptions,
    pid: number,
  ) {
    this.pid = pid;
  }

  /** Delivers a frame; the source reports `running` first unless `keepState` (a frozen or corrupt stream still delivers). */
  push(frame: RgbFrame, keepState = false): void {
    this.framesRead += 1;
    if (this.state !== 'running' && !keepState) this.setState('running');
    this.queue.push(frame);
    this.wake();
  }

  /** The iteration throws `error` (as a frame source that failed for good). */
  fail(error: Error): void {
    this.failure = error;
    this.setState('failed', error.message);
    this.wake();
  }

  /** End of a file without loop. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  setState(state: FrameSourceState, error: string | null = null): void {
    const previous = this.state;
    this.state = state;
    const mediaError = error === null ? null : new MediaError('UNREACHABLE', this.options.source, error);
    this.options.onState?.({ state, previous, error: mediaError, retryInMs: state === 'reconnecting' ? 500 : null });
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    this.wake();
    return Promise.resolve();
  }

  stats(): FrameSourceStats {
    return {
      state: this.state,
      framesRead: this.framesRead,
      framesDropped: this.framesDropped,
      restarts: 0,
      lastFrameWallMs: null,
      lastError: null,
      ffmpegPid: this.stopped ? null : this.pid,
      decodeErrors: 0,
      frozenRestarts: 0,
      corruptRestarts: 0,
    };
  }

  streamInfo(): null {
    return null;
  }

  [Symbol.asyncIterator](): AsyncIterator<RgbFrame> {
    return {
      next: async () => {
        for (;;) {
          if (this.stopped) return { done: true, value: undefined };
          const frame = this.queue.shift();
          if (frame) return { done: false, value: frame };
          if (this.failure) throw this.failure;
          if (this.ended) return { done: true, value: undefined };
          await new Promise<void>((resolve) => this.waiters.push(resolve));
        }
      },
      return: async () => {
        await this.stop();
        return { done: true, value: undefined };
      },
    };
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** The `openSource` port: every source it opened, newest last. */
export function fakeSources(): { open: (options: FrameSourceOptions) => FrameSource; opened: FakeFrameSource[]; latest: () => FakeFrameSource } {
  const opened: FakeFrameSource[] = [];
  return {
    opened,
    open: (options) => {
      const source = new FakeFrameSource(options, 1000 + opened.length);
      opened.push(source);
      return source;
    },
    latest: () => {
      const s = opened.at(-1);
      if (!s) throw new Error('no source opened yet');
      return s;
    },
  };
}

/** A plain grey frame (nothing moves: the motion backend finds nothing). */
export function greyFrame(seq: number, fps: number, width = 64, height = 48): RgbFrame {
  return { cameraId: 'cam', seq, ptsMs: (seq * 1000) / fps, wallMs: 0, width, height, data: new Uint8Array(width * height * 3).fill(90) };
}

/**
 * A detector pool stand-in: reports the bright (> 230) pixels of a frame as one
 * person; answers null (busy) when `busy()` says so, and rejects when `fail()` does.
 */
export function scriptedPool(script: { busy?: (call: number) => boolean; fail?: (call: number) => boolean } = {}): LiveDetector & { calls: number } {
  const pool = {
    name: 'scripted',
    calls: 0,
    tryDetect(frame: DetectorFrame): Promise<Detection[]> | null {
      const call = pool.calls++;
      if (script.busy?.(call)) return null;
      if (script.fail?.(call)) return Promise.reject(new Error('detector worker 0 crashed'));
      return Promise.resolve(brightBox(frame));
    },
    tryDetectAll(frames: readonly DetectorFrame[]): Promise<Detection[][]> | null {
      const answers = frames.map((f) => pool.tryDetect(f));
      return answers.every((a) => a !== null) ? Promise.all(answers) : null;
    },
  };
  return pool;
}

/** Detects the bright square the synthetic scenes draw (grey > 230) as a person. */
export function brightBox(frame: DetectorFrame): Detection[] {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -1;
  let y2 = -1;
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      if ((frame.data[(y * frame.width + x) * 3] ?? 0) > 230) {
        x1 = Math.min(x1, x);
        y1 = Math.min(y1, y);
        x2 = Math.max(x2, x + 1);
        y2 = Math.max(y2, y + 1);
      }
    }
  }
  return x2 < 0 ? [] : [{ box: [x1, y1, x2, y2], score: 0.9, cls: 'person' }];
}
