import type { AbandonedObjectRuleConfig } from '../config/schema.js';
import { ruleMeta } from './meta.js';
import { findZone } from './scene.js';
import { NO_REGION_SITUATIONS, regionInZone, regionSituations, round3, type RegionSituationsState } from './static-situations.js';
import { NO_CONTEXT, type Rule, type RuleMeta, type RuleScene } from './types.js';

/**
 * Abandoned object: a new static region (static-scene analyser: not a person,
 * not a vehicle) whose ground point is in the zone, whose area is within
 * [min_area, max_area] of the frame, static for at least `min_duration_s`. One
 * situation per region, while it lasts.
 */
export function createAbandonedObjectRule(config: AbandonedObjectRuleConfig, scene: RuleScene): Rule<RegionSituationsState> {
  const zone = findZone(scene, config.id, config.zone);
  const meta: RuleMeta = ruleMeta(config, 'abandoned_object');
  return {
    meta,
    scene: { static: true, staticMinDurationS: config.min_duration_s },
    init: () => NO_REGION_SITUATIONS,
    evaluate(state, frame, context = NO_CONTEXT) {
      const reading = context.scene.static;
      if (!reading) return { state, signals: [] };
      const qualifying = reading.regions
        .filter((r) => r.areaShare >= config.min_area && r.areaShare <= config.max_area)
        .filter((r) => frame.tSec - r.staticSinceS >= config.min_duration_s && regionInZone(r, zone.polygon))
        .map((region) => ({ region, details: { zone: zone.id, static_s: round3(frame.tSec - region.staticSinceS), area: round3(region.areaShare) } }));
      return regionSituations(meta, state, frame.tSec, qualifying);
    },
  };
}
