import { describe, expect, it } from 'vitest';
import type { TrackSnapshot } from '../../../src/contracts/track.js';
import { createGatheringRule, GATHERING_DIP_GRACE_S, GATHERING_KEY } from '../../../src/rules/gathering.js';
import { createCameraRules } from '../../../src/rules/registry.js';
import { RuleConfigError, type ActiveSignal, type RuleContext } from '../../../src/rules/types.js';
import { groundPlaneSchema } from '../../../src/config/schema.js';
import { brief, car, frame, H, person, ruleConfig, run, track, W, zone } from './scenario.js';

// Zone: the right half of the image, below y = 0.4.
const square = zone({ id: 'parvis', polygon: [[0.5, 0.4], [1, 0.4], [1, 1], [0.5, 1]] });
const scene = { zones: [square], lines: [] };
const rule = (extra: Record<string, unknown> = {}) =>
  createGatheringRule(ruleConfig({ id: 'g1', type: 'gathering', zone: 'parvis', min_people: 3, min_duration_s: 2, ...extra }), scene);

/** `n` people standing in the zone, ids from `first`. */
function group(n: number, first = 1): TrackSnapshot[] {
  return Array.from({ length: n }, (_, i) => person(first + i, 0.55 + 0.1 * i, 0.7));
}

/** One frame per `step` seconds from t0 to t1 (inclusive), with the same tracks. */
function hold(t0: number, t1: number, tracks: readonly TrackSnapshot[], step = 0.5) {
  const out = [];
  for (let t = t0; t <= t1 + 1e-9; t = Math.round((t + step) * 1e6) / 1e6) out.push(frame(t, tracks));
  return out;
}

describe('gathering', () => {
  it('raises after min_duration_s with min_people in the zone, as one group situation, and ends after the grace', () => {
    const signals = run(rule(), [
      ...hold(0, 3, group(3)),
      ...hold(3.5, 6.5, group(2)), // one left: below the threshold
    ]);
    expect(signals.map(brief)).toEqual([
      '2 active #0',
      '2.5 active #0',
      '3 active #0',
      `${3 + GATHERING_DIP_GRACE_S + 0.5} ended #0 stopped`,
    ]);
    const first = signals[0] as ActiveSignal;
    expect(first).toMatchObject({ ruleId: 'g1', type: 'gathering', trackId: GATHERING_KEY, trackIds: [1, 2, 3], cls: 'person', details: { zone: 'parvis', people: 3, dwell_s: 2 } });
    // The box holds the three members: from the left of #1 to the right of #3, from their heads to their feet.
    const [left, top, width, height] = first.box;
    expect(left).toBeCloseTo(0.55 - 12 / W, 9);
    expect(left + width).toBeCloseTo(0.75 + 12 / W, 9);
    expect(top).toBeCloseTo(0.7 - 72 / H, 9);
    expect(top + height).toBeCloseTo(0.7, 9);
  });

  it('exactly min_people for exactly min_duration_s raises; one person fewer never does', () => {
    expect(run(rule(), hold(0, 2, group(3), 1)).map(brief)).toEqual(['2 active #0']);
    expect(run(rule(), hold(0, 60, group(2), 1))).toEqual([]);
  });

  it('counts only the selected classes, with their anchor inside the zone', () => {
    const tracks = [person(1, 0.6, 0.7), person(2, 0.7, 0.7), car(3, 0.8, 0.7), person(4, 0.2, 0.7), person(5, 0.9, 0.39)];
    expect(run(rule(), hold(0, 5, tracks))).toEqual([]);
    expect(run(rule({ classes: ['person', 'car'] }), hold(0, 2, tracks)).map(brief)).toEqual(['2 active #0']);
  });

  it('a member who steps out and back within the grace neither ends the gathering nor restarts its dwell', () => {
    const signals = run(rule(), [
      ...hold(0, 1, group(3)),
      frame(1.5, group(2)), // #3 hidden or out for 1 s: the dwell goes on
      frame(2, group(2)),
      ...hold(2.5, 3.5, group(3)),
      ...hold(4, 5, group(2)), // out again while raised, back within the grace: no end
      ...hold(5.5, 6, group(3)),
    ]);
    expect(signals.map(brief)).toEqual(['2.5 active #0', '3 active #0', '3.5 active #0', '5.5 active #0', '6 active #0']);
    expect((signals[0] as ActiveSignal).details).toMatchObject({ people: 3, dwell_s: 2.5 });
  });

  it('a member away longer than the grace ends the gathering; on return the dwell starts again', () => {
    const signals = run(rule(), [
      ...hold(0, 2, group(3)),
      ...hold(2.5, 5, group(2)), // 3 s below the threshold
      ...hold(5.5, 8, group(3)),
    ]);
    expect(signals.map(brief)).toEqual(['2 active #0', '4.5 ended #0 stopped', '7.5 active #0', '8 active #0']);
  });

  it('a dip before the gathering is raised longer than the grace restarts the dwell', () => {
    const signals = run(rule(), [...hold(0, 1.5, group(3)), ...hold(2, 4.5, group(1)), ...hold(5, 7, group(3))]);
    expect(signals.map(brief)).toEqual(['7 active #0']);
  });

  it('two people merged into one box by the detector count as one (known limit)', () => {
    const merged = track(2, 'person', [0.6 * W, 0.5 * H, 0.7 * W, 0.7 * H]); // one wide box around two people
    expect(run(rule(), hold(0, 5, [person(1, 0.55, 0.7), merged]))).toEqual([]);
  });

  it('the members reported are those of the latest frame; ended tracks do not count', () => {
    const signals = run(rule({ min_duration_s: 0 }), [
      frame(0, group(3)),
      frame(0.5, [...group(2), person(7, 0.9, 0.9)]), // #3 replaced by #7
      frame(1, group(3), [3]), // #3 listed as ended in this frame
    ]);
    expect(signals.map((s) => (s.kind === 'situation.active' ? s.trackIds : s.kind))).toEqual([[1, 2, 3], [1, 2, 7]]);
  });

  it('never modifies the state it is given', () => {
    const r = rule();
    const s0 = Object.freeze(r.init());
    const s1 = Object.freeze(r.evaluate(s0, frame(0, group(3))).state);
    expect(s0).toEqual(r.init());
    expect(() => r.evaluate(s1, frame(3, group(3)))).not.toThrow();
  });

  describe('density on a calibrated ground plane', () => {
    // The whole image is a 20 m x 10 m rectangle seen from straight above; the zone is its right half: 100 m².
    const groundPlane = groundPlaneSchema.parse({ image: [[0, 0], [1, 0], [1, 1], [0, 1]], world: [[0, 10], [20, 10], [20, 0], [0, 0]] });
    const calibrated = { zones: [zone({ id: 'parvis', polygon: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]] })], lines: [], groundPlane };
    const dense = (extra: Record<string, unknown>) =>
      createGatheringRule(ruleConfig({ id: 'g1', type: 'gathering', zone: 'parvis', min_people: 3, min_duration_s: 0, ...extra }), calibrated);

    it('requires the density as well as the count, and reports it', () => {
      expect(run(dense({ min_density_per_m2: 0.04 }), [frame(0, group(3))])).toEqual([]); // 0.03 people/m²
      const signals = run(dense({ min_density_per_m2: 0.04 }), [frame(0, group(4))]); // exactly 0.04
      expect(signals.map(brief)).toEqual(['0 active #0']);
      expect(signals[0]).toMatchObject({ details: { people: 4, density_per_m2: 0.04 } });
    });

    it('reports the density without a threshold when the camera is calibrated', () => {
      expect(run(dense({}), [frame(0, group(5))])[0]).toMatchObject({ details: { density_per_m2: 0.05 } });
    });

    it('refuses a density threshold without a ground plane, or on a zone beyond the horizon', () => {
      expect(() => rule({ min_density_per_m2: 0.5 })).toThrow(RuleConfigError);
      expect(() => rule({ min_density_per_m2: 0.5 })).toThrow(/needs the camera's ground_plane/);
      const tilted = groundPlaneSchema.parse({ image: [[0.3, 0.5], [0.7, 0.5], [0.9, 0.9], [0.1, 0.9]], world: [[0, 20], [10, 20], [10, 0], [0, 0]] });
      const sky = { zones: [zone({ id: 'parvis', polygon: [[0.4, 0], [0.6, 0], [0.6, 0.6], [0.4, 0.6]] })], lines: [], groundPlane: tilted };
      expect(() => createGatheringRule(ruleConfig({ id: 'g1', type: 'gathering', zone: 'parvis', min_density_per_m2: 0.5 }), sky)).toThrow(/beyond the horizon/);
    });
  });

  it('outside its schedule raises nothing (registry wrapper), and resumes inside it', () => {
    const rules = createCameraRules(
      { zones: [square], lines: [], rules: [ruleConfig({ id: 'g1', type: 'gathering', zone: 'parvis', min_people: 3, min_duration_s: 1, schedule: [{ from: '22:00', to: '06:00' }] })] },
      { timeZone: 'UTC' },
    );
    const noon: RuleContext = { wallMs: Date.UTC(2025, 0, 6, 12, 0, 0), scene: {} };
    const night: RuleContext = { wallMs: Date.UTC(2025, 0, 6, 23, 0, 0), scene: {} };
    let state = rules.init();
    const kinds: string[] = [];
    for (const [t, ctx] of [[0, noon], [1, noon], [2, noon], [3, night]] as const) {
      const step = rules.evaluate(state, frame(t, group(3)), ctx);
      state = step.state;
      kinds.push(...step.signals.map(brief));
    }
    expect(kinds).toEqual(['3 active #0']);
  });

  it('fails on an unknown zone', () => {
    expect(() => createGatheringRule(ruleConfig({ id: 'g1', type: 'gathering', zone: 'nope' }), scene)).toThrow(/unknown zone "nope"/);
  });
});
