import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../src/config/load.js';
import { cameraSchema, type CameraConfig } from '../src/config/schema.js';
import type { Detection } from '../src/contracts/detection.js';
import { datasetsDir } from '../src/cli/datasets.js';
import type { LoadBenchReport } from '../src/loadtest/report.js';
import { runLoadBench } from '../src/loadtest/runner.js';
import { parseMotText, trackFrameToMotRows, type MotRow } from '../src/eval/mot-io.js';
import { evaluateMot, type MotMetrics } from '../src/eval/mot-metrics.js';
import { detectionsByFrame, trackDetectionFrames } from '../src/eval/track-from-dets.js';
import { probeSource } from '../src/media/ffprobe.js';
import { runAnalysisSession } from '../src/pipeline/analysis-session.js';
import { createDetector, type Detector, type DetectorFrame } from '../src/vision/detect/detector.js';
import type { CropRect } from '../src/vision/detect/preprocess.js';
import { createDetectorPool } from '../src/vision/detect/pool.js';
import { createMotionDetector } from '../src/vision/motion/index.js';
import { createByteTracker } from '../src/vision/track/index.js';
import { decodeFrames } from './frames.js';
import { maskedRecordingSuite } from './masked-recording.js';
import { rulesSuite } from './rules.js';

/** One measured figure, as it goes into docs/BENCHMARKS.md. */
export interface Measure {
  readonly bench: string;
  readonly metric: string;
  readonly value: number | string;
  readonly unit: string;
}

export interface Suite {
  readonly name: string;
  readonly needs: readonly string[];
  run(): Measure[] | Promise<Measure[]>;
}

const pets = (f: string): string => join(datasetsDir(), 'pets09-s2l1', f);
const carClip = (): string => join(datasetsDir(), 'intel-sample-videos', 'car-detection.mp4');
const indoorClip = (): string => join(datasetsDir(), 'intel-sample-videos', 'one-by-one-person-detection.mp4');
const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;

function motMeasures(bench: string, m: MotMetrics): Measure[] {
  return [
    { bench, metric: 'MOTA', value: round(m.mota), unit: '' },
    { bench, metric: 'IDF1', value: round(m.idf1), unit: '' },
    { bench, metric: 'HOTA', value: m.hota ? round(m.hota.hota) : '-', unit: '' },
    { bench, metric: 'ID switches', value: m.idSwitches, unit: '' },
    { bench, metric: 'precision', value: round(m.precision), unit: '' },
    { bench, metric: 'recall', value: round(m.recall), unit: '' },
  ];
}

/** Tracker alone: 30 objects moving on straight lines with box noise, 10,000 frames. */
const trackerSynthetic: Suite = {
  name: 'tracker-synthetic',
  needs: [],
  run() {
    const objects = 30;
    const frames = 10_000;
    let seed = 7;
    const noise = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
    const dets: Detection[][] = [];
    for (let f = 0; f < frames; f++) {
      const row: Detection[] = [];
      for (let i = 0; i < objects; i++) {
        const x = ((i * 97 + f * (1 + (i % 5))) % 1800) + 40;
        const y = 40 + i * 33;
        row.push({ box: [x + noise(), y + noise(), x + 30 + noise(), y + 70 + noise()], score: 0.8, cls: 'person' });
      }
      dets.push(row);
    }
    const tracker = createByteTracker({ fps: 10 });
    const t0 = performance.now();
    for (let f = 0; f < frames; f++) tracker.update(dets[f] as Detection[], { seq: f, tSec: f / 10, width: 1920, height: 1080 });
    const s = (performance.now() - t0) / 1000;
    return [
      { bench: 'tracker, 30 objects', metric: 'track updates per second', value: Math.round((objects * frames) / s), unit: '/s' },
      { bench: 'tracker, 30 objects', metric: 'frames per second', value: Math.round(frames / s), unit: '/s' },
    ];
  },
};

/** Tracker on the MOT15 public detections of PETS09-S2L1 (no detector involved). */
const trackerPublicDets: Suite = {
  name: 'tracker-public-detections',
  needs: [pets('det.txt'), pets('gt.txt')],
  run() {
    const gt = parseMotText(readFileSync(pets('gt.txt'), 'utf8'));
    const det = parseMotText(readFileSync(pets('det.txt'), 'utf8'));
    const size = { width: 768, height: 576 };
    const frames = detectionsByFrame(det, { scoreScale: 100, cls: 'person', size, lastFrame: 795 });
    const rows = trackDetectionFrames(frames, size, { fps: 10 });
    return motMeasures('tracker on det.txt (public detections, scores / 100)', evaluateMot(gt, rows));
  },
};

/** Motion detector alone on real footage at the default analysis width. */
const motion: Suite = {
  name: 'motion',
  needs: [carClip()],
  async run() {
    const frames = await decodeFrames(carClip(), { width: 640 });
    const detector = createMotionDetector();
    const t0 = performance.now();
    for (const frame of frames) detector.update(frame);
    const ms = (performance.now() - t0) / frames.length;
    return [{ bench: 'motion detector, car-detection.mp4 at 640x360', metric: 'time per frame', value: round(ms, 2), unit: 'ms' }];
  },
};

/** Mean time of `detect` over `frames` after one warm-up call (the first inference compiles kernels). */
async function timePerFrame(detector: Detector, frames: readonly DetectorFrame[]): Promise<number> {
  await detector.detect(frames[0]!);
  const t0 = performance.now();
  for (const frame of frames) await detector.detect(frame);
  return (performance.now() - t0) / frames.length;
}

/** Frames per second of a worker pool of the backend, all frames queued at once. */
async function poolFps(backend: 'centernet' | 'centernet-onnx', frames: readonly DetectorFrame[]): Promise<{ fps: number; size: number }> {
  const pool = await createDetectorPool({ backend, detector: { minScore: 0.1 } });
  const size = pool.stats().size;
  await Promise.all(frames.slice(0, size).map((f) => pool.detect(f)));
  const t0 = performance.now();
  await Promise.all(frames.map((f) => pool.detect(f)));
  const fps = frames.length / ((performance.now() - t0) / 1000);
  await pool.close();
  return { fps, size };
}

/** CenterNet on TF.js wasm and converted to ONNX: one detector in this thread at several input sizes, then the worker pools. */
const detector: Suite = {
  name: 'detector',
  needs: [pets('vtest.avi')],
  async run() {
    const frames = await decodeFrames(pets('vtest.avi'), { limit: 120 });
    const sample = frames.slice(1, 31);
    const tfjs = await createDetector('centernet', { minScore: 0.1 });
    const tfjsMs = await timePerFrame(tfjs, sample);
    await tfjs.close();
    const onnx = await createDetector('centernet-onnx', { minScore: 0.1 });
    const at = (width: number, height: number, crop?: CropRect) => sample.map((f) => ({ ...f, input: { width, height }, ...(crop ? { crop } : {}) }));
    const onnxMs = {
      512: await timePerFrame(onnx, at(512, 512)),
      416: await timePerFrame(onnx, at(416, 416)),
      320: await timePerFrame(onnx, at(320, 320)),
      crop: await timePerFrame(onnx, at(160, 224, { x: 300, y: 150, width: 200, height: 280 })),
    };
    await onnx.close();
    const tfjsPool = await poolFps('centernet', frames);
    const onnxPool = await poolFps('centernet-onnx', frames);
    return [
      { bench: 'CenterNet 512x512, TF.js wasm, 1 thread', metric: 'time per frame', value: round(tfjsMs, 1), unit: 'ms' },
      { bench: 'CenterNet 512x512, ONNX Runtime, 1 thread', metric: 'time per frame', value: round(onnxMs[512], 1), unit: 'ms' },
      { bench: 'CenterNet 416x416, ONNX Runtime, 1 thread', metric: 'time per frame', value: round(onnxMs[416], 1), unit: 'ms' },
      { bench: 'CenterNet 320x320, ONNX Runtime, 1 thread', metric: 'time per frame', value: round(onnxMs[320], 1), unit: 'ms' },
      { bench: 'CenterNet on a 200x280 crop fed at 160x224, ONNX Runtime, 1 thread', metric: 'time per frame', value: round(onnxMs.crop, 1), unit: 'ms' },
      { bench: `CenterNet 512x512, TF.js wasm, worker pool of ${tfjsPool.size}`, metric: 'frames per second', value: round(tfjsPool.fps, 2), unit: '/s' },
      { bench: `CenterNet 512x512, ONNX Runtime, worker pool of ${onnxPool.size}`, metric: 'frames per second', value: round(onnxPool.fps, 2), unit: '/s' },
    ];
  },
};

const pipelinePets: Suite = {
  name: 'pipeline-pets',
  needs: [pets('vtest.avi'), pets('gt.txt')],
  async run() {
    const video = pets('vtest.avi');
    const gt = parseMotText(readFileSync(pets('gt.txt'), 'utf8'));
    const camera = cameraSchema.parse({ id: 'pets', source: video });
    const rows: MotRow[] = [];
    const outcome = await runAnalysisSession({
      camera,
      source: video,
      info: await probeSource(video),
      onFrame: (r) => {
        const people = { ...r.tracks, tracks: r.tracks.tracks.filter((t) => t.cls === 'person') };
        rows.push(...trackFrameToMotRows(people));
      },
    });
    const bench = 'vigie track on PETS09-S2L1, 795 frames 768x576';
    return [
      ...motMeasures(bench, evaluateMot(gt, rows)),
      { bench, metric: 'analysed frames per second', value: outcome.summary.speed_fps, unit: '/s' },
    ];
  },
};

/** Motion gating on a scene that is often empty: an indoor room people enter one at a time. */
const motionGating: Suite = {
  name: 'motion-gating',
  needs: [indoorClip()],
  async run() {
    const measures: Measure[] = [];
    for (const gating of [true, false]) {
      const camera = cameraSchema.parse({ id: 'room', source: indoorClip(), detect: { fps: 5, width: 640, motion_gating: gating } });
      const outcome = await runAnalysisSession({ camera, source: indoorClip(), info: await probeSource(indoorClip()), fps: 5, width: 640 });
      const s = outcome.summary;
      const bench = `one-by-one-person-detection.mp4 at 5 fps, motion gating ${gating ? 'on' : 'off'}`;
      measures.push(
        { bench, metric: 'frames where the detector ran', value: s.frames_detected, unit: `of ${s.frames}` },
        { bench, metric: 'tracks', value: s.tracks, unit: '' },
        { bench, metric: 'analysed frames per second', value: s.speed_fps, unit: '/s' },
      );
    }
    return measures;
  },
};

/** `vigie analyze` with the motion backend on the car park clip (test/fixtures/car-park.yaml). */
const pipelineCarPark: Suite = {
  name: 'pipeline-car-park',
  needs: [carClip()],
  async run() {
    const camera = loadConfigFile('test/fixtures/car-park.yaml').cameras[0] as CameraConfig;
    const outcome = await runAnalysisSession({ camera, source: carClip(), info: await probeSource(carClip()), fps: 12.5, width: 640 });
    const bench = 'vigie analyze, car-detection.mp4, motion backend, 4 rules';
    return [
      { bench, metric: 'analysed frames per second', value: outcome.summary.speed_fps, unit: '/s' },
      { bench, metric: 'events', value: JSON.stringify(outcome.summary.events_by_type), unit: '' },
    ];
  },
};

/** A positive number (an integer when asked) from the environment, else `fallback`. */
function envNumber(name: string, fallback: number, integer = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
  }
  return value;
}

function loadMeasures(bench: string, r: LoadBenchReport): Measure[] {
  const res = r.resources;
  const latency = r.latency.fromFrame;
  return [
    { bench, metric: 'analysed frames per second, slowest camera', value: round(r.totals.minCameraFps, 2), unit: `/s (target ${r.targetFps})` },
    { bench, metric: 'analysed frames per second, all cameras', value: round(r.totals.fps, 1), unit: '/s' },
    { bench, metric: 'frames dropped', value: round(r.totals.dropPct, 2), unit: '%' },
    { bench, metric: 'detector calls per second', value: round(r.detector.callsPerS, 2), unit: '/s' },
    { bench, metric: 'detector calls per analysed frame', value: r.detector.callsPerAnalysedFrame === null ? '-' : round(r.detector.callsPerAnalysedFrame, 2), unit: '' },
    { bench, metric: 'time per detector call', value: r.detector.meanCallMs === null ? '-' : round(r.detector.meanCallMs, 1), unit: 'ms' },
    { bench, metric: 'detector time per analysed frame', value: detectorMsPerFrame(r) ?? '-', unit: 'ms' },
    { bench, metric: 'CPU of the process', value: round(res.processCpuPct, 1), unit: `% of ${res.cores} cores` },
    { bench, metric: 'CPU of ffmpeg', value: res.childrenCpuPct === null ? '-' : round(res.childrenCpuPct, 1), unit: `% of ${res.cores} cores` },
    { bench, metric: 'machine busy', value: res.machineBusyPct === null ? '-' : round(res.machineBusyPct, 1), unit: '%' },
    { bench, metric: 'max RSS, process + ffmpeg', value: Math.round(res.totalRssMaxMiB), unit: 'MiB' },
    { bench, metric: 'event latency p50', value: latency ? round(latency.p50 / 1000, 2) : '-', unit: 's' },
    { bench, metric: 'event latency p95', value: latency ? round(latency.p95 / 1000, 2) : '-', unit: `s (${latency?.count ?? 0} events)` },
    { bench, metric: 'holds (fps >= 95 %, drops < 1 %)', value: r.holds ? 'yes' : 'no', unit: '' },
  ];
}

const detectorMsPerFrame = (r: LoadBenchReport): number | null =>
  r.detector.callsPerAnalysedFrame === null || r.detector.meanCallMs === null ? null : round(r.detector.callsPerAnalysedFrame * r.detector.meanCallMs, 1);

const ratio = (a: number | null | undefined, b: number | null | undefined): number | string =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? '-' : round(a / b, 2);

/**
 * `vigie bench` twice on the same footage and number of cameras: the optimised
 * path, then the naive one (detector on every frame, on the full frame).
 * VIGIE_BENCH_LOAD_S (default 60) and VIGIE_BENCH_LOAD_CAMERAS (default 4).
 */
const load: Suite = {
  name: 'load',
  needs: [pets('vtest.avi')],
  async run() {
    // 4 cameras: the most that hold 5 fps with the optimised path on a 2-core box (docs/BENCHMARKS.md).
    const cameras = envNumber('VIGIE_BENCH_LOAD_CAMERAS', 4, true);
    const common = { cameras, fps: 5, durationS: envNumber('VIGIE_BENCH_LOAD_S', 60), warmupS: 10, source: pets('vtest.avi') };
    const onProgress = (p: { mode: string; phase: string; elapsedS: number; phaseS: number }): void => {
      if (p.elapsedS === 0) process.stderr.write(`  ${p.mode}: ${p.phase} ${p.phaseS} s\n`);
    };
    const optimised = await runLoadBench({ ...common, onProgress });
    const naive = await runLoadBench({ ...common, naive: true, onProgress });
    const bench = (mode: string): string => `vigie bench, ${cameras} cameras at 5 fps on PETS09, ${mode}`;
    const vs = `vigie bench, ${cameras} cameras, optimised / naive`;
    return [
      ...loadMeasures(bench('optimised'), optimised),
      ...loadMeasures(bench('naive (detector on every frame, full frame)'), naive),
      { bench: vs, metric: 'detector calls per second', value: ratio(optimised.detector.callsPerS, naive.detector.callsPerS), unit: 'x' },
      { bench: vs, metric: 'detector calls per analysed frame', value: ratio(optimised.detector.callsPerAnalysedFrame, naive.detector.callsPerAnalysedFrame), unit: 'x' },
      { bench: vs, metric: 'detector time per analysed frame', value: ratio(detectorMsPerFrame(optimised), detectorMsPerFrame(naive)), unit: 'x' },
      { bench: vs, metric: 'CPU of the process', value: ratio(optimised.resources.processCpuPct, naive.resources.processCpuPct), unit: 'x' },
      { bench: vs, metric: 'event latency p95', value: ratio(optimised.latency.fromFrame?.p95, naive.latency.fromFrame?.p95), unit: 'x' },
      { bench: vs, metric: 'analysed frames per second, slowest camera', value: ratio(optimised.totals.minCameraFps, naive.totals.minCameraFps), unit: 'x' },
    ];
  },
};

/** Every suite, in the order they run. */
export const SUITES: readonly Suite[] = [trackerSynthetic, trackerPublicDets, motion, detector, pipelineCarPark, motionGating, pipelinePets, rulesSuite, load, maskedRecordingSuite];
