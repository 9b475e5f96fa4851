import { ComponentStats, labelComponents } from '../motion/components.js';
import type { HazardRegion } from './types.js';

/** Pixel bounds and area of one connected region of a mask, in grid units. */
export interface GridComponent {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  readonly cells: number;
}

/**
 * Turns a 0/1 mask over a grid into hazard regions: connected components of at
 * least `minCells` cells, each measured by the caller (null drops it). Buffers are
 * allocated once per grid size.
 */
export class HazardRegionFinder {
  private readonly stack: Int32Array;
  private readonly stats: ComponentStats;

  constructor(
    readonly width: number,
    readonly height: number,
    capacity = 64,
  ) {
    this.stack = new Int32Array(width * height);
    this.stats = new ComponentStats(capacity);
  }

  /**
   * `mask` is consumed (labelling marks visited cells). `measure` scores a
   * component and counts its cells that really belong to the hazard (the mask
   * may have been dilated to join fragments); null drops it.
   */
  find(mask: Uint8Array, minCells: number, measure: (c: GridComponent) => { readonly score: number; readonly cells: number } | null): HazardRegion[] {
    const { width, height, stats } = this;
    labelComponents(mask, width, height, minCells, this.stack, stats);
    const regions: HazardRegion[] = [];
    for (let k = 0; k < stats.count; k++) {
      const c: GridComponent = { minX: stats.minX[k]!, minY: stats.minY[k]!, maxX: stats.maxX[k]!, maxY: stats.maxY[k]!, cells: stats.area[k]! };
      const m = measure(c);
      if (m === null) continue;
      regions.push({
        box: [c.minX / width, c.minY / height, (c.maxX - c.minX + 1) / width, (c.maxY - c.minY + 1) / height],
        areaShare: m.cells / (width * height),
        score: m.score,
      });
    }
    return regions.sort((a, b) => b.score * b.areaShare - a.score * a.areaShare);
  }
}

/** Weight of a new sample in an exponential average with time constant `tauS`, after `dtS` seconds. */
export function emaWeight(dtS: number, tauS: number): number {
  return 1 - Math.exp(-dtS / tauS);
}

/** Seconds since the previous analysed frame, bounded so a pause or a first frame does not jolt the averages. */
export function frameStep(prevT: number | null, tSec: number): number {
  if (prevT === null) return 0.2;
  return Math.min(1, Math.max(0.02, tSec - prevT));
}
