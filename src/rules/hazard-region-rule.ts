import type { FireRuleConfig, SmokeRuleConfig } from '../config/schema.js';
import { endedSignal } from './per-track.js';
import { findZone } from './scene.js';
import { pixelSignal, stepHold, strongestRegion, type Hold } from './hazard-hold.js';
import { ruleMeta } from './meta.js';
import { NO_CONTEXT, type Rule, type RuleScene, type RuleSignal } from './types.js';

/** State of a fire or smoke rule: the one situation it follows (key 0), if any. */
export interface HazardRuleState {
  readonly hold: Hold | undefined;
}

/** Key of the single situation of a hazard rule: one fire (or smoke) per rule at a time. */
const SITUATION_KEY = 0;

/**
 * Fire and smoke share one shape: a situation while a region of the analyser's
 * reading, of at least `min_area`, centred in the zone (or anywhere), has held
 * for `min_duration_s`. It ends when no such region has been seen for a second.
 */
export function createHazardRegionRule(config: FireRuleConfig | SmokeRuleConfig, scene: RuleScene): Rule<HazardRuleState> {
  const kind = config.type;
  const polygon = config.zone === undefined ? null : findZone(scene, config.id, config.zone).polygon;
  const meta = ruleMeta(config, kind);
  return {
    meta,
    scene: kind === 'fire' ? { fire: true } : { smoke: true },
    init: () => ({ hold: undefined }),
    evaluate(state, frame, context = NO_CONTEXT) {
      const reading = context.scene[kind];
      const region = reading ? strongestRegion(reading.regions, config.min_area, polygon) : undefined;
      const { hold, ended } = stepHold(state.hold, region !== undefined, frame.tSec, config.min_duration_s);
      const signals: RuleSignal[] = [];
      if (ended) signals.push(endedSignal(meta, SITUATION_KEY, frame.tSec, 'stopped'));
      if (region && hold?.active) {
        const details = { area: round4(region.areaShare), score: round2(region.score), ...(config.zone ? { zone: config.zone } : {}) };
        signals.push(pixelSignal(meta, SITUATION_KEY, frame.tSec, region.box, region.score, details));
      }
      return { state: { hold }, signals };
    },
  };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const round4 = (x: number): number => Math.round(x * 10000) / 10000;
