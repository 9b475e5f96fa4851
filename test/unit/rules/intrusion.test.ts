import { describe, expect, it } from 'vitest';
import { createIntrusionRule } from '../../../src/rules/intrusion.js';
import { RuleConfigError } from '../../../src/rules/types.js';
import { brief, car, frame, person, ruleConfig, run, thing, zone } from './scenario.js';

// Zone: the right half of the image, below the horizon y = 0.4.
const scene = { zones: [zone({ id: 'quai', polygon: [[0.5, 0.4], [1, 0.4], [1, 1], [0.5, 1]] })], lines: [] };
const rule = (extra: Record<string, unknown> = {}) =>
  createIntrusionRule(ruleConfig({ id: 'r1', type: 'intrusion', zone: 'quai', ...extra }), scene);

describe('intrusion', () => {
  it('raises after min_duration_s inside, holds while inside, ends when the track leaves', () => {
    const signals = run(rule({ min_duration_s: 1 }), [
      frame(0.0, [person(1, 0.3, 0.6)]), // outside
      frame(0.5, [person(1, 0.6, 0.6)]), // enters
      frame(1.0, [person(1, 0.6, 0.6)]), // 0.5 s inside
      frame(1.5, [person(1, 0.7, 0.6)]), // 1.0 s inside -> active
      frame(2.0, [person(1, 0.7, 0.7)]),
      frame(2.5, [person(1, 0.3, 0.7)]), // left
      frame(3.0, [person(1, 0.3, 0.7)]),
    ]);
    expect(signals.map(brief)).toEqual(['1.5 active #1', '2 active #1', '2.5 ended #1 left']);
    expect(signals[0]).toMatchObject({ ruleId: 'r1', type: 'intrusion', cls: 'person', details: { zone: 'quai', dwell_s: 1 } });
  });

  it('a stay shorter than min_duration_s gives nothing', () => {
    const signals = run(rule({ min_duration_s: 2 }), [
      frame(0, [person(1, 0.6, 0.6)]),
      frame(1, [person(1, 0.6, 0.6)]),
      frame(1.8, [person(1, 0.6, 0.6)]),
      frame(2.2, [person(1, 0.3, 0.6)]),
      frame(3, [person(1, 0.6, 0.6)]), // back in: the dwell restarts
      frame(4, [person(1, 0.6, 0.6)]),
    ]);
    expect(signals).toEqual([]);
  });

  it('uses the foot point for people and the centre for vehicles', () => {
    // Person's box spans y 0.2..0.45 (feet at 0.45, inside); car centred at 0.38 (outside).
    const signals = run(rule({ min_duration_s: 0, classes: ['person', 'car'] }), [
      frame(0, [person(1, 0.6, 0.45), car(2, 0.6, 0.38)]),
    ]);
    expect(signals.map(brief)).toEqual(['0 active #1']);
  });

  it('an explicit anchor overrides auto', () => {
    const signals = run(rule({ min_duration_s: 0, anchor: 'center' }), [frame(0, [person(1, 0.6, 0.45)])]);
    expect(signals).toEqual([]); // the person's box centre (y = 0.35) is above the zone
  });

  it('ends the situation when the track ends, and per track', () => {
    const signals = run(rule({ min_duration_s: 0 }), [
      frame(0, [person(1, 0.6, 0.6), person(2, 0.8, 0.8)]),
      frame(1, [person(2, 0.8, 0.8)], [1]),
      frame(2, [], [2]),
    ]);
    expect(signals.map(brief)).toEqual(['0 active #1', '0 active #2', '1 ended #1 track_ended', '1 active #2', '2 ended #2 track_ended']);
  });

  it('a track missing from frames without being ended is dropped after the grace period', () => {
    const r = rule({ min_duration_s: 0 });
    let state = r.init();
    const out: string[] = [];
    for (const f of [frame(0, [person(1, 0.6, 0.6)]), frame(1, []), frame(2, []), frame(3, [])]) {
      const step = r.evaluate(state, f);
      state = step.state;
      out.push(...step.signals.map(brief));
    }
    expect(out).toEqual(['0 active #1', '3 ended #1 track_lost']);
    expect(state.tracks.size).toBe(0);
  });

  it.each([
    [['person'], 'person', 1],
    [['person'], 'car', 0],
    [['car', 'truck'], 'truck', 1],
    [['any'], 'object', 1],
    [['any'], 'dog', 1],
    [['object'], 'object', 1],
    [['object'], 'person', 0],
  ] as const)('classes %j and a %s -> %d situation(s)', (classes, cls, n) => {
    const t = cls === 'person' ? person(1, 0.6, 0.6) : thing(1, cls, 0.6, 0.6);
    const signals = run(rule({ min_duration_s: 0, classes }), [frame(0, [t])]);
    expect(signals.length).toBe(n);
  });

  it('does not modify the state it is given', () => {
    const r = rule({ min_duration_s: 0 });
    const s0 = r.init();
    const s1 = r.evaluate(s0, frame(0, [person(1, 0.6, 0.6)])).state;
    expect(s0.tracks.size).toBe(0);
    r.evaluate(s1, frame(1, [], [1]));
    expect(s1.tracks.size).toBe(1);
  });

  it('refuses an unknown zone', () => {
    expect(() => createIntrusionRule(ruleConfig({ id: 'r9', type: 'intrusion', zone: 'nowhere' }), scene)).toThrow(RuleConfigError);
  });
});
