import { describe, expect, it } from 'vitest';
import { nearestRank, summariseDurations } from '../../../src/reports/percentiles.js';

describe('nearestRank', () => {
  it('takes the value at rank ceil(p/100 * n) of the sorted sample', () => {
    const sample = [40, 10, 30, 20]; // sorted: 10 20 30 40
    expect(nearestRank(sample, 50)).toBe(20); // ceil(0.5 * 4) = 2 -> 20 (lower middle, not 25)
    expect(nearestRank(sample, 90)).toBe(40); // ceil(0.9 * 4) = 4 -> 40
    expect(nearestRank(sample, 25)).toBe(10); // ceil(0.25 * 4) = 1
    expect(nearestRank(sample, 100)).toBe(40);
  });

  it('gives the middle value of an odd sample and p90 of ten values at rank 9', () => {
    expect(nearestRank([5, 1, 3], 50)).toBe(3); // ceil(1.5) = 2
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9); // ceil(9) = 9
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10); // ceil(9.9) = 10
  });

  it('is null for an empty sample and refuses a percentile outside (0, 100]', () => {
    expect(nearestRank([], 50)).toBeNull();
    expect(() => nearestRank([1], 0)).toThrow(RangeError);
    expect(() => nearestRank([1], 101)).toThrow(RangeError);
  });
});

describe('summariseDurations', () => {
  it('counts each duration in its [from, to) bucket, the last one open-ended', () => {
    const s = summariseDurations([0, 29.9, 30, 60, 119, 120, 300, 899, 900, 5000]);
    expect(s.histogram).toEqual([
      { fromS: 0, toS: 30, count: 2 },
      { fromS: 30, toS: 60, count: 1 },
      { fromS: 60, toS: 120, count: 2 },
      { fromS: 120, toS: 300, count: 1 },
      { fromS: 300, toS: 900, count: 2 },
      { fromS: 900, toS: null, count: 2 },
    ]);
    expect(s.count).toBe(10);
    expect(s.medianS).toBe(119); // rank 5 of 10
    expect(s.p90S).toBe(900); // rank 9 of 10
  });

  it('has null percentiles and empty buckets without data', () => {
    const s = summariseDurations([]);
    expect(s).toMatchObject({ count: 0, medianS: null, p90S: null });
    expect(s.histogram.every((b) => b.count === 0)).toBe(true);
  });
});
