/**
 * A pool of worker threads, each running its own detector, behind the `Detector`
 * port. Frames wait in a bounded queue: `detect()` waits for room (back-pressure),
 * `tryDetect()` drops the frame and counts it when there is none (live cameras
 * that prefer dropping to lagging). Pixels always travel by transfer, never by
 * structured clone. (Over 400 lines on purpose: the queue, the worker slots and
 * the crash/restart logic share one state that splitting would only pass around.)
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Detection } from '../../contracts/detection.js';
import type { Detector, DetectorBackendName, FlexibleInput, DetectorBackendOptions, DetectorFrame } from './detector.js';
import { assertValidCrop, assertValidFrame, type CropRect, type InputShape } from './preprocess.js';
import { startModuleWorker, workerModuleUrls } from './worker-launch.js';
import type { DetectorWorkerData, PoolToWorkerMessage, WorkerToPoolMessage } from './worker.js';
import type { BackendWorkerPayload } from './worker-entry.js';

/** Wait before restarting a worker that failed to start, times the number of failures in a row. */
const RESTART_BACKOFF_MS = 250;

/** How long a closing worker may take to finish its frame and release its model before it is terminated. */
const GRACEFUL_CLOSE_MS = 5000;

/** Weight of the newest frame in the mean detection time (about the last 20 frames count). */
const DETECT_MS_SMOOTHING = 0.05;

/** Default number of consecutive failed worker starts after which the pool gives up. */
export const DEFAULT_MAX_START_FAILURES = 3;

export interface DetectorPoolOptions<N extends DetectorBackendName = 'centernet-onnx'> {
  /** Backend run by each worker. Default `centernet-onnx`. */
  readonly backend?: N;
  /** Options of each worker's detector (structured-cloneable). */
  readonly detector?: DetectorBackendOptions<N>;
  /** Number of worker threads. Default `os.availableParallelism()`. */
  readonly size?: number;
  /**
   * Frames that may wait for a worker, beyond the one each worker is detecting.
   * Default: `size` (so at most `2 * size` frames are held). 0 = no waiting frames.
   */
  readonly queueCapacity?: number;
  /**
   * Live admission bound: `tryDetect()`/`tryDetectAll()` refuse frames whose
   * detection would, by the recent mean time per frame, only finish after this
   * many milliseconds (queue wait included). Keeps a live camera's results
   * fresh under overload instead of late. Default: no time bound (only `queueCapacity`).
   */
  readonly maxQueueDelayMs?: number;
  /** Consecutive failed worker starts (after a crash) before the pool fails every call. Default 3. */
  readonly maxStartFailures?: number;
  /**
   * Worker module to run instead of `worker-entry.ts`: it must call `serveDetector`
   * (worker.ts). For tests and custom detectors; `backend`/`detector` are then its `payload`.
   */
  readonly workerModule?: URL;
}

/** Per-call options of the pool. */
export interface PoolDetectOptions {
  /**
   * Give the frame's buffer to the pool: it is transferred to the worker and the
   * caller's `frame.data` becomes detached (length 0). Only done when the buffer
   * is a plain ArrayBuffer that the view covers whole; otherwise the pixels are
   * copied as by default. Default false: the pixels are copied into a pool-owned
   * buffer (one memcpy, reused across frames) and the caller's frame is untouched.
   */
  readonly transfer?: boolean;
}

/** Counters of a pool, since it was created. */
export interface DetectorPoolStats {
  readonly size: number;
  /** Workers started and ready. */
  readonly ready: number;
  /** Frames being detected right now. */
  readonly busy: number;
  /** Frames accepted and waiting for a worker. */
  readonly queued: number;
  /** `detect()` calls waiting for room in the queue. */
  readonly waiting: number;
  readonly completed: number;
  /** Frames whose detection failed (worker error or crash, pool closed). */
  readonly failed: number;
  /** Frames refused by `tryDetect()` because the queue was full. */
  readonly dropped: number;
  /** Workers restarted after a crash. */
  readonly restarts: number;
  /** Sum of the time workers spent in `detect()`, in milliseconds. */
  readonly detectMsTotal: number;
}

/** A `Detector` spread over worker threads, with back-pressure and a drop counter. */
export interface DetectorPool extends Detector {
  /** Waits for room in the queue (back-pressure), then detects. */
  detect(frame: DetectorFrame, options?: PoolDetectOptions): Promise<Detection[]>;
  /**
   * Detects if the queue has room, else returns `null` at once and counts a drop
   * (also when `detect()` calls are already waiting for room).
   */
  tryDetect(frame: DetectorFrame, options?: PoolDetectOptions): Promise<Detection[]> | null;
  /**
   * All or nothing for the crops of one camera frame: detects every frame of
   * `frames` if the queue has room for all of them, else returns `null` at once
   * and counts one drop. More frames than `size + queueCapacity` never fit.
   */
  tryDetectAll(frames: readonly DetectorFrame[], options?: PoolDetectOptions): Promise<Detection[][]> | null;
  stats(): DetectorPoolStats;
  /** Calls `listener` with each completed detection's worker time in ms (metrics); returns the unsubscribe. */
  onDetection(listener: (detectMs: number) => void): () => void;
  /** Terminates every worker; frames not yet answered are rejected. Idempotent. */
  close(): Promise<void>;
}

/** The frame was lost because its worker thread died; the worker is being restarted. */
export class DetectorWorkerCrashedError extends Error {
  readonly code = 'DETECT_WORKER_CRASHED';
  constructor(workerIndex: number, cause: string) {
    super(`detector worker ${workerIndex} crashed while detecting this frame (${cause}); it is being restarted`);
    this.name = 'DetectorWorkerCrashedError';
  }
}

/** The pool was closed, or gave up after repeated worker start failures. */
export class DetectorPoolClosedError extends Error {
  readonly code = 'DETECT_POOL_CLOSED';
  constructor(reason: string) {
    super(`detector pool is closed: ${reason}`);
    this.name = 'DetectorPoolClosedError';
  }
}

interface Job {
  readonly id: number;
  readonly buffer: ArrayBuffer;
  readonly byteLength: number;
  readonly width: number;
  readonly height: number;
  readonly input: InputShape | undefined;
  /** Where the job's pixels sit in the caller's frame (a crop): boxes are shifted back by it. */
  readonly offsetX: number;
  readonly offsetY: number;
  readonly resolve: (d: Detection[]) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  readonly index: number;
  worker: Worker;
  state: 'starting' | 'idle' | 'busy' | 'gone';
  job: Job | undefined;
  /** Last error reported by the thread, for the crash message. */
  lastError: string | undefined;
  startFailures: number;
  onReady: ((err?: Error) => void) | undefined;
}

/** Copies the `rect` pixels of an RGB24 frame into `out` (rect width * height * 3 bytes). */
function copyRect(frame: DetectorFrame, rect: CropRect, out: Uint8Array): void {
  const rowBytes = rect.width * 3;
  if (rect.x === 0 && rect.width === frame.width) {
    out.set(frame.data.subarray(rect.y * rowBytes, (rect.y + rect.height) * rowBytes));
    return;
  }
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * frame.width + rect.x) * 3;
    out.set(frame.data.subarray(from, from + rowBytes), y * rowBytes);
  }
}

const shiftDetection = (d: Detection, dx: number, dy: number): Detection => ({
  ...d,
  box: [d.box[0] + dx, d.box[1] + dy, d.box[2] + dx, d.box[3] + dy],
});

function isTransferable(data: Uint8Array): boolean {
  return data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
}

/**
 * Starts `size` workers and resolves once every one has loaded its detector.
 * Rejects (and stops the started workers) when a worker cannot start, with its error.
 *
 * @example
 * const pool = await createDetectorPool({ size: 2, detector: { minScore: 0.4, classes: ['person'] } });
 * const detections = await pool.detect(frame);          // waits when the queue is full
 * const maybe = pool.tryDetect(frame);                  // null (and counted) when full
 * await pool.close();
 */
export async function createDetectorPool<N extends DetectorBackendName = 'centernet-onnx'>(
  options: DetectorPoolOptions<N> = {},
): Promise<DetectorPool> {
  const size = options.size ?? os.availableParallelism();
  const queueCapacity = options.queueCapacity ?? size;
  const maxStartFailures = options.maxStartFailures ?? DEFAULT_MAX_START_FAILURES;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be an integer >= 1, got ${size}`);
  if (!Number.isInteger(queueCapacity) || queueCapacity < 0) throw new RangeError(`queueCapacity must be an integer >= 0, got ${queueCapacity}`);

  const backend = options.backend ?? 'centernet-onnx';
  const payload: BackendWorkerPayload = { backend, options: options.detector ?? {} };
  const workerData: DetectorWorkerData = { ...workerModuleUrls(options.workerModule), payload };
  const maxHeld = size + queueCapacity;
  const maxQueueDelayMs = options.maxQueueDelayMs ?? Number.POSITIVE_INFINITY;
  // Recent mean detection time per frame (exponential moving average), for the admission bound.
  let meanDetectMs: number | undefined;

  const slots: Slot[] = [];
  const queue: Job[] = [];
  const waiters: (() => void)[] = [];
  const spareBuffers: ArrayBuffer[] = [];
  let held = 0; // accepted jobs not yet answered (queued + busy)
  let reserved = 0; // room promised to woken `detect()` callers
  let nextJobId = 1;
  let closedReason: string | undefined;
  let closing: Promise<void> | undefined;
  let name = backend as string;
  let flexibleInput: FlexibleInput | undefined;
  const counters = { completed: 0, failed: 0, dropped: 0, restarts: 0, detectMsTotal: 0 };
  const detectionListeners = new Set<(detectMs: number) => void>();

  const hasRoom = () => held + reserved < maxHeld;
  /**
   * Room for `count` more live frames: memory bound, and finished within `maxQueueDelayMs` by the
   * recent pace — unless a worker is idle. Without that exception a machine slowed down once (one
   * detection slower than the bound) would refuse every frame for ever: no detection would run
   * again to bring the measured pace back down, and every camera would stay at 0 fps (seen in the soak run).
   */
  const liveRoomFor = (count: number): boolean =>
    held + reserved + count <= maxHeld && (held < size || meanDetectMs === undefined || ((held + count) * meanDetectMs) / size <= maxQueueDelayMs);

  function wakeWaiters(): void {
    while (waiters.length > 0 && hasRoom()) {
      reserved++;
      waiters.shift()!();
    }
  }

  function recycle(buffer: ArrayBuffer): void {
    if (buffer.byteLength > 0 && spareBuffers.length < maxHeld) spareBuffers.push(buffer);
  }

  function takeBuffer(bytes: number): ArrayBuffer {
    const i = spareBuffers.findIndex((b) => b.byteLength === bytes);
    if (i >= 0) return spareBuffers.splice(i, 1)[0]!;
    if (spareBuffers.length >= maxHeld) spareBuffers.shift(); // sizes changed: forget an old one
    return new ArrayBuffer(bytes);
  }

  function settle(job: Job, outcome: { detections: Detection[] } | { error: Error }): void {
    held--;
    if ('detections' in outcome) {
      counters.completed++;
      job.resolve(outcome.detections);
    } else {
      counters.failed++;
      job.reject(outcome.error);
    }
    wakeWaiters();
  }

  function pump(): void {
    for (const slot of slots) {
      if (queue.length === 0) return;
      if (slot.state !== 'idle') continue;
      const job = queue.shift()!;
      slot.state = 'busy';
      slot.job = job;
      const msg: PoolToWorkerMessage = {
        type: 'detect', id: job.id, buffer: job.buffer, byteLength: job.byteLength, width: job.width, height: job.height,
        input: job.input,
      };
      slot.worker.postMessage(msg, [job.buffer]);
    }
  }

  function onMessage(slot: Slot, msg: WorkerToPoolMessage): void {
    switch (msg.type) {
      case 'ready':
        name = `pool(${msg.name}x${size})`;
        flexibleInput = msg.flexibleInput;
        slot.state = 'idle';
        slot.startFailures = 0;
        slot.onReady?.();
        slot.onReady = undefined;
        pump();
        return;
      case 'init-error':
        slot.lastError = msg.message;
        return;
      case 'result':
      case 'error': {
        const job = slot.job;
        if (!job || job.id !== msg.id) return; // answer to a job already failed by close()
        slot.job = undefined;
        slot.state = 'idle';
        recycle(msg.buffer);
        if (msg.type === 'result') {
          counters.detectMsTotal += msg.detectMs;
          for (const listener of detectionListeners) listener(msg.detectMs);
          meanDetectMs = meanDetectMs === undefined ? msg.detectMs : meanDetectMs + (msg.detectMs - meanDetectMs) * DETECT_MS_SMOOTHING;
          settle(job, { detections: job.offsetX === 0 && job.offsetY === 0 ? msg.detections : msg.detections.map((d) => shiftDetection(d, job.offsetX, job.offsetY)) });
        } else {
          settle(job, { error: new Error(`detector worker ${slot.index}: ${msg.message}`) });
        }
        pump();
        return;
      }
      default: {
        const never: never = msg;
        throw new Error(`unknown message from detector worker: ${JSON.stringify(never)}`);
      }
    }
  }

  function failEverything(reason: string): void {
    closedReason ??= reason;
    const error = () => new DetectorPoolClosedError(closedReason ?? reason);
    for (const job of queue.splice(0)) settle(job, { error: error() });
    for (const slot of slots) {
      if (slot.job) {
        const job = slot.job;
        slot.job = undefined;
        settle(job, { error: error() });
      }
    }
    // Woken callers see the closed pool and reject.
    for (const wake of waiters.splice(0)) {
      reserved++;
      wake();
    }
  }

  function onExit(slot: Slot, code: number): void {
    if (slot.state === 'gone') return;
    const wasStarting = slot.state === 'starting';
    const cause = slot.lastError?.split('\n')[0] ?? `thread exited with code ${code}`;
    slot.state = 'gone';
    if (slot.onReady) {
      slot.onReady(new Error(`detector worker ${slot.index} failed to start: ${slot.lastError ?? `exit code ${code}`}`));
      slot.onReady = undefined;
      return; // initial start: createDetectorPool reports it
    }
    if (slot.job) {
      const job = slot.job;
      slot.job = undefined;
      settle(job, { error: new DetectorWorkerCrashedError(slot.index, cause) });
    }
    if (closedReason !== undefined) return;
    if (wasStarting) slot.startFailures++;
    if (slot.startFailures >= maxStartFailures) {
      failEverything(`worker ${slot.index} failed to start ${slot.startFailures} times in a row: ${cause}`);
      void closeWorkers();
      return;
    }
    counters.restarts++;
    const delay = slot.startFailures * RESTART_BACKOFF_MS;
    setTimeout(() => {
      if (closedReason === undefined) spawn(slot);
    }, delay).unref();
  }

  function spawn(slot: Slot): void {
    const worker = startModuleWorker(workerData);
    slot.worker = worker;
    slot.state = 'starting';
    slot.lastError = undefined;
    worker.on('message', (msg: WorkerToPoolMessage) => onMessage(slot, msg));
    worker.on('error', (err: Error) => {
      slot.lastError = err.stack ?? err.message;
    });
    worker.on('exit', (code) => {
      if (slot.worker === worker) onExit(slot, code);
    });
  }

  /**
   * Asks each worker to release its model and exit once its current frame is
   * done, and terminates those that have not exited after `GRACEFUL_CLOSE_MS`.
   * Terminating a thread in the middle of a native inference (ONNX Runtime)
   * aborts the whole process, so termination is only the fallback.
   */
  async function closeWorkers(): Promise<void> {
    await Promise.all(
      slots.map(async (slot) => {
        slot.state = 'gone';
        const worker = slot.worker;
        const exited = new Promise<boolean>((resolve) => {
          worker.once('exit', () => resolve(true));
          setTimeout(() => resolve(false), GRACEFUL_CLOSE_MS).unref();
        });
        const close: PoolToWorkerMessage = { type: 'close' };
        worker.postMessage(close);
        if (!(await exited)) await worker.terminate();
      }),
    );
  }

  function accept(frame: DetectorFrame, opts: PoolDetectOptions | undefined): Promise<Detection[]> {
    // A crop travels alone: only its rows are copied, and the worker sees a small frame.
    const crop = frame.crop ?? { x: 0, y: 0, width: frame.width, height: frame.height };
    const bytes = crop.width * crop.height * 3;
    let buffer: ArrayBuffer;
    if (opts?.transfer && !frame.crop && isTransferable(frame.data)) {
      // Move (not copy) the memory into a pool-owned ArrayBuffer; the caller's view detaches now.
      const own = frame.data.buffer as ArrayBuffer;
      buffer = structuredClone(own, { transfer: [own] });
    } else {
      buffer = takeBuffer(bytes);
      copyRect(frame, crop, new Uint8Array(buffer, 0, bytes));
    }
    held++;
    return new Promise<Detection[]>((resolve, reject) => {
      queue.push({
        id: nextJobId++, buffer, byteLength: bytes, width: crop.width, height: crop.height,
        input: frame.input, offsetX: crop.x, offsetY: crop.y, resolve, reject,
      });
      pump();
    });
  }

  for (let index = 0; index < size; index++) {
    const slot: Slot = {
      index, worker: undefined as unknown as Worker, state: 'starting', job: undefined, lastError: undefined, startFailures: 0, onReady: undefined,
    };
    slots.push(slot);
  }
  const started = slots.map(
    (slot) =>
      new Promise<void>((resolve, reject) => {
        slot.onReady = (err) => (err ? reject(err) : resolve());
        spawn(slot);
      }),
  );
  try {
    await Promise.all(started);
  } catch (err) {
    closedReason = 'a worker failed to start';
    await Promise.allSettled(started);
    await closeWorkers();
    throw err;
  }

  return {
    get name() {
      return name;
    },
    get flexibleInput() {
      return flexibleInput;
    },
    async detect(frame, opts) {
      if (closedReason !== undefined) throw new DetectorPoolClosedError(closedReason);
      assertValidFrame(frame);
      if (frame.crop) assertValidCrop(frame.crop, frame.width, frame.height);
      if (waiters.length > 0 || !hasRoom()) {
        await new Promise<void>((wake) => waiters.push(wake));
        reserved--;
        if (closedReason !== undefined) throw new DetectorPoolClosedError(closedReason);
      }
      return accept(frame, opts);
    },
    tryDetect(frame, opts) {
      if (closedReason !== undefined) return Promise.reject(new DetectorPoolClosedError(closedReason));
      try {
        assertValidFrame(frame);
        if (frame.crop) assertValidCrop(frame.crop, frame.width, frame.height);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      if (waiters.length > 0 || !liveRoomFor(1)) {
        counters.dropped++;
        return null;
      }
      return accept(frame, opts);
    },
    tryDetectAll(frames, opts) {
      if (closedReason !== undefined) return Promise.reject(new DetectorPoolClosedError(closedReason));
      try {
        for (const frame of frames) {
          assertValidFrame(frame);
          if (frame.crop) assertValidCrop(frame.crop, frame.width, frame.height);
        }
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      if (waiters.length > 0 || !liveRoomFor(frames.length)) {
        counters.dropped++;
        return null;
      }
      return Promise.all(frames.map((frame) => accept(frame, opts)));
    },
    stats() {
      const busy = slots.filter((s) => s.state === 'busy').length;
      return {
        size,
        ready: slots.filter((s) => s.state === 'idle' || s.state === 'busy').length,
        busy,
        queued: queue.length,
        waiting: waiters.length,
        ...counters,
      };
    },
    onDetection(listener) {
      detectionListeners.add(listener);
      return () => detectionListeners.delete(listener);
    },
    close() {
      closing ??= (async () => {
        failEverything('close() was called');
        await closeWorkers();
      })();
      return closing;
    },
  };
}
