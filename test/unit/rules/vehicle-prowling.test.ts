import { describe, expect, it } from 'vitest';
import type { TrackSnapshot } from '../../../src/contracts/track.js';
import { createVehicleProwlingRule } from '../../../src/rules/vehicle-prowling.js';
import { frame, person, ruleConfig, run, zone } from './scenario.js';
import { carBox, follow, framesOf, itinerary, situations } from './vehicle-scenario.js';

// A car park (x < 0.9) with parked cars along y = 0.5; a person's foot at y = 0.58 is beside them.
const scene = { zones: [zone({ id: 'parking', polygon: [[0, 0], [0.9, 0], [0.9, 1], [0, 1]] })], lines: [] };
const rule = (extra: Record<string, unknown> = {}) =>
  createVehicleProwlingRule(ruleConfig({ id: 'roder', type: 'vehicle_prowling', zone: 'parking', ...extra }), scene);

const ROW = 0.58;
/** Cars parked from t=0 to `until` at these x positions (ids 1, 2, ...). */
const parked = (xs: readonly number[], until = 60) =>
  xs.flatMap((x, i) => follow(i + 1, 'car', itinerary([[0, x, 0.5], [until, x, 0.5]]), (px, py) => carBox(px, py)));
/** A person (id 100 unless told) walking along the row and standing 3 s at each of `stops`. */
function prowler(stops: readonly number[], t0 = 3, id = 100, endX = 0.98): { t: number; snap: TrackSnapshot }[] {
  const points: [number, number, number][] = [[t0, 0.1, ROW]];
  let t = t0;
  for (const x of stops) {
    t += 2;
    points.push([t, x, ROW]);
    t += 3;
    points.push([t, x, ROW]);
  }
  points.push([t + 4, endX, ROW]);
  return itinerary(points).map((p) => ({ t: p.t, snap: person(id, p.x, p.y) }));
}

describe('vehicle prowling', () => {
  it('raises a person who stops at three parked cars in turn, until they leave the zone', () => {
    const signals = run(rule(), framesOf([...parked([0.2, 0.4, 0.6, 0.8]), ...prowler([0.2, 0.4, 0.6])]));
    // Lingers at the third car from 14.6 s (arriving): the third visit counts at 16.6 s.
    expect(situations(signals)).toEqual(['#100 16.6..21 left']);
    expect(signals.find((s) => s.kind === 'situation.active')?.details).toEqual({ zone: 'parking', vehicles: 3 });
  });

  it('raises nothing for a person walking along the row without stopping', () => {
    const walk = itinerary([[3, 0.05, ROW], [15, 0.85, ROW]]).map((p) => ({ t: p.t, snap: person(100, p.x, p.y) }));
    expect(run(rule(), framesOf([...parked([0.2, 0.4, 0.6, 0.8]), ...walk]))).toEqual([]);
  });

  it('counts the same car once however often it is visited', () => {
    const signals = run(rule(), framesOf([...parked([0.2, 0.4]), ...prowler([0.2, 0.3, 0.2, 0.3, 0.2])]));
    expect(signals).toEqual([]);
    expect(situations(run(rule({ min_vehicles: 2 }), framesOf([...parked([0.2, 0.4]), ...prowler([0.2, 0.4, 0.2])])))).toEqual(['#100 11.6..21.4 left']);
  });

  it('counts a car re-created by the tracker on its spot as the same car', () => {
    const before = follow(1, 'car', itinerary([[0, 0.2, 0.5], [9, 0.2, 0.5]]), (x, y) => carBox(x, y));
    const after = follow(11, 'car', itinerary([[9.2, 0.2, 0.5], [40, 0.2, 0.5]]), (x, y) => carBox(x + 0.005, y));
    const other = follow(2, 'car', itinerary([[0, 0.4, 0.5], [40, 0.4, 0.5]]), (x, y) => carBox(x, y));
    // Visits car 1, car 2, then car 11 (the same car): two vehicles.
    const frames = framesOf([...before, ...after, ...other, ...prowler([0.2, 0.4, 0.2], 3)], [{ t: 9.2, id: 1 }]);
    expect(run(rule(), frames)).toEqual([]);
  });

  it('does not count moving cars', () => {
    // Three cars drive along the row, each passing the person while they stand still.
    const drivers = [0, 1, 2].flatMap((i) =>
      follow(i + 1, 'car', itinerary([[i * 5, 0, 0.5], [i * 5 + 12, 0.9, 0.5]]), (x, y) => carBox(x, y)),
    );
    const stander = itinerary([[0, 0.4, ROW], [30, 0.4, ROW]]).map((p) => ({ t: p.t, snap: person(100, p.x, p.y) }));
    expect(run(rule(), framesOf([...drivers, ...stander]))).toEqual([]);
  });

  it('needs the visits within window_s', () => {
    // Visits at 3-8 s, 25-30 s and 47-52 s, waiting away from the cars in between.
    const slow = itinerary([
      [3, 0.2, ROW], [8, 0.2, ROW], [10, 0.3, 0.9], [23, 0.3, 0.9], [25, 0.4, ROW], [30, 0.4, ROW], [32, 0.5, 0.9], [45, 0.5, 0.9], [47, 0.6, ROW], [52, 0.6, ROW],
    ]).map((p) => ({ t: p.t, snap: person(100, p.x, p.y) }));
    expect(run(rule({ window_s: 30 }), framesOf([...parked([0.2, 0.4, 0.6]), ...slow]))).toEqual([]);
    expect(situations(run(rule({ window_s: 60 }), framesOf([...parked([0.2, 0.4, 0.6]), ...slow])))).toEqual(['#100 49..52 track_lost']);
  });

  it('is per person: two people visiting two cars each are not a prowler', () => {
    const a = prowler([0.2, 0.4], 3, 100, 0.5);
    const b = prowler([0.6, 0.8], 3, 101, 0.85);
    expect(run(rule(), framesOf([...parked([0.2, 0.4, 0.6, 0.8]), ...a, ...b]))).toEqual([]);
  });

  it('only counts visits inside the zone', () => {
    const outside = { zones: [zone({ id: 'parking', polygon: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]] })], lines: [] };
    const r = createVehicleProwlingRule(ruleConfig({ id: 'roder', type: 'vehicle_prowling', zone: 'parking' }), outside);
    expect(run(r, framesOf([...parked([0.2, 0.3, 0.4]), ...prowler([0.2, 0.3, 0.4], 3, 100, 0.45)]))).toEqual([]);
  });

  it('ends with the track, and forgets people who visited nothing', () => {
    const frames = framesOf([...parked([0.2, 0.4, 0.6], 22), ...prowler([0.2, 0.4, 0.6], 3, 100, 0.7)]);
    frames.push(frame(22.2, [], [100]));
    const r = rule();
    let state = r.init();
    const signals = [];
    for (const f of frames) {
      const step = r.evaluate(state, f);
      state = step.state;
      signals.push(...step.signals);
    }
    expect(situations(signals)).toEqual(['#100 16.6..22 track_ended']);
    expect(state.people.size).toBe(0);
  });
});
