import { describe, expect, it } from 'vitest';
import { cameraSchema, type CameraConfig } from '../../src/config/schema.js';
import type { Detection } from '../../src/contracts/detection.js';
import type { RgbFrame } from '../../src/contracts/frame.js';
import type { EventChange } from '../../src/events/lifecycle.js';
import { createCameraPipeline, waitForDetections, type FrameResult } from '../../src/pipeline/camera-pipeline.js';
import { createDetectionStage, FULL_FRAME_REFRESH_S } from '../../src/pipeline/detection-stage.js';
import type { Detector, DetectorFrame } from '../../src/vision/detect/detector.js';
import { sceneFrame, texture, type Square } from './motion-synthetic.js';
import { brightBox } from './supervisor-fakes.js';

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
      calls.push(call);
      await new Promise((r) => setTimeout(r, delays(call)));
      return brightBox(frame);
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
    const pipeline = createCameraPipeline({ camera: camera({ detect: { fps: FPS, width: W, motion_gating: false } }), detector: waitForDetections(detector), fps: FPS, maxInFlight: 3 });
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
});

describe('detection stage (motion gating and backends)', () => {
  it('skips the detector on still frames but refreshes it every few seconds', () => {
    const stage = createDetectionStage(camera().detect, FPS, {});
    const plans = Array.from({ length: 60 }, (_, seq) => stage.plan(frameAt(seq, 1000)));
    const ran = plans.flatMap((p, seq) => (p.runModel ? [seq] : []));
    // After the background settles, the model runs only for the periodic refresh.
    const late = ran.filter((seq) => seq >= 30);
    expect(late.length).toBeGreaterThan(0);
    expect(late.length).toBeLessThanOrEqual(Math.ceil(30 / (FULL_FRAME_REFRESH_S * FPS)) + 1);
    expect(plans.filter((p) => p.gated).length).toBeGreaterThan(40);
  });

  it('runs the detector on the frames where something moves', () => {
    const stage = createDetectionStage(camera().detect, FPS, {});
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
    const stage = createDetectionStage({ ...camera().detect, backend: 'hybrid' }, FPS, {});
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

describe('detection stage (region crops)', () => {
  const BIG_W = 640;
  const BIG_H = 480;
  const FLEXIBLE = { flexibleInput: { step: 32, min: 64, max: 512 } };
  let bigBase: Uint8Array | undefined;
  const bigSquare = (seq: number): Square => ({ x: 100 + 6 * seq, y: 200, size: 24, grey: 240 });
  /** A 640x480 scene with a 24 px square walking right by 6 px a frame from frame 0. */
  const bigFrame = (seq: number): RgbFrame => {
    bigBase ??= texture(BIG_W, BIG_H);
    return sceneFrame(seq, { width: BIG_W, height: BIG_H, squares: [bigSquare(seq)] }, bigBase);
  };
  const bigCamera = (detect: Record<string, unknown> = {}) => camera({ detect: { fps: FPS, width: BIG_W, ...detect } }).detect;
  const covers = (rect: { x: number; y: number; width: number; height: number }, s: Square): boolean =>
    rect.x <= s.x && rect.y <= s.y && rect.x + rect.width >= s.x + s.size && rect.y + rect.height >= s.y + s.size;

  it('crops around the moving square after the first (full) frame, with the full frame letterboxed into a square input', () => {
    const stage = createDetectionStage(bigCamera(), FPS, FLEXIBLE);
    const plans = Array.from({ length: 20 }, (_, seq) => stage.plan(bigFrame(seq)));
    for (const p of plans) expect(p.input).toEqual({ width: 512, height: 512 });
    expect(plans[0]).toMatchObject({ runModel: true, crops: null });
    const cropped = plans.flatMap((p, seq) => (p.runModel && p.crops !== null ? [{ seq, crops: p.crops }] : []));
    expect(cropped.length).toBeGreaterThanOrEqual(15);
    for (const { seq, crops } of cropped) {
      expect(crops.some((c) => covers(c.rect, bigSquare(seq)))).toBe(true);
      for (const { rect, input } of crops) {
        expect(rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= BIG_W && rect.y + rect.height <= BIG_H).toBe(true);
        // A crop costs less than the full frame, at sizes the detector accepts.
        expect(input.width * input.height).toBeLessThan(512 * 512);
        for (const side of [input.width, input.height]) expect(side % 32 === 0 && side >= 64 && side <= 512).toBe(true);
      }
    }
  });

  it('follows detect.input_size for the full-frame input', () => {
    const stage = createDetectionStage(bigCamera({ input_size: 416 }), FPS, FLEXIBLE);
    expect(stage.plan(bigFrame(0)).input).toEqual({ width: 416, height: 416 });
  });

  it('never crops with region_crops: false, nor for a detector without flexibleInput', () => {
    const off = createDetectionStage(bigCamera({ region_crops: false }), FPS, FLEXIBLE);
    const fixed = createDetectionStage(bigCamera(), FPS, {});
    for (let seq = 0; seq < 12; seq++) {
      const frame = bigFrame(seq);
      const a = off.plan(frame);
      expect(a.crops).toBeNull();
      expect(a.input).toEqual({ width: 512, height: 512 });
      const b = fixed.plan(frame);
      expect(b.crops).toBeNull();
      expect(b.input).toBeUndefined();
    }
  });

  it('runs the model on the full frame at least every FULL_FRAME_REFRESH_S seconds while cropping', () => {
    const stage = createDetectionStage(bigCamera(), FPS, FLEXIBLE);
    const every = FULL_FRAME_REFRESH_S * FPS;
    const n = 3 * every + 5;
    const plans = Array.from({ length: n }, (_, seq) => stage.plan(bigFrame(seq)));
    const full = plans.flatMap((p, seq) => (p.runModel && p.crops === null ? [seq] : []));
    expect(full[0]).toBe(0);
    for (let i = 1; i < full.length; i++) expect(full[i]! - full[i - 1]!).toBeLessThanOrEqual(every);
    expect(n - 1 - full.at(-1)!).toBeLessThan(every);
    // Crops are the rule in between.
    expect(plans.filter((p) => p.runModel && p.crops !== null).length).toBeGreaterThan(n / 2);
  });
});
