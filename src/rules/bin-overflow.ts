import type { NormBoxLTWH } from '../contracts/geometry.js';
import type { BinOverflowRuleConfig } from '../config/schema.js';
import { polygonBounds } from '../geometry/polygon.js';
import { ruleMeta } from './meta.js';
import { findZone } from './scene.js';
import { regionSignal, round3, zoneCoverage } from './static-situations.js';
import { NO_CONTEXT, type Rule, type RuleMeta, type RuleScene } from './types.js';

/** The rule's one situation key (the zone is the situation). */
export const BIN_SITUATION_KEY = 0;

export interface BinOverflowState {
  /** Since when the zone has been filled at least `min_fill`; null when it is not. */
  readonly fullSinceS: number | null;
  readonly active: boolean;
}

/**
 * Bin overflow: the share of the zone (the ground around a bin) covered by new
 * static foreground, people and vehicles left out, stays at least `min_fill`
 * for `min_duration_s`. Whatever the pieces (one big pile, many small bags).
 */
export function createBinOverflowRule(config: BinOverflowRuleConfig, scene: RuleScene): Rule<BinOverflowState> {
  const zone = findZone(scene, config.id, config.zone);
  const meta: RuleMeta = ruleMeta(config, 'bin_overflow');
  const coverage = zoneCoverage(zone.polygon);
  const [x0, y0, x1, y1] = polygonBounds(zone.polygon);
  const box: NormBoxLTWH = [x0, y0, x1 - x0, y1 - y0];
  return {
    meta,
    scene: { static: true, staticMinDurationS: config.min_duration_s },
    init: () => ({ fullSinceS: null, active: false }),
    evaluate(state, frame, context = NO_CONTEXT) {
      const reading = context.scene.static;
      if (!reading) return { state, signals: [] };
      const fill = reading.warm ? coverage(reading.grid) : 0;
      if (fill < config.min_fill) {
        const signals = state.active ? [{ kind: 'situation.ended' as const, ruleId: meta.id, type: meta.type, trackId: BIN_SITUATION_KEY, tSec: frame.tSec, reason: 'stopped' as const }] : [];
        return { state: { fullSinceS: null, active: false }, signals };
      }
      const fullSinceS = state.fullSinceS ?? frame.tSec;
      if (frame.tSec - fullSinceS < config.min_duration_s) return { state: { fullSinceS, active: false }, signals: [] };
      return { state: { fullSinceS, active: true }, signals: [regionSignal(meta, BIN_SITUATION_KEY, box, frame.tSec, { zone: zone.id, fill: round3(fill) })] };
    },
  };
}
