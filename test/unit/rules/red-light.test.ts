import { describe, expect, it } from 'vitest';
import type { TrackFrame } from '../../../src/contracts/track.js';
import { createRedLightRule, nextRedPhase } from '../../../src/rules/red-light.js';
import type { RuleContext, RuleSignal } from '../../../src/rules/types.js';
import type { LampColour } from '../../../src/vision/scene/types.js';
import { line, ruleConfig, zone } from './scenario.js';
import { carBox, follow, framesOf, itinerary, noise, runWith } from './vehicle-scenario.js';

// Stop line across the road at y = 0.5, drawn left to right: driving down the image is a_to_b.
const scene = {
  zones: [zone({ id: 'feu', polygon: [[0.9, 0.05], [0.95, 0.05], [0.95, 0.15], [0.9, 0.15]] })],
  lines: [line({ id: 'ligne-feu', points: [[0, 0.5], [0.8, 0.5]] })],
};
const rule = (extra: Record<string, unknown> = {}) =>
  createRedLightRule(ruleConfig({ id: 'feu-rouge', type: 'red_light', stop_line: 'ligne-feu', signal_zone: 'feu', ...extra }), scene);

/** A light that is `colour(t)` at time t, as the scene stage would report it. */
const light = (colour: (t: number) => LampColour) => (f: TrackFrame): RuleContext => ({ wallMs: 0, scene: { lamps: new Map([['feu', { colour: colour(f.tSec) }]]) } });
/** Red from `from` to `to`, green otherwise. */
const redBetween = (from: number, to: number) => light((t) => (t >= from - 1e-9 && t < to - 1e-9 ? 'red' : 'green'));

/** A car driving down through the stop line, crossing it at `crossAt` (0.3 of the height per second). */
const crosses = (id: number, crossAt: number, x = 0.4) =>
  follow(id, 'car', itinerary([[crossAt - 1.5, x, 0.05], [crossAt + 1.5, x, 0.95]]), (px, py) => carBox(px, py));

const brief = (signals: readonly RuleSignal[]) => signals.map((s) => (s.kind === 'instant' ? `${s.tSec} #${s.trackId} ${String(s.details['direction'])}` : s.kind));

describe('red light', () => {
  it('asks the scene stage for the lamp of its signal zone', () => {
    expect(rule().scene?.lamps?.map((l) => l.id)).toEqual(['feu']);
  });

  it('raises a car crossing the stop line on red, not on green', () => {
    const frames = framesOf([...crosses(1, 5.1), ...crosses(2, 15.1, 0.6)]);
    expect(brief(runWith(rule(), frames, redBetween(3, 10)))).toEqual(['5.4 #1 a_to_b']);
    expect(runWith(rule(), frames, redBetween(20, 30))).toEqual([]);
  });

  it('amber is not red', () => {
    const frames = framesOf(crosses(1, 5.1));
    expect(runWith(rule(), frames, light((t) => (t < 6 ? 'amber' : 'red')))).toEqual([]);
  });

  it('gives the benefit of the doubt to a car crossing as the light turns red', () => {
    // Crosses at 5.1 s; the first frame reading red is 5.2 s: it may have crossed on amber.
    expect(runWith(rule(), framesOf(crosses(1, 5.1)), redBetween(5.2, 30))).toEqual([]);
    // The frame before the crossing already read red: a violation.
    expect(runWith(rule(), framesOf(crosses(1, 5.1)), redBetween(5.0, 30))).toHaveLength(1);
  });

  it('a car waiting on the stop line with a jittering box is not crossing', () => {
    const rnd = noise(1, 1);
    const route = itinerary([[0, 0.4, 0.1], [2, 0.4, 0.5], [30, 0.4, 0.5]]);
    const frames = framesOf(follow(1, 'car', route, (x, y) => carBox(x, y, 4, rnd)));
    expect(runWith(rule(), frames, redBetween(0, 60))).toEqual([]);
  });

  it('respects direction: traffic leaving the junction the other way is not running the light', () => {
    const up = follow(1, 'car', itinerary([[3, 0.4, 0.95], [6, 0.4, 0.05]]), (x, y) => carBox(x, y));
    expect(runWith(rule({ direction: 'a_to_b' }), framesOf(up), redBetween(0, 60))).toEqual([]);
    expect(brief(runWith(rule({ direction: 'any' }), framesOf(up), redBetween(0, 60)))).toEqual(['4.8 #1 b_to_a']);
  });

  it('reads no lamp as not red (no scene reading: no event)', () => {
    expect(runWith(rule(), framesOf(crosses(1, 5.1)), () => ({ wallMs: 0, scene: {} }))).toEqual([]);
  });

  it('bridges brief dark readings of a flickering LED lamp', () => {
    const flicker = light((t) => (Math.round(t * 5) % 3 === 0 ? 'off' : 'red'));
    expect(runWith(rule(), framesOf(crosses(1, 5.1)), flicker)).toHaveLength(1);
    expect(nextRedPhase({ sinceS: 0, lastRedS: 1 }, 'off', 2)).toBeNull();
    expect(nextRedPhase({ sinceS: 0, lastRedS: 1 }, 'green', 1.2)).toBeNull();
  });

  it('a car that crosses, backs up and crosses again on red raises twice (two crossings)', () => {
    const route = itinerary([[0, 0.4, 0.3], [2, 0.4, 0.7], [4, 0.4, 0.3], [6, 0.4, 0.7]]);
    expect(brief(runWith(rule({ direction: 'a_to_b' }), framesOf(follow(1, 'car', route, (x, y) => carBox(x, y))), redBetween(0, 60)))).toEqual(['1.4 #1 a_to_b', '5.4 #1 a_to_b']);
  });
});
