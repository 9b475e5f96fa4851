import type { CameraTamperRuleConfig, TamperKind } from '../config/schema.js';
import { TAMPER_KINDS } from '../config/rules/hazard.js';
import { endedSignal } from './per-track.js';
import { pixelSignal, stepHold, WHOLE_FRAME, type Hold } from './hazard-hold.js';
import { ruleMeta } from './meta.js';
import { NO_CONTEXT, type Rule, type RuleScene, type RuleSignal } from './types.js';

/** One hold per tamper kind the rule watches. */
export interface CameraTamperState {
  readonly holds: ReadonlyMap<TamperKind, Hold>;
}

/**
 * Camera tamper: a situation per kind (covered, blinded, defocused, moved;
 * key = the kind's index in TAMPER_KINDS) while the tamper analyser reports it
 * for `min_duration_s`. Details: `kind` and the analyser's measures.
 */
export function createCameraTamperRule(config: CameraTamperRuleConfig, _scene: RuleScene): Rule<CameraTamperState> {
  const meta = ruleMeta(config, 'camera_tamper');
  const kinds = [...new Set(config.kinds)];
  return {
    meta,
    scene: { tamper: true },
    init: () => ({ holds: new Map() }),
    evaluate(state, frame, context = NO_CONTEXT) {
      const reading = context.scene.tamper;
      const holds = new Map<TamperKind, Hold>();
      const signals: RuleSignal[] = [];
      for (const kind of kinds) {
        const key = TAMPER_KINDS.indexOf(kind);
        const present = reading?.conditions.includes(kind) ?? false;
        const { hold, ended } = stepHold(state.holds.get(kind), present, frame.tSec, config.min_duration_s);
        if (ended) signals.push(endedSignal(meta, key, frame.tSec, 'stopped'));
        if (!hold) continue;
        holds.set(kind, hold);
        if (present && hold.active) {
          signals.push(pixelSignal(meta, key, frame.tSec, WHOLE_FRAME, 1, { kind, ...reading?.measures }));
        }
      }
      return { state: { holds }, signals };
    },
  };
}
