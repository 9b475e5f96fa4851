import type { FireRuleConfig } from '../config/schema.js';
import { createHazardRegionRule, type HazardRuleState } from './hazard-region-rule.js';
import type { Rule, RuleScene } from './types.js';

/**
 * Fire: a flickering, persistent flame-coloured region (src/vision/scene/fire.ts)
 * of at least `min_area`, in the zone or anywhere, for `min_duration_s`.
 */
export function createFireRule(config: FireRuleConfig, scene: RuleScene): Rule<HazardRuleState> {
  return createHazardRegionRule(config, scene);
}
