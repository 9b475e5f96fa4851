import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REGION_CROP_OPTIONS } from '../../src/pipeline/region-crops.js';
import type { Argon2Params } from '../../src/auth/passwords.js';
import type { LoadBenchReport } from '../../src/loadtest/report.js';
import { runLoadBench } from '../../src/loadtest/runner.js';
import { runVigie } from '../helpers/cli.js';
import { datasetFile } from '../helpers/datasets.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const clip = datasetFile('pets09-s2l1/vtest.avi');

// `vigie bench` end to end on a short run: the real system (ffmpeg, detector pool,
// SQLite, HTTP login, /api/live). Behaviour only, never timings: this machine is
// shared and small, so nothing here says how fast it is.
describe.skipIf(clip.missing)('load benchmark on PETS09 (2 cameras, 8 s)', () => {
  const common = { cameras: 2, fps: 2, durationS: 8, warmupS: 3, source: clip.path, argon2: ARGON2 };
  let optimised: LoadBenchReport;
  let naive: LoadBenchReport;

  beforeAll(async () => {
    optimised = await runLoadBench(common);
    naive = await runLoadBench({ ...common, naive: true });
  }, 180_000);

  it('reports every camera, each having analysed frames', () => {
    for (const r of [optimised, naive]) {
      expect(r.perCamera.map((c) => c.camera)).toEqual(['bench-01', 'bench-02']);
      for (const c of r.perCamera) expect(c.framesAnalysed).toBeGreaterThan(0);
      expect(r.durationS).toBeGreaterThanOrEqual(8);
      expect(r.detector.workers).toBeGreaterThan(0);
    }
  });

  it('receives events on the WebSocket and measures their latency from the frame', () => {
    for (const r of [optimised, naive]) {
      expect(r.latency.messages.opened).toBeGreaterThan(0);
      expect(r.latency.fromFrame?.count).toBeGreaterThan(0);
      expect(r.latency.fromFrame?.min).toBeGreaterThanOrEqual(0);
    }
  });

  it('runs the detector on every analysed frame in naive mode, and on at most two crops of a frame when optimised', () => {
    for (const c of naive.perCamera) expect(c.framesDetected).toBe(c.framesAnalysed);
    // Pool calls complete a little after their frames are counted: allow the frames in flight at each end.
    const inFlight = 2 * (naive.detector.workers * 2 + 1);
    expect(Math.abs(naive.detector.calls - naive.totals.framesDetected)).toBeLessThanOrEqual(inFlight);
    expect(naive.detector.callsPerAnalysedFrame).toBeGreaterThan(0.8);
    // Region crops: one call per crop, at most maxCrops of them per frame (plus the calls in flight at the window's ends).
    for (const c of optimised.perCamera) expect(c.framesDetected).toBeLessThanOrEqual(c.framesAnalysed);
    expect(optimised.detector.callsPerAnalysedFrame ?? 0).toBeLessThanOrEqual(DEFAULT_REGION_CROP_OPTIONS.maxCrops + 0.25);
  });

  it('measures CPU and memory of the process and of its ffmpeg children', () => {
    for (const r of [optimised, naive]) {
      expect(r.resources.processCpuPct).toBeGreaterThan(0);
      expect(r.resources.rssMaxMiB).toBeGreaterThan(0);
      if (process.platform === 'linux') expect(r.resources.children).toBe(2);
    }
  });
});

describe('vigie bench errors', () => {
  it('a missing --source is one line on stderr and a non-zero exit, before anything starts', async () => {
    const r = await runVigie(['bench', '--source', '/nonexistent/clip.avi', '--cameras', '1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^vigie: .*not found: \/nonexistent\/clip\.avi/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a network --source: cameras loop a file', async () => {
    const r = await runVigie(['bench', '--source', 'rtsp://camera.local/stream']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe('vigie: --source must be a video file (every camera loops it), not a URL: rtsp://camera.local/stream');
  });
});

