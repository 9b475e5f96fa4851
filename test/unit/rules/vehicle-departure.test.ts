import { describe, expect, it } from 'vitest';
import { createVehicleDepartureRule } from '../../../src/rules/vehicle-departure.js';
import { scheduledRule } from '../../../src/rules/registry.js';
import type { RuleSignal } from '../../../src/rules/types.js';
import { frame, ruleConfig, run, zone } from './scenario.js';
import { carBox, follow, framesOf, itinerary, noise, runWith } from './vehicle-scenario.js';

// A row of parking bays in the middle of the frame.
const scene = { zones: [zone({ id: 'parking', polygon: [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]] })], lines: [] };
const config = (extra: Record<string, unknown> = {}) =>
  ruleConfig({ id: 'depart', type: 'vehicle_departure', zone: 'parking', min_parked_s: 20, ...extra });
const rule = (extra: Record<string, unknown> = {}) => createVehicleDepartureRule(config(extra), scene);

const brief = (signals: readonly RuleSignal[]) =>
  signals.map((s) => (s.kind === 'instant' ? `${s.tSec} #${s.trackId} ${String(s.details['reason'])} ${String(s.details['parked_s'])}` : `${s.tSec} ${s.kind}`));

describe('vehicle departure', () => {
  it('raises once when a car parked for min_parked_s drives away', () => {
    // Parks at t=4, leaves at t=40 towards the right at 80 px/s; its size is 60 px.
    const route = itinerary([[0, 0, 0.5], [4, 0.5, 0.5], [40, 0.5, 0.5], [44, 1, 0.5]]);
    expect(brief(run(rule(), framesOf(follow(1, 'car', route, (x, y) => carBox(x, y)))))).toEqual(['41 #1 moved 37']);
  });

  it('says left_zone when the car leaves the zone before it is a car length away', () => {
    // Parked on the zone's edge: a short move puts its centre outside.
    const route = itinerary([[0, 0.21, 0.5], [30, 0.21, 0.5], [34, 0, 0.5]]);
    expect(brief(run(rule(), framesOf(follow(1, 'car', route, (x, y) => carBox(x, y)))))).toEqual(['30.2 #1 left_zone 30']);
  });

  it('raises nothing for a car parked less than min_parked_s, or one that only drives through', () => {
    const short = itinerary([[0, 0, 0.5], [4, 0.5, 0.5], [20, 0.5, 0.5], [24, 1, 0.5]]);
    const through = itinerary([[0, 0, 0.3], [10, 1, 0.3]]);
    const frames = framesOf([...follow(1, 'car', short, (x, y) => carBox(x, y)), ...follow(2, 'car', through, (x, y) => carBox(x, y))]);
    expect(run(rule(), frames)).toEqual([]);
  });

  it('raises nothing for a parked car with jittery, growing and shrinking boxes', () => {
    const rnd = noise(5, 1);
    let i = 0;
    const box = (x: number, y: number) => (i++ % 5 === 2 ? carBox(x, y, 5, rnd, 60, 30) : carBox(x, y, 5, rnd));
    expect(run(rule(), framesOf(follow(1, 'car', itinerary([[0, 0.5, 0.5], [120, 0.5, 0.5]]), box)))).toEqual([]);
  });

  it('pulling out a little and stopping again is still the same parking', () => {
    // 30 px forward (half its size), stop, then drive off: one departure, parked since the start.
    const route = itinerary([[0, 0.5, 0.5], [25, 0.5, 0.5], [26, 0.547, 0.5], [40, 0.547, 0.5], [44, 1, 0.5]]);
    expect(brief(run(rule(), framesOf(follow(1, 'car', route, (x, y) => carBox(x, y)))))).toEqual(['40.8 #1 moved 40.4']);
  });

  it('knows a car re-created on its spot is parked, and raises when it leaves', () => {
    const route = itinerary([[0, 0.5, 0.5], [30, 0.5, 0.5], [34, 1, 0.5]]);
    const before = follow(1, 'car', route.filter((p) => p.t < 25), (x, y) => carBox(x, y));
    const after = follow(7, 'car', route.filter((p) => p.t >= 25), (x, y) => carBox(x, y));
    expect(brief(run(rule(), framesOf([...before, ...after], [{ t: 25, id: 1 }])))).toEqual(['31 #7 moved 30.4']);
  });

  it('a new track appearing elsewhere and moving away is not a departure', () => {
    const parked = follow(1, 'car', itinerary([[0, 0.3, 0.5], [25, 0.3, 0.5]]), (x, y) => carBox(x, y));
    const other = follow(2, 'car', itinerary([[25, 0.7, 0.5], [29, 1, 0.5]]), (x, y) => carBox(x, y));
    expect(run(rule(), framesOf([...parked, ...other], [{ t: 25, id: 1 }]))).toEqual([]);
  });

  it('knows cars parked before the schedule starts, and raises only within it', () => {
    // Schedule 22:00-06:00 Paris; the car parks at 21:59:30 (UTC+1 in January) and leaves at 22:00:30.
    const start = Date.UTC(2025, 0, 15, 20, 59, 30);
    const route = itinerary([[0, 0.5, 0.5], [60, 0.5, 0.5], [64, 1, 0.5]]);
    const frames = framesOf(follow(1, 'car', route, (x, y) => carBox(x, y)));
    const night = scheduledRule(rule({ schedule: [{ from: '22:00', to: '06:00' }] }), [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '22:00', to: '06:00' }], 'Europe/Paris');
    const ctx = (f: { tSec: number }) => ({ wallMs: start + f.tSec * 1000, scene: {} });
    expect(runWith(night, frames, ctx).map((s) => `${s.tSec} ${s.kind}`)).toEqual(['61 instant']);
    const day = ctx; // same scene one hour earlier: outside the schedule
    expect(runWith(night, frames, (f) => ({ ...day(f), wallMs: day(f).wallMs - 3_600_000 }))).toEqual([]);
  });

  it('forgets a parked car whose track ended far from the frame (state stays bounded)', () => {
    const frames = framesOf(follow(1, 'car', itinerary([[0, 0.5, 0.5], [25, 0.5, 0.5]]), (x, y) => carBox(x, y)), [{ t: 25, id: 1 }]);
    let state = rule().init();
    const r = rule();
    for (const f of frames) state = r.evaluate(state, f).state;
    expect(state.tracks.size).toBe(0);
    expect(state.spots).toHaveLength(1);
    state = r.evaluate(state, frame(25 + 601, [])).state;
    expect(state.spots).toHaveLength(0);
  });
});
