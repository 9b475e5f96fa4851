import { describe, expect, it } from 'vitest';
import { cameraSchema, type CameraConfig } from '../../src/config/schema.js';
import type { RgbFrame } from '../../src/contracts/frame.js';
import type { EventChange } from '../../src/events/lifecycle.js';
import { cameraConfigChanges, sameJson } from '../../src/pipeline/camera-changes.js';
import { createCameraPipeline, detectWhenFree, type FrameResult, type LiveDetector } from '../../src/pipeline/camera-pipeline.js';
import type { DetectorPool } from '../../src/vision/detect/pool.js';
import { sceneFrame, texture } from './motion-synthetic.js';
import { scriptedPool } from './supervisor-fakes.js';

const W = 160;
const H = 120;
const FPS = 10;
const base = texture(W, H);

/** A bright square walking right by 4 px a frame: crosses the vertical middle line around frame 15. */
const frameAt = (seq: number): RgbFrame => sceneFrame(seq, { width: W, height: H, squares: [{ x: 10 + 4 * seq, y: 50, size: 16, grey: 240 }] }, base);

function camera(overrides: Record<string, unknown> = {}): CameraConfig {
  return cameraSchema.parse({
    id: 'cam',
    source: 'synthetic.mp4',
    detect: { fps: FPS, width: W, motion_gating: false },
    lines: [{ id: 'mid', points: [[0.5, 0], [0.5, 1]] }],
    rules: [],
    ...overrides,
  });
}
const countRule = { id: 'count', type: 'line_crossing', line: 'mid', classes: ['person'] };

/** Frames arriving asynchronously; `before(seq)` runs before each frame is handed over. */
async function* frames(n: number, before: (seq: number) => void = () => undefined): AsyncGenerator<RgbFrame> {
  for (let seq = 0; seq < n; seq++) {
    await new Promise((r) => setImmediate(r));
    before(seq);
    yield frameAt(seq);
  }
}

async function collect(gen: AsyncGenerator<FrameResult>): Promise<FrameResult[]> {
  const out: FrameResult[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

// The shared detector pool is what `vigie start` passes as the live detector.
const _poolIsALiveDetector = (pool: DetectorPool): LiveDetector => pool;

describe('live pipeline', () => {
  it('applies a rule added while running at the next frame: the crossing is reported', async () => {
    const pipeline = createCameraPipeline({ camera: camera(), detector: detectWhenFree(scriptedPool()), maxInFlight: 2 });
    const changes: EventChange[] = [];
    pipeline.subscribe((c) => changes.push(c));
    const results = await collect(
      pipeline.run(
        frames(30, (seq) => {
          if (seq === 5) pipeline.reconfigure(camera({ rules: [countRule] }));
        }),
      ),
    );
    expect(results.map((r) => r.frame.seq)).toEqual([...Array(30).keys()]);
    const crossings = changes.filter((c) => c.kind === 'closed' && c.event.type === 'line_crossing');
    expect(crossings).toHaveLength(1);
    expect(crossings[0]?.event.rule).toBe('count');
    expect(pipeline.stats().reconfigurations).toBe(1);
  });

  it('without the rule, the same walk raises nothing', async () => {
    const pipeline = createCameraPipeline({ camera: camera(), detector: detectWhenFree(scriptedPool()) });
    const changes: EventChange[] = [];
    pipeline.subscribe((c) => changes.push(c));
    await collect(pipeline.run(frames(30)));
    expect(changes).toEqual([]);
  });

  it('closes the open events of the old rules when the rules change', async () => {
    const zone = { id: 'all', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] };
    const intrusion = { id: 'intr', type: 'intrusion', zone: 'all', classes: ['person'], min_duration_s: 0 };
    const pipeline = createCameraPipeline({ camera: camera({ zones: [zone], rules: [intrusion] }), detector: detectWhenFree(scriptedPool()), maxInFlight: 1 });
    const changes: EventChange[] = [];
    pipeline.subscribe((c) => changes.push(c));
    await collect(
      pipeline.run(
        frames(20, (seq) => {
          if (seq === 10) pipeline.reconfigure(camera({ zones: [zone], rules: [] }));
        }),
      ),
    );
    const opened = changes.filter((c) => c.kind === 'opened');
    expect(opened).toHaveLength(1);
    const closed = changes.filter((c) => c.kind === 'closed');
    expect(closed).toHaveLength(1);
    // Closed at the reconfiguration (frame 9 was the last one under the old rule), not at the end.
    expect(closed[0]?.event.end).toBeLessThan(1.0);
  });

  it('coasts and counts the frames the busy detector pool refused, without waiting for it', async () => {
    // Every third call finds the pool full.
    const pool = scriptedPool({ busy: (call) => call % 3 === 2 });
    const pipeline = createCameraPipeline({ camera: camera({ rules: [countRule] }), detector: detectWhenFree(pool), maxInFlight: 2 });
    const results = await collect(pipeline.run(frames(30)));
    const busy = results.filter((r) => r.detectorBusy);
    expect(busy.length).toBe(10);
    expect(busy.every((r) => !r.detected && r.detections.length === 0)).toBe(true);
    expect(pipeline.stats()).toMatchObject({ frames: 30, detectorBusy: 10 });
    // The tracker coasted through: still one track for the one walker.
    expect(new Set(results.flatMap((r) => r.tracks.tracks.map((t) => t.id))).size).toBe(1);
  });

  it('rethrows a detector failure (the supervisor restarts the pipeline)', async () => {
    const pipeline = createCameraPipeline({ camera: camera(), detector: detectWhenFree(scriptedPool({ fail: (call) => call === 3 })) });
    await expect(collect(pipeline.run(frames(10)))).rejects.toThrow('crashed');
  });

  it('refuses a configuration it cannot run and keeps the running one', async () => {
    const pipeline = createCameraPipeline({ camera: camera({ rules: [countRule] }), detector: detectWhenFree(scriptedPool()) });
    const changes: EventChange[] = [];
    pipeline.subscribe((c) => changes.push(c));
    expect(() => pipeline.reconfigure({ ...camera(), rules: [{ ...camera({ rules: [countRule] }).rules[0]!, line: 'nowhere' } as never] })).toThrow(/nowhere/);
    expect(() => createCameraPipeline({ camera: camera(), detector: null })).toThrow(/needs a detector/);
    await collect(pipeline.run(frames(30)));
    expect(changes.filter((c) => c.kind === 'closed')).toHaveLength(1);
  });

  it('hands over the masked pixels of each frame', async () => {
    const masked = camera({ masks: [[[0, 0], [1, 0], [1, 1], [0, 1]]] });
    const results = await collect(createCameraPipeline({ camera: masked, detector: detectWhenFree(scriptedPool()) }).run(frames(3)));
    expect(results.every((r) => r.image.data.every((v) => v === 0))).toBe(true);
    expect(results.every((r) => r.detections.length === 0)).toBe(true);
  });
});

describe('what a configuration change rebuilds', () => {
  const before = camera({ rules: [countRule] });
  it.each([
    ['nothing (a new name)', { name: 'Parvis' }, { source: false, perception: false, rules: false }],
    ['the source', { source: 'rtsp://cam/2' }, { source: true, perception: false, rules: false }],
    ['the analysis rate', { detect: { fps: 5, width: W, motion_gating: false } }, { source: true, perception: false, rules: false }],
    ['the detection score', { detect: { fps: FPS, width: W, motion_gating: false, min_score: 0.6 } }, { source: false, perception: true, rules: false }],
    ['the masks', { masks: [[[0, 0], [0.2, 0], [0.2, 0.2]]] }, { source: false, perception: true, rules: false }],
    ['the rules', { rules: [] }, { source: false, perception: false, rules: true }],
    ['a line', { lines: [{ id: 'mid', points: [[0.4, 0], [0.4, 1]] }] }, { source: false, perception: false, rules: true }],
  ])('%s', (_name, overrides, expected) => {
    expect(cameraConfigChanges(before, camera({ rules: [countRule], ...overrides }))).toEqual(expected);
  });

  it('compares configurations whatever their key order', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false);
  });
});
