import { describe, expect, it } from 'vitest';
import type { TamperKind } from '../../src/config/schema.js';
import { createTamperAnalyser } from '../../src/vision/scene/tamper.js';
import type { TamperReading } from '../../src/vision/scene/types.js';
import { clamp, frames5fps, paint, SH, SW, texturedScene } from '../helpers/hazard-clips.js';

/** Readings over 10 s: the normal scene for 5 s, then `tamper` applied to every frame. */
function observe(tamper: (rgb: Uint8Array) => void): TamperReading[] {
  const analyser = createTamperAnalyser();
  return [...frames5fps(texturedScene(), 10, (t, rgb) => t >= 5 && tamper(rgb))].map((f) => analyser.observe(f));
}

const conditionsAfter = (readings: TamperReading[]): TamperKind[][] => readings.slice(27).map((r) => [...r.conditions]);
const always = (kinds: TamperKind[]) => Array.from({ length: 24 }, () => kinds);

function boxBlur(rgb: Uint8Array, radius: number): void {
  const src = rgb.slice();
  for (let y = 0; y < SH; y++) {
    for (let x = 0; x < SW; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        let n = 0;
        for (let dy = -radius; dy <= radius; dy++) {
          for (let dx = -radius; dx <= radius; dx++) {
            const yy = Math.min(SH - 1, Math.max(0, y + dy));
            const xx = Math.min(SW - 1, Math.max(0, x + dx));
            sum += src[(yy * SW + xx) * 3 + c]!;
            n++;
          }
        }
        rgb[(y * SW + x) * 3 + c] = Math.round(sum / n);
      }
    }
  }
}

/** The picture shifted `dx` pixels to the left (the camera turned right); the new strip is another scene. */
function shift(rgb: Uint8Array, dx: number): void {
  const src = rgb.slice();
  const other = texturedScene(99);
  for (let y = 0; y < SH; y++) {
    for (let x = 0; x < SW; x++) {
      const from = x + dx < SW ? (y * SW + x + dx) * 3 : (y * SW + x) * 3;
      const pick = x + dx < SW ? src : other;
      for (let c = 0; c < 3; c++) rgb[(y * SW + x) * 3 + c] = pick[from + c]!;
    }
  }
}

describe('tamper analyser', () => {
  it('learns its reference over the first seconds, then reports nothing on a normal scene', () => {
    const readings = observe(() => undefined);
    expect(readings[0]!.referenceReady).toBe(false);
    expect(readings.at(-1)!.referenceReady).toBe(true);
    expect(readings.every((r) => r.conditions.length === 0)).toBe(true);
    expect(readings.at(-1)!.measures.sharpness_ratio).toBeCloseTo(1, 1);
    expect(readings.at(-1)!.measures.edge_correlation).toBeGreaterThan(0.9);
  });

  it('reports covered on a black picture and blinded on a white one', () => {
    expect(conditionsAfter(observe((rgb) => rgb.fill(3)))).toEqual(always(['covered']));
    expect(conditionsAfter(observe((rgb) => rgb.fill(252)))).toEqual(always(['blinded']));
  });

  it('reports defocused on a blurred picture of the same brightness', () => {
    const blurred = texturedScene();
    boxBlur(blurred, 4);
    const readings = observe((rgb) => rgb.set(blurred));
    expect(conditionsAfter(readings)).toEqual(always(['defocused']));
    expect(readings.at(-1)!.measures.sharpness_ratio).toBeLessThan(0.45);
  });

  it('reports moved when the scene shifted by a fifth of the width', () => {
    const readings = observe((rgb) => shift(rgb, 32));
    expect(conditionsAfter(readings)).toEqual(always(['moved']));
  });

  it('reports nothing when the whole picture halves in brightness (an exposure change, dusk)', () => {
    const readings = observe((rgb) => {
      for (let i = 0; i < rgb.length; i++) rgb[i] = clamp(rgb[i]! * 0.5);
    });
    expect(readings.every((r) => r.conditions.length === 0)).toBe(true);
  });

  it('reports nothing when a large object stops in a corner (part of the reference hidden)', () => {
    const readings = observe((rgb) => paint(rgb, 0, 0, 50, 40, [40, 40, 45]));
    expect(readings.every((r) => r.conditions.length === 0)).toBe(true);
  });

  it('does not learn a covered start as its reference', () => {
    const analyser = createTamperAnalyser();
    const readings = [...frames5fps(texturedScene(), 10, (t, rgb) => t < 2 && rgb.fill(2))].map((f) => analyser.observe(f));
    expect(readings.at(-1)!.conditions).toEqual([]);
    expect(readings.at(-1)!.measures.edge_correlation).toBeGreaterThan(0.9);
  });
});
