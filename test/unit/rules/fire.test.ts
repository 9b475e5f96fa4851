import { describe, expect, it } from 'vitest';
import type { NormBoxLTWH } from '../../../src/contracts/geometry.js';
import { createFireRule } from '../../../src/rules/fire.js';
import { scheduledRule } from '../../../src/rules/registry.js';
import { RuleConfigError, type Rule, type RuleSignal } from '../../../src/rules/types.js';
import type { HazardRegion } from '../../../src/vision/scene/types.js';
import { frame, ruleConfig, zone } from './scenario.js';

const region = (box: NormBoxLTWH, areaShare = 0.002, score = 0.8): HazardRegion => ({ box, areaShare, score });
const NEAR_LEFT: NormBoxLTWH = [0.1, 0.6, 0.05, 0.08];
const scene = { zones: [zone({ id: 'depot', polygon: [[0, 0.5], [0.5, 0.5], [0.5, 1], [0, 1]] })], lines: [] };

/** Runs a fire rule at 5 fps with `regionsAt(t)` as the fire reading of each frame. */
function runFire(rule: Rule<unknown>, untilS: number, regionsAt: (t: number) => HazardRegion[], wallMs = 0): RuleSignal[] {
  let state = rule.init();
  const out: RuleSignal[] = [];
  for (let k = 0; k * 0.2 <= untilS + 1e-9; k++) {
    const t = Math.round(k * 2) / 10;
    const step = rule.evaluate(state, frame(t, []), { wallMs: wallMs + t * 1000, scene: { fire: { regions: regionsAt(t) } } });
    state = step.state;
    out.push(...step.signals);
  }
  return out;
}

const summary = (signals: RuleSignal[]): { first: number | undefined; active: number; ended: number[] } => ({
  first: signals.find((s) => s.kind === 'situation.active')?.tSec,
  active: signals.filter((s) => s.kind === 'situation.active').length,
  ended: signals.filter((s) => s.kind === 'situation.ended').map((s) => s.tSec),
});

describe('fire rule', () => {
  it('asks the scene stage for fire readings', () => {
    expect(createFireRule(ruleConfig({ id: 'feu', type: 'fire' }), scene).scene).toEqual({ fire: true });
  });

  it('raises once a region has held min_duration_s, with its box, area and score, and ends when it is gone', () => {
    const rule = createFireRule(ruleConfig({ id: 'feu', type: 'fire', min_duration_s: 3 }), scene);
    const signals = runFire(rule, 12, (t) => (t >= 2 && t < 8 ? [region(NEAR_LEFT, 0.0031, 0.9)] : []));
    expect(summary(signals)).toEqual({ first: 5, active: 15, ended: [9] }); // last seen 7.8, gone for more than 1 s at 9
    const first = signals[0]!;
    expect(first).toMatchObject({ kind: 'situation.active', type: 'fire', ruleId: 'feu', trackId: 0, trackIds: [], box: NEAR_LEFT, score: 0.9, cls: 'object' });
    expect(first.kind === 'situation.active' && first.details).toEqual({ area: 0.0031, score: 0.9 });
  });

  it('keeps counting through a gap of a frame or two, and restarts after a longer one', () => {
    const rule = createFireRule(ruleConfig({ id: 'feu', type: 'fire', min_duration_s: 3 }), scene);
    const shortGap = runFire(rule, 6, (t) => (t < 1.4 || t >= 1.8 ? [region(NEAR_LEFT)] : []));
    expect(summary(shortGap).first).toBe(3);
    const longGap = runFire(rule, 8, (t) => (t < 1.4 || t >= 3 ? [region(NEAR_LEFT)] : []));
    expect(summary(longGap).first).toBe(6);
  });

  it('ignores regions smaller than min_area', () => {
    const rule = createFireRule(ruleConfig({ id: 'feu', type: 'fire', min_area: 0.001 }), scene);
    expect(runFire(rule, 10, () => [region(NEAR_LEFT, 0.0009)])).toEqual([]);
  });

  it('watches only its zone when it has one: a region centred outside does not count', () => {
    const rule = createFireRule(ruleConfig({ id: 'feu', type: 'fire', zone: 'depot' }), scene);
    const outside = region([0.7, 0.6, 0.05, 0.08]);
    expect(runFire(rule, 10, () => [outside])).toEqual([]);
    const signals = runFire(rule, 10, () => [outside, region(NEAR_LEFT)]);
    expect(signals[0]).toMatchObject({ box: NEAR_LEFT, details: { zone: 'depot' } });
  });

  it('fails on an unknown zone, naming the known ones', () => {
    expect(() => createFireRule(ruleConfig({ id: 'feu', type: 'fire', zone: 'quai' }), scene)).toThrow(RuleConfigError);
    expect(() => createFireRule(ruleConfig({ id: 'feu', type: 'fire', zone: 'quai' }), scene)).toThrow(/known: depot/);
  });

  it('raises nothing outside its schedule', () => {
    const config = ruleConfig({ id: 'feu', type: 'fire', schedule: [{ days: ['mon'], from: '22:00', to: '06:00' }] });
    const rule = scheduledRule(createFireRule(config, scene), config.schedule!, 'UTC');
    const mondayNoon = Date.UTC(2024, 0, 1, 12, 0, 0);
    expect(runFire(rule, 10, () => [region(NEAR_LEFT)], mondayNoon)).toEqual([]);
    const mondayNight = Date.UTC(2024, 0, 1, 23, 0, 0);
    expect(summary(runFire(rule, 10, () => [region(NEAR_LEFT)], mondayNight)).first).toBe(3);
  });

  it('never modifies the state it is given', () => {
    const rule = createFireRule(ruleConfig({ id: 'feu', type: 'fire' }), scene);
    const s0 = rule.init();
    const frozen = JSON.stringify(s0);
    rule.evaluate(s0, frame(0, []), { wallMs: 0, scene: { fire: { regions: [region(NEAR_LEFT)] } } });
    expect(JSON.stringify(s0)).toBe(frozen);
  });
});
