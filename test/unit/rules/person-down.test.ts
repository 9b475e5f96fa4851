import { describe, expect, it } from 'vitest';
import type { BoxXYXY } from '../../../src/contracts/geometry.js';
import { createPersonDownRule } from '../../../src/rules/person-down.js';
import { H, W, frame, ruleConfig, run, zone } from './scenario.js';
import { follow, framesOf, itinerary, noise, situations } from './vehicle-scenario.js';

const scene = { zones: [zone({ id: 'quai', polygon: [[0, 0.3], [0.6, 0.3], [0.6, 1], [0, 1]] })], lines: [] };
const rule = (extra: Record<string, unknown> = {}) => createPersonDownRule(ruleConfig({ id: 'chute', type: 'person_down', min_duration_s: 10, ...extra }), scene);

/** A box w x h pixels standing on the foot point at normalised (x, y). */
const onFoot = (w: number, h: number, jitter = 0, rnd: () => number = () => 0) => (x: number, y: number): BoxXYXY => {
  const j = () => rnd() * jitter;
  return [x * W - w / 2 + j(), y * H - h + j(), x * W + w / 2 + j(), y * H + j()];
};
const upright = onFoot(24, 72);
const lying = onFoot(72, 24);

/** Walks in, falls at `fallAt` where it stands, lies still until `upAt`, then stands and walks away. */
function fall(fallAt: number, upAt: number, lyingBox = lying) {
  const walkIn = follow(1, 'person', itinerary([[0, 0.1, 0.7], [fallAt - 0.2, 0.3, 0.7]]), upright);
  const down = follow(1, 'person', itinerary([[fallAt, 0.3, 0.7], [upAt - 0.2, 0.3, 0.7]]), lyingBox);
  const away = follow(1, 'person', itinerary([[upAt, 0.3, 0.7], [upAt + 4, 0.5, 0.7]]), upright);
  return framesOf([...walkIn, ...down, ...away]);
}

describe('person down', () => {
  it('raises a person lying still for min_duration_s, until they get up', () => {
    const signals = run(rule(), fall(5, 30));
    // Lying once most boxes of the last second are wide (5.4 s).
    expect(situations(signals)).toEqual(['#1 15.4..30 stopped']);
    expect(signals.find((s) => s.kind === 'situation.active')?.details).toEqual({ aspect: 3, still_s: 10 });
  });

  it('raises nothing for a short fall (picked up within min_duration_s)', () => {
    expect(run(rule(), fall(5, 14))).toEqual([]);
  });

  it('raises nothing for a person standing still, nor two people standing in one box', () => {
    const alone = follow(1, 'person', itinerary([[0, 0.3, 0.7], [40, 0.3, 0.7]]), upright);
    const pair = follow(2, 'person', itinerary([[0, 0.5, 0.7], [40, 0.5, 0.7]]), onFoot(56, 72));
    expect(run(rule(), framesOf([...alone, ...pair]))).toEqual([]);
  });

  it('raises nothing for a person sitting (box about as wide as tall)', () => {
    expect(run(rule(), framesOf(follow(1, 'person', itinerary([[0, 0.3, 0.7], [40, 0.3, 0.7]]), onFoot(34, 40))))).toEqual([]);
  });

  it('raises nothing for a person crawling (lying but moving 24 px/s)', () => {
    expect(run(rule(), framesOf(follow(1, 'person', itinerary([[0, 0.05, 0.7], [8, 0.35, 0.7]]), lying)))).toEqual([]);
  });

  it('keeps one situation through jitter and boxes that briefly look upright', () => {
    const rnd = noise(4, 1);
    let i = 0;
    const flicker = (x: number, y: number) => (i++ % 4 === 0 ? onFoot(40, 44, 3, rnd)(x, y) : onFoot(72, 24, 3, rnd)(x, y));
    const signals = run(rule(), fall(5, 40, flicker));
    expect(situations(signals)).toHaveLength(1);
    expect(situations(signals)[0]).toMatch(/^#1 1[5-6](\.\d)?\.\.40(\.\d)? stopped$/);
  });

  it('min_aspect decides what counts as lying', () => {
    const wide = follow(1, 'person', itinerary([[0, 0.3, 0.7], [20, 0.3, 0.7]]), onFoot(48, 40)); // 1.2
    expect(run(rule({ min_aspect: 1.5 }), framesOf(wide))).toEqual([]);
    expect(run(rule({ min_aspect: 1.2 }), framesOf(wide))).not.toEqual([]);
  });

  it('watches only its zone when it has one, and ends with `left` or the track', () => {
    const outside = follow(1, 'person', itinerary([[0, 0.8, 0.7], [20, 0.8, 0.7]]), lying);
    expect(run(rule({ zone: 'quai' }), framesOf(outside))).toEqual([]);
    const frames = framesOf(follow(1, 'person', itinerary([[0, 0.3, 0.7], [14, 0.3, 0.7]]), lying));
    frames.push(frame(14.2, [], [1]));
    expect(situations(run(rule({ zone: 'quai' }), frames))).toEqual(['#1 10..14 track_ended']);
  });

  it('ignores other classes', () => {
    expect(run(rule(), framesOf(follow(1, 'car', itinerary([[0, 0.3, 0.7], [20, 0.3, 0.7]]), lying)))).toEqual([]);
  });
});
