import { describe, expect, it } from 'vitest';
import type { Detection } from '../../src/contracts/detection.js';
import { iouXYXY, nonMaxSuppression } from '../../src/vision/detect/nms.js';

const det = (box: [number, number, number, number], score: number, cls: Detection['cls'] = 'person'): Detection => ({ box, score, cls });

describe('iouXYXY', () => {
  it('is 1 for identical boxes, 0 for disjoint or touching ones', () => {
    expect(iouXYXY([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iouXYXY([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
    expect(iouXYXY([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
  });

  it('computes intersection over union', () => {
    // 10x10 boxes shifted by 5: intersection 50, union 150.
    expect(iouXYXY([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3, 10);
    // A box inside another: 25 / 100.
    expect(iouXYXY([0, 0, 10, 10], [0, 0, 5, 5])).toBeCloseTo(0.25, 10);
  });

  it('is 0 for a box without area', () => {
    expect(iouXYXY([5, 5, 5, 5], [5, 5, 5, 5])).toBe(0);
  });
});

describe('nonMaxSuppression', () => {
  it('keeps the best of overlapping same-class boxes and sorts by score', () => {
    const input = [det([0, 0, 10, 10], 0.6), det([1, 0, 11, 10], 0.9), det([50, 50, 60, 60], 0.7)];
    expect(nonMaxSuppression(input)).toEqual([input[1], input[2]]);
  });

  it('never lets one class suppress another', () => {
    const input = [det([0, 0, 10, 10], 0.9, 'person'), det([0, 0, 10, 10], 0.8, 'bicycle')];
    expect(nonMaxSuppression(input)).toEqual(input);
  });

  it('suppresses only above the IoU threshold', () => {
    const a = det([0, 0, 10, 10], 0.9);
    const b = det([5, 0, 15, 10], 0.8); // IoU 1/3 with a
    expect(nonMaxSuppression([a, b], { iouThreshold: 0.5 })).toEqual([a, b]);
    expect(nonMaxSuppression([a, b], { iouThreshold: 0.3 })).toEqual([a]);
  });

  it('does not let a suppressed box suppress others (greedy on kept boxes only)', () => {
    const a = det([0, 0, 10, 10], 0.9);
    const b = det([4, 0, 14, 10], 0.8); // IoU(a,b)=0.43 -> suppressed at 0.4
    const c = det([8, 0, 18, 10], 0.7); // IoU(a,c)=0.11, IoU(b,c)=0.43
    expect(nonMaxSuppression([a, b, c], { iouThreshold: 0.4 })).toEqual([a, c]);
  });

  it('limits the count, keeps input order among equal scores, and leaves the input alone', () => {
    const input = [det([0, 0, 1, 1], 0.5), det([10, 0, 11, 1], 0.5), det([20, 0, 21, 1], 0.9)];
    const copy = structuredClone(input);
    expect(nonMaxSuppression(input, { maxDetections: 2 })).toEqual([input[2], input[0]]);
    expect(input).toEqual(copy);
    expect(nonMaxSuppression([])).toEqual([]);
  });
});
