/**
 * `runLoadBench`: starts the real system in this process (`startVigie`: SQLite in
 * a temporary folder, the detector pool, the HTTP server on a free port) with N
 * cameras on one looping file, logs in as an operator and listens on /api/live
 * like a console, lets it warm up, then measures for `durationS`: frames analysed
 * and dropped per camera, detector calls, CPU, memory and event latency.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPasswordHasher, type Argon2Params } from '../auth/passwords.js';
import type { DetectorConfig, VigieConfig } from '../config/schema.js';
import { startVigie, type RunningVigie } from '../server/runtime.js';
import { benchConfig } from './bench-config.js';
import { createFrameCounters } from './frame-counters.js';
import { createLatencyMatcher } from './latency.js';
import { login, openLiveClient, type LiveClient } from './live-client.js';
import { summarise } from './percentiles.js';
import { buildReport, type BenchMode, type CounterReading, type LoadBenchReport } from './report.js';
import { startResourceSampler } from './resources.js';

export interface LoadBenchOptions {
  readonly cameras: number;
  /** `detect.fps` of every camera: the rate each must sustain. */
  readonly fps: number;
  /** Measured seconds, after the warm-up. */
  readonly durationS: number;
  /** Seconds run before measuring (model compilation, first frames, background models). */
  readonly warmupS: number;
  /** A video file, played in real time and looped by every camera. */
  readonly source: string;
  /** Detector on every frame, on the full frame (`motion_gating` and `region_crops` off). */
  readonly naive?: boolean;
  /** `detect.width`; default 640. */
  readonly width?: number;
  /** `detect.input_size`; default 512. */
  readonly inputSize?: 320 | 416 | 512;
  /** The detector section of the configuration (engine, workers); default the schema's. */
  readonly detector?: DetectorConfig;
  /** Called about once a second. */
  readonly onProgress?: (progress: LoadBenchProgress) => void;
  /** The running system's operational lines (restarts, ffmpeg errors). Default: dropped. */
  readonly onLog?: (line: string) => void;
  /** Stops the run early: `runLoadBench` then rejects with BenchInterruptedError. */
  readonly signal?: AbortSignal;
  /** Cheaper argon2 parameters (tests only). */
  readonly argon2?: Argon2Params;
}

export interface LoadBenchProgress {
  readonly mode: BenchMode;
  readonly phase: 'warm-up' | 'measure';
  readonly elapsedS: number;
  readonly phaseS: number;
  /** Mean of the cameras' analysis rate over their health window (10 s). */
  readonly meanFps: number;
  /** Frames dropped since the start, all cameras. */
  readonly dropped: number;
  /** Events opened since the start, as received on the WebSocket. */
  readonly events: number;
}

export class BenchInterruptedError extends Error {
  constructor() {
    super('the benchmark was interrupted');
    this.name = 'BenchInterruptedError';
  }
}

const BENCH_USER = 'bench';
const PROGRESS_INTERVAL_MS = 1000;

export async function runLoadBench(options: LoadBenchOptions): Promise<LoadBenchReport> {
  const mode: BenchMode = options.naive ? 'naive' : 'optimised';
  const config = benchConfig({
    cameras: options.cameras,
    fps: options.fps,
    source: options.source,
    naive: options.naive ?? false,
    ...(options.width ? { width: options.width } : {}),
    ...(options.inputSize ? { inputSize: options.inputSize } : {}),
    ...(options.detector ? { detector: options.detector } : {}),
  });
  const cameraIds = config.cameras.map((c) => c.id);
  const counters = createFrameCounters();
  const matcher = createLatencyMatcher();
  /** Receive time and latency from `start_time` of every `opened` message. */
  const nominal: { receivedMs: number; latencyMs: number }[] = [];
  const messages: { receivedMs: number; change: string }[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'vigie-bench-'));
  let running: RunningVigie | null = null;
  let client: LiveClient | null = null;
  try {
    running = await startVigie({
      dataDir,
      config,
      configOrigin: `vigie bench (${mode})`,
      port: 0,
      host: '127.0.0.1',
      print: options.onLog ?? (() => undefined),
      ...(options.argon2 ? { argon2: options.argon2 } : {}),
      onFrame: (result) => {
        counters.record(result);
        for (const change of result.changes) if (change.kind === 'opened') matcher.opened(change.event.id, result.frame.wallMs);
      },
    });
    const vigie = running;
    // The server listens on 127.0.0.1 only; "localhost" may resolve to ::1 first.
    const baseUrl = vigie.url.replace('//localhost', '//127.0.0.1');
    const password = randomBytes(18).toString('base64url');
    const passwordHash = await createPasswordHasher(options.argon2).hash(password);
    await vigie.repos.users.create({ username: BENCH_USER, displayName: 'vigie bench', role: 'operator', passwordHash });
    client = await openLiveClient(baseUrl, await login(baseUrl, BENCH_USER, password), (message, receivedMs) => {
      if (message.type !== 'event') return;
      messages.push({ receivedMs, change: message.change });
      if (message.change !== 'opened') return;
      matcher.received(message.item.event.id, receivedMs);
      nominal.push({ receivedMs, latencyMs: receivedMs - Date.parse(message.item.event.start_time) });
    });

    const read = (): CounterReading => ({ atMs: Date.now(), frames: counters.snapshot(), health: vigie.cameras.health(), detector: vigie.detectorStats() });
    const progress = (phase: LoadBenchProgress['phase'], elapsedS: number, phaseS: number): void => {
      if (!options.onProgress) return;
      const health = vigie.cameras.health();
      options.onProgress({
        mode,
        phase,
        elapsedS,
        phaseS,
        meanFps: health.reduce((s, h) => s + h.analysisFps, 0) / Math.max(1, health.length),
        dropped: health.reduce((s, h) => s + h.framesDropped, 0),
        events: messages.filter((m) => m.change === 'opened').length,
      });
    };

    await runPhase('warm-up', options.warmupS, progress, options.signal);
    const before = read();
    const sampler = startResourceSampler();
    await runPhase('measure', options.durationS, progress, options.signal).catch((err: unknown) => {
      sampler.stop();
      throw err;
    });
    const after = read();
    const resources = sampler.stop();

    const window = { fromMs: before.atMs, toMs: after.atMs };
    const inWindow = (m: { receivedMs: number }): boolean => m.receivedMs >= window.fromMs && m.receivedMs < window.toMs;
    const received = messages.filter(inWindow);
    const count = (change: string): number => received.filter((m) => m.change === change).length;
    return buildReport({
      mode,
      engine: config.detector.engine,
      targetFps: options.fps,
      source: options.source,
      warmupS: options.warmupS,
      cameraIds,
      before,
      after,
      resources,
      latency: {
        fromFrame: summarise(matcher.latencies(window)),
        fromStartTime: summarise(nominal.filter(inWindow).map((n) => n.latencyMs)),
        messages: { opened: count('opened'), updated: count('updated'), closed: count('closed') },
      },
    });
  } finally {
    await client?.close();
    if (running) {
      await drainCameras(running, config);
      await running.close();
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Longest wait for the detector pool to finish the frames it holds. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Stops every camera, then waits until the detector pool holds no frame, so that
 * `close()` never terminates a worker in the middle of an inference: ONNX Runtime
 * aborts the whole process when its worker thread is terminated mid-run
 * ("terminate called after throwing an instance of 'Napi::Error'").
 */
async function drainCameras(running: RunningVigie, config: VigieConfig): Promise<void> {
  try {
    await running.cameras.apply({ ...config, cameras: [] });
  } catch {
    // The cameras are stopped by close() anyway; draining only makes it gentler.
  }
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const stats = running.detectorStats();
    if (!stats || stats.busy + stats.queued === 0 || Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits `seconds` (reporting progress every second); rejects at once when `signal` aborts. */
function runPhase(
  phase: LoadBenchProgress['phase'],
  seconds: number,
  progress: (phase: LoadBenchProgress['phase'], elapsedS: number, phaseS: number) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal?.aborted) return Promise.reject(new BenchInterruptedError());
  const t0 = performance.now();
  progress(phase, 0, seconds);
  return new Promise((resolve, reject) => {
    const ticker = setInterval(() => progress(phase, Math.min(seconds, (performance.now() - t0) / 1000), seconds), PROGRESS_INTERVAL_MS);
    const finish = (error?: Error): void => {
      clearInterval(ticker);
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else {
        progress(phase, seconds, seconds);
        resolve();
      }
    };
    const onAbort = (): void => finish(new BenchInterruptedError());
    const timer = setTimeout(() => finish(), seconds * 1000);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
