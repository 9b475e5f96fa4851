import { describe, expect, it } from 'vitest';
import { blurBoxes, blurRadius } from '../../src/render/blur.js';
import type { Raster } from '../../src/render/draw.js';
import { rng } from '../helpers/random.js';

function noise(width: number, height: number, seed = 1): Raster {
  const rand = rng(seed);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
  return { width, height, data };
}

function changedPixels(a: Uint8Array, b: Uint8Array, width: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.add(`${Math.floor(i / 3) % width},${Math.floor(i / 3 / width)}`);
  return out;
}

function variance(img: Raster, x0: number, y0: number, x1: number, y1: number): number {
  const vals: number[] = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) vals.push(img.data[(y * img.width + x) * 3]!);
  const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
  return vals.reduce((s, v) => s + (v - mean) ** 2, 0) / vals.length;
}

describe('blurBoxes', () => {
  it('changes only pixels inside the box, and smooths them', () => {
    const img = noise(40, 30);
    const before = new Uint8Array(img.data);
    expect(blurBoxes(img, [[10, 5, 30, 25]], 0.5)).toBe(1);
    const changed = changedPixels(before, img.data, 40);
    for (const c of changed) {
      const [x, y] = c.split(',').map(Number) as [number, number];
      expect(x >= 10 && x < 30 && y >= 5 && y < 25, `pixel ${c} outside the box changed`).toBe(true);
    }
    expect(changed.size).toBeGreaterThan(300); // most of the 400 pixels inside
    const orig: Raster = { width: 40, height: 30, data: before };
    expect(variance(img, 10, 5, 30, 25)).toBeLessThan(variance(orig, 10, 5, 30, 25) / 10);
  });

  it('keeps a uniform region uniform (no darkening at the edges)', () => {
    const img: Raster = { width: 16, height: 16, data: new Uint8Array(16 * 16 * 3).fill(123) };
    blurBoxes(img, [[0, 0, 16, 16]], 1);
    expect(img.data.every((v) => v === 123)).toBe(true);
  });

  it('clips boxes partly out of the frame and skips empty, outside or non-finite boxes', () => {
    const img = noise(20, 20, 2);
    const before = new Uint8Array(img.data);
    expect(blurBoxes(img, [[-10, -10, 5, 5], [30, 30, 40, 40], [5, 5, 5, 9], [Number.NaN, 0, 3, 3]], 0.5)).toBe(1);
    for (const c of changedPixels(before, img.data, 20)) {
      const [x, y] = c.split(',').map(Number) as [number, number];
      expect(x < 5 && y < 5).toBe(true);
    }
  });

  it('strength 0 leaves the frame unchanged; the radius grows with the box', () => {
    const img = noise(20, 20, 3);
    const before = new Uint8Array(img.data);
    expect(blurBoxes(img, [[0, 0, 20, 20]], 0)).toBe(0);
    expect(img.data).toEqual(before);
    expect(blurRadius(40, 100, 0.25)).toBe(5);
    expect(blurRadius(8, 8, 0.25)).toBe(2);
    expect(blurRadius(400, 200, 1)).toBe(100);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => blurBoxes({ width: 4, height: 4, data: new Uint8Array(10) }, [[0, 0, 2, 2]])).toThrow(RangeError);
  });
});
