import { describe, expect, it } from 'vitest';
import { createStoppedVehicleRule } from '../../../src/rules/stopped-vehicle.js';
import { MAX_SPOTS, SPOT_TTL_S, rememberSpot } from '../../../src/rules/stationary-spots.js';
import { STILL_MAX_DRIFT, updateStillness, windowDrift } from '../../../src/rules/stationary.js';
import { frame, person, ruleConfig, run, zone } from './scenario.js';
import { carBox, follow, framesOf, itinerary, noise, situations } from './vehicle-scenario.js';

// A no-stopping zone in the middle of the frame.
const scene = { zones: [zone({ id: 'arret-interdit', polygon: [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]] })], lines: [] };
const rule = (extra: Record<string, unknown> = {}) =>
  createStoppedVehicleRule(ruleConfig({ id: 'arret', type: 'stopped_vehicle', zone: 'arret-interdit', min_duration_s: 30, ...extra }), scene);

/** A car driving in from the left, standing at the centre from `stopAt` to `goAt`, then driving out to the right. */
const stopAndGo = (stopAt: number, goAt: number) => itinerary([[0, 0, 0.5], [stopAt, 0.5, 0.5], [goAt, 0.5, 0.5], [goAt + 4, 1, 0.5]]);

const firstActive = (signals: ReturnType<typeof run>, id: number) => signals.find((s) => s.kind === 'situation.active' && s.trackId === id)?.tSec;

describe('stillness measure', () => {
  it('finds a still box still and a slowly moving one not', () => {
    let still = undefined as ReturnType<typeof updateStillness> | undefined;
    let creeping = undefined as ReturnType<typeof updateStillness> | undefined;
    for (let i = 0; i <= 25; i++) {
      still = updateStillness(still, carBox(0.5, 0.5), i / 5);
      creeping = updateStillness(creeping, carBox(0.5 + (0.02 * i) / 5, 0.5), i / 5); // 12.8 px/s
    }
    expect(still?.stillSinceS).toBe(0);
    expect(windowDrift(still?.samples ?? [])).toBe(0);
    expect(creeping?.stillSinceS).toBeNull();
    expect(windowDrift(creeping?.samples ?? [])).toBeGreaterThan(STILL_MAX_DRIFT);
  });

  it('judges nothing on less than three seconds of boxes', () => {
    let s = undefined as ReturnType<typeof updateStillness> | undefined;
    for (let i = 0; i < 14; i++) s = updateStillness(s, carBox(0.5, 0.5), i / 5);
    expect(s?.stillSinceS).toBeNull();
    expect(windowDrift(s?.samples ?? [])).toBeNull();
  });

  it('keeps a bounded history at any frame rate', () => {
    let s = undefined as ReturnType<typeof updateStillness> | undefined;
    for (let i = 0; i < 3000; i++) s = updateStillness(s, carBox(0.5, 0.5), i / 100);
    expect(s?.samples.length).toBeLessThanOrEqual(21);
  });
});

describe('stopped vehicle', () => {
  it('raises a car standing in the zone for min_duration_s, until it drives off', () => {
    const signals = run(rule(), framesOf(follow(1, 'car', stopAndGo(4, 44), (x, y) => carBox(x, y))));
    expect(situations(signals)).toEqual(['#1 33.4..44.4 stopped']);
    expect(signals.find((s) => s.kind === 'situation.active')?.details).toEqual({ zone: 'arret-interdit', stopped_s: 30 }); // still since 3.4 s: the medians accept the last 0.6 s of braking
  });

  it('raises nothing for a stop shorter than min_duration_s', () => {
    expect(run(rule(), framesOf(follow(1, 'car', stopAndGo(4, 30), (x, y) => carBox(x, y))))).toEqual([]);
  });

  it('raises nothing for a car creeping through in a queue (12.8 px/s)', () => {
    const route = itinerary([[0, 0.21, 0.5], [40, 0.79, 0.5]]);
    expect(run(rule(), framesOf(follow(1, 'car', route, (x, y) => carBox(x, y))))).toEqual([]);
  });

  it('raises nothing for a car standing outside the zone, nor for a person standing in it', () => {
    const car = follow(1, 'car', itinerary([[0, 0.1, 0.5], [60, 0.1, 0.5]]), (x, y) => carBox(x, y));
    const walker = itinerary([[0, 0.5, 0.5], [60, 0.5, 0.5]]).map((p) => ({ t: p.t, snap: person(2, p.x, p.y) }));
    expect(run(rule(), framesOf([...car, ...walker]))).toEqual([]);
  });

  it('keeps one situation through box jitter and a box that grows and shrinks (shadow, door opening)', () => {
    const rnd = noise(11, 1);
    let i = 0;
    const box = (x: number, y: number) => (i++ % 7 === 3 ? carBox(x, y, 4, rnd, 112, 40) : carBox(x, y, 4, rnd));
    const signals = run(rule(), framesOf(follow(1, 'car', stopAndGo(4, 60), box)));
    expect(situations(signals)).toHaveLength(1);
    expect(firstActive(signals, 1)).toBeLessThan(36);
    expect(situations(signals)[0]).toMatch(/ stopped$/);
  });

  it('ends with `left` when the car drives out of the zone after a slow creep', () => {
    // Stopped, then creeps upwards out of the zone at 6 px/s: it is released or leaves, never both.
    const route = itinerary([[0, 0.5, 0.5], [40, 0.5, 0.5], [70, 0.5, 0.0]]);
    const ends = run(rule(), framesOf(follow(1, 'car', route, (x, y) => carBox(x, y)))).filter((s) => s.kind === 'situation.ended');
    expect(ends).toHaveLength(1);
  });

  it('a track re-created on the spot keeps the stop time of the track it replaces', () => {
    const route = itinerary([[0, 0.5, 0.5], [50, 0.5, 0.5]]);
    const first = follow(1, 'car', route.filter((p) => p.t < 20), (x, y) => carBox(x, y));
    const second = follow(2, 'car', route.filter((p) => p.t >= 20), (x, y) => carBox(x + 0.01, y));
    const signals = run(rule(), framesOf([...first, ...second], [{ t: 20, id: 1 }]));
    expect(firstActive(signals, 2)).toBe(30);
  });

  it('a car that leaves and comes back starts its stop time again', () => {
    const route = itinerary([[0, 0.5, 0.5], [20, 0.5, 0.5], [24, 1, 0.5], [30, 1, 0.5], [34, 0.5, 0.5], [54, 0.5, 0.5]]);
    expect(run(rule(), framesOf(follow(1, 'car', route, (x, y) => carBox(x, y))))).toEqual([]);
    const longer = itinerary([[0, 0.5, 0.5], [20, 0.5, 0.5], [24, 1, 0.5], [30, 1, 0.5], [34, 0.5, 0.5], [70, 0.5, 0.5]]);
    expect(situations(run(rule(), framesOf(follow(1, 'car', longer, (x, y) => carBox(x, y)))))).toEqual(['#1 63.4..70 -']);
  });

  it('two cars parked side by side are two situations', () => {
    const a = follow(1, 'car', itinerary([[0, 0.4, 0.5], [40, 0.4, 0.5]]), (x, y) => carBox(x, y));
    const b = follow(2, 'car', itinerary([[0, 0.6, 0.5], [40, 0.6, 0.5]]), (x, y) => carBox(x, y));
    expect(situations(run(rule(), framesOf([...a, ...b])))).toEqual(['#1 30..40 -', '#2 30..40 -']);
  });

  it('ends the situation when the track ends', () => {
    const frames = framesOf(follow(1, 'car', itinerary([[0, 0.5, 0.5], [35, 0.5, 0.5]]), (x, y) => carBox(x, y)));
    frames.push(frame(35.2, [], [1]));
    expect(situations(run(rule(), frames))).toEqual(['#1 30..35 track_ended']);
  });

  it('remembers a bounded number of spots', () => {
    let spots: ReturnType<typeof rememberSpot> = [];
    for (let i = 0; i < MAX_SPOTS + 50; i++) spots = rememberSpot(spots, { rest: { x: (i % 100) * 200, y: Math.floor(i / 100) * 200, w: 80, h: 40 }, sinceS: 0, lostS: i });
    expect(spots).toHaveLength(MAX_SPOTS);
    expect(SPOT_TTL_S).toBeGreaterThan(0);
  });
});
