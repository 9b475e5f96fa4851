import { describe, expect, it } from 'vitest';
import { createAbandonedObjectRule } from '../../../src/rules/abandoned-object.js';
import { scheduledRule } from '../../../src/rules/registry.js';
import { RuleConfigError, type RuleContext, type RuleSignal } from '../../../src/rules/types.js';
import { region, runRegions, staticContext } from '../../helpers/static-clips.js';
import { brief, frame, person, ruleConfig, zone } from './scenario.js';

// Zone: the lower half of the image.
const scene = { zones: [zone({ id: 'parvis', polygon: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]] })], lines: [] };
const rule = (extra: Record<string, unknown> = {}) =>
  createAbandonedObjectRule(ruleConfig({ id: 'a1', type: 'abandoned_object', zone: 'parvis', min_duration_s: 10, ...extra }), scene);

describe('abandoned_object', () => {
  it('asks for the static-scene reading, held at least as long as it waits', () => {
    expect(rule().scene).toEqual({ static: true, staticMinDurationS: 10 });
  });

  it('raises once a region in the zone has been static min_duration_s, holds, ends when it goes', () => {
    const bag = region(7, 0.5, 0.8, 2);
    const signals = runRegions(rule(), [[5, [bag]], [11.9, [bag]], [12, [bag]], [13, [bag]], [14, []], [15, []]]);
    expect(signals.map(brief)).toEqual(['12 active #7', '13 active #7', '14 ended #7 stopped']);
    expect(signals[0]).toMatchObject({ ruleId: 'a1', type: 'abandoned_object', cls: 'object', trackIds: [], box: bag.box, details: { zone: 'parvis', static_s: 10, area: 0.002 } });
  });

  it('ignores regions outside the zone (by their ground point) and outside [min_area, max_area]', () => {
    const signals = runRegions(rule(), [
      [20, [region(1, 0.5, 0.3, 0), region(2, 0.5, 0.8, 0, { area: 0.0001 }), region(3, 0.5, 0.8, 0, { area: 0.2 }), region(4, 0.5, 0.52, 0, { h: 0.1 })]],
    ]);
    // Region 4 reaches above the zone but stands on it.
    expect(signals.map(brief)).toEqual(['20 active #4']);
  });

  it('keeps one situation per region id, two bags give two situations', () => {
    const signals = runRegions(rule(), [[12, [region(1, 0.2, 0.8, 0), region(2, 0.7, 0.9, 1)]], [13, [region(2, 0.7, 0.9, 1)]]]);
    expect(signals.map(brief)).toEqual(['12 active #1', '12 active #2', '13 active #2', '13 ended #1 stopped']);
  });

  it('does nothing without a static reading (a pipeline that did not compute one), and never mutates its state', () => {
    const r = rule();
    const s0 = r.init();
    const withoutReading = r.evaluate(s0, frame(30, [person(1, 0.5, 0.8)]));
    expect(withoutReading.signals).toEqual([]);
    const step = r.evaluate(s0, frame(30, []), staticContext([region(1, 0.5, 0.8, 0)]));
    expect(step.signals).toHaveLength(1);
    expect(s0.active.size).toBe(0);
    expect(step.state.active.has(1)).toBe(true);
  });

  it('outside its schedule raises nothing, and ends an open situation when the schedule closes', () => {
    // 2026-01-05 is a Monday; the slot is Monday 08:00-09:00 Paris time (07:00-08:00 UTC).
    const r = scheduledRule(rule({ min_duration_s: 0 }), [{ days: ['mon'], from: '08:00', to: '09:00' }], 'Europe/Paris');
    const at = (iso: string): RuleContext => ({ ...staticContext([region(1, 0.5, 0.8, 0)]), wallMs: Date.parse(iso) });
    let state = r.init();
    const signals: RuleSignal[] = [];
    for (const [t, iso] of [[1, '2026-01-05T06:59:00Z'], [2, '2026-01-05T07:30:00Z'], [3, '2026-01-05T08:00:30Z']] as const) {
      const step = r.evaluate(state, frame(t, []), at(iso));
      state = step.state;
      signals.push(...step.signals);
    }
    expect(signals.map(brief)).toEqual(['2 active #1', '3 ended #1 schedule']);
  });

  it('fails on an unknown zone, naming the known ones', () => {
    expect(() => createAbandonedObjectRule(ruleConfig({ id: 'a1', type: 'abandoned_object', zone: 'nope' }), scene)).toThrow(RuleConfigError);
    expect(() => createAbandonedObjectRule(ruleConfig({ id: 'a1', type: 'abandoned_object', zone: 'nope' }), scene)).toThrow(/parvis/);
  });
});
