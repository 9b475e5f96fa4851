import type { NormBoxLTWH } from '../contracts/geometry.js';

/** Decimals kept in event boxes and scores (1e-4 of the frame: well under a pixel at 4K). */
export const BOX_DECIMALS = 4;
/** Decimals kept in event times (milliseconds). */
export const TIME_DECIMALS = 3;

export function roundTo(x: number, decimals: number): number {
  const k = 10 ** decimals;
  return Math.round(x * k) / k;
}

/** Clamps a normalised box to the frame and rounds it to BOX_DECIMALS. */
export function formatBox(box: NormBoxLTWH): NormBoxLTWH {
  const [l, t, w, h] = box;
  const left = clamp01(l);
  const top = clamp01(t);
  const right = clamp01(l + w);
  const bottom = clamp01(t + h);
  return [roundTo(left, BOX_DECIMALS), roundTo(top, BOX_DECIMALS), roundTo(right - left, BOX_DECIMALS), roundTo(bottom - top, BOX_DECIMALS)];
}

/** ISO 8601 UTC time of stream second `tSec`, given the wall time of stream time 0. */
export function isoTimeAt(baseWallMs: number, tSec: number): string {
  return new Date(baseWallMs + Math.round(tSec * 1000)).toISOString();
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
