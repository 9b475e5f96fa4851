import { describe, expect, it } from 'vitest';
import type { CameraHealth } from '../../src/pipeline/health.js';
import type { DetectorPoolStats } from '../../src/vision/detect/pool.js';
import { benchCameraId, benchConfig } from '../../src/loadtest/bench-config.js';
import { formatReport, formatTrial } from '../../src/loadtest/format.js';
import { createFrameCounters, type CameraFrameCounts } from '../../src/loadtest/frame-counters.js';
import { createLatencyMatcher } from '../../src/loadtest/latency.js';
import { findMaxCameras } from '../../src/loadtest/max-search.js';
import { percentile, summarise } from '../../src/loadtest/percentiles.js';
import { machineBusyRatio, parsePidStat, parseProcStat, parseVmRssKiB } from '../../src/loadtest/proc.js';
import { buildReport, cameraFigures, holds, type CounterReading, type LoadBenchReport } from '../../src/loadtest/report.js';
import type { ResourceFigures } from '../../src/loadtest/resources.js';

describe('percentiles', () => {
  it('takes the nearest rank: always a measured value', () => {
    const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(100);
    expect(percentile(sorted, 90)).toBe(90);
    expect(percentile(sorted, 0)).toBe(10);
    expect(percentile([7], 99)).toBe(7);
  });

  it('refuses no values and percentages outside [0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(/no values/);
    expect(() => percentile([1], 101)).toThrow(/within/);
  });

  it('summarises unsorted values, and nothing as null', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1
    expect(summarise(values)).toEqual({ count: 100, min: 1, mean: 50.5, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(summarise([])).toBeNull();
  });
});

describe('/proc parsing', () => {
  const procStat = [
    'cpu  26778 10 7378 72342 1089 0 286 381 500 0',
    'cpu0 13000 5 3600 36000 500 0 140 190 250 0',
    'cpu1 13778 5 3778 36342 589 0 146 191 250 0',
    'intr 123 0 0',
    'ctxt 456',
  ].join('\n');

  it('reads busy and total ticks of the machine, guest time not counted twice', () => {
    const t = parseProcStat(procStat);
    expect(t.total).toBe(26778 + 10 + 7378 + 72342 + 1089 + 0 + 286 + 381);
    expect(t.busy).toBe(t.total - 72342 - 1089);
    expect(t.cpus).toBe(2);
  });

  it('gives the busy share between two readings', () => {
    const before = { busy: 1000, total: 4000, cpus: 2 };
    expect(machineBusyRatio(before, { busy: 1300, total: 4400, cpus: 2 })).toBeCloseTo(0.75);
    expect(machineBusyRatio(before, before)).toBe(0);
  });

  it('refuses a /proc/stat without its cpu line', () => {
    expect(() => parseProcStat('intr 1\n')).toThrow(/cpu/);
  });

  it('reads ppid and CPU ticks of a process whose name has spaces and parentheses', () => {
    const fields = ['S', '4242', '4242', '4242', '0', '-1', '4194304', '100', '0', '0', '0', '350', '25', '0', '0', '20', '0', '3', '0', '123456', '987654321', '14000'];
    const stat = parsePidStat(`4300 (ff (mpeg) x) ${fields.join(' ')}`);
    expect(stat).toEqual({ pid: 4300, comm: 'ff (mpeg) x', ppid: 4242, cpuTicks: 375 });
  });

  it('reads VmRSS in KiB, null when the process has none (zombie)', () => {
    expect(parseVmRssKiB('Name:\tffmpeg\nVmPeak:\t  90000 kB\nVmRSS:\t   61234 kB\nThreads:\t5\n')).toBe(61234);
    expect(parseVmRssKiB('Name:\tffmpeg\nState:\tZ (zombie)\n')).toBeNull();
  });
});

describe('latency matcher', () => {
  it('matches frame and receipt by event id in either order, and keeps only the window', () => {
    const m = createLatencyMatcher();
    m.opened('a', 1000);
    m.received('a', 1400); // frame first
    m.received('b', 2600); // receipt first
    m.opened('b', 2000);
    m.received('c', 9000); // never opened by a frame
    expect(m.latencies({ fromMs: 0, toMs: 10_000 })).toEqual([400, 600]);
    expect(m.latencies({ fromMs: 2000, toMs: 10_000 })).toEqual([600]);
    expect(m.unmatched()).toBe(1);
  });
});

describe('frame counters', () => {
  it('counts analysed, detected and detector-busy frames per camera', () => {
    const c = createFrameCounters();
    const frame = (cameraId: string, detected: boolean, detectorBusy: boolean) => ({ frame: { cameraId }, detected, detectorBusy });
    c.record(frame('a', true, false));
    c.record(frame('a', false, false)); // gated: analysed, not detected
    c.record(frame('a', false, true)); // pool busy: coasted, a drop
    c.record(frame('b', true, false));
    const before = c.snapshot();
    c.record(frame('b', true, false));
    expect(before.get('a')).toEqual({ frames: 3, analysed: 2, detected: 1, detectorBusy: 1 });
    expect(before.get('b')?.frames).toBe(1); // a snapshot does not move
    expect(c.snapshot().get('b')?.frames).toBe(2);
  });
});

function health(camera: string, framesDropped: number, restarts = 0): CameraHealth {
  return { camera, state: 'running', since: '', lastFrameAt: null, analysisFps: 5, targetFps: 5, framesDropped, restarts, lastError: null, offlineReason: null };
}
function pool(completed: number, dropped: number, detectMsTotal: number): DetectorPoolStats {
  return { size: 2, ready: 2, busy: 0, queued: 0, waiting: 0, completed, failed: 0, dropped, restarts: 0, detectMsTotal };
}
const counts = (frames: number, analysed: number, detected: number, detectorBusy: number): CameraFrameCounts => ({ frames, analysed, detected, detectorBusy });
const RESOURCES: ResourceFigures = {
  wallS: 10, cores: 2, processCpuPct: 80, childrenCpuPct: 5, machineBusyPct: 90, machineCpus: 2,
  rssMaxMiB: 700, childrenRssMaxMiB: 120, totalRssMaxMiB: 820, children: 2,
};

describe('report', () => {
  const before: CounterReading = {
    atMs: 0,
    frames: new Map([['cam-a', counts(10, 10, 10, 0)], ['cam-b', counts(10, 10, 4, 0)]]),
    health: [health('cam-a', 2), health('cam-b', 0)],
    detector: pool(14, 0, 1400),
  };
  const after: CounterReading = {
    atMs: 10_000,
    frames: new Map([['cam-a', counts(60, 58, 58, 2)], ['cam-b', counts(60, 60, 24, 0)]]),
    // cam-a: 2 more busy frames + 1 frame the source dropped; cam-b restarted once.
    health: [health('cam-a', 5), health('cam-b', 0, 1)],
    detector: pool(92, 2, 9200),
  };

  it('splits a camera\'s drops into source drops and detector-busy frames over the window', () => {
    const a = cameraFigures('cam-a', before, after);
    expect(a).toMatchObject({ fps: 4.8, framesAnalysed: 48, framesDetected: 48, detectorBusy: 2, sourceDropped: 1, dropped: 3 });
    expect(a.dropPct).toBeCloseTo((100 * 3) / 51);
    expect(cameraFigures('cam-b', before, after)).toMatchObject({ fps: 5, dropped: 0, dropPct: 0, restarts: 1 });
  });

  it('totals the cameras, the detector calls, and checks the targets', () => {
    const latency = { fromFrame: summarise([400, 600, 1700]), fromStartTime: null, messages: { opened: 3, updated: 0, closed: 1 } };
    const r = buildReport({ mode: 'optimised', engine: 'centernet-onnx', targetFps: 5, source: 'v.avi', warmupS: 10, cameraIds: ['cam-a', 'cam-b'], before, after, resources: RESOURCES, latency });
    expect(r.totals).toMatchObject({ framesAnalysed: 98, framesDetected: 68, dropped: 3, minCameraFps: 4.8 });
    expect(r.detector).toMatchObject({ workers: 2, calls: 78, callsPerS: 7.8, meanCallMs: 100, refused: 2 });
    expect(r.detector.callsPerAnalysedFrame).toBeCloseTo(78 / 98);
    // Every camera >= 4.75 fps, but 3 of 101 frames dropped (3 %); latency p95 1.7 s; 820 MiB.
    expect(r.targets.map((t) => t.ok)).toEqual([true, false, false, true]);
    expect(r.holds).toBe(false);
  });

  it('holds with every camera at 95 % of the target fps and drops under 1 %', () => {
    const camera = (fps: number) => ({ ...cameraFigures('cam-b', before, after), fps });
    expect(holds([camera(4.75), camera(5)], 0.99, 5)).toBe(true);
    expect(holds([camera(4.74), camera(5)], 0, 5)).toBe(false);
    expect(holds([camera(5)], 1, 5)).toBe(false);
    expect(holds([], 0, 5)).toBe(false);
  });

  it('formats a table with one row per camera and the targets', () => {
    const latency = { fromFrame: summarise([400]), fromStartTime: summarise([450]), messages: { opened: 1, updated: 0, closed: 0 } };
    const r = buildReport({ mode: 'naive', engine: 'centernet-onnx', targetFps: 5, source: 'v.avi', warmupS: 10, cameraIds: ['cam-a', 'cam-b'], before, after, resources: RESOURCES, latency });
    const text = formatReport(r).join('\n');
    expect(text).toMatch(/2 cameras at 5 fps, naive/);
    expect(text).toMatch(/^ {2}cam-a +4\.80 +48 +48 +3 \(1\+2\)/m);
    expect(text).toMatch(/p95 0\.40 s/);
    expect(formatTrial(r)).toMatch(/2 cameras: FAILS/);
  });
});

describe('bench config', () => {
  it('gives N cameras on the looping source, with gating and crops off only in naive mode', () => {
    const optimised = benchConfig({ cameras: 3, fps: 5, source: '/v.avi', naive: false });
    expect(optimised.cameras.map((c) => c.id)).toEqual(['bench-01', 'bench-02', 'bench-03']);
    expect(optimised.cameras.every((c) => c.loop && c.source === '/v.avi' && c.detect.fps === 5 && c.detect.motion_gating && c.detect.region_crops)).toBe(true);
    expect(optimised.cameras[0]?.rules.map((r) => r.type).sort()).toEqual(['intrusion', 'line_crossing', 'line_crossing']);
    const naive = benchConfig({ cameras: 1, fps: 2, source: '/v.avi', naive: true });
    expect(naive.cameras[0]?.detect).toMatchObject({ fps: 2, motion_gating: false, region_crops: false });
    expect(benchConfig({ cameras: 1, fps: 5, source: '/v.avi', naive: false, detector: { engine: 'centernet-tfjs' } }).detector.engine).toBe('centernet-tfjs');
  });

  it('pads camera ids so that they sort like their numbers', () => {
    expect(benchCameraId(0, 5)).toBe('bench-01');
    expect(benchCameraId(99, 120)).toBe('bench-100');
    expect(benchCameraId(0, 120)).toBe('bench-001');
  });
});

describe('--max search', () => {
  const report = (cameras: number, holds: boolean) => ({ cameras, holds }) as LoadBenchReport;

  it('adds cameras by steps until a run fails, and reports the last that held', async () => {
    const tried: number[] = [];
    const result = await findMaxCameras({ from: 4, step: 2, run: (n) => { tried.push(n); return Promise.resolve(report(n, n <= 8)); } });
    expect(tried).toEqual([4, 6, 8, 10]);
    expect(result.largestHeld).toBe(8);
    expect(result.trials).toHaveLength(4);
  });

  it('reports none when the first run fails, and stops at the ceiling', async () => {
    expect((await findMaxCameras({ from: 10, step: 1, run: (n) => Promise.resolve(report(n, false)) })).largestHeld).toBeNull();
    const capped = await findMaxCameras({ from: 1, step: 1, ceiling: 3, run: (n) => Promise.resolve(report(n, true)) });
    expect(capped.largestHeld).toBe(3);
  });
});
