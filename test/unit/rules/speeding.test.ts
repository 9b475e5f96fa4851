import { describe, expect, it } from 'vitest';
import { groundPlaneSchema } from '../../../src/config/schema.js';
import { createSpeedingRule, fittedSpeed } from '../../../src/rules/speeding.js';
import { RuleConfigError, type RuleSignal } from '../../../src/rules/types.js';
import { line, ruleConfig, run, zone } from './scenario.js';
import { carBox, follow, framesOf, itinerary, noise } from './vehicle-scenario.js';

// Two lines across the road (y = 0.3 and y = 0.7), 20 m apart on the ground; cars drive down the image.
const lines = [line({ id: 'entree', points: [[0, 0.3], [1, 0.3]] }), line({ id: 'sortie', points: [[0, 0.7], [1, 0.7]] })];
const scene = { zones: [zone({ id: 'route', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] })], lines };
const rule = (extra: Record<string, unknown> = {}) =>
  createSpeedingRule(ruleConfig({ id: 'vitesse', type: 'speeding', entry_line: 'entree', exit_line: 'sortie', distance_m: 20, speed_limit_kmh: 50, ...extra }), scene);

const brief = (signals: readonly RuleSignal[]) =>
  signals.map((s) => (s.kind === 'instant' ? `${s.tSec} #${s.trackId} ${String(s.details['speed_kmh'])} ${String(s.details['method'])}` : s.kind));

/** A car driving down the image at `v` (normalised height per second) from y0. */
const drive = (id: number, v: number, y0 = 0.05, x = 0.5, t0 = 0) =>
  follow(id, 'car', itinerary([[t0, x, y0], [t0 + (1 - y0) / v, x, 1]]), (px, py) => carBox(px, py));

describe('speeding between two lines', () => {
  it('measures the time between the lines, interpolated between frames', () => {
    // 0.4 of the height per second: 1 s between the lines = 72 km/h, although no frame falls on either line.
    expect(brief(run(rule(), framesOf(drive(1, 0.4, 0.05))))).toEqual(['1.8 #1 72 lines']);
    // 0.37/s: 1.081 s = 66.6 km/h; frame-quantised times would say 1.0 or 1.2 s (72 or 60 km/h).
    expect(brief(run(rule(), framesOf(drive(2, 0.37, 0.01))))).toEqual(['2 #2 66.6 lines']);
  });

  it('raises nothing under the limit, and reports the limit in the details', () => {
    expect(run(rule(), framesOf(drive(1, 0.2)))).toEqual([]);
    const [s] = run(rule({ speed_limit_kmh: 30 }), framesOf(drive(1, 0.2)));
    expect(s?.kind === 'instant' && s.details).toEqual({ speed_kmh: 36, limit_kmh: 30, method: 'lines' });
  });

  it('measures only from entry_line to exit_line, not the other way', () => {
    const up = follow(1, 'car', itinerary([[0, 0.5, 0.95], [2.5, 0.5, 0]]), (x, y) => carBox(x, y));
    expect(run(rule(), framesOf(up))).toEqual([]);
  });

  it('times from the last entry crossing: a car waiting on the entry line then driving off slowly is not speeding', () => {
    const rnd = noise(3, 1);
    const route = itinerary([[0, 0.5, 0.1], [1, 0.5, 0.3], [20, 0.5, 0.3], [21.4, 0.5, 0.5], [24.4, 0.5, 1]]);
    // Waiting with its centre jittering across the entry line for 19 s, then 0.4 of the height in 2.8 s (28 km/h).
    const frames = framesOf(follow(1, 'car', route, (x, y) => carBox(x, y, 6, rnd)));
    expect(run(rule(), frames)).toEqual([]);
    // The same, but fast after the wait: measured from the wait's end, not its start.
    const fast = itinerary([[0, 0.5, 0.1], [1, 0.5, 0.3], [20, 0.5, 0.3], [21, 0.5, 0.7], [22, 0.5, 1]]);
    const signals = run(rule(), framesOf(follow(1, 'car', fast, (x, y) => carBox(x, y))));
    expect(brief(signals)).toEqual(['21 #1 72 lines']);
  });

  it('ignores crossings outside the lines\' extent', () => {
    const short = [line({ id: 'entree', points: [[0, 0.3], [0.4, 0.3]] }), line({ id: 'sortie', points: [[0, 0.7], [0.4, 0.7]] })];
    const r = createSpeedingRule(ruleConfig({ id: 'v', type: 'speeding', entry_line: 'entree', exit_line: 'sortie', distance_m: 20 }), { zones: [], lines: short });
    expect(run(r, framesOf(drive(1, 0.4, 0.05, 0.7)))).toEqual([]);
    expect(run(r, framesOf(drive(1, 0.4, 0.05, 0.2)))).toHaveLength(1);
  });

  it('needs the same track at both lines: a track lost in between measures nothing', () => {
    const route = drive(1, 0.4, 0.05);
    const cut = [...route.filter((p) => p.t < 1.2), ...route.filter((p) => p.t >= 1.2).map((p) => ({ t: p.t, snap: { ...p.snap, id: 2 } }))];
    expect(run(rule(), framesOf(cut, [{ t: 1.2, id: 1 }]))).toEqual([]);
  });

  it('classes filter what is measured', () => {
    expect(run(rule({ classes: ['truck'] }), framesOf(drive(1, 0.4)))).toEqual([]);
  });
});

describe('speeding on the ground plane', () => {
  // The whole frame is 64 m x 36 m of flat road seen from straight above: 0.1 m per pixel.
  const groundPlane = groundPlaneSchema.parse({ image: [[0, 0], [1, 0], [1, 1], [0, 1]], world: [[0, 0], [64, 0], [64, 36], [0, 36]] });
  const planeScene = { ...scene, groundPlane };
  const planeRule = (extra: Record<string, unknown> = {}) =>
    createSpeedingRule(ruleConfig({ id: 'vitesse', type: 'speeding', zone: 'route', speed_limit_kmh: 90, ...extra }), planeScene);

  it('fits the speed over a second of ground positions, once per pass', () => {
    // 0.5 of the width per second = 32 m/s = 115.2 km/h.
    const route = follow(1, 'car', itinerary([[0, 0.05, 0.5], [1.8, 0.95, 0.5]]), (x, y) => carBox(x, y));
    expect(brief(run(planeRule(), framesOf(route)))).toEqual(['0.8 #1 115.2 ground_plane']);
  });

  it('is robust to box jitter around the limit: 80 km/h with +-3 px jitter stays under 90', () => {
    const rnd = noise(9, 1);
    // 22.2 m/s = 0.347 of the width per second.
    const route = follow(1, 'car', itinerary([[0, 0.02, 0.5], [2.8, 0.99, 0.5]]), (x, y) => carBox(x, y, 3, rnd));
    expect(run(planeRule(), framesOf(route))).toEqual([]);
  });

  it('needs a ground plane when measuring in a zone', () => {
    expect(() => createSpeedingRule(ruleConfig({ id: 'v', type: 'speeding', zone: 'route' }), scene)).toThrow(RuleConfigError);
  });

  it('fits nothing on too few positions', () => {
    expect(fittedSpeed([{ t: 0, x: 0, y: 0 }, { t: 1, x: 10, y: 0 }])).toBeNull();
    expect(fittedSpeed([0, 0.2, 0.4, 0.6, 0.8].map((t) => ({ t, x: 10 * t, y: 0 })))).toBeCloseTo(10, 9);
  });
});
