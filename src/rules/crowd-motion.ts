/**
 * Pace of one track for crowd_movement: its recent speed (least-squares over a
 * short window) and its own baseline (median of its past speeds). Positions are
 * in frame widths on both axes (pixels / frame width), so a speed means the same
 * horizontally and vertically whatever the aspect ratio.
 */
import { leastSquaresVelocity, median } from '../geometry/series.js';


/** Seconds of positions the current speed is fitted over. */
export const SPEED_WINDOW_S = 1;
/** Seconds of past speeds the baseline is the median of (before the current window). */
export const BASELINE_WINDOW_S = 8;
/** Least seconds of past speeds before a baseline is trusted: a new track has no pace of its own yet. */
export const BASELINE_MIN_SPAN_S = 2;
/** Positions closer in time than this are not stored (bounds memory at high fps). */
export const SAMPLE_GAP_S = 0.1;
/** Fewest positions a speed is fitted on. */
const SPEED_MIN_SAMPLES = 3;

export interface Position {
  readonly t: number;
  readonly x: number;
  readonly y: number;
}

export interface SpeedSample {
  readonly t: number;
  /** Frame widths per second. */
  readonly v: number;
}

/** Movement history of one track, oldest first, bounded in time (hence in size). */
export interface Pace {
  readonly positions: readonly Position[];
  readonly speeds: readonly SpeedSample[];
}

export const EMPTY_PACE: Pace = Object.freeze({ positions: [], speeds: [] });

/** Upper bound on stored entries per track, whatever the frame rate. */
export const MAX_POSITIONS = Math.ceil(SPEED_WINDOW_S / SAMPLE_GAP_S) + 2;
export const MAX_SPEEDS = Math.ceil((BASELINE_WINDOW_S + SPEED_WINDOW_S) / SAMPLE_GAP_S) + 2;

/** Adds one position at `p.t`; returns the new pace (the old one is left as it was). */
export function addPosition(pace: Pace, p: Position): Pace {
  const last = pace.positions[pace.positions.length - 1];
  if (last && p.t - last.t < SAMPLE_GAP_S) return pace;
  const positions = [...pace.positions.filter((q) => p.t - q.t <= SPEED_WINDOW_S), p].slice(-MAX_POSITIONS);
  const velocity = fitVelocity(positions);
  const speeds = pace.speeds.filter((s) => p.t - s.t <= BASELINE_WINDOW_S + SPEED_WINDOW_S);
  if (velocity) speeds.push({ t: p.t, v: Math.hypot(velocity[0], velocity[1]) });
  return { positions, speeds: speeds.slice(-MAX_SPEEDS) };
}

/** Speed now (frame widths per second): the latest one, if measured within SAMPLE_GAP_S of `tSec`. */
export function currentSpeed(pace: Pace, tSec: number): number | undefined {
  const last = pace.speeds[pace.speeds.length - 1];
  return last && tSec - last.t <= SAMPLE_GAP_S ? last.v : undefined;
}

/** Velocity now, [vx, vy] in frame widths per second, or undefined. */
export function currentVelocity(pace: Pace): readonly [number, number] | undefined {
  return fitVelocity(pace.positions);
}

/**
 * The track's usual speed: median of its speeds measured before the current
 * window (so a speed-up does not raise its own baseline), once they span
 * BASELINE_MIN_SPAN_S; undefined before.
 */
export function baselineSpeed(pace: Pace, tSec: number): number | undefined {
  const past = pace.speeds.filter((s) => s.t <= tSec - SPEED_WINDOW_S);
  const first = past[0];
  const last = past[past.length - 1];
  if (!first || !last || last.t - first.t < BASELINE_MIN_SPAN_S) return undefined;
  return median(past.map((s) => s.v));
}

/** Least-squares velocity of positions over time; undefined with too few or too close samples. */
export function fitVelocity(positions: readonly Position[]): readonly [number, number] | undefined {
  const n = positions.length;
  if (n < SPEED_MIN_SAMPLES) return undefined;
  const first = positions[0] as Position;
  const last = positions[n - 1] as Position;
  if (last.t - first.t < SPEED_WINDOW_S / 2) return undefined;
  return leastSquaresVelocity(positions) ?? undefined;
}

