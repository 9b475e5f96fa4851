import type { DurationSummary } from './types.js';

/**
 * Nearest-rank percentile: the smallest value such that at least p % of the
 * sample is less than or equal to it, i.e. the value at rank ceil(p/100 * n)
 * of the sorted sample (1-based). Always a value of the sample, never
 * interpolated, so anyone can check it by sorting the values; null for an
 * empty sample. Median = p50 (for an even n, the lower of the two middle values).
 */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] as number;
}

/** Histogram edges of response times, in seconds: 0-30, 30-60, 60-120, 120-300, 300-900, 900 and more. */
export const RESPONSE_TIME_EDGES_S: readonly number[] = [0, 30, 60, 120, 300, 900];

/** Count, median, p90 and fixed-edge histogram ([from, to) buckets, the last open-ended) of durations in seconds. */
export function summariseDurations(valuesS: readonly number[], edgesS: readonly number[] = RESPONSE_TIME_EDGES_S): DurationSummary {
  const histogram = edgesS.map((fromS, i) => {
    const toS = edgesS[i + 1] ?? null;
    return { fromS, toS, count: valuesS.filter((v) => v >= fromS && (toS === null || v < toS)).length };
  });
  return { count: valuesS.length, medianS: nearestRank(valuesS, 50), p90S: nearestRank(valuesS, 90), histogram };
}
