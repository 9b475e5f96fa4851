import type { NormBoxLTWH, NormPoint } from '../contracts/geometry.js';
import { pointInPolygon } from '../geometry/polygon.js';
import type { HazardRegion } from '../vision/scene/types.js';
import type { ActiveSignal, Details, RuleMeta } from './types.js';

/** A condition followed over time: since when it holds, when it was last seen, whether it is raised. */
export interface Hold {
  readonly sinceS: number;
  readonly lastSeenS: number;
  readonly active: boolean;
}

/**
 * Seconds a condition may be missing without restarting its count (one or two
 * frames where a flame dips below its thresholds, a person walking past the lens).
 */
export const HOLD_GRACE_S = 1;

/**
 * Next value of a hold after a frame where the condition is `present` or not.
 * `ended` is true when a raised condition has just stopped (missing for longer
 * than the grace).
 */
export function stepHold(prev: Hold | undefined, present: boolean, tSec: number, minDurationS: number): { readonly hold: Hold | undefined; readonly ended: boolean } {
  if (present) {
    const sinceS = prev?.sinceS ?? tSec;
    return { hold: { sinceS, lastSeenS: tSec, active: tSec - sinceS >= minDurationS }, ended: false };
  }
  if (!prev) return { hold: undefined, ended: false };
  if (tSec - prev.lastSeenS > HOLD_GRACE_S + 1e-6) return { hold: undefined, ended: prev.active };
  return { hold: prev, ended: false };
}

/** The whole frame, for situations about the picture itself. */
export const WHOLE_FRAME: NormBoxLTWH = [0, 0, 1, 1];

/** A situation about pixels (no track): key `key`, no tracks involved, class `object`. */
export function pixelSignal(meta: RuleMeta, key: number, tSec: number, box: NormBoxLTWH, score: number, details: Details): ActiveSignal {
  return { kind: 'situation.active', ruleId: meta.id, type: meta.type, trackId: key, trackIds: [], tSec, cls: 'object', box, score, details };
}

/**
 * The strongest hazard region of at least `minArea` whose centre lies in the
 * polygon (anywhere when there is none), or undefined.
 */
export function strongestRegion(regions: readonly HazardRegion[], minArea: number, polygon: readonly NormPoint[] | null): HazardRegion | undefined {
  let best: HazardRegion | undefined;
  for (const r of regions) {
    if (r.areaShare < minArea) continue;
    if (polygon && !pointInPolygon([r.box[0] + r.box[2] / 2, r.box[1] + r.box[3] / 2], polygon)) continue;
    if (!best || r.score * r.areaShare > best.score * best.areaShare) best = r;
  }
  return best;
}
