import { describe, expect, it } from 'vitest';
import type { TrackFrame, TrackSnapshot } from '../../../src/contracts/track.js';
import { createWrongWayRule, fitTrend } from '../../../src/rules/wrong-way.js';
import { RuleConfigError, type RuleSignal } from '../../../src/rules/types.js';
import { brief, car, frame, person, ruleConfig, run, thing, zone } from './scenario.js';

// A lane covering x 0.1..0.9, whose allowed direction is down the image.
const scene = { zones: [zone({ id: 'voie-1', polygon: [[0.1, 0], [0.9, 0], [0.9, 1], [0.1, 1]], direction: [0, 1] })], lines: [] };
const rule = (extra: Record<string, unknown> = {}) =>
  createWrongWayRule(ruleConfig({ id: 'r2', type: 'wrong_way', zone: 'voie-1', ...extra }), scene);

/** Deterministic jitter in [-amp, amp] (a small LCG: no Math.random in tests). */
function jitter(seed: number, amp: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * amp;
  };
}

/** 5 fps frames of tracks moving in straight lines: [id, x0, y0, dx/frame, dy/frame]. */
function drive(
  n: number,
  movers: readonly (readonly [id: number, x0: number, y0: number, dx: number, dy: number])[],
  make: (id: number, x: number, y: number) => TrackSnapshot = car,
  noise: () => number = () => 0,
): TrackFrame[] {
  const frames: TrackFrame[] = [];
  for (let i = 0; i < n; i++) {
    frames.push(frame(i / 5, movers.map(([id, x0, y0, dx, dy]) => make(id, x0 + dx * i + noise(), y0 + dy * i + noise()))));
  }
  return frames;
}

/** Per track: time of the first active signal and the end reasons, e.g. "#1 0.6 -" . */
function summary(signals: readonly RuleSignal[]): string[] {
  const first = new Map<number, number>();
  const ends = new Map<number, string[]>();
  for (const s of signals) {
    if (s.kind === 'situation.active' && !first.has(s.trackId)) first.set(s.trackId, s.tSec);
    if (s.kind === 'situation.ended') ends.set(s.trackId, [...(ends.get(s.trackId) ?? []), s.reason]);
  }
  return [...first].map(([id, t]) => `#${id} ${t} ${(ends.get(id) ?? ['-']).join(',')}`);
}

describe('wrong way', () => {
  it.each([
    ['with the flow', [[1, 0.5, 0.1, 0, 0.05]], []],
    ['against the flow', [[1, 0.5, 0.9, 0, -0.05]], ['#1 0.6 -']],
    // 0.1 needed: 4 samples at 0.02/frame only give 0.06; reached at sample 6 (t = 1.0).
    ['slowly against the flow', [[1, 0.5, 0.9, 0, -0.02]], ['#1 1 -']],
    ['across the lane (90 deg off)', [[1, 0.15, 0.5, 0.04, 0]], []],
    ['45 deg off the reverse (within 60)', [[1, 0.15, 0.9, 0.04, -0.04]], ['#1 0.6 -']],
    ['parked', [[1, 0.5, 0.5, 0, 0]], []],
    ['two against, one with the flow', [[1, 0.3, 0.9, 0, -0.05], [2, 0.5, 0.1, 0, 0.05], [3, 0.7, 0.95, 0, -0.05]], ['#1 0.6 -', '#3 0.6 -']],
  ] as const)('%s', (_name, movers, expected) => {
    expect(summary(run(rule(), drive(14, movers)))).toEqual(expected);
  });

  it('max_angle_deg narrows the cone', () => {
    expect(summary(run(rule({ max_angle_deg: 30 }), drive(14, [[1, 0.15, 0.9, 0.04, -0.04]])))).toEqual([]);
  });

  it('is robust to box jitter: a parked or rightful car with jittery boxes raises nothing', () => {
    const noise = jitter(42, 0.02); // +-0.02 per coordinate per frame, 20% of min_distance
    const frames = drive(60, [[1, 0.5, 0.5, 0, 0], [2, 0.3, 0.05, 0, 0.015]], car, noise);
    expect(run(rule(), frames)).toEqual([]);
  });

  it('ignores a single wild box that jumps against the flow', () => {
    const frames = drive(12, [[1, 0.5, 0.1, 0, 0.04]]);
    frames[6] = frame(1.2, [car(1, 0.5, 0.1 + 0.04 * 6 - 0.2)]); // one box 0.2 upstream
    expect(run(rule(), frames)).toEqual([]);
  });

  it('a jittery wrong-way car is raised once and stays raised', () => {
    const frames = drive(30, [[1, 0.5, 0.95, 0, -0.03]], car, jitter(7, 0.015));
    const signals = run(rule(), frames);
    expect(signals.filter((s) => s.kind === 'situation.ended')).toEqual([]);
    const active = signals.filter((s) => s.kind === 'situation.active');
    expect(active.length).toBeGreaterThan(20);
    // Contiguous: one situation from its first frame to the end of the scenario.
    expect(active[active.length - 1]?.tSec).toBe(frames[frames.length - 1]?.tSec);
  });

  it('ends when the track leaves the zone or ends, and when it stops going the wrong way', () => {
    const leaves = [...drive(8, [[1, 0.5, 0.9, 0, -0.05]]), frame(1.6, [car(1, 0.95, 0.5)])];
    expect(summary(run(rule(), leaves))).toEqual(['#1 0.6 left']);
    const ends = [...drive(8, [[1, 0.5, 0.9, 0, -0.05]]), frame(1.6, [], [1])];
    expect(summary(run(rule(), ends))).toEqual(['#1 0.6 track_ended']);
    // Goes up 0.35, then parks: after the history window the trend fades out.
    const parks = [...drive(8, [[1, 0.5, 0.9, 0, -0.05]]), ...drive(60, [[1, 0.5, 0.55, 0, 0]]).map((f) => ({ ...f, tSec: f.tSec + 1.6 }))];
    expect(summary(run(rule(), parks))).toEqual(['#1 0.6 stopped']);
  });

  it('measures only the history inside the zone', () => {
    // Drives up outside the lane (x = 0.95), then enters it: the distance starts at entry.
    const frames = drive(14, [[1, 0.95, 0.9, 0, -0.05]]).map((f, i) => (i < 8 ? f : frame(f.tSec, [car(1, 0.5, 0.9 - 0.05 * i)])));
    expect(summary(run(rule(), frames))).toEqual(['#1 2.2 -']);
  });

  it('details carry the zone, the distance and the angle', () => {
    const signals = run(rule(), drive(5, [[1, 0.5, 0.9, 0, -0.05]]));
    expect(signals.map(brief)).toEqual(['0.6 active #1', '0.8 active #1']);
    expect(signals[0]).toMatchObject({ type: 'wrong_way', cls: 'car', details: { zone: 'voie-1', distance: 0.15, angle_deg: 0, over_s: 0.6 } });
  });

  it.each([
    [undefined, 'car', 1],
    [undefined, 'person', 0], // default classes are vehicles
    [['person'], 'person', 1],
    [['any'], 'object', 1],
    [['object'], 'object', 1],
    [['object'], 'bus', 0],
  ] as const)('classes %j and a %s -> %d situation(s)', (classes, cls, n) => {
    const make = (id: number, x: number, y: number) => (cls === 'person' ? person(id, x, y) : thing(id, cls, x, y));
    expect(summary(run(rule(classes ? { classes } : {}), drive(8, [[1, 0.5, 0.9, 0, -0.05]], make))).length).toBe(n);
  });

  it('fitTrend: least-squares displacement over the span', () => {
    const t = fitTrend([{ t: 0, x: 0, y: 0 }, { t: 1, x: 0.1, y: -0.2 }, { t: 2, x: 0.2, y: -0.4 }]);
    expect(t?.spanS).toBe(2);
    expect(t?.displacement[0]).toBeCloseTo(0.2, 12);
    expect(t?.displacement[1]).toBeCloseTo(-0.4, 12);
    expect(fitTrend([{ t: 0, x: 0, y: 0 }])).toBeNull();
  });

  it('refuses a zone without direction', () => {
    const flat = { zones: [zone({ id: 'voie-1', polygon: [[0, 0], [1, 0], [1, 1]] })], lines: [] };
    expect(() => createWrongWayRule(ruleConfig({ id: 'r2', type: 'wrong_way', zone: 'voie-1' }), flat)).toThrow(RuleConfigError);
  });
});
