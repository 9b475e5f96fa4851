import { describe, expect, it } from 'vitest';
import { ComponentStats, labelComponents } from '../../src/vision/motion/components.js';
import { chooseScale, gridFor, rgbToGreyDownscaled } from '../../src/vision/motion/grey.js';
import { createMotionDetector } from '../../src/vision/motion/index.js';
import { dilate3x3, erode3x3 } from '../../src/vision/motion/morphology.js';
import { ToneCurveEstimator } from '../../src/vision/motion/tone-curve.js';
import { rng } from '../helpers/random.js';
import { sceneFrame, texture } from './motion-synthetic.js';

const W = 320;
const H = 180;
const base = texture(W, H);

function maskOf(rows: string[]): { mask: Uint8Array; width: number; height: number } {
  const width = rows[0]!.length;
  const mask = Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0));
  return { mask, width, height: rows.length };
}

function rowsOf(mask: Uint8Array, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < mask.length; i += width) out.push(Array.from(mask.subarray(i, i + width), (v) => (v ? '#' : '.')).join(''));
  return out;
}

describe('grey downscaling', () => {
  it('averages blocks with BT.601 weights and picks the closest integer factor', () => {
    expect(chooseScale(640, 320)).toBe(2);
    expect(chooseScale(768, 320)).toBe(2);
    expect(chooseScale(1920, 320)).toBe(6);
    expect(chooseScale(200, 320)).toBe(1);
    const grid = gridFor(5, 2, 2);
    expect(grid).toEqual({ width: 2, height: 1, scale: 2 });
    // 5x2 RGB frame: left block pure red, right block white and black.
    const rgb = new Uint8Array(5 * 2 * 3);
    const set = (x: number, y: number, r: number, g: number, b: number): void => {
      rgb.set([r, g, b], (y * 5 + x) * 3);
    };
    for (const [x, y] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) set(x, y, 255, 0, 0);
    set(2, 0, 255, 255, 255);
    set(3, 1, 255, 255, 255);
    const out = new Uint8Array(2);
    rgbToGreyDownscaled(rgb, 5, grid, out, new Uint32Array(2));
    expect(out[0]).toBe(77); // (77*255+128)>>8
    expect(out[1]).toBe(128); // two 255s and two 0s
  });
});

describe('morphology and components', () => {
  it('opens away isolated pixels and keeps solid blocks, also at the border', () => {
    const { mask, width, height } = maskOf(['###....', '###..#.', '###....', '.......']);
    const tmp = new Uint8Array(mask.length);
    erode3x3(mask, mask, tmp, width, height);
    dilate3x3(mask, mask, tmp, width, height);
    expect(rowsOf(mask, width)).toEqual(['###....', '###....', '###....', '.......']);
  });

  it('closes a one-pixel gap', () => {
    // Two cells from the border: edges are replicated, so a closing extends
    // objects closer than that to the border up to it.
    const { mask, width, height } = maskOf(['.........', '.........', '..##.##..', '..##.##..', '.........', '.........']);
    const tmp = new Uint8Array(mask.length);
    dilate3x3(mask, mask, tmp, width, height);
    erode3x3(mask, mask, tmp, width, height);
    expect(rowsOf(mask, width)).toEqual(['.........', '.........', '..#####..', '..#####..', '.........', '.........']);
  });

  it('labels 8-connected components with their boxes and areas, dropping small ones', () => {
    const { mask, width, height } = maskOf(['##.....', '.#...##', '..#..##', '......#', '#......']);
    const stats = new ComponentStats(8);
    labelComponents(mask, width, height, 2, new Int32Array(mask.length), stats);
    expect(stats.count).toBe(2);
    const found = Array.from({ length: stats.count }, (_, k) => [stats.minX[k], stats.minY[k], stats.maxX[k], stats.maxY[k], stats.area[k]]);
    expect(found).toEqual([
      [0, 0, 2, 2, 4],
      [5, 1, 6, 3, 5],
    ]);
  });

  it('counts components beyond its capacity as dropped', () => {
    const { mask, width, height } = maskOf(['#.#.#.#']);
    const stats = new ComponentStats(2);
    labelComponents(mask, width, height, 1, new Int32Array(mask.length), stats);
    expect(stats.count).toBe(2);
    expect(stats.dropped).toBe(2);
  });
});

describe('ToneCurveEstimator', () => {
  it('recovers an affine exposure change despite a bright object on a quarter of the picture', () => {
    const n = 4000;
    const bgQ8 = new Int32Array(n);
    const cur = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const b = 60 + (i % 120);
      bgQ8[i] = b << 8;
      cur[i] = i % 4 === 0 ? 250 : Math.round(0.8 * b - 30);
    }
    const tone = new ToneCurveEstimator();
    tone.estimate(cur, bgQ8, new Uint8Array(n), n, 16);
    for (const v of [70, 100, 140, 170]) {
      expect(Math.abs(tone.lutQ8[v]! / 256 - (0.8 * v - 30))).toBeLessThan(1.5);
    }
    expect(tone.maxShiftGrey).toBeGreaterThan(40);
    tone.remap(bgQ8, n);
    expect(Math.abs((bgQ8[1]! >> 8) - cur[1]!)).toBeLessThanOrEqual(1);
  });

  it('is the identity when nothing changed', () => {
    const n = 1000;
    const bgQ8 = Int32Array.from({ length: n }, (_, i) => (50 + (i % 150)) << 8);
    const cur = Uint8Array.from(bgQ8, (v) => v >> 8);
    const tone = new ToneCurveEstimator();
    tone.estimate(cur, bgQ8, new Uint8Array(n), n, 16);
    expect(tone.maxShiftGrey).toBeLessThanOrEqual(0.5);
    for (let v = 0; v < 256; v++) expect(Math.abs(tone.lutQ8[v]! - v * 256)).toBeLessThanOrEqual(128);
  });
});

describe('createMotionDetector', () => {
  it('reports nothing on a static noisy scene', () => {
    const md = createMotionDetector();
    for (let seq = 0; seq < 20; seq++) {
      const r = md.update(sceneFrame(seq, { width: W, height: H }, base));
      expect(r.regions).toEqual([]);
      expect(r.lightingChange).toBe(false);
      expect(r.backgroundReset).toBe(seq === 0);
    }
  });

  it('finds a moving square, with its box in frame pixels', () => {
    const md = createMotionDetector();
    for (let seq = 0; seq < 10; seq++) md.update(sceneFrame(seq, { width: W, height: H }, base));
    let last = md.update(sceneFrame(10, { width: W, height: H }, base));
    for (let seq = 11; seq < 25; seq++) {
      const sq = { x: 40 + (seq - 11) * 6, y: 60, size: 30, grey: 230 };
      last = md.update(sceneFrame(seq, { width: W, height: H, squares: [sq] }, base));
      expect(last.regions.length).toBeGreaterThanOrEqual(1);
      const [x1, y1, x2, y2] = last.regions[0]!.box;
      // The square is inside the region; the region may include the last frames' trail.
      expect(x1).toBeLessThanOrEqual(sq.x);
      expect(y1).toBeLessThanOrEqual(sq.y);
      expect(x2).toBeGreaterThanOrEqual(sq.x + sq.size);
      expect(y2).toBeGreaterThanOrEqual(sq.y + sq.size);
      expect(y2 - y1).toBeLessThan(sq.size + 12);
      expect(last.changedRatio).toBeGreaterThan(0);
    }
    expect(last.regions[0]!.fillRatio).toBeGreaterThan(0.5);
  });

  it('ignores a global exposure ramp and a sudden affine change, and flags the lighting change', () => {
    const md = createMotionDetector();
    for (let seq = 0; seq < 10; seq++) md.update(sceneFrame(seq, { width: W, height: H }, base));
    let flagged = 0;
    for (let k = 1; k <= 12; k++) {
      // Darken to 0.55 * v - 10 over 12 frames.
      const t = k / 12;
      const r = md.update(sceneFrame(10 + k, { width: W, height: H, gain: 1 - 0.45 * t, offset: -10 * t }, base));
      expect(r.regions).toEqual([]);
      if (r.lightingChange) flagged++;
    }
    expect(flagged).toBeGreaterThan(6);
    const jump = md.update(sceneFrame(30, { width: W, height: H, gain: 0.9, offset: 20 }, base));
    expect(jump.regions).toEqual([]);
    expect(jump.lightingChange).toBe(true);
  });

  it('keeps finding a moving object during an exposure change, and only it', () => {
    const md = createMotionDetector();
    for (let seq = 0; seq < 10; seq++) md.update(sceneFrame(seq, { width: W, height: H }, base));
    for (let k = 1; k <= 12; k++) {
      const sq = { x: 200, y: 20 + k * 8, size: 30, grey: 240 };
      const gain = 1 - 0.04 * k;
      const r = md.update(sceneFrame(10 + k, { width: W, height: H, gain, squares: [sq] }, base));
      expect(r.regions.length).toBeGreaterThanOrEqual(1);
      // The square is found, and nothing away from its column (its short trail may split off).
      const [x1, y1, x2, y2] = r.regions[0]!.box;
      expect(x1 <= sq.x && y1 <= sq.y && x2 >= sq.x + sq.size && y2 >= sq.y + sq.size).toBe(true);
      for (const region of r.regions) {
        expect(region.box[0]).toBeGreaterThanOrEqual(190);
        expect(region.box[2]).toBeLessThanOrEqual(240);
      }
    }
  });

  it('resets the background on a whole-scene change and on a size change', () => {
    const md = createMotionDetector();
    for (let seq = 0; seq < 5; seq++) md.update(sceneFrame(seq, { width: W, height: H }, base));
    // Another view entirely: blocky random grey, unrelated to the texture.
    const rand = rng(5);
    const blocks = Array.from({ length: 64 }, () => Math.floor(rand() * 256));
    const inverted = Uint8Array.from({ length: W * H }, (_, i) => blocks[((Math.floor(i / W) >> 5) * 8 + ((i % W) >> 5)) % 64]!);
    const r = md.update(sceneFrame(5, { width: W, height: H }, inverted));
    expect(r.backgroundReset).toBe(true);
    expect(r.regions).toEqual([]);
    expect(md.update(sceneFrame(6, { width: W, height: H }, inverted)).regions).toEqual([]);
    const small = md.update(sceneFrame(7, { width: 160, height: 90 }, texture(160, 90)));
    expect(small.backgroundReset).toBe(true);
    expect(md.grid).toEqual({ width: 160, height: 90, scale: 1 });
  });

  it('validates options and frame buffers', () => {
    expect(() => createMotionDetector({ diffThresholdGrey: 0 })).toThrow(RangeError);
    expect(() => createMotionDetector({ backgroundTimeConstantFrames: -1 })).toThrow(/backgroundTimeConstantFrames/);
    expect(() => createMotionDetector({ closeIterations: 1.5 })).toThrow(/closeIterations/);
    const md = createMotionDetector();
    expect(() => md.update({ cameraId: 'c', seq: 0, ptsMs: 0, wallMs: 0, width: 10, height: 10, data: new Uint8Array(5) })).toThrow(RangeError);
  });
});
