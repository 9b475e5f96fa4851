import type { BoxXYXY } from '../contracts/geometry.js';
import { appendToHistory, median } from '../geometry/series.js';

/**
 * "Is this track standing still?" from its pixel boxes alone, shared by the
 * vehicle rules (stopped, departure, prowling) and person_down.
 *
 * A box jitters by a few pixels every frame and a detector (or a motion blob)
 * sometimes grows or shrinks it by a third for a frame or two. So stillness is
 * judged on medians: the median centre of the oldest third of a few seconds of
 * history against the median centre of the newest third, relative to the box's
 * own size (scale-invariant: the same threshold works near and far from the
 * camera). Once still, the track stays still while its recent median centre
 * stays within a share of its size of where it came to rest, so a slow creep
 * away is noticed too.
 */

/** Seconds of history stillness is judged over. */
export const STILL_WINDOW_S = 4;
/** The history must cover at least this many seconds before a track can be found still. */
export const STILL_MIN_SPAN_S = 3;
/** Samples closer in time than this are not stored (bounded history at any fps). */
export const STILL_SAMPLE_GAP_S = 0.2;
export const STILL_MAX_SAMPLES = Math.ceil(STILL_WINDOW_S / STILL_SAMPLE_GAP_S) + 1;
/** Fewest samples judged on (two per third at least). */
export const STILL_MIN_SAMPLES = 6;
/** Still when the oldest and newest thirds' median centres are closer than this share of the box size. */
export const STILL_MAX_DRIFT = 0.2;
/** A still track is released once its recent median centre is this share of its size from its rest position. */
export const STILL_RELEASE_DRIFT = 0.4;
/** Samples whose median says where the track is now (one wild box cannot release it). */
const RECENT_SAMPLES = 3;

/** One stored box: centre and size in pixels. */
export interface BoxSample {
  readonly t: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Where a still track came to rest: median centre and size (pixels) of the window that found it still. */
export interface RestPlace {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface Stillness {
  /** Box history, oldest first, within STILL_WINDOW_S. */
  readonly samples: readonly BoxSample[];
  /** Stream seconds since which the track has been still; null while it moves. */
  readonly stillSinceS: number | null;
  /** Where it rests; null while it moves. */
  readonly rest: RestPlace | null;
}

/** Size of a box for drift thresholds: the mean of its width and height. */
export function boxScale(b: { readonly w: number; readonly h: number }): number {
  return (b.w + b.h) / 2;
}

export function sampleOf(box: BoxXYXY, t: number): BoxSample {
  const [x1, y1, x2, y2] = box;
  return { t, x: (x1 + x2) / 2, y: (y1 + y2) / 2, w: Math.max(0, x2 - x1), h: Math.max(0, y2 - y1) };
}

/**
 * Next stillness of a track given its box at `t`. Pure; `prev` undefined for a
 * new track, or `inherited` for a track re-created where a still one was lost.
 */
export function updateStillness(prev: Stillness | undefined, box: BoxXYXY, t: number): Stillness {
  const samples = appendSample(prev?.samples ?? [], sampleOf(box, t));
  if (prev?.stillSinceS != null && prev.rest) {
    const now = medianPlace(samples.slice(-RECENT_SAMPLES));
    const stays = distance(now, prev.rest) <= STILL_RELEASE_DRIFT * boxScale(prev.rest);
    return stays ? { samples, stillSinceS: prev.stillSinceS, rest: prev.rest } : { samples, stillSinceS: null, rest: null };
  }
  const drift = windowDrift(samples);
  if (drift !== null && drift <= STILL_MAX_DRIFT) {
    return { samples, stillSinceS: (samples[0] as BoxSample).t, rest: medianPlace(samples) };
  }
  return { samples, stillSinceS: null, rest: null };
}

/** Stillness of a track re-created on the spot of a still one: it keeps the spot's rest and start. */
export function inheritStillness(rest: RestPlace, stillSinceS: number, box: BoxXYXY, t: number): Stillness {
  return { samples: [sampleOf(box, t)], stillSinceS, rest };
}

/**
 * Drift of the window as a share of the box size: distance between the median
 * centres of its oldest and newest thirds over the median box size. null while
 * the history is too short to judge.
 */
export function windowDrift(samples: readonly BoxSample[]): number | null {
  const n = samples.length;
  if (n < STILL_MIN_SAMPLES) return null;
  if ((samples[n - 1] as BoxSample).t - (samples[0] as BoxSample).t < STILL_MIN_SPAN_S - 1e-9) return null;
  const k = Math.floor(n / 3);
  const oldest = medianPlace(samples.slice(0, k));
  const newest = medianPlace(samples.slice(n - k));
  const scale = boxScale(medianPlace(samples));
  if (scale <= 0) return null;
  return distance(oldest, newest) / scale;
}

/** Per-coordinate medians of some samples (centre and size). */
export function medianPlace(samples: readonly BoxSample[]): RestPlace {
  return {
    x: median(samples.map((s) => s.x)),
    y: median(samples.map((s) => s.y)),
    w: median(samples.map((s) => s.w)),
    h: median(samples.map((s) => s.h)),
  };
}

/** Pixel distance between two centres. */
export function distance(a: { readonly x: number; readonly y: number }, b: { readonly x: number; readonly y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}


/** New history with `s` appended, trimmed to the window. */
const appendSample = (samples: readonly BoxSample[], s: BoxSample): readonly BoxSample[] =>
  appendToHistory(samples, s, { gapS: STILL_SAMPLE_GAP_S, spanS: STILL_WINDOW_S, maxSamples: STILL_MAX_SAMPLES });
