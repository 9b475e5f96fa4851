import type { RgbFrame } from '../../contracts/frame.js';
import { ComponentStats, labelComponents } from './components.js';
import { chooseScale, gridFor, rgbToGreyDownscaled, type GreyGrid } from './grey.js';
import { dilate3x3, erode3x3 } from './morphology.js';
import { ToneCurveEstimator } from './tone-curve.js';
import { DEFAULT_MOTION_OPTIONS, type MotionDetectorOptions, type MotionRegion, type MotionResult } from './types.js';

/**
 * Motion detector for one camera: a running-average background on a
 * downscaled grey frame, compensated for global exposure changes.
 *
 * Per frame:
 *  1. box-average the RGB frame to a grey analysis grid (~320 cells wide);
 *  2. estimate the global tone curve background -> frame (ignoring cells that
 *     were foreground in the previous frame) and, if it moved, re-map the
 *     background into the current exposure (`tone-curve.ts`);
 *  3. threshold |frame - background|;
 *  4. if most of the frame still differs, reset the background (scene change);
 *  5. 3x3 opening (speckle), then closings (bridge fragments);
 *  6. update the background: fast where static, slow where foreground;
 *  7. connected components -> regions in frame pixels, each with the share of
 *     its cells that changed since the previous frame (moving vs still).
 * All per-pixel work uses integer maths on buffers allocated when the frame
 * size first appears; only the small result object is allocated per frame.
 */
export interface MotionDetector {
  /** Analyses the next frame of the camera. Frames must come in stream order. */
  update(frame: RgbFrame): MotionResult;
  /** Forgets the background (e.g. after the camera moved); the next frame starts a new one. */
  reset(): void;
  /** The analysis grid of the current frame size, or null before the first frame. */
  readonly grid: GreyGrid | null;
  /**
   * The last foreground mask on the analysis grid (non-zero = foreground),
   * a live view for diagnostics: it is overwritten by the next `update`.
   */
  foregroundMask(): Uint8Array | null;
}

/** Q12 fixed point for background learning rates. */
const RATE_ONE_Q12 = 4096;

interface Buffers {
  readonly grid: GreyGrid;
  readonly n: number;
  readonly cur: Uint8Array;
  /** Grey grid of the previous frame, for the frame-to-frame change inside regions. */
  readonly prev: Uint8Array;
  readonly bgQ8: Int32Array;
  readonly fg: Uint8Array;
  readonly tmp: Uint8Array;
  readonly prevFg: Uint8Array;
  readonly rowAcc: Uint32Array;
  readonly stack: Int32Array;
}

function checkOptions(o: MotionDetectorOptions): void {
  const positive: (keyof MotionDetectorOptions)[] = ['analysisWidthPx', 'backgroundTimeConstantFrames', 'foregroundTimeConstantFrames', 'maxRegions'];
  for (const key of positive) {
    if (!(o[key] > 0)) throw new RangeError(`motion option ${key} must be > 0, got ${o[key]}`);
  }
  if (!(o.diffThresholdGrey >= 1 && o.diffThresholdGrey <= 254)) throw new RangeError(`motion option diffThresholdGrey must be in [1, 254], got ${o.diffThresholdGrey}`);
  if (!(o.sceneChangeRatio > 0 && o.sceneChangeRatio <= 1)) throw new RangeError(`motion option sceneChangeRatio must be in (0, 1], got ${o.sceneChangeRatio}`);
  if (!(o.minRegionAreaFrac >= 0 && o.minRegionAreaFrac < 1)) throw new RangeError(`motion option minRegionAreaFrac must be in [0, 1), got ${o.minRegionAreaFrac}`);
  if (!(o.closeIterations >= 0 && Number.isInteger(o.closeIterations))) throw new RangeError(`motion option closeIterations must be an integer >= 0, got ${o.closeIterations}`);
  if (!(o.lightingChangeGreyLevels >= 0)) throw new RangeError(`motion option lightingChangeGreyLevels must be >= 0, got ${o.lightingChangeGreyLevels}`);
  if (!(o.lightingWindowFrames >= 1 && Number.isInteger(o.lightingWindowFrames))) throw new RangeError(`motion option lightingWindowFrames must be an integer >= 1, got ${o.lightingWindowFrames}`);
}

/**
 * Creates a motion detector for one camera.
 *
 * @throws RangeError when an option is out of range.
 */
export function createMotionDetector(options: Partial<MotionDetectorOptions> = {}): MotionDetector {
  const opt: MotionDetectorOptions = { ...DEFAULT_MOTION_OPTIONS, ...options };
  checkOptions(opt);
  const bgRateQ12 = Math.max(1, Math.round(RATE_ONE_Q12 / opt.backgroundTimeConstantFrames));
  const fgRateQ12 = Math.max(1, Math.round(RATE_ONE_Q12 / opt.foregroundTimeConstantFrames));
  const thresholdQ8 = opt.diffThresholdGrey * 256;
  const tone = new ToneCurveEstimator();
  const stats = new ComponentStats(opt.maxRegions);
  /** Ring of the last per-frame dominant-level shifts, for `exposureShiftGrey`. */
  const shiftRing = new Float64Array(opt.lightingWindowFrames);
  let shiftRingPos = 0;

  let buf: Buffers | null = null;
  let frameW = 0;
  let frameH = 0;
  /** Frames folded into the background since its reset (for the fast start). */
  let learned = 0;

  function allocate(width: number, height: number): Buffers {
    const grid = gridFor(width, height, chooseScale(width, opt.analysisWidthPx));
    if (grid.width < 3 || grid.height < 3) throw new RangeError(`frame ${width}x${height} is too small for motion analysis`);
    const n = grid.width * grid.height;
    return {
      grid,
      n,
      cur: new Uint8Array(n),
      prev: new Uint8Array(n),
      bgQ8: new Int32Array(n),
      fg: new Uint8Array(n),
      tmp: new Uint8Array(n),
      prevFg: new Uint8Array(n),
      rowAcc: new Uint32Array(grid.width),
      stack: new Int32Array(n),
    };
  }

  function resetBackground(b: Buffers): void {
    for (let i = 0; i < b.n; i++) b.bgQ8[i] = b.cur[i]! << 8;
    b.prevFg.fill(0);
    b.fg.fill(0);
    shiftRing.fill(0);
    learned = 1;
  }

  function resetResult(frame: RgbFrame, changedRatio: number, lightingChange: boolean, toneShiftGrey: number): MotionResult {
    return { seq: frame.seq, width: frame.width, height: frame.height, regions: [], changedRatio, lightingChange, exposureShiftGrey: 0, toneShiftGrey, backgroundReset: true, droppedRegions: 0 };
  }

  function morphology(b: Buffers): void {
    const { fg, tmp, grid } = b;
    const { width, height } = grid;
    erode3x3(fg, fg, tmp, width, height);
    dilate3x3(fg, fg, tmp, width, height);
    for (let k = 0; k < opt.closeIterations; k++) dilate3x3(fg, fg, tmp, width, height);
    for (let k = 0; k < opt.closeIterations; k++) erode3x3(fg, fg, tmp, width, height);
  }

  function updateBackground(b: Buffers): void {
    const { cur, bgQ8, fg, n } = b;
    learned++;
    // Fast start: a plain average of the first frames (foreground included: the
    // model is not trusted yet), then the running averages.
    const starting = learned <= opt.backgroundTimeConstantFrames;
    const rateBg = starting ? Math.round(RATE_ONE_Q12 / learned) : bgRateQ12;
    const rateFg = starting ? rateBg : fgRateQ12;
    for (let i = 0; i < n; i++) {
      const v = bgQ8[i]!;
      bgQ8[i] = v + ((((cur[i]! << 8) - v) * (fg[i] === 0 ? rateBg : rateFg)) >> 12);
    }
  }

  /** Share of the foreground cells of a grid box whose grey level changed by more than the threshold since the previous frame. */
  function movingShare(b: Buffers, gx1: number, gy1: number, gx2: number, gy2: number): number {
    const { cur, prev, fg, grid } = b;
    let fgCells = 0;
    let moved = 0;
    for (let y = gy1; y <= gy2; y++) {
      for (let i = y * grid.width + gx1, end = y * grid.width + gx2; i <= end; i++) {
        if (fg[i] === 0) continue;
        fgCells++;
        const d = cur[i]! - prev[i]!;
        if (d > opt.diffThresholdGrey || d < -opt.diffThresholdGrey) moved++;
      }
    }
    return fgCells === 0 ? 0 : moved / fgCells;
  }

  function regionsOf(b: Buffers, frame: RgbFrame): MotionRegion[] {
    const { grid } = b;
    const cellArea = grid.scale * grid.scale;
    const minCells = Math.max(1, Math.ceil((opt.minRegionAreaFrac * frame.width * frame.height) / cellArea));
    labelComponents(b.fg, grid.width, grid.height, minCells, b.stack, stats);
    const regions: MotionRegion[] = [];
    for (let k = 0; k < stats.count; k++) {
      const x1 = stats.minX[k]! * grid.scale;
      const y1 = stats.minY[k]! * grid.scale;
      // The last cell of the grid also owns the dropped right/bottom remainder.
      const x2 = stats.maxX[k]! === grid.width - 1 ? frame.width : (stats.maxX[k]! + 1) * grid.scale;
      const y2 = stats.maxY[k]! === grid.height - 1 ? frame.height : (stats.maxY[k]! + 1) * grid.scale;
      const areaPx = stats.area[k]! * cellArea;
      const movingRatio = movingShare(b, stats.minX[k]!, stats.minY[k]!, stats.maxX[k]!, stats.maxY[k]!);
      regions.push({ box: [x1, y1, x2, y2], areaPx, fillRatio: Math.min(1, areaPx / ((x2 - x1) * (y2 - y1))), movingRatio });
    }
    regions.sort((p, q) => q.areaPx - p.areaPx);
    return regions;
  }

  return {
    get grid() {
      return buf?.grid ?? null;
    },
    foregroundMask() {
      return buf?.fg ?? null;
    },
    reset() {
      buf = null;
      frameW = 0;
      frameH = 0;
    },
    update(frame: RgbFrame): MotionResult {
      if (frame.data.length !== frame.width * frame.height * 3) {
        throw new RangeError(`frame ${frame.seq}: ${frame.data.length} bytes, expected ${frame.width * frame.height * 3} for ${frame.width}x${frame.height} RGB24`);
      }
      let b = buf;
      if (b === null || frame.width !== frameW || frame.height !== frameH) {
        b = allocate(frame.width, frame.height);
        buf = b;
        frameW = frame.width;
        frameH = frame.height;
        rgbToGreyDownscaled(frame.data, frame.width, b.grid, b.cur, b.rowAcc);
        b.prev.set(b.cur);
        resetBackground(b);
        return resetResult(frame, 0, false, 0);
      }
      const { cur, bgQ8, fg, n } = b;
      b.prev.set(cur);
      rgbToGreyDownscaled(frame.data, frame.width, b.grid, cur, b.rowAcc);

      // 2. Global exposure compensation.
      tone.estimate(cur, bgQ8, b.prevFg, n, Math.max(16, n >> 8));
      const toneShiftGrey = tone.maxShiftGrey;
      // Always re-map (a no-op for a zero shift): cells under a slow object follow
      // the exposure only through this, and skipped small shifts would add up.
      tone.remap(bgQ8, n);
      shiftRing[shiftRingPos] = tone.midShiftGrey;
      shiftRingPos = (shiftRingPos + 1) % shiftRing.length;
      let exposureShiftGrey = 0;
      for (const s of shiftRing) exposureShiftGrey += s;
      const lightingChange = Math.abs(exposureShiftGrey) >= opt.lightingChangeGreyLevels;

      // 3. Threshold.
      let changed = 0;
      for (let i = 0; i < n; i++) {
        const d = (cur[i]! << 8) - bgQ8[i]!;
        const on = d > thresholdQ8 || d < -thresholdQ8 ? 1 : 0;
        fg[i] = on;
        changed += on;
      }
      const changedRatio = changed / n;

      // 4. Scene change: start again from this frame.
      if (changedRatio >= opt.sceneChangeRatio) {
        resetBackground(b);
        return resetResult(frame, changedRatio, true, toneShiftGrey);
      }

      // 5-7.
      morphology(b);
      updateBackground(b);
      b.prevFg.set(fg);
      const regions = regionsOf(b, frame);
      return { seq: frame.seq, width: frame.width, height: frame.height, regions, changedRatio, lightingChange, exposureShiftGrey, toneShiftGrey, backgroundReset: false, droppedRegions: stats.dropped };
    },
  };
}
