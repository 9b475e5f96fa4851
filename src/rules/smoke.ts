import type { SmokeRuleConfig } from '../config/schema.js';
import { createHazardRegionRule, type HazardRuleState } from './hazard-region-rule.js';
import type { Rule, RuleScene } from './types.js';

/**
 * Smoke: a grey region that veils the background's texture and spread over
 * time (src/vision/scene/smoke.ts), of at least `min_area`, in the zone or
 * anywhere, for `min_duration_s`.
 */
export function createSmokeRule(config: SmokeRuleConfig, scene: RuleScene): Rule<HazardRuleState> {
  return createHazardRegionRule(config, scene);
}
