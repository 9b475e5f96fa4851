import { describe, expect, it } from 'vitest';
import type { TrackFrame, TrackSnapshot } from '../../../src/contracts/track.js';
import { createCrowdMovementRule, CROWD_MOVEMENT_KEY, type CrowdMovementState } from '../../../src/rules/crowd-movement.js';
import { addPosition, baselineSpeed, currentSpeed, EMPTY_PACE, fitVelocity, MAX_POSITIONS, MAX_SPEEDS, type Pace } from '../../../src/rules/crowd-motion.js';
import { median } from '../../../src/geometry/series.js';
import type { InstantSignal } from '../../../src/rules/types.js';
import { frame, H, person, ruleConfig, run, W, zone } from './scenario.js';

// Zone: the whole image.
const everywhere = zone({ id: 'place', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] });
const scene = { zones: [everywhere], lines: [] };
const rule = (extra: Record<string, unknown> = {}) =>
  createCrowdMovementRule(ruleConfig({ id: 'c1', type: 'crowd_movement', zone: 'place', ...extra }), scene);

const FPS = 5;

/** A walker: start point, and velocity (normalised units per second) before and after `changeS`. */
interface Walker {
  readonly id: number;
  readonly from: readonly [number, number];
  readonly before: readonly [number, number];
  readonly after: readonly [number, number];
  /** Seconds the track is born at (default 0). */
  readonly bornS?: number;
}

function positionAt(w: Walker, t: number, changeS: number): readonly [number, number] {
  const t0 = w.bornS ?? 0;
  const slow = Math.min(t, changeS) - t0;
  const fast = Math.max(0, t - changeS);
  return [w.from[0] + w.before[0] * slow + w.after[0] * fast, w.from[1] + w.before[1] * slow + w.after[1] * fast];
}

function scenario(walkers: readonly Walker[], changeS: number, endS: number): TrackFrame[] {
  const frames: TrackFrame[] = [];
  for (let i = 0; i <= endS * FPS; i++) {
    const t = i / FPS;
    const tracks: TrackSnapshot[] = walkers.filter((w) => t >= (w.bornS ?? 0)).map((w) => person(w.id, ...positionAt(w, t, changeS)));
    frames.push(frame(t, tracks));
  }
  return frames;
}

/** `n` walkers spread over the image, strolling right at 0.02 widths/s, then moving at `after`. */
function crowd(n: number, after: (i: number) => readonly [number, number], first = 1): Walker[] {
  return Array.from({ length: n }, (_, i) => ({ id: first + i, from: [0.2 + 0.05 * i, 0.5 + 0.04 * (i % 5)] as const, before: [0.02, 0] as const, after: after(i) }));
}

const instants = (signals: readonly unknown[]) => signals as InstantSignal[];

describe('crowd_movement', () => {
  it('fires once when the tracks of the zone suddenly run, not before', () => {
    const signals = instants(run(rule(), scenario(crowd(5, () => [0.2, 0]), 10, 14)));
    expect(signals).toHaveLength(1);
    const [sig] = signals;
    expect(sig?.tSec).toBeGreaterThan(10);
    expect(sig?.tSec).toBeLessThanOrEqual(11);
    expect(sig).toMatchObject({ kind: 'instant', trackId: CROWD_MOVEMENT_KEY, trackIds: [1, 2, 3, 4, 5], type: 'crowd_movement', details: { zone: 'place', tracks: 5, present: 5 } });
    expect(sig?.details['speedup']).toBeGreaterThanOrEqual(2.5);
  });

  it('a crowd already moving fast, at a steady pace, raises nothing', () => {
    const walkers = crowd(5, () => [0.15, 0]).map((w) => ({ ...w, from: [0.05, w.from[1]] as const, before: [0.15, 0] as const }));
    expect(run(rule(), scenario(walkers, 5, 6))).toEqual([]);
  });

  it('one runner, or fewer than min_tracks, is no crowd movement', () => {
    const walkers = crowd(5, (i) => (i < 3 ? [0.2, 0] : [0.02, 0]));
    expect(run(rule({ min_tracks: 4 }), scenario(walkers, 10, 14))).toEqual([]);
    expect(run(rule({ min_tracks: 3, min_share: 0.6 }), scenario(walkers, 10, 14))).toHaveLength(1);
  });

  it('needs min_share of the tracks present', () => {
    const ten = (movers: number) => crowd(10, (i) => (i < movers ? [0.2, 0] : [0.02, 0]));
    expect(run(rule({ min_tracks: 4, min_share: 0.6 }), scenario(ten(5), 10, 14))).toEqual([]);
    expect(run(rule({ min_tracks: 4, min_share: 0.6 }), scenario(ten(6), 10, 14))).toHaveLength(1);
  });

  it('a standing group that scatters fires, with a scatter share of 1', () => {
    const centre = [0.5, 0.6] as const;
    const walkers: Walker[] = Array.from({ length: 6 }, (_, i) => {
      const a = (i / 6) * 2 * Math.PI;
      return { id: i + 1, from: [centre[0] + 0.05 * Math.cos(a), centre[1] + 0.05 * Math.sin(a)], before: [0, 0], after: [0.15 * Math.cos(a), 0.15 * Math.sin(a)] };
    });
    const signals = instants(run(rule(), scenario(walkers, 6, 8)));
    expect(signals).toHaveLength(1);
    expect(signals[0]?.details).toMatchObject({ tracks: 6, scatter_share: 1 });
  });

  it('a surge in one direction has a low scatter share', () => {
    const signals = instants(run(rule(), scenario(crowd(6, () => [0.2, 0]), 10, 12)));
    expect(signals[0]?.details['scatter_share']).toBeLessThanOrEqual(0.5);
  });

  it('tracks born already running have no pace of their own and do not count', () => {
    const walkers = crowd(5, () => [0.2, 0]).map((w) => ({ ...w, bornS: 9.8 }));
    expect(run(rule(), scenario(walkers, 10, 11.6))).toEqual([]);
  });

  it('measures speed in frame widths on both axes (the frame is 16:9)', () => {
    // 0.2 heights/s downwards is 0.2 * H / W = 0.1125 widths/s; 0.2 widths/s sideways is 0.2.
    const down = crowd(5, () => [0, 0.2]).map((w) => ({ ...w, from: [w.from[0], 0.1] as const, before: [0, 0] as const }));
    const side = crowd(5, () => [0.2, 0]).map((w) => ({ ...w, before: [0, 0] as const }));
    expect(H / W).toBeCloseTo(0.5625, 9);
    expect(run(rule({ min_speed: 0.15 }), scenario(down, 5, 7))).toEqual([]);
    expect(run(rule({ min_speed: 0.15 }), scenario(side, 5, 7))).toHaveLength(1);
    expect(run(rule({ min_speed: 0.1 }), scenario(down, 5, 7))).toHaveLength(1);
  });

  it('only tracks inside the zone are judged', () => {
    const leftHalf = { zones: [zone({ id: 'place', polygon: [[0, 0], [0.15, 0], [0.15, 1], [0, 1]] })], lines: [] };
    const r = createCrowdMovementRule(ruleConfig({ id: 'c1', type: 'crowd_movement', zone: 'place' }), leftHalf);
    expect(run(r, scenario(crowd(5, () => [0.2, 0]), 10, 12))).toEqual([]); // the crowd is at x >= 0.2
  });

  it('reports a lasting movement once, and a new surge after a calm period again', () => {
    // Slow; running right at 10..16; slow again 16..26; running back left from 26.
    const vx = (t: number): number => (t < 10 || (t >= 16 && t < 26) ? 0.01 : t < 16 ? 0.1 : -0.1);
    const frames: TrackFrame[] = [];
    const xs = [0.02, 0.04, 0.06, 0.08, 0.1];
    for (let i = 0; i <= 30 * FPS; i++) {
      const t = i / FPS;
      frames.push(frame(t, xs.map((x, k) => person(k + 1, x, 0.5 + 0.05 * k))));
      for (let k = 0; k < xs.length; k++) xs[k] = (xs[k] as number) + vx(t) / FPS;
    }
    const signals = instants(run(rule({ min_speed: 0.08 }), frames));
    expect(signals.map((s) => Math.floor(s.tSec))).toEqual([10, 26]);
  });

  it('keeps bounded memory per track and forgets ended tracks', () => {
    const r = rule();
    let state: CrowdMovementState = r.init();
    for (const f of scenario(crowd(3, () => [0.02, 0]), 100, 60)) state = r.evaluate(state, f).state;
    for (const entry of state.tracks.values()) {
      expect(entry.pace.positions.length).toBeLessThanOrEqual(MAX_POSITIONS);
      expect(entry.pace.speeds.length).toBeLessThanOrEqual(MAX_SPEEDS);
    }
    state = r.evaluate(state, frame(60.2, [], [1, 2])).state;
    expect([...state.tracks.keys()]).toEqual([3]);
    state = r.evaluate(state, frame(63, [])).state; // #3 absent for longer than the grace
    expect(state.tracks.size).toBe(0);
  });
});

describe('crowd motion helpers', () => {
  it('fits a least-squares velocity, robust to jitter', () => {
    const pts = [0, 0.2, 0.4, 0.6, 0.8, 1].map((t, i) => ({ t, x: 0.1 + 0.3 * t + (i % 2 ? 0.002 : -0.002), y: 0.5 - 0.1 * t }));
    const v = fitVelocity(pts);
    expect(v?.[0]).toBeCloseTo(0.3, 2);
    expect(v?.[1]).toBeCloseTo(-0.1, 9);
    expect(fitVelocity(pts.slice(0, 2))).toBeUndefined(); // too few
    expect(fitVelocity([{ t: 0, x: 0, y: 0 }, { t: 0.1, x: 1, y: 0 }, { t: 0.2, x: 2, y: 0 }])).toBeUndefined(); // too short a span
  });

  it('median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('has no baseline until the past speeds span long enough, then the median of those before the current window', () => {
    let pace: Pace = EMPTY_PACE;
    for (let i = 0; i <= 20; i++) pace = addPosition(pace, { t: i / 5, x: 0.05 * (i / 5), y: 0 });
    expect(baselineSpeed(pace, 4)).toBeCloseTo(0.05, 9);
    expect(currentSpeed(pace, 4)).toBeCloseTo(0.05, 9);
    let young: Pace = EMPTY_PACE;
    for (let i = 0; i <= 10; i++) young = addPosition(young, { t: i / 5, x: 0.05 * (i / 5), y: 0 });
    expect(baselineSpeed(young, 2)).toBeUndefined();
    expect(currentSpeed(young, 3)).toBeUndefined(); // nothing measured lately
  });

  it('ignores positions closer than the sample gap and leaves the old pace untouched', () => {
    const one = addPosition(EMPTY_PACE, { t: 0, x: 0, y: 0 });
    expect(addPosition(one, { t: 0.05, x: 1, y: 0 })).toBe(one);
    const two = addPosition(one, { t: 0.2, x: 1, y: 0 });
    expect(one.positions).toHaveLength(1);
    expect(two.positions).toHaveLength(2);
  });
});
