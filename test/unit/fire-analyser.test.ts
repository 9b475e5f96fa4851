import { describe, expect, it } from 'vitest';
import { isFlameColour } from '../../src/vision/scene/fire-colour.js';
import { createFireAnalyser } from '../../src/vision/scene/fire.js';
import type { HazardReading } from '../../src/vision/scene/types.js';
import { rng } from '../helpers/random.js';
import { frames5fps, paint, SH, SW, texturedScene } from '../helpers/hazard-clips.js';

/** Readings of a fresh fire analyser over 8 s of the textured scene with `draw` painted on each frame. */
function observe(draw: (t: number, rgb: Uint8Array, random: () => number) => void): HazardReading[] {
  const analyser = createFireAnalyser();
  const random = rng(42);
  return [...frames5fps(texturedScene(), 8, (t, rgb) => draw(t, rgb, random))].map((f) => analyser.observe(f));
}

/** A flame: base 12 x 16 px at (x, y), a random height and brightness every frame. */
function flameAt(x: number, y: number): (t: number, rgb: Uint8Array, random: () => number) => void {
  return (_t, rgb, random) => {
    const k = 0.65 + 0.35 * random();
    const h = 10 + Math.floor(random() * 7);
    paint(rgb, x, y + 16 - h, 12, h, [255 * k, 170 * k, 30 * k]);
  };
}

const lastRegions = (readings: HazardReading[]) => readings.at(-1)!.regions;

describe('flame colour', () => {
  it('accepts orange and yellow flame tones and rejects white light, pure red, blue and dim orange', () => {
    expect(isFlameColour(255, 170, 30)).toBe(true);
    expect(isFlameColour(240, 120, 20)).toBe(true);
    expect(isFlameColour(255, 246, 205)).toBe(false); // white-yellow headlight
    expect(isFlameColour(255, 30, 20)).toBe(false); // brake light
    expect(isFlameColour(40, 80, 255)).toBe(false); // blue beacon
    expect(isFlameColour(110, 60, 10)).toBe(false); // too dark
    expect(isFlameColour(200, 170, 150)).toBe(false); // skin / brick: too little saturation for its brightness
  });
});

describe('fire analyser', () => {
  it('finds a flickering flame-coloured region, boxed on it, and only once it has persisted', () => {
    const readings = observe(flameAt(60, 70));
    expect(readings[3]!.regions).toEqual([]); // 0.6 s: not yet persistent
    const [region, ...others] = lastRegions(readings);
    expect(others).toEqual([]);
    const [x, y, w, h] = region!.box;
    expect(x + w / 2).toBeCloseTo(66 / SW, 1);
    expect(y + h / 2).toBeCloseTo(80 / SH, 1);
    expect(region!.areaShare).toBeGreaterThan((12 * 8) / (SW * SH));
    expect(region!.score).toBeGreaterThan(0.5);
  });

  it('ignores a steady lit sign of flame colour', () => {
    const readings = observe((_t, rgb) => paint(rgb, 60, 70, 20, 10, [240, 120, 30]));
    expect(readings.every((r) => r.regions.length === 0)).toBe(true);
  });

  it('ignores an orange beacon blinking at 1 Hz, even one flickering while lit', () => {
    const readings = observe((t, rgb, random) => {
      if (t % 1 < 0.5) paint(rgb, 60, 70, 8, 8, [255 * (0.7 + 0.3 * random()), 140, 0]);
    });
    expect(readings.every((r) => r.regions.length === 0)).toBe(true);
  });

  it('ignores flickering white light (low saturation)', () => {
    const readings = observe((_t, rgb, random) => paint(rgb, 60, 70, 12, 12, [255, 246 * (0.7 + 0.3 * random()), 205 * (0.7 + 0.3 * random())]));
    expect(readings.every((r) => r.regions.length === 0)).toBe(true);
  });

  it('ignores a long thin shimmering streak (a wet-road reflection)', () => {
    const readings = observe((_t, rgb, random) => paint(rgb, 80, 40, 2, 40, [255, 170 * (0.6 + 0.4 * random()), 40]));
    expect(readings.every((r) => r.regions.length === 0)).toBe(true);
  });

  it('ignores a flickering flame-coloured object that moves (it never stays on the same pixels)', () => {
    const readings = observe((t, rgb, random) => paint(rgb, Math.round(10 + 15 * t), 70, 10, 10, [255 * (0.65 + 0.35 * random()), 160, 30]));
    expect(readings.every((r) => r.regions.length === 0)).toBe(true);
  });
});
