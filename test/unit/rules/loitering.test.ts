import { describe, expect, it } from 'vitest';
import type { TrackSnapshot } from '../../../src/contracts/track.js';
import { createIntrusionRule } from '../../../src/rules/intrusion.js';
import { createLoiteringRule, LOITERING_EXIT_GRACE_S } from '../../../src/rules/loitering.js';
import { MAX_TRACKED_PER_RULE } from '../../../src/rules/track-table.js';
import type { LoiteringState } from '../../../src/rules/loitering.js';
import { brief, car, frame, person, ruleConfig, run, zone } from './scenario.js';

// Zone: the left half of a car park, below y = 0.4.
const carPark = zone({ id: 'parking', polygon: [[0, 0.4], [0.5, 0.4], [0.5, 1], [0, 1]] });
const scene = { zones: [carPark], lines: [] };
const rule = (extra: Record<string, unknown> = {}) =>
  createLoiteringRule(ruleConfig({ id: 'l1', type: 'loitering', zone: 'parking', min_duration_s: 10, ...extra }), scene);

const IN = 0.3;
const OUT = 0.8;

/** One frame a second from t0 to t1 with the given track positions (x per track). */
function seconds(t0: number, t1: number, tracks: (t: number) => TrackSnapshot[]) {
  const out = [];
  for (let t = t0; t <= t1; t++) out.push(frame(t, tracks(t)));
  return out;
}

describe('loitering', () => {
  it('raises once the track has been in the zone min_duration_s, holds while inside, ends after leaving for longer than the grace', () => {
    const signals = run(rule(), [
      ...seconds(0, 11, () => [person(1, IN, 0.7)]),
      ...seconds(12, 20, () => [person(1, OUT, 0.7)]),
    ]);
    expect(signals.map(brief)).toEqual(['10 active #1', '11 active #1', `${11 + LOITERING_EXIT_GRACE_S + 1} ended #1 left`]);
    expect(signals[0]).toMatchObject({ ruleId: 'l1', type: 'loitering', details: { zone: 'parking', dwell_s: 10 } });
  });

  it('keeps the clock through a brief exit (pacing round a car), unlike intrusion', () => {
    // In 0..5, out 6..8 (3 s), back in 9..12.
    const pacing = seconds(0, 12, (t) => [person(1, t >= 6 && t <= 8 ? OUT : IN, 0.7)]);
    expect(run(rule(), pacing).map(brief)).toEqual(['10 active #1', '11 active #1', '12 active #1']);
    const intrusion = createIntrusionRule(ruleConfig({ id: 'i1', type: 'intrusion', zone: 'parking', min_duration_s: 10 }), scene);
    expect(run(intrusion, pacing)).toEqual([]);
  });

  it('a raised track stepping out briefly is not ended; out longer than the grace, the clock restarts on return', () => {
    const signals = run(rule(), [
      ...seconds(0, 10, () => [person(1, IN, 0.7)]),
      ...seconds(11, 13, () => [person(1, OUT, 0.7)]), // 3 s out: still loitering
      ...seconds(14, 15, () => [person(1, IN, 0.7)]),
      ...seconds(16, 22, () => [person(1, OUT, 0.7)]), // 7 s out: gone
      ...seconds(23, 30, () => [person(1, IN, 0.7)]), // back: 7 s, not enough yet
    ]);
    expect(signals.map(brief)).toEqual(['10 active #1', '14 active #1', '15 active #1', '21 ended #1 left']);
  });

  it('exactly min_duration_s counts; a shorter stay gives nothing', () => {
    expect(run(rule(), seconds(0, 10, () => [person(1, IN, 0.7)])).map(brief)).toEqual(['10 active #1']);
    expect(run(rule(), seconds(0, 9, () => [person(1, IN, 0.7)]))).toEqual([]);
  });

  it('follows each track on its own and only the selected classes', () => {
    const signals = run(rule(), seconds(0, 10, (t) => [person(1, IN, 0.7), car(2, IN, 0.7), ...(t >= 5 ? [person(3, IN, 0.8)] : [])]));
    expect(signals.map(brief)).toEqual(['10 active #1']);
  });

  it('ends when the track ends, even while out within the grace', () => {
    const signals = run(rule(), [
      ...seconds(0, 10, () => [person(1, IN, 0.7)]),
      frame(11, [person(1, OUT, 0.7)]),
      frame(12, [], [1]),
    ]);
    expect(signals.map(brief)).toEqual(['10 active #1', '12 ended #1 track_ended']);
  });

  it('a track whose id changes (occlusion) starts again from zero (known limit)', () => {
    const signals = run(rule(), seconds(0, 15, (t) => [person(t < 8 ? 1 : 2, IN, 0.7)]));
    expect(signals).toEqual([]);
  });

  it('two people in one box are one loiterer until they part; the one who gets a new track starts from zero (known limit)', () => {
    // 0..5: one box around both (track #1); from 6 they part and the second gets track #2.
    const signals = run(rule(), seconds(0, 16, (t) => (t < 6 ? [person(1, IN, 0.7)] : [person(1, IN, 0.7), person(2, IN + 0.1, 0.7)])));
    expect(signals.map(brief)).toEqual(['10 active #1', '11 active #1', '12 active #1', '13 active #1', '14 active #1', '15 active #1', '16 active #1', '16 active #2']);
  });

  it('forgets tracks that leave, and keeps its table bounded', () => {
    const r = rule();
    let state: LoiteringState = r.init();
    for (let t = 0; t < 3; t++) {
      const crowd = Array.from({ length: MAX_TRACKED_PER_RULE + 50 }, (_, i) => person(i + 1, IN, 0.5 + (i % 50) / 100));
      state = r.evaluate(state, frame(t, crowd)).state;
    }
    expect(state.tracks.size).toBe(MAX_TRACKED_PER_RULE);
    state = r.evaluate(state, frame(3, [person(1, IN, 0.7)], Array.from({ length: MAX_TRACKED_PER_RULE + 50 }, (_, i) => i + 2))).state;
    expect([...state.tracks.keys()]).toEqual([1]);
  });
});
