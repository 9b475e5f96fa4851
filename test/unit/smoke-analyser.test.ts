import { describe, expect, it } from 'vitest';
import { histogramMedian } from '../../src/vision/scene/smoke-cells.js';
import { createSmokeAnalyser } from '../../src/vision/scene/smoke.js';
import type { HazardReading } from '../../src/vision/scene/types.js';
import { clamp, frames5fps, paint, SH, SW, texturedScene } from '../helpers/hazard-clips.js';

function observe(untilS: number, draw: (t: number, rgb: Uint8Array) => void): HazardReading[] {
  const analyser = createSmokeAnalyser();
  return [...frames5fps(texturedScene(), untilS, draw)].map((f) => analyser.observe(f));
}

/** A grey veil (80 % opaque) over a disc centred at (cx, cy), from 4 s, radius growing 4 px/s up to 30. */
function spreadingVeil(cx: number, cy: number): (t: number, rgb: Uint8Array) => void {
  return (t, rgb) => {
    const radius = Math.min(30, 4 * (t - 4));
    if (radius <= 0) return;
    for (let y = 0; y < SH; y++) {
      for (let x = 0; x < SW; x++) {
        if (Math.hypot(x - cx, y - cy) > radius) continue;
        const p = (y * SW + x) * 3;
        for (let c = 0; c < 3; c++) rgb[p + c] = clamp(rgb[p + c]! * 0.2 + 190 * 0.8);
      }
    }
  };
}

describe('smoke analyser', () => {
  it('finds a grey veil that spreads over a textured background, boxed on it', () => {
    const readings = observe(16, spreadingVeil(60, 50));
    expect(readings.slice(0, 25).every((r) => r.regions.length === 0)).toBe(true); // before and as it starts
    const [region] = readings.at(-1)!.regions;
    expect(region).toBeDefined();
    const [x, y, w, h] = region!.box;
    expect(x + w / 2).toBeCloseTo(60 / SW, 1);
    expect(y + h / 2).toBeCloseTo(50 / SH, 1);
    expect(region!.areaShare).toBeGreaterThan(0.05);
  });

  it('ignores a flat grey block that appears at once and stays (a parked van: it did not spread)', () => {
    const readings = observe(16, (t, rgb) => {
      if (t >= 4) paint(rgb, 40, 30, 40, 30, [185, 185, 188]);
    });
    expect(readings.every((r) => r.regions.length === 0)).toBe(true);
  });

  it('ignores a veil over the whole picture (fog, a dirty or misted lens: a global change)', () => {
    const readings = observe(16, (t, rgb) => {
      if (t >= 4) paint(rgb, 0, 0, SW, SH, [190, 190, 190], Math.min(0.8, 0.1 * (t - 4)));
    });
    expect(readings.every((r) => r.regions.length === 0)).toBe(true);
  });

  it('ignores a spreading shadow (darker, not grey-veiled)', () => {
    const readings = observe(16, (t, rgb) => {
      if (t >= 4) paint(rgb, 30, 30, Math.min(60, Math.round(8 * (t - 4))), 40, [10, 10, 10], 0.6);
    });
    expect(readings.every((r) => r.regions.length === 0)).toBe(true);
  });
});

describe('histogram median', () => {
  it('takes the median of the included values only', () => {
    const values = new Float32Array([0.1, 0.5, 0.9, 1.9, 1.5]);
    const include = new Uint8Array([1, 1, 1, 0, 0]);
    expect(histogramMedian(values, include, 2, new Uint32Array(200))).toBeCloseTo(0.5, 1);
    expect(histogramMedian(values, new Uint8Array(5), 2, new Uint32Array(200))).toBeNaN();
  });
});
