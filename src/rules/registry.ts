import type { TrackFrame } from '../contracts/track.js';
import type { CameraConfig, IntrusionRuleConfig, LineCrossingRuleConfig, RuleConfig, WrongWayRuleConfig } from '../config/schema.js';
import { createIntrusionRule } from './intrusion.js';
import { createLineCrossingRule } from './line-crossing.js';
import type { Rule, RuleMeta, RuleScene, RuleSignal, RuleStep } from './types.js';
import { createWrongWayRule } from './wrong-way.js';

/** Builds one rule from its validated config and the camera's zones and lines. */
export type RuleFactory<C extends RuleConfig> = (config: C, scene: RuleScene) => Rule<unknown>;

/** One factory per rule type. Explicit: adding a rule type means adding it here. */
export interface RuleFactories {
  readonly intrusion: RuleFactory<IntrusionRuleConfig>;
  readonly line_crossing: RuleFactory<LineCrossingRuleConfig>;
  readonly wrong_way: RuleFactory<WrongWayRuleConfig>;
}

export const RULE_FACTORIES: RuleFactories = Object.freeze({
  intrusion: createIntrusionRule,
  line_crossing: createLineCrossingRule,
  wrong_way: createWrongWayRule,
});

/** Creates one rule, dispatching on its type. Throws RuleConfigError on a bad reference. */
export function createRule(config: RuleConfig, scene: RuleScene, factories: RuleFactories = RULE_FACTORIES): Rule<unknown> {
  switch (config.type) {
    case 'intrusion':
      return factories.intrusion(config, scene);
    case 'line_crossing':
      return factories.line_crossing(config, scene);
    case 'wrong_way':
      return factories.wrong_way(config, scene);
    default:
      return unreachable(config);
  }
}

/** State of every rule of a camera, in the order of `CameraRules.rules`. */
export interface CameraRulesState {
  readonly states: readonly unknown[];
}

/** All enabled rules of one camera, evaluated together with the same one verb. */
export interface CameraRules {
  readonly rules: readonly Rule<unknown>[];
  /** Identity and policy of each rule, for the event lifecycle. */
  readonly meta: readonly RuleMeta[];
  init(): CameraRulesState;
  evaluate(state: CameraRulesState, frame: TrackFrame): RuleStep<CameraRulesState>;
}

/**
 * Creates the rule instances of a camera config (disabled rules are skipped).
 * Throws RuleConfigError when a rule refers to a missing zone or line.
 */
export function createCameraRules(
  camera: Pick<CameraConfig, 'rules' | 'zones' | 'lines'>,
  factories: RuleFactories = RULE_FACTORIES,
): CameraRules {
  const scene: RuleScene = { zones: camera.zones, lines: camera.lines };
  const rules = camera.rules.filter((r) => r.enabled).map((r) => createRule(r, scene, factories));
  return {
    rules,
    meta: rules.map((r) => r.meta),
    init: () => ({ states: rules.map((r) => r.init()) }),
    evaluate(state, frame) {
      const signals: RuleSignal[] = [];
      const states = rules.map((rule, i) => {
        const step = rule.evaluate(state.states[i], frame);
        signals.push(...step.signals);
        return step.state;
      });
      return { state: { states }, signals };
    },
  };
}

function unreachable(x: never): never {
  throw new Error(`unknown rule type: ${JSON.stringify(x)}`);
}
