import type { TrackFrame } from '../contracts/track.js';
import type { GatheringRuleConfig, GroundPlaneConfig, ZoneConfig } from '../config/schema.js';
import { createGroundPlane, GroundPlaneError } from '../geometry/homography.js';
import { classMatcher } from './class-filter.js';
import { groupSignal, round3, tracksInZone, type CrowdSelector } from './crowd-zone.js';
import { ruleMeta } from './meta.js';
import { endedSignal } from './per-track.js';
import { findZone } from './scene.js';
import { RuleConfigError, type Rule, type RuleMeta, type RuleScene, type RuleSignal } from './types.js';

/** A rule watches one zone, so its gathering is one situation: this is its key. */
export const GATHERING_KEY = 0;

/**
 * Seconds the count may stay below the threshold without ending the gathering
 * (or restarting its dwell): a detector missing one member for a few frames, a
 * member hidden behind another, one stepping over the zone's edge.
 */
export const GATHERING_DIP_GRACE_S = 2;

/** Float slack on thresholds, so exactly min_duration_s or exactly min_density counts. */
const EPS = 1e-9;

export interface GatheringState {
  /** When the current gathering started (null: none forming). */
  readonly sinceS: number | null;
  /** Last frame time at which the count (and density) held. */
  readonly lastHeldS: number;
  /** The situation is raised. */
  readonly active: boolean;
}

const IDLE: GatheringState = Object.freeze({ sinceS: null, lastHeldS: -Infinity, active: false });

/**
 * Gathering: at least `min_people` tracks of the selected classes with their
 * anchor in the zone (and at least `min_density_per_m2` people per square metre
 * of the zone's ground area, when set) for `min_duration_s`. One situation per
 * rule; its `trackIds` are the members of the latest frame. Dips below the
 * threshold shorter than GATHERING_DIP_GRACE_S neither end the situation nor
 * restart the dwell.
 */
export function createGatheringRule(config: GatheringRuleConfig, scene: RuleScene): Rule<GatheringState> {
  const zone = findZone(scene, config.id, config.zone);
  const meta: RuleMeta = ruleMeta(config, 'gathering');
  const selector: CrowdSelector = { polygon: zone.polygon, matches: classMatcher(config.classes), anchor: config.anchor };
  const areaM2 = zoneGroundArea(config, zone, scene.groundPlane);
  const minDensity = config.min_density_per_m2;

  function evaluate(state: GatheringState, frame: TrackFrame): { state: GatheringState; signals: RuleSignal[] } {
    const members = tracksInZone(frame, selector);
    const density = areaM2 === undefined ? undefined : members.length / areaM2;
    const holds = members.length >= config.min_people && (minDensity === undefined || (density ?? 0) >= minDensity - EPS);
    if (!holds) {
      if (state.sinceS !== null && frame.tSec - state.lastHeldS <= GATHERING_DIP_GRACE_S) return { state, signals: [] };
      const signals = state.active ? [endedSignal(meta, GATHERING_KEY, frame.tSec, 'stopped')] : [];
      return { state: IDLE, signals };
    }
    const sinceS = state.sinceS ?? frame.tSec;
    const dwellS = frame.tSec - sinceS;
    const active = dwellS >= config.min_duration_s - EPS;
    const signals: RuleSignal[] = [];
    if (active) {
      signals.push(
        groupSignal('situation.active', meta, GATHERING_KEY, members, frame, {
          zone: zone.id,
          people: members.length,
          dwell_s: round3(dwellS),
          ...(density === undefined ? {} : { density_per_m2: round3(density) }),
        }),
      );
    }
    return { state: { sinceS, lastHeldS: frame.tSec, active }, signals };
  }

  return { meta, init: () => IDLE, evaluate };
}

/**
 * Ground area of the zone in m², when the camera is calibrated. Required (and
 * checked) when the rule has a density threshold; otherwise only reported.
 */
function zoneGroundArea(config: GatheringRuleConfig, zone: ZoneConfig, groundPlane: GroundPlaneConfig | undefined): number | undefined {
  const needed = config.min_density_per_m2 !== undefined;
  if (!groundPlane) {
    if (needed) throw new RuleConfigError(config.id, 'min_density_per_m2 needs the camera\'s ground_plane: add it, or remove min_density_per_m2');
    return undefined;
  }
  let area: number;
  try {
    area = createGroundPlane(groundPlane).areaM2(zone.polygon);
  } catch (err) {
    if (!(err instanceof GroundPlaneError)) throw err;
    if (needed) throw new RuleConfigError(config.id, `zone "${zone.id}": ${err.message}`);
    return undefined;
  }
  if (area > EPS) return area;
  if (needed) throw new RuleConfigError(config.id, `zone "${zone.id}" has no ground area: draw it on the ground`);
  return undefined;
}
