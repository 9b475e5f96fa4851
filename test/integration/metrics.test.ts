import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Argon2Params } from '../../src/auth/passwords.js';
import { parseConfig } from '../../src/config/load.js';
import { createVigieMetrics, isLoopbackAddress, metricsAccess, type MetricsSources } from '../../src/metrics/index.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { createDetectorPool } from '../../src/vision/detect/pool.js';
import { makeMovingSquareClip, makeTempDir } from '../helpers/media-fixtures.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const TOKEN = 'metrics-test-token-0123456789';
const CAMERA = 'quai';
/** Tiny frames (64x48: several fit in the pipe's buffer), so a slow pipeline makes the realtime source drop. */
const SLOW_CAMERA = 'lent';

/** A grey 320x240 scene crossed by a white square every 4 s. */
const movingSquareClip = (dir: string): Promise<string> => makeMovingSquareClip(dir, { width: 320, height: 240, rate: 10, side: 40, x: 20, y: 100, speed: 60 });

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when absent. */
function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('GET /metrics on a running Vigie (synthetic looping clip, motion backend)', () => {
  let vigie: RunningVigie;
  let cleanup: () => Promise<void> = () => Promise.resolve();
  /** Blocks the pipeline this long on each frame while set: the realtime source then drops frames. */
  let slowFrameMs = 0;

  const scrape = async (): Promise<Sample[]> => {
    const res = await vigie.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode, res.body).toBe(200);
    return parseExposition(res.body);
  };
  /** Scrapes until `ok` holds; fails naming `what` after `timeoutMs` (an upper bound, not a measurement). */
  const scrapeUntil = async (what: string, ok: (s: Sample[]) => boolean, timeoutMs = 30_000): Promise<Sample[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const samples = await scrape();
      if (ok(samples)) return samples;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  beforeAll(async () => {
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    const source = await movingSquareClip(temp.dir);
    const config = parseConfig({
      cameras: [{
        id: CAMERA, source, loop: true,
        detect: { fps: 5, width: 320, backend: 'motion' },
        zones: [{ id: 'tout', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }],
        rules: [{
          id: 'presence', type: 'intrusion', zone: 'tout', classes: ['any'], min_duration_s: 0.5, purpose: 'metrics test',
          legal_basis: { kind: 'authorised_alert', reference: 'test', authority: 'test', valid_until: '2099-12-31' },
        }],
      }, { id: SLOW_CAMERA, source, loop: true, detect: { fps: 5, width: 64, backend: 'motion' } }],
    });
    vigie = await startVigie({
      dataDir: join(temp.dir, 'data'), config, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined, metricsToken: TOKEN,
      onFrame: (result) => {
        if (slowFrameMs === 0 || result.frame.cameraId !== SLOW_CAMERA) return;
        const until = Date.now() + slowFrameMs;
        while (Date.now() < until) {
          // a slow consumer on purpose: the pipeline falls behind the realtime source
        }
      },
    });
  }, 60_000);
  afterAll(async () => {
    await vigie?.close();
    await cleanup();
  });

  it('exports the camera analysis rate once frames flowed, disk free space and process metrics', async () => {
    const samples = await scrapeUntil('an analysis rate above 0', (s) => (valueOf(s, 'vigie_camera_analysis_fps', { camera: CAMERA }) ?? 0) > 0);
    expect(valueOf(samples, 'vigie_camera_target_fps', { camera: CAMERA })).toBe(5);
    expect(valueOf(samples, 'vigie_camera_frames_total', { camera: CAMERA })).toBeGreaterThan(0);
    expect(valueOf(samples, 'vigie_camera_state', { camera: CAMERA, state: 'offline' })).toBe(0);
    expect(valueOf(samples, 'vigie_disk_free_bytes', { folder: 'recordings' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'vigie_database_size_bytes')).toBeGreaterThan(0);
    expect(valueOf(samples, 'vigie_camera_last_frame_age_seconds', { camera: CAMERA })).toBeGreaterThanOrEqual(0);
    expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(valueOf(samples, 'vigie_live_clients')).toBe(0);
    // Every reason is exported, 0 included, so a rate() exists before the first drop.
    for (const reason of ['source_queue_full', 'detector_busy', 'detector_failed']) {
      expect(valueOf(samples, 'vigie_camera_frames_dropped_total', { camera: CAMERA, reason }), reason).toBeGreaterThanOrEqual(0);
    }
  }, 40_000);

  it('counts opened events by camera and type', async () => {
    const samples = await scrapeUntil('an intrusion event', (s) => (valueOf(s, 'vigie_events_total', { camera: CAMERA, type: 'intrusion' }) ?? 0) > 0);
    expect(valueOf(samples, 'vigie_events_total', { camera: CAMERA, type: 'intrusion' })).toBeGreaterThanOrEqual(1);
  }, 40_000);

  it('counts frames the source dropped while the pipeline was too slow', async () => {
    const before = valueOf(await scrape(), 'vigie_camera_frames_dropped_total', { camera: SLOW_CAMERA, reason: 'source_queue_full' }) ?? 0;
    slowFrameMs = 600;
    try {
      const samples = await scrapeUntil('source_queue_full drops', (s) => (valueOf(s, 'vigie_camera_frames_dropped_total', { camera: SLOW_CAMERA, reason: 'source_queue_full' }) ?? 0) > before);
      const decoded = valueOf(samples, 'vigie_camera_frames_decoded_total', { camera: SLOW_CAMERA }) ?? 0;
      expect(decoded).toBeGreaterThan(valueOf(samples, 'vigie_camera_frames_total', { camera: SLOW_CAMERA }) ?? 0);
    } finally {
      slowFrameMs = 0;
    }
  }, 40_000);

  it('answers another host only with the bearer token', async () => {
    const remote = { remoteAddress: '192.0.2.10' };
    const without = await vigie.app.inject({ method: 'GET', url: '/metrics', ...remote });
    expect(without.statusCode).toBe(401);
    expect(without.json<{ code: string }>().code).toBe('METRICS_TOKEN_REQUIRED');
    const wrong = await vigie.app.inject({ method: 'GET', url: '/metrics', ...remote, headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.statusCode).toBe(401);
    const right = await vigie.app.inject({ method: 'GET', url: '/metrics', ...remote, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.statusCode).toBe(200);
    expect(right.headers['content-type']).toContain('text/plain');
    expect(right.body).toContain('vigie_camera_frames_total');
  });

  it('lists /metrics in the OpenAPI document', async () => {
    const docs = await vigie.app.inject({ method: 'GET', url: '/api/docs' });
    expect(Object.keys(docs.json<{ paths: object }>().paths)).toContain('/metrics');
  });
});

describe('detector metrics (real pool, fake worker module)', () => {
  it('observes each detection in the latency histogram and exports the pool counters', async () => {
    const pool = await createDetectorPool({ size: 1, workerModule: new URL('../helpers/detect-fake-worker.ts', import.meta.url) });
    const sources: MetricsSources = {
      cameras: () => [], sourceStats: () => null, dropCounts: () => null, detector: () => pool.stats(), recorders: () => [], liveClients: () => 0,
      liveSlowClientsDisconnected: () => 0, folders: [], freeSpace: () => Promise.resolve(0), segmentTotals: () => Promise.resolve(new Map()), databaseFile: null,
    };
    const metrics = createVigieMetrics(sources, { version: 'test' });
    const unsubscribe = pool.onDetection((ms) => metrics.observeDetection(ms));
    try {
      for (let i = 0; i < 3; i++) await pool.detect({ data: new Uint8Array(4 * 4 * 3), width: 4, height: 4 });
      await expect(pool.detect({ data: new Uint8Array(7 * 4 * 3), width: 7, height: 4 })).rejects.toThrow(/refused/);
      const samples = parseExposition(await metrics.render());
      expect(valueOf(samples, 'vigie_detector_inference_seconds_count')).toBe(3);
      expect(valueOf(samples, 'vigie_detector_inference_seconds_sum')).toBeGreaterThan(0);
      expect(valueOf(samples, 'vigie_detector_inference_seconds_bucket', { le: '5' })).toBe(3);
      expect(valueOf(samples, 'vigie_detector_completed_total')).toBe(3);
      expect(valueOf(samples, 'vigie_detector_failed_total')).toBe(1);
      expect(valueOf(samples, 'vigie_detector_workers')).toBe(1);
      expect(valueOf(samples, 'vigie_detector_queue_depth')).toBe(0);
    } finally {
      unsubscribe();
      await pool.close();
    }
  }, 30_000);
});

describe('who may read /metrics', () => {
  it('lets the host itself in, IPv4, IPv6 and IPv4-mapped, and nobody else without a token', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(address), address).toBe(true);
    for (const address of ['192.0.2.10', '::ffff:192.0.2.10', '10.0.0.1', '::', undefined]) expect(isLoopbackAddress(address), String(address)).toBe(false);
    expect(metricsAccess({ remoteAddress: '192.0.2.10', authorization: 'Bearer anything' }, null)).toMatchObject({ ok: false, status: 403, code: 'METRICS_FORBIDDEN' });
    expect(metricsAccess({ remoteAddress: '192.0.2.10', authorization: `Basic ${TOKEN}` }, TOKEN)).toMatchObject({ ok: false, status: 401 });
    expect(metricsAccess({ remoteAddress: '192.0.2.10', authorization: `bearer ${TOKEN}` }, TOKEN)).toEqual({ ok: true });
  });
});
