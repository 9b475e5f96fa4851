import { describe, expect, it } from 'vitest';
import type { TamperKind } from '../../../src/config/schema.js';
import { createCameraTamperRule } from '../../../src/rules/camera-tamper.js';
import type { RuleSignal } from '../../../src/rules/types.js';
import { frame, ruleConfig } from './scenario.js';

function runTamper(config: Record<string, unknown>, untilS: number, conditionsAt: (t: number) => TamperKind[]): RuleSignal[] {
  const rule = createCameraTamperRule(ruleConfig({ id: 'sabotage', type: 'camera_tamper', ...config }), { zones: [], lines: [] });
  expect(rule.scene).toEqual({ tamper: true });
  let state = rule.init();
  const out: RuleSignal[] = [];
  for (let k = 0; k * 0.2 <= untilS + 1e-9; k++) {
    const t = Math.round(k * 2) / 10;
    const tamper = { conditions: conditionsAt(t), measures: { brightness: 3, contrast: 1 }, referenceReady: true };
    const step = rule.evaluate(state, frame(t, []), { wallMs: 0, scene: { tamper } });
    state = step.state;
    out.push(...step.signals);
  }
  return out;
}

const firstActive = (signals: RuleSignal[], kind: TamperKind): RuleSignal | undefined =>
  signals.find((s) => s.kind === 'situation.active' && s.details.kind === kind);

describe('camera_tamper rule', () => {
  it('raises a kind after it held the default 5 s, over the whole frame, with the measures', () => {
    const signals = runTamper({}, 10, (t) => (t >= 2 ? ['covered'] : []));
    expect(firstActive(signals, 'covered')).toMatchObject({
      tSec: 7,
      trackId: 0, // index of covered in the kinds
      trackIds: [],
      box: [0, 0, 1, 1],
      details: { kind: 'covered', brightness: 3, contrast: 1 },
    });
  });

  it('keeps one situation per kind, keyed by the kind, each with its own duration', () => {
    const signals = runTamper({ min_duration_s: 1 }, 10, (t) => [...(t >= 1 ? (['defocused'] as const) : []), ...(t >= 4 && t < 6 ? (['moved'] as const) : [])]);
    expect(firstActive(signals, 'defocused')).toMatchObject({ tSec: 2, trackId: 2 });
    expect(firstActive(signals, 'moved')).toMatchObject({ tSec: 5, trackId: 3 });
    const ended = signals.filter((s) => s.kind === 'situation.ended');
    expect(ended).toEqual([expect.objectContaining({ trackId: 3, tSec: 7, reason: 'stopped' })]);
  });

  it('does not raise a condition that never holds min_duration_s in a row', () => {
    // On 3 s, off 2 s, repeatedly: the count restarts after each gap longer than the 1 s grace.
    expect(runTamper({}, 30, (t) => (t % 5 < 3 ? ['moved'] : []))).toEqual([]);
  });

  it('watches only the kinds it is given', () => {
    expect(runTamper({ kinds: ['covered', 'blinded'] }, 10, () => ['defocused', 'moved'])).toEqual([]);
  });
});
