import { describe, expect, it } from 'vitest';
import { appendToHistory, leastSquaresVelocity, median } from '../../../src/geometry/series.js';

describe('time series of positions', () => {
  it('fits the velocity of a straight walk, and one wild sample only moves it a little', () => {
    const walk = Array.from({ length: 11 }, (_, i) => ({ t: i * 0.5, x: 2 * i * 0.5, y: -i * 0.5 }));
    expect(leastSquaresVelocity(walk)?.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([2, -1]);
    const jolted = walk.map((p, i) => (i === 5 ? { ...p, x: p.x + 3 } : p));
    const [vx] = leastSquaresVelocity(jolted) ?? [0];
    expect(Math.abs(vx - 2)).toBeLessThan(0.05);
    expect(leastSquaresVelocity([{ t: 1, x: 0, y: 0 }])).toBeNull();
    expect(leastSquaresVelocity([{ t: 1, x: 0, y: 0 }, { t: 1, x: 5, y: 5 }])).toBeNull();
  });

  it('keeps a history thinned by time, bounded in span and count, without touching the input', () => {
    const window = { gapS: 0.1, spanS: 1, maxSamples: 5 };
    let h: readonly { t: number }[] = [];
    for (const t of [0, 0.05, 0.06, 0.2, 0.4, 0.6, 0.8, 1.0, 1.3]) h = appendToHistory(h, { t }, window);
    expect(h.map((s) => s.t)).toEqual([0.4, 0.6, 0.8, 1.0, 1.3]);
    const before = [{ t: 0 }, { t: 0.5 }];
    appendToHistory(before, { t: 0.55 }, window);
    expect(before).toEqual([{ t: 0 }, { t: 0.5 }]);
    // 30 samples in 0.3 s at a 0.1 s gap keep one sample per gap, plus the newest.
    let dense: readonly { t: number }[] = [];
    for (let i = 0; i < 30; i++) dense = appendToHistory(dense, { t: i * 0.01 }, { gapS: 0.1, spanS: 10, maxSamples: 100 });
    expect(dense.length).toBeLessThanOrEqual(5);
    expect(dense.at(-1)?.t).toBeCloseTo(0.29);
  });

  it('takes medians of odd and even counts without sorting the input', () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
