import { describe, expect, it } from 'vitest';
import { createSmokeRule } from '../../../src/rules/smoke.js';
import type { RuleSignal } from '../../../src/rules/types.js';
import type { HazardRegion } from '../../../src/vision/scene/types.js';
import { frame, ruleConfig } from './scenario.js';

const veil: HazardRegion = { box: [0.4, 0.0, 0.3, 0.3], areaShare: 0.05, score: 0.7 };

function runSmoke(config: Record<string, unknown>, untilS: number, regionsAt: (t: number) => HazardRegion[], withReading = true): RuleSignal[] {
  const rule = createSmokeRule(ruleConfig({ id: 'fumee', type: 'smoke', ...config }), { zones: [], lines: [] });
  let state = rule.init();
  const out: RuleSignal[] = [];
  for (let k = 0; k * 0.2 <= untilS + 1e-9; k++) {
    const t = Math.round(k * 2) / 10;
    const scene = withReading ? { smoke: { regions: regionsAt(t) } } : {};
    const step = rule.evaluate(state, frame(t, []), { wallMs: 0, scene });
    state = step.state;
    out.push(...step.signals);
  }
  return out;
}

describe('smoke rule', () => {
  it('asks for smoke readings and raises after the default 10 s, anywhere in the frame', () => {
    const signals = runSmoke({}, 20, () => [veil]);
    expect(signals[0]).toMatchObject({ kind: 'situation.active', tSec: 10, type: 'smoke', box: veil.box, details: { area: 0.05, score: 0.7 } });
  });

  it('uses the default smallest area of 1 % of the frame', () => {
    expect(runSmoke({}, 20, () => [{ ...veil, areaShare: 0.009 }])).toEqual([]);
  });

  it('reports the strongest of several regions', () => {
    const weak: HazardRegion = { box: [0, 0.5, 0.2, 0.2], areaShare: 0.04, score: 0.2 };
    const signals = runSmoke({ min_duration_s: 0 }, 1, () => [weak, veil]);
    expect(signals[0]).toMatchObject({ box: veil.box });
  });

  it('ends the situation with reason stopped once the veil has been gone for over a second', () => {
    const ended = runSmoke({ min_duration_s: 2 }, 10, (t) => (t < 5 ? [veil] : [])).filter((s) => s.kind === 'situation.ended');
    expect(ended).toEqual([expect.objectContaining({ tSec: 6, reason: 'stopped', trackId: 0 })]);
  });

  it('raises nothing without a smoke reading', () => {
    expect(runSmoke({ min_duration_s: 0 }, 5, () => [veil], false)).toEqual([]);
  });
});
