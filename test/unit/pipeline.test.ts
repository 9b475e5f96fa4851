import { describe, expect, it } from 'vitest';
import { cameraSchema, type CameraConfig } from '../../src/config/schema.js';
import type { Detection } from '../../src/contracts/detection.js';
import type { RgbFrame } from '../../src/contracts/frame.js';
import type { EventChange } from '../../src/events/lifecycle.js';
import { createCameraPipeline, type FrameResult } from '../../src/pipeline/camera-pipeline.js';
import { createDetectionStage, FULL_FRAME_REFRESH_S } from '../../src/pipeline/detection-stage.js';
import type { Detector, DetectorFrame } from '../../src/vision/detect/detector.js';
import { sceneFrame, texture, type Square } from './motion-synthetic.js';

const W = 160;
const H = 120;
const FPS = 10;
const base = texture(W, H);

/** A square walking right by 4 px a frame from `fromSeq` on; before that the scene is still. */
function frameAt(seq: number, fromSeq = 0): RgbFrame {
  const squares: Square[] = seq >= fromSeq ? [{ x: 10 + 4 * (seq - fromSeq), y: 50, size: 16, grey: 240 }] : [];
  return sceneFrame(seq, { width: W, height: H, squares }, base);
}

/** A detector that reports the walking square as a person, answering in a scripted (shuffled) order. */
function scriptedDetector(delays: (call: number) => number): Detector & { calls: number[] } {
  const calls: number[] = [];
  return {
    name: 'scripted',
    calls,
    async detect(frame: DetectorFrame) {
      const call = calls.length;
      // Find the bright square the scene generator drew (grey 240).
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
      calls.push(call);
      await new Promise((r) => setTimeout(r, delays(call)));
      const found: Detection[] = x2 < 0 ? [] : [{ box: [x1, y1, x2, y2], score: 0.9, cls: 'person' }];
      return found;
    },
    close: () => Promise.resolve(),
  };
}

function camera(overrides: Record<string, unknown> = {}): CameraConfig {
  return cameraSchema.parse({
    id: 'cam',
    source: 'synthetic',
    detect: { fps: FPS, width: W },
    lines: [{ id: 'mid', points: [[0.5, 0], [0.5, 1]] }],
    rules: [{ id: 'count', type: 'line_crossing', line: 'mid', classes: ['person'] }],
    ...overrides,
  });
}

/** Frames arriving asynchronously, as from a frame source. */
async function* frames(n: number, fromSeq = 0): AsyncGenerator<RgbFrame> {
  for (let seq = 0; seq < n; seq++) {
    await new Promise((r) => setImmediate(r));
    yield frameAt(seq, fromSeq);
  }
}

async function collect(gen: AsyncGenerator<FrameResult>): Promise<FrameResult[]> {
  const out: FrameResult[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

describe('camera pipeline', () => {
  it('tracks in frame order even when detections come back out of order', async () => {
    // Even calls are slow, odd ones fast: with 3 frames in flight, answers arrive shuffled.
    const detector = scriptedDetector((call) => (call % 2 === 0 ? 15 : 1));
    const pipeline = createCameraPipeline({ camera: camera({ detect: { fps: FPS, width: W, motion_gating: false } }), detector, fps: FPS, maxInFlight: 3 });
    const changes: EventChange[] = [];
    pipeline.subscribe((c) => changes.push(c));
    const results = await collect(pipeline.run(frames(30)));

    expect(results.map((r) => r.frame.seq)).toEqual([...Array(30).keys()]);
    // One person walks across the middle line once: one track, one crossing, left to right.
    const ids = new Set(results.flatMap((r) => r.tracks.tracks.map((t) => t.id)));
    expect(ids.size).toBe(1);
    const closed = changes.filter((c) => c.kind === 'closed').map((c) => c.event);
    expect(closed).toHaveLength(1);
    expect(closed[0]?.details.direction).toBe('b_to_a');
    expect(closed[0]?.type).toBe('line_crossing');
  });

  it('blacks out privacy masks before the detector sees the frame', async () => {
    const detector = scriptedDetector(() => 0);
    const masked = camera({ masks: [[[0, 0], [1, 0], [1, 1], [0, 1]]], detect: { fps: FPS, width: W, motion_gating: false } });
    const results = await collect(createCameraPipeline({ camera: masked, detector, fps: FPS }).run(frames(5)));
    expect(results.every((r) => r.detections.length === 0)).toBe(true);
  });

  it('rethrows a detector failure instead of dropping the frame silently', async () => {
    const failing: Detector = { name: 'failing', detect: () => Promise.reject(new Error('worker crashed')), close: () => Promise.resolve() };
    const pipeline = createCameraPipeline({ camera: camera({ detect: { fps: FPS, width: W, motion_gating: false } }), detector: failing, fps: FPS });
    await expect(collect(pipeline.run(frames(3)))).rejects.toThrow('worker crashed');
  });
});

describe('detection stage (motion gating and backends)', () => {
  it('skips the detector on still frames but refreshes it every few seconds', () => {
    const stage = createDetectionStage(camera().detect, FPS, scriptedDetector(() => 0));
    const plans = Array.from({ length: 60 }, (_, seq) => stage.plan(frameAt(seq, 1000)));
    const ran = plans.flatMap((p, seq) => (p.runModel ? [seq] : []));
    // After the background settles, the model runs only for the periodic refresh.
    const late = ran.filter((seq) => seq >= 30);
    expect(late.length).toBeGreaterThan(0);
    expect(late.length).toBeLessThanOrEqual(Math.ceil(30 / (FULL_FRAME_REFRESH_S * FPS)) + 1);
    expect(plans.filter((p) => p.gated).length).toBeGreaterThan(40);
  });

  it('runs the detector on the frames where something moves', () => {
    const stage = createDetectionStage(camera().detect, FPS, scriptedDetector(() => 0));
    // The square starts moving once the background has settled (the first frames are averaged into it).
    const plans = Array.from({ length: 50 }, (_, seq) => stage.plan(frameAt(seq, 30)));
    const moving = plans.slice(31);
    // A uniform square only changes at its edges; on a frame or two its foreground
    // splits into still-looking parts and the tracker coasts instead.
    expect(moving.filter((p) => p.runModel).length).toBeGreaterThanOrEqual(moving.length - 2);
    expect(plans.slice(5, 30).filter((p) => p.runModel).length).toBeLessThanOrEqual(2);
  });

  it('never runs the model with the motion backend, and reports moving blobs as objects', () => {
    const stage = createDetectionStage({ ...camera().detect, backend: 'motion' }, FPS, null);
    const plans = Array.from({ length: 40 }, (_, seq) => stage.plan(frameAt(seq, 20)));
    expect(plans.some((p) => p.runModel)).toBe(false);
    const objects = plans.slice(25).flatMap((p) => p.motionObjects);
    expect(objects.length).toBeGreaterThan(0);
    expect(new Set(objects.map((o) => o.cls))).toEqual(new Set(['object']));
  });

  it('hybrid keeps model detections and adds only the blobs the model did not explain', () => {
    const stage = createDetectionStage({ ...camera().detect, backend: 'hybrid' }, FPS, scriptedDetector(() => 0));
    let plan = stage.plan(frameAt(0, 10));
    for (let seq = 1; seq < 30; seq++) plan = stage.plan(frameAt(seq, 10));
    const [blob, ...others] = plan.motionObjects;
    expect(blob).toBeDefined();
    const person: Detection = { box: blob!.box, score: 0.9, cls: 'person' };
    const elsewhere: Detection = { box: [0, 0, 5, 5], score: 0.9, cls: 'car' };
    expect(stage.combine(plan, [person])).toEqual([person, ...others]);
    expect(stage.combine(plan, [elsewhere])).toEqual([elsewhere, blob, ...others]);
  });

  it('refuses a model backend without a detector', () => {
    expect(() => createDetectionStage(camera().detect, FPS, null)).toThrow(/needs a detector/);
  });
});
