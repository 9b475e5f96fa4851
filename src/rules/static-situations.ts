/**
 * What the static-scene rules share: finding a static region's zone, the
 * region-id situations (raised while the region qualifies, ended when it stops
 * qualifying or disappears), and the coverage of a zone by the analyser's grid.
 */
import type { NormBoxLTWH, NormPoint } from '../contracts/geometry.js';
import { pointInPolygon, polygonBounds } from '../geometry/polygon.js';
import type { CellGrid, StaticRegion } from '../vision/scene/types.js';
import type { ActiveSignal, Details, RuleMeta, RuleSignal } from './types.js';

/** The region's ground point: the middle of its bottom edge (where a bag touches the ground). */
export function regionInZone(region: StaticRegion, polygon: readonly NormPoint[]): boolean {
  const [left, top, w, h] = region.box;
  return pointInPolygon([left + w / 2, top + h], polygon);
}

/** Ids of the region situations a rule has raised. */
export interface RegionSituationsState {
  readonly active: ReadonlySet<number>;
}

export const NO_REGION_SITUATIONS: RegionSituationsState = Object.freeze({ active: new Set<number>() });

/**
 * Signals for the regions that qualify in this frame (`situation.active`, keyed
 * by region id) and ends of those that no longer do.
 */
export function regionSituations(
  meta: RuleMeta,
  state: RegionSituationsState,
  tSec: number,
  qualifying: readonly { readonly region: StaticRegion; readonly details: Details }[],
): { readonly state: RegionSituationsState; readonly signals: RuleSignal[] } {
  const signals: RuleSignal[] = [];
  const active = new Set<number>();
  for (const { region, details } of qualifying) {
    active.add(region.id);
    signals.push(regionSignal(meta, region.id, region.box, tSec, details));
  }
  for (const id of state.active) {
    if (!active.has(id)) signals.push({ kind: 'situation.ended', ruleId: meta.id, type: meta.type, trackId: id, tSec, reason: 'stopped' });
  }
  return { state: { active }, signals };
}

/** A pixel-based situation: no track involved, class `object`. */
export function regionSignal(meta: RuleMeta, key: number, box: NormBoxLTWH, tSec: number, details: Details): ActiveSignal {
  return { kind: 'situation.active', ruleId: meta.id, type: meta.type, trackId: key, trackIds: [], tSec, cls: 'object', box, score: 1, details };
}

/**
 * Share of a zone's cells that are set in a grid. The zone's cell list is
 * computed once per grid size (cells whose centre is inside the polygon).
 */
export function zoneCoverage(polygon: readonly NormPoint[]): (grid: CellGrid) => number {
  let cached: { width: number; height: number; cells: Int32Array } | null = null;
  return (grid) => {
    if (!cached || cached.width !== grid.width || cached.height !== grid.height) {
      cached = { width: grid.width, height: grid.height, cells: zoneCells(polygon, grid.width, grid.height) };
    }
    const { cells } = cached;
    if (cells.length === 0) return 0;
    let set = 0;
    for (let k = 0; k < cells.length; k++) if (grid.cells[cells[k]!] !== 0) set++;
    return set / cells.length;
  };
}

function zoneCells(polygon: readonly NormPoint[], width: number, height: number): Int32Array {
  const [minX, minY, maxX, maxY] = polygonBounds(polygon);
  const out: number[] = [];
  for (let y = Math.max(0, Math.floor(minY * height)); y < Math.min(height, Math.ceil(maxY * height)); y++) {
    for (let x = Math.max(0, Math.floor(minX * width)); x < Math.min(width, Math.ceil(maxX * width)); x++) {
      if (pointInPolygon([(x + 0.5) / width, (y + 0.5) / height], polygon)) out.push(y * width + x);
    }
  }
  return Int32Array.from(out);
}

/** Seconds, rounded to the millisecond, for event details. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
