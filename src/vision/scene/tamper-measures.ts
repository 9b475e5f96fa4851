import { histogramMedian } from './smoke-cells.js';

/**
 * Whole-frame measures of a small grey frame for the tamper analyser: mean and
 * standard deviation of luma, mean gradient magnitude (|dx| + |dy|, forward
 * differences) and an edge map averaged over `block`-pixel squares (coarse, so
 * a camera's vibration of a pixel or two does not change it).
 */
export interface FrameMeasures {
  brightness: number;
  contrast: number;
  gradient: number;
}

export function measureFrame(grey: Uint8Array, width: number, height: number, block: number, edgeMap: Float32Array, out: FrameMeasures): void {
  const cols = Math.floor(width / block);
  edgeMap.fill(0);
  let sum = 0;
  let sumSq = 0;
  let sumGrad = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const down = y + 1 < height ? width : 0;
    const by = Math.floor(y / block) * cols;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      const g = grey[i]!;
      const grad = Math.abs(grey[x + 1 < width ? i + 1 : i]! - g) + Math.abs(grey[i + down]! - g);
      sum += g;
      sumSq += g * g;
      sumGrad += grad;
      const bx = Math.floor(x / block);
      if (bx < cols) {
        const b = by + bx;
        if (b < edgeMap.length) edgeMap[b] = edgeMap[b]! + grad;
      }
    }
  }
  const blockArea = block * block;
  for (let b = 0; b < edgeMap.length; b++) edgeMap[b] = edgeMap[b]! / blockArea;
  const n = width * height;
  out.brightness = sum / n;
  out.contrast = Math.sqrt(Math.max(0, sumSq / n - out.brightness * out.brightness));
  out.gradient = sumGrad / n;
}

/** Pearson correlation of two equal-length maps (0 when either is flat). */
export function correlation(a: Float32Array, b: Float32Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

/**
 * Share of the reference's strong edges (blocks over twice the reference's
 * median) that are still there: at least half as strong now, each map taken
 * relative to its own median so a global gain cancels. Something parked in
 * front of the camera hides a few of them; a turned camera loses most.
 */
export function edgeRetention(current: Float32Array, reference: Float32Array, include: Uint8Array, histogram: Uint32Array): number {
  include.fill(1);
  const medianNow = Math.max(0.5, histogramMedian(current, include, EDGE_MAX, histogram));
  const medianRef = Math.max(0.5, histogramMedian(reference, include, EDGE_MAX, histogram));
  let strong = 0;
  let kept = 0;
  for (let i = 0; i < reference.length; i++) {
    const ref = reference[i]! / medianRef;
    if (ref < 2) continue;
    strong++;
    if (current[i]! / medianNow >= 0.5 * ref) kept++;
  }
  return strong === 0 ? 1 : kept / strong;
}

/** Block edge energies above this (mean luma step per pixel) share the histogram's last bin. */
const EDGE_MAX = 64;
