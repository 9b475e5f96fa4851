import { describe, expect, it } from 'vitest';
import type { BoxXYXY } from '../../src/contracts/geometry.js';
import { planRegionCrops, type RegionCropOptions } from '../../src/pipeline/region-crops.js';
import type { FlexibleInput } from '../../src/vision/detect/detector.js';
import { rng } from '../helpers/random.js';

const FLEX: FlexibleInput = { step: 32, min: 64, max: 512 };
const W = 640;
const H = 480;
/** A 640x480 camera whose full frame costs a 512x384 input (scale 0.8). */
const OPTS: RegionCropOptions = { flexible: FLEX, fullFrameInput: { width: 512, height: 384 } };
/** Same, without padding, so that crops are the regions themselves. */
const NO_PAD: RegionCropOptions = { ...OPTS, padRatio: 0, minPadPx: 0 };

describe('planRegionCrops', () => {
  it('returns null when nothing moves', () => {
    expect(planRegionCrops([], W, H, OPTS)).toBeNull();
  });

  it('pads one small region by half its long side and keeps the full frame scale (rounded up to the step)', () => {
    // 40x80 region: pad max(16, 0.5 * 80) = 40 -> [260,160,380,320], 120x160 -> 96x128 at scale 0.8.
    expect(planRegionCrops([[300, 200, 340, 280]], W, H, OPTS)).toEqual([
      { rect: { x: 260, y: 160, width: 120, height: 160 }, input: { width: 96, height: 128 } },
    ]);
    // 100x40 region: pad 50 -> [150,150,350,290], 200x140 -> 160 x 112 -> 160 x 128.
    expect(planRegionCrops([[200, 200, 300, 240]], W, H, OPTS)).toEqual([
      { rect: { x: 150, y: 150, width: 200, height: 140 }, input: { width: 160, height: 128 } },
    ]);
  });

  it('pads tiny regions by at least minPadPx and never goes below the smallest input', () => {
    // 10x10 region: pad max(16, 5) = 16 -> 42x42 -> 33.6 -> 64 (minimum).
    expect(planRegionCrops([[100, 100, 110, 110]], W, H, OPTS)).toEqual([
      { rect: { x: 84, y: 84, width: 42, height: 42 }, input: { width: 64, height: 64 } },
    ]);
    // minPadPx and padRatio are honoured when given.
    expect(planRegionCrops([[100, 100, 110, 110]], W, H, { ...OPTS, minPadPx: 30 })).toEqual([
      { rect: { x: 70, y: 70, width: 70, height: 70 }, input: { width: 64, height: 64 } },
    ]);
    expect(planRegionCrops([[300, 200, 340, 280]], W, H, { ...OPTS, padRatio: 1 })).toEqual([
      { rect: { x: 220, y: 120, width: 200, height: 240 }, input: { width: 160, height: 192 } },
    ]);
  });

  it('turns fractional regions into whole-pixel rectangles that cover them', () => {
    // 20x20 region, pad 16 -> [84.5, 34.25, 136.5, 86.25] -> x 84..137, y 34..87.
    expect(planRegionCrops([[100.5, 50.25, 120.5, 70.25]], W, H, OPTS)).toEqual([
      { rect: { x: 84, y: 34, width: 53, height: 53 }, input: { width: 64, height: 64 } },
    ]);
  });

  it('clips the padding to the frame', () => {
    // Top-left corner: [0,0,30,20], pad 16 -> [-16,-16,46,36] -> [0,0,46,36].
    expect(planRegionCrops([[0, 0, 30, 20]], W, H, OPTS)).toEqual([
      { rect: { x: 0, y: 0, width: 46, height: 36 }, input: { width: 64, height: 64 } },
    ]);
    // Bottom-right corner: [620,460,640,480], pad 16 -> [604,444,656,496] -> [604,444,640,480].
    expect(planRegionCrops([[620, 460, 640, 480]], W, H, OPTS)).toEqual([
      { rect: { x: 604, y: 444, width: 36, height: 36 }, input: { width: 64, height: 64 } },
    ]);
  });

  it('merges regions whose padded rectangles overlap, and keeps apart those that do not', () => {
    // Padded [60,60,180,220] and [160,60,280,220] overlap -> [60,60,280,220]: 220x160 -> 176 -> 192 x 128.
    expect(planRegionCrops([[100, 100, 140, 180], [200, 100, 240, 180]], W, H, OPTS)).toEqual([
      { rect: { x: 60, y: 60, width: 220, height: 160 }, input: { width: 192, height: 128 } },
    ]);
    // Padded [60,60,180,220] and [360,60,480,220] are apart: two crops, in order.
    expect(planRegionCrops([[100, 100, 140, 180], [400, 100, 440, 180]], W, H, OPTS)).toEqual([
      { rect: { x: 60, y: 60, width: 120, height: 160 }, input: { width: 96, height: 128 } },
      { rect: { x: 360, y: 60, width: 120, height: 160 }, input: { width: 96, height: 128 } },
    ]);
  });

  it('merges again when a merged rectangle overlaps a third one', () => {
    // A overlaps B; C overlaps neither, but lies inside A u B.
    const a: BoxXYXY = [0, 0, 100, 100];
    const b: BoxXYXY = [90, 90, 200, 200];
    const c: BoxXYXY = [150, 0, 200, 50];
    const expected = [{ rect: { x: 0, y: 0, width: 200, height: 200 }, input: { width: 160, height: 160 } }];
    expect(planRegionCrops([a, b, c], W, H, { ...NO_PAD, maxCrops: 3 })).toEqual(expected);
    expect(planRegionCrops([a, c, b], W, H, { ...NO_PAD, maxCrops: 3 })).toEqual(expected);
    expect(planRegionCrops([c, a, b], W, H, { ...NO_PAD, maxCrops: 3 })).toEqual(expected);
  });

  it('merges down to maxCrops, the pair whose union grows the covered area least first', () => {
    const a: BoxXYXY = [0, 0, 50, 50];
    const b: BoxXYXY = [60, 0, 110, 50];
    const c: BoxXYXY = [400, 400, 450, 450];
    // Growths: A+B 500, A+C 197500, B+C 170500 (default maxCrops 2).
    expect(planRegionCrops([a, b, c], W, H, NO_PAD)).toEqual([
      { rect: { x: 0, y: 0, width: 110, height: 50 }, input: { width: 96, height: 64 } },
      { rect: { x: 400, y: 400, width: 50, height: 50 }, input: { width: 64, height: 64 } },
    ]);
    expect(planRegionCrops([c, a, b], W, H, NO_PAD)).toEqual([
      { rect: { x: 400, y: 400, width: 50, height: 50 }, input: { width: 64, height: 64 } },
      { rect: { x: 0, y: 0, width: 110, height: 50 }, input: { width: 96, height: 64 } },
    ]);
    // maxCrops 1: everything in one crop.
    expect(planRegionCrops([a, b, c], W, H, { ...NO_PAD, maxCrops: 1 })).toEqual([
      { rect: { x: 0, y: 0, width: 450, height: 450 }, input: { width: 384, height: 384 } },
    ]);
  });

  it('chooses the smallest growth, not the smallest gap', () => {
    // Two large boxes 10 px apart (union grows by 2000) and two small ones 30 px apart (grows by 300).
    const a: BoxXYXY = [0, 0, 200, 200];
    const b: BoxXYXY = [210, 0, 410, 200];
    const c: BoxXYXY = [0, 300, 10, 310];
    const d: BoxXYXY = [40, 300, 50, 310];
    expect(planRegionCrops([a, b, c, d], W, H, { ...NO_PAD, maxCrops: 3 })).toEqual([
      { rect: { x: 0, y: 0, width: 200, height: 200 }, input: { width: 160, height: 160 } },
      { rect: { x: 210, y: 0, width: 200, height: 200 }, input: { width: 160, height: 160 } },
      { rect: { x: 0, y: 300, width: 50, height: 10 }, input: { width: 64, height: 64 } },
    ]);
  });

  it('falls back to the full frame (null) when the crops cost more than maxCostShare of it', () => {
    // Full frame: 512 * 384 = 196608; 0.75 of it = 147456 = 384 * 384.
    const at = (r: BoxXYXY) => planRegionCrops([r], W, H, NO_PAD);
    expect(at([0, 0, 480, 480])).toEqual([{ rect: { x: 0, y: 0, width: 480, height: 480 }, input: { width: 384, height: 384 } }]);
    expect(at([0, 0, 481, 480])).toBeNull(); // 385 -> 416 wide: 416 * 384 > 147456
    // Motion everywhere: the padded region is the whole frame.
    expect(planRegionCrops([[100, 100, 540, 380]], W, H, OPTS)).toBeNull();
    // Two crops each cheap enough, together too expensive: 256*384 + 192*288 = 153600.
    const two: BoxXYXY[] = [[0, 0, 320, 480], [400, 0, 640, 330]];
    expect(planRegionCrops(two, W, H, NO_PAD)).toBeNull();
    expect(planRegionCrops([two[0]!], W, H, NO_PAD)).not.toBeNull();
    expect(planRegionCrops([two[1]!], W, H, NO_PAD)).not.toBeNull();
    // A higher share accepts them.
    expect(planRegionCrops(two, W, H, { ...NO_PAD, maxCostShare: 0.8 })).toEqual([
      { rect: { x: 0, y: 0, width: 320, height: 480 }, input: { width: 256, height: 384 } },
      { rect: { x: 400, y: 0, width: 240, height: 330 }, input: { width: 192, height: 288 } },
    ]);
  });

  it('keeps the full frame scale of a frame whose full input is letterboxed', () => {
    // 640x360 at a square 512x512 input: the frame is shrunk by min(0.8, 1.42) = 0.8.
    const crops = planRegionCrops([[300, 100, 340, 180]], 640, 360, { flexible: FLEX, fullFrameInput: { width: 512, height: 512 } });
    expect(crops).toEqual([{ rect: { x: 260, y: 60, width: 120, height: 160 }, input: { width: 96, height: 128 } }]);
  });

  it('always returns whole-pixel crops inside the frame that cover every region, at accepted input sizes', () => {
    const rand = rng(2024);
    let planned = 0;
    for (let trial = 0; trial < 500; trial++) {
      const n = 1 + Math.floor(rand() * 5);
      // Motion regions: fractional boxes inside the frame, some against its edges.
      const regions: BoxXYXY[] = Array.from({ length: n }, () => {
        const x = Math.max(0, rand() * (W + 20) - 20);
        const y = Math.max(0, rand() * (H + 20) - 20);
        return [Math.min(x, W - 1), Math.min(y, H - 1), Math.min(W, x + 1 + rand() * 120), Math.min(H, y + 1 + rand() * 120)];
      });
      const maxCrops = 1 + Math.floor(rand() * 3);
      const crops = planRegionCrops(regions, W, H, { ...OPTS, maxCrops });
      if (crops === null) continue;
      planned++;
      expect(crops.length).toBeGreaterThan(0);
      expect(crops.length).toBeLessThanOrEqual(maxCrops);
      for (const { rect, input } of crops) {
        expect([rect.x, rect.y, rect.width, rect.height].every(Number.isInteger)).toBe(true);
        expect(rect.x).toBeGreaterThanOrEqual(0);
        expect(rect.y).toBeGreaterThanOrEqual(0);
        expect(rect.width).toBeGreaterThan(0);
        expect(rect.height).toBeGreaterThan(0);
        expect(rect.x + rect.width).toBeLessThanOrEqual(W);
        expect(rect.y + rect.height).toBeLessThanOrEqual(H);
        for (const side of [input.width, input.height]) {
          expect(side % FLEX.step).toBe(0);
          expect(side).toBeGreaterThanOrEqual(FLEX.min);
          expect(side).toBeLessThanOrEqual(FLEX.max);
        }
      }
      for (const [x1, y1, x2, y2] of regions) {
        const covered = crops.some(({ rect }) => rect.x <= x1 && rect.y <= y1 && rect.x + rect.width >= x2 && rect.y + rect.height >= y2);
        expect(covered).toBe(true);
      }
    }
    expect(planned).toBeGreaterThan(100);
  });
});

describe('planRegionCrops on bad input', () => {
  it('refuses maxCrops below 1 and ignores regions wholly outside the frame', () => {
    expect(() => planRegionCrops([[10, 10, 20, 20]], W, H, { ...OPTS, maxCrops: 0 })).toThrow(/maxCrops/);
    expect(planRegionCrops([[660, 10, 670, 20]], W, H, NO_PAD)).toBeNull();
  });
});
