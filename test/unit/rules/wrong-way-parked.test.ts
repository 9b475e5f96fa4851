/**
 * Regression from the 2024-2025 French field trial: a parked car must not raise
 * wrong_way, whatever its detector boxes do while it stands there.
 */
import { describe, expect, it } from 'vitest';
import type { BoxXYXY } from '../../../src/contracts/geometry.js';
import { createWrongWayRule } from '../../../src/rules/wrong-way.js';
import { H, W, ruleConfig, run, zone } from './scenario.js';
import { follow, framesOf, itinerary, noise } from './vehicle-scenario.js';

// A lane whose traffic goes down the image; cars park along it.
const scene = { zones: [zone({ id: 'voie', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], direction: [0, 1] })], lines: [] };
const rule = () => createWrongWayRule(ruleConfig({ id: 'sens-interdit', type: 'wrong_way', zone: 'voie', classes: ['car', 'object'] }), scene);

/** A parked car's box centred at normalised (x, y), w x h px, top edge raised by `grow` of its height, edges jittered. */
const parkedBox = (w: number, h: number, jitter: number, rnd: () => number, grow: (t: number) => number) => (t: number, x: number, y: number): BoxXYXY => {
  const j = () => rnd() * jitter;
  const top = y * H - h / 2 - grow(t) * h;
  return [x * W - w / 2 + j(), top + j(), x * W + w / 2 + j(), y * H + h / 2 + j()];
};

const parkedFor = (id: number, t0: number, t1: number, box: (t: number, x: number, y: number) => BoxXYXY, x = 0.5, y = 0.6) =>
  itinerary([[t0, x, y], [t1, x, y]]).map((p) => follow(id, 'car', [p], (px, py) => box(p.t, px, py))[0] as ReturnType<typeof follow>[number]);

/** A triangle pulse: 0 outside [start, start + 2 * rise], peaking at `peak` after `rise` seconds. */
const pulse = (start: number, rise: number, peak: number) => (t: number) => Math.max(0, peak * (1 - Math.abs(t - start - rise) / rise));

describe('wrong_way on a parked car', () => {
  it('a small far-away car with jittering boxes for two minutes raises nothing', () => {
    const box = parkedBox(80, 40, 4, noise(1, 1), () => 0);
    expect(run(rule(), framesOf(parkedFor(1, 0, 120, box)))).toEqual([]);
  });

  it('a large car near the camera with +-8 px box jitter raises nothing', () => {
    const box = parkedBox(220, 160, 8, noise(2, 1), () => 0);
    expect(run(rule(), framesOf(parkedFor(1, 0, 120, box)))).toEqual([]);
  });

  it('a box that grows upwards and shrinks back (door opened, someone behind the car) raises nothing', () => {
    // Every 10 s the top edge rises by 30% of the box height over 2 s and falls back over 2 s.
    const grow = (t: number) => pulse(Math.floor(t / 10) * 10, 2, 0.3)(t);
    const box = parkedBox(220, 160, 4, noise(3, 1), grow);
    expect(run(rule(), framesOf(parkedFor(1, 0, 120, box)))).toEqual([]);
  });

  it('a box that shrinks from the bottom while a pedestrian passes in front raises nothing', () => {
    // The bottom edge rises by 25% of the height for 3 s (an occlusion), the centre moves up.
    const box = (t: number, x: number, y: number): BoxXYXY => {
      const [x1, y1, x2, y2] = parkedBox(220, 160, 4, noise(4, 1), () => 0)(t, x, y);
      return [x1, y1, x2, y2 - (t % 15 >= 5 && t % 15 < 8 ? 40 : 0)];
    };
    expect(run(rule(), framesOf(parkedFor(1, 0, 90, box)))).toEqual([]);
  });

  it('a track re-created on the spot (new id every 20 s) raises nothing', () => {
    const box = parkedBox(120, 80, 6, noise(5, 1), () => 0);
    const pieces = [0, 1, 2, 3, 4].flatMap((k) => parkedFor(k + 1, k * 20, k * 20 + 19.8, box));
    const ended = [1, 2, 3, 4].map((k) => ({ t: k * 20, id: k }));
    expect(run(rule(), framesOf(pieces, ended))).toEqual([]);
  });

  it('but still raises a car that pulls out and drives against the flow (the rule is not blinded)', () => {
    const route = itinerary([[0, 0.5, 0.6], [30, 0.5, 0.6], [34, 0.5, 0.1]]);
    const signals = run(rule(), framesOf(follow(1, 'car', route, (x, y) => [x * W - 60, y * H - 40, x * W + 60, y * H + 40])));
    expect(signals.some((s) => s.kind === 'situation.active')).toBe(true);
  });
});

describe('wrong_way on a parked car whose box grows at the front', () => {
  // A large parked car whose box top edge jumps up for good by 40% of its height
  // (someone standing behind it merged into its box) moves the centre 32 px = 0.09
  // of the frame height against the flow; its rear edge stays put, so it is not driving.
  it('a large parked car whose box top edge steps up by 40% of its height raises nothing', () => {
    const box = parkedBox(220, 160, 0, () => 0, (t) => (t < 10 ? 0 : 0.4));
    expect(run(rule(), framesOf(parkedFor(1, 0, 30, box)))).toEqual([]);
  });
});
