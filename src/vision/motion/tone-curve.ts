/**
 * Global tone-curve estimation between the background model and the current
 * frame, to tell an exposure (or gain, gamma, white-level) change of the whole
 * picture from local motion.
 *
 * Pixels are binned by their background grey level; in each bin the median of
 * (current - background) is the tone shift at that level. Medians make the
 * estimate robust to moving objects as long as they cover less than half of
 * the pixels of a bin. Between bins the shift is interpolated linearly, and
 * held flat beyond the first and last populated bins. The curve is
 * monotone-free on purpose: it is used only to predict, not to invert.
 *
 * On car-detection.mp4 the camera's auto-exposure darkens the picture by up to
 * half when a white car enters, and dark grey levels fall more than light ones
 * (an affine, not a purely multiplicative change), which a single gain cannot
 * follow but a per-level shift can.
 */

/** Grey levels per bin: 16 bins over 0..255. */
const BIN_SHIFT = 4;
const BIN_COUNT = 256 >> BIN_SHIFT;
/** Differences cur - bg span -255..255. */
const DIFF_LEVELS = 511;

export class ToneCurveEstimator {
  private readonly hist = new Int32Array(BIN_COUNT * DIFF_LEVELS);
  private readonly binCount = new Int32Array(BIN_COUNT);
  private readonly binSumBg = new Float64Array(BIN_COUNT);
  private readonly anchorLevel = new Float64Array(BIN_COUNT);
  private readonly anchorShift = new Float64Array(BIN_COUNT);
  /**
   * Predicted current grey (Q8) for each background grey level 0..256 (257
   * entries, the last one repeats 255, for interpolation of fractional levels).
   */
  readonly lutQ8 = new Int32Array(257);
  /** Largest |shift| in grey levels over the populated bins of the last estimate. */
  maxShiftGrey = 0;
  /** Shift, in grey levels, of the most populated bin (the scene's dominant grey level). */
  midShiftGrey = 0;

  /**
   * Estimates the curve from `cur` (grey) and `bgQ8` (background, grey * 256),
   * skipping pixels where `exclude` is non-zero unless that would leave fewer
   * than a quarter of the pixels. Bins with fewer than `minBinPixels` pixels
   * are ignored.
   */
  estimate(cur: Uint8Array, bgQ8: Int32Array, exclude: Uint8Array, n: number, minBinPixels: number): void {
    let excluded = 0;
    for (let i = 0; i < n; i++) if (exclude[i] !== 0) excluded++;
    const useExclude = n - excluded >= n / 4;
    this.hist.fill(0);
    this.binCount.fill(0);
    this.binSumBg.fill(0);
    for (let i = 0; i < n; i++) {
      if (useExclude && exclude[i] !== 0) continue;
      const b = (bgQ8[i]! + 128) >> 8;
      const bin = b >> BIN_SHIFT;
      this.hist[bin * DIFF_LEVELS + (cur[i]! - b + 255)]!++;
      this.binCount[bin]!++;
      this.binSumBg[bin]! += b;
    }
    let anchors = 0;
    let maxShift = 0;
    let midShift = 0;
    let midCount = -1;
    for (let bin = 0; bin < BIN_COUNT; bin++) {
      const count = this.binCount[bin]!;
      if (count < minBinPixels) continue;
      // Median of the integer differences, interpolated inside its histogram
      // bin: integer medians would round every per-frame shift, and the
      // rounding errors add up in cells that only follow the curve (under a
      // slow object), leaving trails behind it.
      const half = count / 2;
      let seen = 0;
      let d = 0;
      const base = bin * DIFF_LEVELS;
      for (; d < DIFF_LEVELS; d++) {
        const h = this.hist[base + d]!;
        if (seen + h > half) {
          break;
        }
        seen += h;
      }
      const inBin = this.hist[base + Math.min(d, DIFF_LEVELS - 1)]!;
      const shift = d - 255 - 0.5 + (inBin > 0 ? (half - seen) / inBin : 0.5);
      this.anchorLevel[anchors] = this.binSumBg[bin]! / count;
      this.anchorShift[anchors] = shift;
      anchors++;
      if (Math.abs(shift) > maxShift) maxShift = Math.abs(shift);
      if (count > midCount) {
        midCount = count;
        midShift = shift;
      }
    }
    this.midShiftGrey = midShift;
    this.maxShiftGrey = maxShift;
    this.fillLut(anchors);
  }

  private fillLut(anchors: number): void {
    let a = 0;
    for (let v = 0; v < 256; v++) {
      let shift = 0;
      if (anchors > 0) {
        while (a < anchors - 1 && this.anchorLevel[a + 1]! <= v) a++;
        const l0 = this.anchorLevel[a]!;
        const s0 = this.anchorShift[a]!;
        if (v <= l0 || a === anchors - 1) {
          shift = s0;
        } else {
          const l1 = this.anchorLevel[a + 1]!;
          const s1 = this.anchorShift[a + 1]!;
          shift = s0 + ((v - l0) / (l1 - l0)) * (s1 - s0);
        }
      }
      const q = Math.round((v + shift) * 256);
      this.lutQ8[v] = q < 0 ? 0 : q > 255 * 256 ? 255 * 256 : q;
    }
    this.lutQ8[256] = this.lutQ8[255]!;
  }

  /** Maps every background value through the last curve, so the model matches the current exposure. */
  remap(bgQ8: Int32Array, n: number): void {
    const lut = this.lutQ8;
    for (let i = 0; i < n; i++) {
      const v = bgQ8[i]!;
      const lo = v >> 8;
      const a = lut[lo]!;
      bgQ8[i] = a + (((lut[lo + 1]! - a) * (v & 255)) >> 8);
    }
  }
}
