import type { IllegalDumpingRuleConfig } from '../config/schema.js';
import { ruleMeta } from './meta.js';
import { findZone } from './scene.js';
import { NO_REGION_SITUATIONS, regionInZone, regionSituations, round3, type RegionSituationsState } from './static-situations.js';
import { NO_CONTEXT, type Rule, type RuleMeta, type RuleScene } from './types.js';

/**
 * Illegal dumping: like abandoned_object with its own size bounds (bigger
 * things: bags, furniture, rubble); with `require_person_left`, only a region a
 * person was next to when it appeared and then walked away from.
 */
export function createIllegalDumpingRule(config: IllegalDumpingRuleConfig, scene: RuleScene): Rule<RegionSituationsState> {
  const zone = findZone(scene, config.id, config.zone);
  const meta: RuleMeta = ruleMeta(config, 'illegal_dumping');
  return {
    meta,
    scene: { static: true, staticMinDurationS: config.min_duration_s },
    init: () => NO_REGION_SITUATIONS,
    evaluate(state, frame, context = NO_CONTEXT) {
      const reading = context.scene.static;
      if (!reading) return { state, signals: [] };
      const qualifying = reading.regions
        .filter((r) => r.areaShare >= config.min_area && r.areaShare <= config.max_area)
        .filter((r) => !config.require_person_left || r.personLeft)
        .filter((r) => frame.tSec - r.staticSinceS >= config.min_duration_s && regionInZone(r, zone.polygon))
        .map((region) => ({
          region,
          details: { zone: zone.id, person_left: region.personLeft, static_s: round3(frame.tSec - region.staticSinceS), area: round3(region.areaShare) },
        }));
      return regionSituations(meta, state, frame.tSec, qualifying);
    },
  };
}
