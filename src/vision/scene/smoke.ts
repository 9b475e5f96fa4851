import { emaWeight, frameStep, HazardRegionFinder } from './fire-smoke-regions.js';
import { histogramMedian, measureCells } from './smoke-cells.js';
import type { HazardReading, SceneAnalyser, SceneFrame } from './types.js';

/** Tuning of the smoke finder; the defaults are what the rendered regression set was checked with. */
export interface SmokeAnalyserOptions {
  /** Cell side in small-frame pixels. */
  readonly cellSize: number;
  /** Seconds of frames averaged into the first background. */
  readonly learnS: number;
  /** Time constant (s) of the background where nothing is veiled. */
  readonly backgroundTauS: number;
  /** Time constant (s) of the background under a veiled cell (smoke must not be learnt quickly). */
  readonly veiledBackgroundTauS: number;
  /** Background edge energy (mean luma step) below which a cell is too flat to tell a veil. */
  readonly minTexture: number;
  /** A cell is veiled when its edge energy falls below this share of its background's (relative to the frame's median share). */
  readonly maxEdgeRatio: number;
  /** Veiled cells are grey: mean saturation at most this. */
  readonly maxSaturation: number;
  /** Veiled cells are not much darker than their background (shadows are): luma drop allowed. */
  readonly maxDarkening: number;
  /** Time constant (s) of the per-cell share of veiled frames. */
  readonly presenceTauS: number;
  /** A cell is smoke when veiled in at least this share of recent frames. */
  readonly minPresence: number;
  /** A region is smoke when its cells became veiled over at least this many seconds (it spread). */
  readonly minSpreadS: number;
  /** Smallest region, in cells. */
  readonly minCells: number;
  /** A cell whose mean luma changed more than this since the previous frame has something moving in it: not learnt. */
  readonly maxStillChange: number;
}

export const DEFAULT_SMOKE_OPTIONS: SmokeAnalyserOptions = {
  cellSize: 4,
  learnS: 3,
  backgroundTauS: 30,
  veiledBackgroundTauS: 600,
  minTexture: 3,
  maxEdgeRatio: 0.55,
  maxSaturation: 0.25,
  maxDarkening: 15,
  presenceTauS: 3,
  minPresence: 0.6,
  minSpreadS: 2,
  minCells: 2,
  maxStillChange: 3,
};

/** Spread (s) at which a region scores full marks for spreading. */
const FULL_SPREAD_S = 6;

/**
 * Finds smoke: cells of the frame whose texture is veiled (edge energy well
 * below a slowly learnt background, relative to the whole frame's change so a
 * global exposure change cancels), grey (low saturation) and not darkened,
 * that stay so (slow), and that form a region which spread over time (its
 * cells were veiled one after another, unlike a grey vehicle that stops).
 */
export function createSmokeAnalyser(options: SmokeAnalyserOptions = DEFAULT_SMOKE_OPTIONS): SceneAnalyser<'smoke'> {
  let cells: SmokeCells | null = null;
  let prevT: number | null = null;
  let learnStartS = 0;
  let learnedFrames = 0;
  return {
    key: 'smoke',
    observe(frame: SceneFrame): HazardReading {
      const { width, height, rgb, grey } = frame.small;
      const cols = Math.floor(width / options.cellSize);
      const rows = Math.floor(height / options.cellSize);
      if (!cells || cells.cols !== cols || cells.rows !== rows) {
        cells = new SmokeCells(cols, rows);
        prevT = null;
        learnedFrames = 0;
        learnStartS = frame.tSec;
      }
      const c = cells;
      const dt = frameStep(prevT, frame.tSec);
      prevT = frame.tSec;
      measureCells(rgb, grey, width, height, options.cellSize, cols, rows, c.luma, c.edge, c.saturation);
      markStill(c, options.maxStillChange, learnedFrames === 0);
      learnedFrames++;
      if (frame.tSec - learnStartS < options.learnS) {
        learnStill(c);
        return { regions: [] };
      }
      markVeiled(c, frame.tSec, dt, options);
      const regions = c.finder.find(c.mask, options.minCells, (comp) => {
        let earliest = Infinity;
        let latest = -Infinity;
        let veil = 0;
        let n = 0;
        for (let y = comp.minY; y <= comp.maxY; y++) {
          for (let x = comp.minX, i = y * cols + comp.minX; x <= comp.maxX; x++, i++) {
            if (c.candidate[i] === 0) continue;
            const onset = c.onsetS[i]!;
            if (onset < earliest) earliest = onset;
            if (onset > latest) latest = onset;
            veil += 1 - Math.min(1, c.ratio[i]!);
            n++;
          }
        }
        const spread = latest - earliest;
        if (n === 0 || spread < options.minSpreadS) return null;
        return { score: (veil / n) * Math.min(1, spread / FULL_SPREAD_S), cells: n };
      });
      return { regions };
    },
  };
}

class SmokeCells {
  readonly luma: Float32Array;
  readonly edge: Float32Array;
  readonly saturation: Float32Array;
  readonly prevLuma: Float32Array;
  /** 1 where nothing moved since the previous frame. */
  readonly still: Uint8Array;
  /** Still frames the cell's background was learnt from (0: none yet, the cell is not judged). */
  readonly learned: Uint32Array;
  readonly bgLuma: Float32Array;
  readonly bgEdge: Float32Array;
  readonly bgSaturation: Float32Array;
  /** Edge energy / background edge energy, relative to the frame's median. */
  readonly ratio: Float32Array;
  readonly textured: Uint8Array;
  readonly presence: Float32Array;
  /** Stream seconds since which the cell has been smoke; NaN when it is not. */
  readonly onsetS: Float64Array;
  readonly candidate: Uint8Array;
  readonly mask: Uint8Array;
  readonly histogram = new Uint32Array(128);
  readonly finder: HazardRegionFinder;

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    const n = cols * rows;
    this.luma = new Float32Array(n);
    this.edge = new Float32Array(n);
    this.saturation = new Float32Array(n);
    this.prevLuma = new Float32Array(n);
    this.still = new Uint8Array(n);
    this.learned = new Uint32Array(n);
    this.bgLuma = new Float32Array(n);
    this.bgEdge = new Float32Array(n);
    this.bgSaturation = new Float32Array(n);
    this.ratio = new Float32Array(n);
    this.textured = new Uint8Array(n);
    this.presence = new Float32Array(n);
    this.onsetS = new Float64Array(n).fill(Number.NaN);
    this.candidate = new Uint8Array(n);
    this.mask = new Uint8Array(n);
    this.finder = new HazardRegionFinder(cols, rows);
  }
}

/** Marks cells where nothing moved since the previous frame (people walking through are not background). */
function markStill(c: SmokeCells, maxChange: number, first: boolean): void {
  for (let i = 0; i < c.luma.length; i++) {
    c.still[i] = !first && Math.abs(c.luma[i]! - c.prevLuma[i]!) <= maxChange ? 1 : 0;
    c.prevLuma[i] = c.luma[i]!;
  }
}

/** First background: the running mean of each cell's still frames. */
function learnStill(c: SmokeCells): void {
  for (let i = 0; i < c.luma.length; i++) {
    if (c.still[i] === 0) continue;
    const n = ++c.learned[i]!;
    blendBackground(c, i, 1 / n);
  }
}

function blendBackground(c: SmokeCells, i: number, w: number): void {
  c.bgLuma[i] = c.bgLuma[i]! + w * (c.luma[i]! - c.bgLuma[i]!);
  c.bgEdge[i] = c.bgEdge[i]! + w * (c.edge[i]! - c.bgEdge[i]!);
  c.bgSaturation[i] = c.bgSaturation[i]! + w * (c.saturation[i]! - c.bgSaturation[i]!);
}

function markVeiled(c: SmokeCells, tSec: number, dt: number, o: SmokeAnalyserOptions): void {
  const n = c.luma.length;
  for (let i = 0; i < n; i++) {
    const textured = c.learned[i]! > 0 && c.bgEdge[i]! >= o.minTexture;
    c.textured[i] = textured ? 1 : 0;
    c.ratio[i] = textured ? c.edge[i]! / c.bgEdge[i]! : 1;
  }
  const median = histogramMedian(c.ratio, c.textured, 2, c.histogram);
  // Most of the frame veiled at once is a global change (blinded or defocused lens, dusk, fog), not smoke.
  const global = !Number.isNaN(median) && median < o.maxEdgeRatio;
  const scale = Number.isNaN(median) ? 1 : 1 / median;
  const wPresence = emaWeight(dt, o.presenceTauS);
  const wBackground = emaWeight(dt, o.backgroundTauS);
  const wVeiledBackground = emaWeight(dt, o.veiledBackgroundTauS);
  for (let i = 0; i < n; i++) {
    const ratio = c.ratio[i]! * scale;
    c.ratio[i] = ratio;
    const veiled =
      !global &&
      c.textured[i] === 1 &&
      ratio < o.maxEdgeRatio &&
      c.saturation[i]! <= o.maxSaturation &&
      c.luma[i]! >= c.bgLuma[i]! - o.maxDarkening
        ? 1
        : 0;
    const presence = c.presence[i]! + wPresence * (veiled - c.presence[i]!);
    c.presence[i] = presence;
    const candidate = presence >= o.minPresence ? 1 : 0;
    if (candidate === 1 && Number.isNaN(c.onsetS[i]!)) c.onsetS[i] = tSec;
    if (candidate === 0) c.onsetS[i] = Number.NaN;
    c.candidate[i] = candidate;
    c.mask[i] = candidate;
    if (c.still[i] === 0) continue;
    if (c.learned[i] === 0) {
      // A cell busy all through the learning: its first still frame starts its background.
      c.learned[i] = 1;
      blendBackground(c, i, 1);
    } else {
      blendBackground(c, i, veiled === 1 || candidate === 1 ? wVeiledBackground : wBackground);
    }
  }
}
