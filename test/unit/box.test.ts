import { describe, expect, it } from 'vitest';
import type { BoxXYXY } from '../../src/contracts/geometry.js';
import {
  boxArea, boxCenter, boxFootPoint, boxIou, clipXyxy, iouXYXY, ltwhToXyxy, normLtwhToXyxy, xyxyToLtwh, xyxyToNormLtwh,
} from '../../src/geometry/box.js';

describe('box helpers', () => {
  it('computes area, 0 for degenerate boxes', () => {
    expect(boxArea([0, 0, 10, 5])).toBe(50);
    expect(boxArea([10, 0, 0, 5])).toBe(0);
    expect(boxArea([0, 0, 0, 5])).toBe(0);
  });

  it.each<[BoxXYXY, BoxXYXY, number, string]>([
    // [a, b, expected IoU, why]
    [[0, 0, 10, 10], [0, 0, 10, 10], 1, 'identical'],
    [[0, 0, 10, 10], [10, 0, 20, 10], 0, 'touching edges'],
    [[0, 0, 10, 10], [20, 20, 30, 30], 0, 'disjoint'],
    [[0, 0, 10, 10], [5, 0, 15, 10], 50 / 150, 'half overlap: 50 / (100 + 100 - 50)'],
    [[0, 0, 10, 10], [2, 2, 4, 4], 4 / 100, 'contained: 4 / 100'],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 'both empty'],
  ])('iou %j %j = %d (%s)', (a, b, expected) => {
    expect(boxIou(a, b)).toBeCloseTo(expected, 12);
    expect(boxIou(b, a)).toBeCloseTo(expected, 12);
    expect(iouXYXY(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3])).toBeCloseTo(expected, 12);
  });

  it('converts between corners and left-top-width-height', () => {
    expect(xyxyToLtwh([10, 20, 40, 80])).toEqual([10, 20, 30, 60]);
    expect(ltwhToXyxy([10, 20, 30, 60])).toEqual([10, 20, 40, 80]);
  });

  it('normalises to the frame and back', () => {
    const size = { width: 200, height: 100 };
    expect(xyxyToNormLtwh([20, 10, 120, 60], size)).toEqual([0.1, 0.1, 0.5, 0.5]);
    expect(normLtwhToXyxy([0.1, 0.1, 0.5, 0.5], size)).toEqual([20, 10, 120, 60]);
    expect(() => xyxyToNormLtwh([0, 0, 1, 1], { width: 0, height: 10 })).toThrow(/positive/);
  });

  it('clips to the frame', () => {
    expect(clipXyxy([-5, -5, 50, 300], { width: 100, height: 200 })).toEqual([0, 0, 50, 200]);
  });

  it('gives the centre and the foot point', () => {
    expect(boxCenter([0, 0, 10, 20])).toEqual([5, 10]);
    expect(boxFootPoint([0, 0, 10, 20])).toEqual([5, 20]);
  });
});
