import type { RgbFrame } from '../contracts/frame.js';
import type { NormPolygon, SizeWH } from '../contracts/geometry.js';

/**
 * Privacy masks: normalised polygons blacked out of every frame before any
 * analysis (ARCHITECTURE 3: `privacy/mask`).
 *
 * Coverage is conservative: a pixel is masked when the polygon overlaps any
 * positive area of the pixel's square, not only when it contains the pixel's
 * centre. A mask therefore never leaves a half-covered pixel visible, and a
 * polygon thinner than a pixel still masks the pixels it crosses. This is
 * computed exactly (no supersampling) as the union of
 *  - the pixels whose centre is inside the polygon (scanline fill, non-zero
 *    winding rule, so a self-intersecting outline masks everything it encloses), and
 *  - the pixels that the polygon's outline passes through.
 * (A pixel that overlaps the polygon either contains part of its outline or
 * lies wholly inside it, and then its centre is inside too.)
 * Several polygons are OR-ed: overlapping masks never cancel out.
 */

/** A rasterised set of masks for one frame size. */
export interface MaskBitmap {
  readonly width: number;
  readonly height: number;
  /** `width * height` bytes, row-major: 1 = masked, 0 = visible. */
  readonly bits: Uint8Array;
  /** Masked runs as triples `[row, x0, x1)` (x1 exclusive), row-major order. */
  readonly spans: Int32Array;
  /** Number of masked pixels. */
  readonly maskedPixels: number;
}

/** Slack in pixels that absorbs floating-point error when a vertex lies on a pixel border. */
const EDGE_EPSILON_PX = 1e-7;

function checkPolygon(polygon: NormPolygon, index: number): void {
  if (polygon.length < 3) {
    throw new RangeError(`privacy mask ${index}: a polygon needs at least 3 points, got ${polygon.length}`);
  }
  for (const [x, y] of polygon) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new RangeError(`privacy mask ${index}: point [${x}, ${y}] is not finite`);
    }
  }
}

/** Marks, in `bits`, the pixels whose centre is inside the polygon (non-zero winding). */
function fillInterior(bits: Uint8Array, width: number, height: number, xs: Float64Array, ys: Float64Array): void {
  const n = xs.length;
  const crossX: number[] = [];
  const crossW: number[] = [];
  const order: number[] = [];
  for (let row = 0; row < height; row++) {
    const sy = row + 0.5;
    crossX.length = 0;
    crossW.length = 0;
    for (let i = 0; i < n; i++) {
      const j = i + 1 === n ? 0 : i + 1;
      const y0 = ys[i]!;
      const y1 = ys[j]!;
      // Half-open rule [min, max) so a vertex on the scanline is counted once.
      if (y0 <= sy && y1 > sy) {
        crossX.push(xs[i]! + ((sy - y0) / (y1 - y0)) * (xs[j]! - xs[i]!));
        crossW.push(1);
      } else if (y1 <= sy && y0 > sy) {
        crossX.push(xs[i]! + ((sy - y0) / (y1 - y0)) * (xs[j]! - xs[i]!));
        crossW.push(-1);
      }
    }
    if (crossX.length === 0) continue;
    order.length = 0;
    for (let k = 0; k < crossX.length; k++) order.push(k);
    order.sort((a, b) => crossX[a]! - crossX[b]!);
    let winding = 0;
    const rowStart = row * width;
    for (let k = 0; k < order.length; k++) {
      const idx = order[k]!;
      const before = winding;
      winding += crossW[idx]!;
      if (before === 0 && winding !== 0) {
        // Entering: fill from here up to the crossing where winding returns to 0.
        const xStart = crossX[idx]!;
        let m = k + 1;
        let w = winding;
        while (m < order.length) {
          w += crossW[order[m]!]!;
          if (w === 0) break;
          m++;
        }
        const xEnd = m < order.length ? crossX[order[m]!]! : width;
        // Pixel x is inside when its centre x + 0.5 lies in [xStart, xEnd).
        const first = Math.max(0, Math.ceil(xStart - 0.5));
        const last = Math.min(width - 1, Math.ceil(xEnd - 0.5) - 1);
        if (last >= first) bits.fill(1, rowStart + first, rowStart + last + 1);
        winding = w;
        k = m;
      }
    }
  }
}

/** Marks, in `bits`, every pixel whose square the segment passes through (with positive length inside). */
function markEdge(bits: Uint8Array, width: number, height: number, ax: number, ay: number, bx: number, by: number): void {
  const yMin = Math.min(ay, by);
  const yMax = Math.max(ay, by);
  const rowFirst = Math.max(0, Math.floor(yMin + EDGE_EPSILON_PX));
  const rowLast = Math.min(height - 1, Math.ceil(yMax - EDGE_EPSILON_PX) - 1);
  if (yMax - yMin <= EDGE_EPSILON_PX) {
    // Horizontal edge: it crosses the inside of a row only when it is not on a row border.
    if (Math.abs(ay - Math.round(ay)) <= EDGE_EPSILON_PX) return;
    const row = Math.floor(ay);
    if (row < 0 || row >= height) return;
    markSpan(bits, width, row, Math.min(ax, bx), Math.max(ax, bx));
    return;
  }
  for (let row = rowFirst; row <= rowLast; row++) {
    // Clip the segment to the strip [row, row + 1].
    const t0 = (Math.max(row, yMin) - ay) / (by - ay);
    const t1 = (Math.min(row + 1, yMax) - ay) / (by - ay);
    const x0 = ax + t0 * (bx - ax);
    const x1 = ax + t1 * (bx - ax);
    markSpan(bits, width, row, Math.min(x0, x1), Math.max(x0, x1));
  }
}

function markSpan(bits: Uint8Array, width: number, row: number, xMin: number, xMax: number): void {
  // Pixels x with (x, x + 1) overlapping (xMin, xMax); a vertical piece running
  // along a column border (xMin = xMax = integer) overlaps none of them.
  const first = Math.max(0, Math.floor(xMin + EDGE_EPSILON_PX));
  const last = Math.min(width - 1, Math.ceil(xMax - EDGE_EPSILON_PX) - 1);
  if (last >= first) bits.fill(1, row * width + first, row * width + last + 1);
}

function collectSpans(bits: Uint8Array, width: number, height: number): { spans: Int32Array; masked: number } {
  const out: number[] = [];
  let masked = 0;
  for (let row = 0; row < height; row++) {
    const base = row * width;
    let x = 0;
    while (x < width) {
      if (bits[base + x] === 0) {
        x++;
        continue;
      }
      const start = x;
      while (x < width && bits[base + x] === 1) x++;
      out.push(row, start, x);
      masked += x - start;
    }
  }
  return { spans: Int32Array.from(out), masked };
}

/**
 * Rasterises privacy masks for one frame size. Pure: the same polygons and
 * size always give the same bitmap. Points may lie outside [0,1] (the part
 * outside the frame is ignored).
 *
 * @throws RangeError when a polygon has fewer than 3 points or a non-finite coordinate.
 */
export function rasterizeMasks(polygons: readonly NormPolygon[], size: SizeWH): MaskBitmap {
  const { width, height } = size;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`frame size must be positive integers, got ${width}x${height}`);
  }
  const bits = new Uint8Array(width * height);
  polygons.forEach((polygon, index) => {
    checkPolygon(polygon, index);
    const xs = Float64Array.from(polygon, (p) => p[0] * width);
    const ys = Float64Array.from(polygon, (p) => p[1] * height);
    fillInterior(bits, width, height, xs, ys);
    for (let i = 0; i < xs.length; i++) {
      const j = i + 1 === xs.length ? 0 : i + 1;
      markEdge(bits, width, height, xs[i]!, ys[i]!, xs[j]!, ys[j]!);
    }
  });
  const { spans, masked } = collectSpans(bits, width, height);
  return { width, height, bits, spans, maskedPixels: masked };
}

/** Blacks out (sets to 0) the masked pixels of a packed RGB24 buffer, in place. */
export function applyMaskBitmap(data: Uint8Array, mask: MaskBitmap): void {
  if (data.length !== mask.width * mask.height * 3) {
    throw new RangeError(`frame buffer has ${data.length} bytes, expected ${mask.width * mask.height * 3} for ${mask.width}x${mask.height} RGB24`);
  }
  const { spans, width } = mask;
  for (let k = 0; k < spans.length; k += 3) {
    const rowBase = spans[k]! * width;
    data.fill(0, (rowBase + spans[k + 1]!) * 3, (rowBase + spans[k + 2]!) * 3);
  }
}

/** Applies one camera's privacy masks to its frames. */
export interface PrivacyMasker {
  /** true when there is at least one mask polygon. */
  readonly active: boolean;
  /** Blacks out the masked pixels of `frame.data` in place and returns the same frame. */
  apply(frame: RgbFrame): RgbFrame;
}

/**
 * Creates a masker for one camera. The polygons are validated now; the bitmap
 * is rasterised on the first frame of each size and reused afterwards (the
 * last size only: a camera's analysis size rarely changes).
 *
 * @throws RangeError when a polygon has fewer than 3 points or a non-finite coordinate.
 */
export function createPrivacyMasker(polygons: readonly NormPolygon[]): PrivacyMasker {
  polygons.forEach(checkPolygon);
  const frozen = polygons.map((p) => p.map(([x, y]) => [x, y] as const));
  let cached: MaskBitmap | null = null;
  return {
    active: frozen.length > 0,
    apply(frame: RgbFrame): RgbFrame {
      if (frozen.length === 0) return frame;
      if (cached === null || cached.width !== frame.width || cached.height !== frame.height) {
        cached = rasterizeMasks(frozen, frame);
      }
      applyMaskBitmap(frame.data, cached);
      return frame;
    },
  };
}
