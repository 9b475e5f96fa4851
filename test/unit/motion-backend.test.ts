import { describe, expect, it } from 'vitest';
import type { BoxXYXY } from '../../src/contracts/geometry.js';
import { createMotionObjectDetector, mergeRegions } from '../../src/vision/detect/motion-backend.js';
import type { MotionResult } from '../../src/vision/motion/types.js';
import { sceneFrame, texture } from './motion-synthetic.js';

const W = 320;
const H = 180;

/** A motion result with solid regions at the given boxes. */
function motion(seq: number, boxes: readonly BoxXYXY[], extra: Partial<MotionResult> = {}): MotionResult {
  return {
    seq,
    width: W,
    height: H,
    regions: boxes.map((box) => ({ box, areaPx: (box[2] - box[0]) * (box[3] - box[1]), fillRatio: 1, movingRatio: 1 })),
    changedRatio: 0.05,
    lightingChange: false,
    exposureShiftGrey: 0,
    toneShiftGrey: 0,
    backgroundReset: false,
    droppedRegions: 0,
    ...extra,
  };
}

const region = (box: BoxXYXY, areaPx: number) => ({ box, areaPx, fillRatio: areaPx / ((box[2] - box[0]) * (box[3] - box[1])), movingRatio: 1 });

describe('mergeRegions', () => {
  it('merges fragments closer than the gap, transitively, and keeps distant ones apart', () => {
    const blobs = mergeRegions([region([0, 0, 10, 10], 100), region([13, 0, 20, 10], 70), region([22, 5, 30, 12], 50), region([100, 100, 110, 110], 100)], 4);
    expect(blobs).toEqual([
      { x1: 0, y1: 0, x2: 30, y2: 12, areaPx: 220 },
      { x1: 100, y1: 100, x2: 110, y2: 110, areaPx: 100 },
    ]);
  });
});

describe('createMotionObjectDetector.detectFromMotion', () => {
  it('reports a blob only once it persisted minPersistFrames, as class object with a score in [0,1]', () => {
    const det = createMotionObjectDetector({ minPersistFrames: 3 });
    const seen = [0, 1, 2, 3, 4].map((k) => det.detectFromMotion(motion(k, [[50 + 4 * k, 50, 90 + 4 * k, 80]])));
    expect(seen.map((d) => d.length)).toEqual([0, 0, 1, 1, 1]);
    const d = seen[4]![0]!;
    expect(d.cls).toBe('object');
    expect(d.box).toEqual([66, 50, 106, 80]);
    expect(d.score).toBeGreaterThan(0.5);
    expect(d.score).toBeLessThanOrEqual(1);
    // The score grows with persistence.
    expect(seen[4]![0]!.score).toBeGreaterThan(seen[2]![0]!.score);
  });

  it('never reports one-frame flicker at random places', () => {
    const det = createMotionObjectDetector();
    for (let k = 0; k < 20; k++) {
      const x = (k * 97) % 250;
      const y = (k * 53) % 140;
      expect(det.detectFromMotion(motion(k, [[x, y, x + 30, y + 30]]))).toEqual([]);
    }
  });

  it('keeps persistence through a short miss, and forgets it after maxMissedFrames', () => {
    const det = createMotionObjectDetector({ minPersistFrames: 3, maxMissedFrames: 1 });
    const box: BoxXYXY = [100, 50, 140, 90];
    const counts = ([[box], [box], [], [box], [], [], [box], [box]] as BoxXYXY[][]).map((boxes, k) => det.detectFromMotion(motion(k, boxes)).length);
    expect(counts).toEqual([0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('reports two separate objects separately and merges the fragments of one', () => {
    const det = createMotionObjectDetector({ minPersistFrames: 1 });
    const out = det.detectFromMotion(motion(0, [[10, 10, 50, 40], [52, 12, 70, 40], [200, 100, 240, 150]]));
    expect(out.map((d) => d.box).sort((a, b) => a[0] - b[0])).toEqual([[10, 10, 70, 40], [200, 100, 240, 150]]);
    // Best score first; the merged pair has a gap, so it is less solid.
    expect(out[0]!.score).toBeGreaterThanOrEqual(out[1]!.score);
  });

  it('drops blobs that are too small or cover most of the frame', () => {
    const det = createMotionObjectDetector({ minPersistFrames: 1 });
    expect(det.detectFromMotion(motion(0, [[0, 0, 4, 4]]))).toEqual([]);
    expect(det.detectFromMotion(motion(1, [[0, 0, 300, 170]]))).toEqual([]);
  });

  it('asks more persistence of blobs born during an exposure change, and reports nothing on a background reset', () => {
    const det = createMotionObjectDetector({ minPersistFrames: 2, minPersistFramesInLightingChange: 4 });
    const box: BoxXYXY = [100, 50, 140, 90];
    const counts = [0, 1, 2, 3, 4].map((k) => det.detectFromMotion(motion(k, [box], { lightingChange: true })).length);
    expect(counts).toEqual([0, 0, 0, 1, 1]);
    expect(det.detectFromMotion(motion(5, [box], { backgroundReset: true, regions: [] }))).toEqual([]);
    // Persistence starts again after the reset.
    expect(det.detectFromMotion(motion(6, [box])).length).toBe(0);
  });

  it('validates its options', () => {
    expect(() => createMotionObjectDetector({ minPersistFrames: 0 })).toThrow(RangeError);
    expect(() => createMotionObjectDetector({ mergeGapFrac: 2 })).toThrow(/mergeGapFrac/);
  });
});

describe('createMotionObjectDetector.detect', () => {
  it('finds a square moving across a static scene from raw frames', () => {
    const base = texture(W, H);
    const det = createMotionObjectDetector();
    const found: number[] = [];
    // 30 frames of empty scene first: during the background's start-up phase
    // (backgroundTimeConstantFrames) everything is learnt fast, movers included.
    for (let seq = 0; seq < 50; seq++) {
      const squares = seq >= 30 ? [{ x: 20 + (seq - 30) * 8, y: 70, size: 36, grey: 235 }] : [];
      const out = det.detect(sceneFrame(seq, { width: W, height: H, squares }, base));
      found.push(out.length);
      for (const d of out) {
        expect(d.cls).toBe('object');
        const sq = squares[0]!;
        expect(d.box[0]).toBeLessThanOrEqual(sq.x);
        expect(d.box[2]).toBeGreaterThanOrEqual(sq.x + sq.size);
      }
    }
    expect(found.slice(0, 32)).toEqual(Array(32).fill(0));
    expect(found.slice(33)).toEqual(Array(17).fill(1));
  });
});
