/**
 * Motion detector and motion-blob backend on car-detection.mp4 (768x432,
 * 12.5 fps, 377 frames), analysed at 640 px and every frame.
 *
 * The scene, checked frame by frame: a top-down two-way car-park aisle; in the
 * left lane (x < 0.36) cars drive down, in the right lane up. Cars: frames
 * ~55-115 up (right), ~180-230 down (left), ~188-241 up (right), ~315-347
 * down (left). The camera's auto-exposure darkens the whole picture by up to
 * half while the white cars cross (~60-120, ~200-245, ~330-376; steepest at
 * ~78-90 and ~336-354). The aisle is empty in 0-50, 125-175 and 250-310.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Detection } from '../../src/contracts/detection.js';
import { createMotionObjectDetector } from '../../src/vision/detect/motion-backend.js';
import { createMotionDetector, type MotionResult } from '../../src/vision/motion/index.js';
import { datasetFile } from '../helpers/datasets.js';
import { analysisSize, decodeFrames } from './motion-frames.js';

const video = datasetFile('intel-sample-videos/car-detection.mp4');
const LANE_SPLIT = 0.36;

interface FrameOutcome {
  readonly motion: MotionResult;
  readonly objects: readonly Detection[];
}

type Lane = 'left' | 'right';

describe.skipIf(video.missing)('motion on car-detection.mp4', () => {
  const frames: FrameOutcome[] = [];
  let width = 0;
  let height = 0;

  beforeAll(async () => {
    const size = await analysisSize(video.path, 640);
    width = size.width;
    height = size.height;
    const motion = createMotionDetector();
    const objects = createMotionObjectDetector();
    for await (const frame of decodeFrames(video.path, 640, size)) {
      frames.push({ motion: motion.update(frame), objects: objects.detect(frame) });
    }
  });

  const laneOf = (box: readonly number[]): Lane => ((box[0]! + box[2]!) / 2 / width < LANE_SPLIT ? 'left' : 'right');
  const range = (from: number, to: number): FrameOutcome[] => frames.slice(from, to + 1);
  const inLane = (f: FrameOutcome, lane: Lane): Detection[] => f.objects.filter((d) => laneOf(d.box) === lane);
  const centreY = (d: Detection): number => (d.box[1] + d.box[3]) / 2;

  it('decodes the whole clip', () => {
    expect(frames.length).toBe(377);
    expect([width, height]).toEqual([640, 360]);
  });

  it('does not turn the exposure changes into frame-wide regions or objects outside the moving car', () => {
    const windows: { from: number; to: number; carLane: Lane }[] = [
      { from: 78, to: 90, carLane: 'right' },
      { from: 336, to: 354, carLane: 'left' },
    ];
    for (const { from, to, carLane } of windows) {
      for (const f of range(from, to)) {
        for (const r of f.motion.regions) {
          const [x1, y1, x2, y2] = r.box;
          expect((x2 - x1) * (y2 - y1), `frame ${f.motion.seq}: region ${r.box.join(',')}`).toBeLessThan(0.3 * width * height);
          expect(laneOf(r.box), `frame ${f.motion.seq}: region ${r.box.join(',')} away from the car`).toBe(carLane);
        }
        expect(f.objects.length, `frame ${f.motion.seq}`).toBeLessThanOrEqual(1);
        expect(f.objects.every((d) => laneOf(d.box) === carLane), `frame ${f.motion.seq}`).toBe(true);
      }
    }
    // The changes are real and flagged.
    expect(range(66, 81).filter((f) => f.motion.lightingChange).length).toBeGreaterThan(8);
    expect(range(333, 345).filter((f) => f.motion.lightingChange).length).toBeGreaterThan(6);
  });

  it('reports each of the four cars in its lane while it moves, in its direction', () => {
    const cars: { name: string; from: number; to: number; lane: Lane; dir: 1 | -1 }[] = [
      { name: 'car 1 (up)', from: 60, to: 105, lane: 'right', dir: -1 },
      { name: 'car 2 (down)', from: 185, to: 220, lane: 'left', dir: 1 },
      { name: 'car 3 (up)', from: 195, to: 235, lane: 'right', dir: -1 },
      { name: 'car 4 (down)', from: 320, to: 343, lane: 'left', dir: 1 },
    ];
    for (const car of cars) {
      const window = range(car.from, car.to);
      const withCar = window.filter((f) => inLane(f, car.lane).length === 1);
      expect(withCar.length / window.length, car.name).toBeGreaterThanOrEqual(0.9);
      // The object moves the way the lane goes.
      const first = inLane(withCar[0]!, car.lane)[0]!;
      const last = inLane(withCar[withCar.length - 1]!, car.lane)[0]!;
      expect(Math.sign(centreY(last) - centreY(first)), car.name).toBe(car.dir);
      expect(Math.abs(centreY(last) - centreY(first)), car.name).toBeGreaterThan(0.3 * height);
    }
    // Car 1 alone: nothing in the other lane.
    expect(range(60, 105).every((f) => inLane(f, 'left').length === 0)).toBe(true);
  });

  it('reports nothing while the aisle is empty (motion gating skips the detector)', () => {
    for (const [from, to] of [[1, 50], [125, 175], [250, 310]] as const) {
      for (const f of range(from, to)) {
        expect(f.objects, `frame ${f.motion.seq}`).toEqual([]);
      }
      const withRegions = range(from, to).filter((f) => f.motion.regions.length > 0).length;
      expect(withRegions / (to - from + 1), `frames ${from}-${to}`).toBeLessThanOrEqual(0.05);
    }
  });

  it('stops its ffmpeg when the reader stops early (the run fails on stray ffmpeg)', async () => {
    let n = 0;
    for await (const frame of decodeFrames(video.path, 640, { width, height })) {
      expect(frame.data.length).toBe(width * height * 3);
      if (++n === 3) break;
    }
    expect(n).toBe(3);
  });

  it('gives detection scores in [0,1]', () => {
    for (const f of frames) for (const d of f.objects) expect(d.score >= 0 && d.score <= 1 && d.cls === 'object').toBe(true);
  });
});
