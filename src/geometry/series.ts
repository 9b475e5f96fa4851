/**
 * Short time series of positions, as rules keep them per track: bounded
 * histories, least-squares velocity and medians. Pure; inputs are never modified.
 */

/** A position at a time (seconds). */
export interface TimedPoint {
  readonly t: number;
  readonly x: number;
  readonly y: number;
}

/** How a history is thinned and bounded. */
export interface HistoryWindow {
  /** Samples closer in time than this to the one before are replaced, not added. */
  readonly gapS: number;
  /** Samples older than this (from the newest) are dropped. */
  readonly spanS: number;
  /** Upper bound on samples, whatever the frame rate. */
  readonly maxSamples: number;
}

/**
 * New history with `s` appended, trimmed to the window. The newest sample is
 * always kept; it replaces the previous newest while that one is still within
 * `gapS` of the sample before it, so a high frame rate does not grow the history.
 */
export function appendToHistory<S extends { readonly t: number }>(samples: readonly S[], s: S, window: HistoryWindow): readonly S[] {
  const beforeLast = samples[samples.length - 2];
  const base = beforeLast && s.t - beforeLast.t < window.gapS - 1e-9 ? samples.slice(0, -1) : samples;
  const keepFrom = s.t - window.spanS;
  let start = 0;
  while (start < base.length && (base[start] as S).t < keepFrom - 1e-9) start++;
  start = Math.max(start, base.length + 1 - window.maxSamples);
  return [...base.slice(start), s];
}

/**
 * Least-squares velocity [vx, vy] per second of x(t) and y(t). Every sample
 * weighs in, so one jittery position moves it by a fraction of its error.
 * null with fewer than 2 samples or no spread in time.
 */
export function leastSquaresVelocity(samples: readonly TimedPoint[]): readonly [vx: number, vy: number] | null {
  const n = samples.length;
  if (n < 2) return null;
  let mt = 0;
  let mx = 0;
  let my = 0;
  for (const s of samples) {
    mt += s.t;
    mx += s.x;
    my += s.y;
  }
  mt /= n;
  mx /= n;
  my /= n;
  let stt = 0;
  let stx = 0;
  let sty = 0;
  for (const s of samples) {
    const dt = s.t - mt;
    stt += dt * dt;
    stx += dt * (s.x - mx);
    sty += dt * (s.y - my);
  }
  return stt > 1e-12 ? [stx / stt, sty / stt] : null;
}

/** Median of some numbers (mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
