/**
 * Blurring of box regions of a frame, in place: the privacy blur of people in
 * snapshots (and, with issue 7, clips and exports).
 *
 * The blur is a separable box blur run three times (close to a Gaussian), each
 * pass a sliding-window sum: O(1) per pixel whatever the radius. It reads and
 * writes only pixels inside the box (edges are clamped to the box, not to the
 * frame), so nothing outside a box changes and no pixel from outside leaks in.
 */
import type { BoxXYXY } from '../contracts/geometry.js';
import { assertRaster, type Raster } from './draw.js';

/** Default strength: the blur radius is 1/8 of the box's shorter side (a face becomes a smudge). */
export const DEFAULT_BLUR_STRENGTH = 0.25;

/** Box-blur passes; three approximate a Gaussian of sigma ~ radius. */
const PASSES = 3;

/**
 * Blur radius in pixels for a box of w x h pixels at `strength` in [0, 1]:
 * `strength * min(w, h) / 2`, at least 2 pixels for any positive strength.
 * 0 means no blur.
 */
export function blurRadius(w: number, h: number, strength: number): number {
  if (!(strength > 0) || w < 1 || h < 1) return 0;
  const s = Math.min(1, strength);
  return Math.max(2, Math.round((s * Math.min(w, h)) / 2));
}

/**
 * One sliding-window pass over `n` pixels starting at byte `start`, `stride`
 * bytes apart, radius r, edges clamped to the run. `tmp` holds >= n * 3 bytes.
 */
function blurRun(data: Uint8Array, start: number, stride: number, n: number, r: number, tmp: Uint8Array): void {
  for (let i = 0, p = start; i < n; i++, p += stride) {
    tmp[i * 3] = data[p]!;
    tmp[i * 3 + 1] = data[p + 1]!;
    tmp[i * 3 + 2] = data[p + 2]!;
  }
  const win = 2 * r + 1;
  const last = n - 1;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let k = -r; k <= r; k++) {
    const j = (k < 0 ? 0 : k > last ? last : k) * 3;
    s0 += tmp[j]!;
    s1 += tmp[j + 1]!;
    s2 += tmp[j + 2]!;
  }
  const half = win >> 1;
  for (let i = 0, p = start; i < n; i++, p += stride) {
    data[p] = ((s0 + half) / win) | 0;
    data[p + 1] = ((s1 + half) / win) | 0;
    data[p + 2] = ((s2 + half) / win) | 0;
    const add = (i + r + 1 > last ? last : i + r + 1) * 3;
    const sub = (i - r < 0 ? 0 : i - r) * 3;
    s0 += tmp[add]! - tmp[sub]!;
    s1 += tmp[add + 1]! - tmp[sub + 1]!;
    s2 += tmp[add + 2]! - tmp[sub + 2]!;
  }
}

/**
 * Box-blurs the integer pixel rectangle [x0, x1) x [y0, y1) (clipped to the
 * frame) in place with the given radius. Returns false when the rectangle is
 * empty after clipping or the radius is below 1.
 */
export function blurRegion(img: Raster, x0: number, y0: number, x1: number, y1: number, radius: number): boolean {
  const l = Math.max(0, Math.floor(x0));
  const t = Math.max(0, Math.floor(y0));
  const r = Math.min(img.width, Math.ceil(x1));
  const b = Math.min(img.height, Math.ceil(y1));
  const rad = Math.round(radius);
  if (!(r > l && b > t && rad >= 1)) return false;
  const w = r - l;
  const h = b - t;
  const tmp = new Uint8Array(Math.max(w, h) * 3);
  const rowBytes = img.width * 3;
  for (let pass = 0; pass < PASSES; pass++) {
    for (let y = t; y < b; y++) blurRun(img.data, (y * img.width + l) * 3, 3, w, rad, tmp);
    for (let x = l; x < r; x++) blurRun(img.data, (t * img.width + x) * 3, rowBytes, h, rad, tmp);
  }
  return true;
}

/**
 * Blurs each box (pixel corners [x1, y1, x2, y2], any part out of the frame
 * ignored) of `frame` in place. `strength` in [0, 1] sets the radius relative
 * to each box's size (see blurRadius); 0 leaves the frame unchanged. Returns
 * the number of boxes blurred.
 */
export function blurBoxes(frame: Raster, boxes: readonly BoxXYXY[], strength = DEFAULT_BLUR_STRENGTH): number {
  assertRaster(frame);
  let blurred = 0;
  for (const box of boxes) {
    if (!Number.isFinite(box[0] + box[1] + box[2] + box[3])) continue;
    const x0 = Math.max(0, Math.floor(box[0]));
    const y0 = Math.max(0, Math.floor(box[1]));
    const x1 = Math.min(frame.width, Math.ceil(box[2]));
    const y1 = Math.min(frame.height, Math.ceil(box[3]));
    // Radius from the whole box, so a person half out of the frame is blurred as strongly.
    const radius = blurRadius(box[2] - box[0], box[3] - box[1], strength);
    if (blurRegion(frame, x0, y0, x1, y1, radius)) blurred++;
  }
  return blurred;
}

/** Grows a pixel box by `fraction` of its width and height on each side (blur margin). */
export function padBox(box: BoxXYXY, fraction: number): BoxXYXY {
  const dx = (box[2] - box[0]) * fraction;
  const dy = (box[3] - box[1]) * fraction;
  return [box[0] - dx, box[1] - dy, box[2] + dx, box[3] + dy];
}
