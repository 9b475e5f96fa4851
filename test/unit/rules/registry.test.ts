import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import type { CameraConfig } from '../../../src/config/schema.js';
import { EVENT_TYPES, SYSTEM_EVENT_TYPES } from '../../../src/contracts/event.js';
import { RULE_TYPES } from '../../../src/config/rules/index.js';
import { RULE_FACTORIES, createCameraRules, createRule, type RuleFactories } from '../../../src/rules/registry.js';
import { RuleConfigError, type Rule } from '../../../src/rules/types.js';
import { brief, frame, person, ruleConfig } from './scenario.js';

function camera(): CameraConfig {
  const cfg = parseConfig({
    cameras: [
      {
        id: 'parvis-nord',
        source: 'file.mp4',
        zones: [{ id: 'voie-1', polygon: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]], direction: [0, 1] }],
        lines: [{ id: 'entree', points: [[0, 0.5], [1, 0.5]] }],
        rules: [
          { id: 'r1', type: 'intrusion', zone: 'voie-1', min_duration_s: 0 },
          { id: 'r2', type: 'wrong_way', zone: 'voie-1' },
          { id: 'r3', type: 'line_crossing', line: 'entree' },
          { id: 'r4', type: 'line_crossing', line: 'entree', enabled: false },
        ],
      },
    ],
  });
  const cam = cfg.cameras[0];
  if (!cam) throw new Error('no camera');
  return cam;
}

describe('rule registry', () => {
  it('has one factory per event rule type, and nothing else (counting is a statistic, system events come from no rule)', () => {
    const system: readonly string[] = SYSTEM_EVENT_TYPES;
    expect(Object.keys(RULE_FACTORIES).sort()).toEqual(EVENT_TYPES.filter((t) => !system.includes(t)).sort());
    expect(RULE_TYPES.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t))).toEqual(['counting']);
  });

  it('creates the enabled rules of a camera with their policy', () => {
    const rules = createCameraRules(camera());
    expect(rules.meta).toEqual([
      { id: 'r1', type: 'intrusion', severity: 'high', cooldownS: 10, mode: 'active' },
      { id: 'r2', type: 'wrong_way', severity: 'high', cooldownS: 30, mode: 'active' },
      { id: 'r3', type: 'line_crossing', severity: 'low', cooldownS: 0, mode: 'active' },
    ]);
  });

  it('evaluates all rules of the camera with one verb', () => {
    const rules = createCameraRules(camera());
    let state = rules.init();
    const out: string[] = [];
    for (const f of [frame(0, [person(1, 0.7, 0.4)]), frame(0.2, [person(1, 0.7, 0.6)])]) {
      const step = rules.evaluate(state, f);
      state = step.state;
      out.push(...step.signals.map((s) => `${s.ruleId} ${brief(s)}`));
    }
    expect(out).toEqual(['r1 0 active #1', 'r1 0.2 active #1', 'r3 0.2 instant #1 a_to_b']);
  });

  it('takes injected factories (tests, plug-ins) instead of the defaults', () => {
    const made: string[] = [];
    const fake = (id: string): Rule<null> => ({
      meta: { id, type: 'intrusion', severity: 'low', cooldownS: 0, mode: 'active' },
      init: () => null,
      evaluate: (state) => ({ state, signals: [] }),
    });
    const factories: RuleFactories = {
      ...RULE_FACTORIES,
      intrusion: (c) => (made.push(`i:${c.id}`), fake(c.id)),
      line_crossing: (c) => (made.push(`l:${c.id}`), fake(c.id)),
      wrong_way: (c) => (made.push(`w:${c.id}`), fake(c.id)),
    };
    createCameraRules(camera(), { factories });
    expect(made).toEqual(['i:r1', 'w:r2', 'l:r3']);
  });

  it('fails with the rule id when a reference is missing', () => {
    const config = ruleConfig({ id: 'r7', type: 'intrusion', zone: 'ghost' });
    expect(() => createRule(config, { zones: [], lines: [] })).toThrow(RuleConfigError);
    expect(() => createRule(config, { zones: [], lines: [] })).toThrow(/rule "r7": unknown zone "ghost"/);
  });
});
