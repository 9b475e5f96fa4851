import { describe, expect, it } from 'vitest';
import type { RgbFrame } from '../../src/contracts/frame.js';
import type { NormPoint, NormPolygon } from '../../src/contracts/geometry.js';
import { applyMaskBitmap, createPrivacyMasker, rasterizeMasks } from '../../src/privacy/mask.js';
import { rng } from '../helpers/random.js';

function frameOf(width: number, height: number, fill = 200): RgbFrame {
  return { cameraId: 'cam', seq: 0, ptsMs: 0, wallMs: 0, width, height, data: new Uint8Array(width * height * 3).fill(fill) };
}

/** Set of masked pixels as "x,y" strings, for readable failures. */
function maskedSet(bits: Uint8Array, width: number): Set<string> {
  const out = new Set<string>();
  bits.forEach((b, i) => {
    if (b === 1) out.add(`${i % width},${Math.floor(i / width)}`);
  });
  return out;
}

function rectSet(x0: number, y0: number, x1: number, y1: number): Set<string> {
  const out = new Set<string>();
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.add(`${x},${y}`);
  return out;
}

/** Oracle: area of the intersection of a simple polygon (pixel units) with the unit square at (px, py). */
function overlapArea(poly: readonly (readonly [number, number])[], px: number, py: number): number {
  let pts = poly.map(([x, y]) => [x, y] as [number, number]);
  const clip = (inside: (p: [number, number]) => boolean, cut: (a: [number, number], b: [number, number]) => [number, number]): void => {
    const out: [number, number][] = [];
    for (let i = 0; i < pts.length; i++) {
      const a = pts[i]!;
      const b = pts[(i + 1) % pts.length]!;
      const ina = inside(a);
      const inb = inside(b);
      if (ina) out.push(a);
      if (ina !== inb) out.push(cut(a, b));
    }
    pts = out;
  };
  const atX = (x: number) => (a: [number, number], b: [number, number]): [number, number] => [x, a[1] + ((x - a[0]) / (b[0] - a[0])) * (b[1] - a[1])];
  const atY = (y: number) => (a: [number, number], b: [number, number]): [number, number] => [a[0] + ((y - a[1]) / (b[1] - a[1])) * (b[0] - a[0]), y];
  clip((p) => p[0] >= px, atX(px));
  clip((p) => p[0] <= px + 1, atX(px + 1));
  clip((p) => p[1] >= py, atY(py));
  clip((p) => p[1] <= py + 1, atY(py + 1));
  let area = 0;
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i]!;
    const b = pts[(i + 1) % pts.length]!;
    area += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(area) / 2;
}

describe('rasterizeMasks', () => {
  it('masks exactly the pixels of a pixel-aligned rectangle', () => {
    const poly: NormPolygon = [[0, 0], [0.25, 0], [0.25, 0.5], [0, 0.5]];
    const m = rasterizeMasks([poly], { width: 8, height: 4 });
    expect(maskedSet(m.bits, 8)).toEqual(rectSet(0, 0, 2, 2));
    expect(m.maskedPixels).toBe(4);
    expect(Array.from(m.spans)).toEqual([0, 0, 2, 1, 0, 2]);
  });

  it('masks a pixel that the polygon covers only partly (conservative for privacy)', () => {
    // x from 1.5 to 3.0 and y from 0.4 to 2.0 pixels on a 10x4 frame.
    const poly: NormPolygon = [[0.15, 0.1], [0.3, 0.1], [0.3, 0.5], [0.15, 0.5]];
    const m = rasterizeMasks([poly], { width: 10, height: 4 });
    expect(maskedSet(m.bits, 10)).toEqual(rectSet(1, 0, 3, 2));
  });

  it('masks the pixels crossed by a polygon thinner than a pixel', () => {
    // A sliver 0.2 px wide around x = 5.5 px, full height.
    const poly: NormPolygon = [[0.54, 0], [0.56, 0], [0.56, 1], [0.54, 1]];
    const m = rasterizeMasks([poly], { width: 10, height: 3 });
    expect(maskedSet(m.bits, 10)).toEqual(rectSet(5, 0, 6, 3));
  });

  it('covers the whole frame for the full-frame polygon and nothing outside the frame', () => {
    const full: NormPolygon = [[0, 0], [1, 0], [1, 1], [0, 1]];
    expect(rasterizeMasks([full], { width: 7, height: 5 }).maskedPixels).toBe(35);
    const outside: NormPolygon = [[1.1, 0], [1.5, 0], [1.5, 1], [1.1, 1]];
    expect(rasterizeMasks([outside], { width: 7, height: 5 }).maskedPixels).toBe(0);
    const overhang: NormPolygon = [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.4], [-0.5, 0.4]];
    expect(maskedSet(rasterizeMasks([overhang], { width: 10, height: 10 }).bits, 10)).toEqual(rectSet(0, 0, 5, 4));
  });

  it('does not depend on the orientation or the starting vertex of the polygon', () => {
    const tri: NormPoint[] = [[0.1, 0.2], [0.9, 0.35], [0.4, 0.95]];
    const size = { width: 37, height: 23 };
    const ref = rasterizeMasks([tri], size).bits;
    expect(rasterizeMasks([[...tri].reverse()], size).bits).toEqual(ref);
    expect(rasterizeMasks([[tri[1]!, tri[2]!, tri[0]!]], size).bits).toEqual(ref);
  });

  it('ORs overlapping polygons and masks the whole inside of a self-intersecting outline', () => {
    const a: NormPolygon = [[0, 0], [0.6, 0], [0.6, 1], [0, 1]];
    const b: NormPolygon = [[0.4, 0], [1, 0], [1, 1], [0.4, 1]];
    expect(rasterizeMasks([a, b], { width: 10, height: 2 }).maskedPixels).toBe(20);
    // A rectangle drawn twice around (winding 2): still masked.
    const twice: NormPolygon = [[0, 0], [0.5, 0], [0.5, 1], [0, 1], [0, 0], [0.5, 0], [0.5, 1], [0, 1]];
    expect(maskedSet(rasterizeMasks([twice], { width: 10, height: 2 }).bits, 10)).toEqual(rectSet(0, 0, 5, 2));
  });

  it('matches an exact area oracle on random concave polygons', () => {
    const rand = rng(42);
    const width = 41;
    const height = 29;
    for (let trial = 0; trial < 60; trial++) {
      // Star-shaped (hence simple) polygon around a random centre.
      const cx = rand();
      const cy = rand();
      const n = 3 + Math.floor(rand() * 8);
      const angles = Array.from({ length: n }, () => rand() * 2 * Math.PI).sort((p, q) => p - q);
      const poly: NormPoint[] = angles.map((t) => {
        const r = 0.02 + rand() * 0.5;
        return [cx + r * Math.cos(t), cy + r * Math.sin(t)];
      });
      const m = rasterizeMasks([poly], { width, height });
      const px = poly.map(([x, y]) => [x * width, y * height] as const);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const area = overlapArea(px, x, y);
          const masked = m.bits[y * width + x] === 1;
          if (area > 1e-6) expect(masked, `trial ${trial} pixel ${x},${y} overlap ${area}`).toBe(true);
          if (area === 0) expect(masked, `trial ${trial} pixel ${x},${y} has no overlap`).toBe(false);
        }
      }
    }
  });

  it('rejects polygons with fewer than 3 points or non-finite points', () => {
    expect(() => rasterizeMasks([[[0, 0], [1, 1]]], { width: 4, height: 4 })).toThrow(RangeError);
    expect(() => rasterizeMasks([[[0, 0], [1, Number.NaN], [0, 1]]], { width: 4, height: 4 })).toThrow(/not finite/);
    expect(() => rasterizeMasks([], { width: 0, height: 4 })).toThrow(RangeError);
  });
});

describe('createPrivacyMasker', () => {
  it('zeroes the masked pixels in place and leaves the others untouched', () => {
    const masker = createPrivacyMasker([[[0.5, 0], [1, 0], [1, 1], [0.5, 1]]]);
    const frame = frameOf(4, 2);
    for (let i = 0; i < frame.data.length; i++) frame.data[i] = (i * 7) % 251 + 1;
    const before = Uint8Array.from(frame.data);
    const out = masker.apply(frame);
    expect(out).toBe(frame);
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 4; x++) {
        for (let c = 0; c < 3; c++) {
          const i = (y * 4 + x) * 3 + c;
          expect(frame.data[i]).toBe(x >= 2 ? 0 : before[i]);
        }
      }
    }
  });

  it('rasterises again when the frame size changes', () => {
    const masker = createPrivacyMasker([[[0, 0], [0.5, 0], [0.5, 1], [0, 1]]]);
    const small = masker.apply(frameOf(4, 2));
    expect(Array.from(small.data.subarray(0, 12))).toEqual([0, 0, 0, 0, 0, 0, 200, 200, 200, 200, 200, 200]);
    const large = masker.apply(frameOf(8, 2));
    expect(Array.from(large.data.subarray(9, 15))).toEqual([0, 0, 0, 200, 200, 200]);
  });

  it('is inactive and leaves frames untouched with no masks', () => {
    const masker = createPrivacyMasker([]);
    expect(masker.active).toBe(false);
    expect(masker.apply(frameOf(3, 3)).data.every((v) => v === 200)).toBe(true);
  });

  it('validates polygons when created and buffer sizes when applied', () => {
    expect(() => createPrivacyMasker([[[0, 0], [1, 0]]])).toThrow(/at least 3 points/);
    const m = rasterizeMasks([[[0, 0], [1, 0], [1, 1]]], { width: 4, height: 4 });
    expect(() => applyMaskBitmap(new Uint8Array(10), m)).toThrow(RangeError);
  });
});
