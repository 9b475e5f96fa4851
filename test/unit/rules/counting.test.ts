import { describe, expect, it } from 'vitest';
import type { TrackFrame } from '../../../src/contracts/track.js';
import { ruleSchema } from '../../../src/config/schema.js';
import { createCountingStatistic, type CountingState } from '../../../src/rules/counting.js';
import { createLineCrossingRule } from '../../../src/rules/line-crossing.js';
import { createCameraRules } from '../../../src/rules/registry.js';
import { MAX_TRACKED_PER_RULE } from '../../../src/rules/track-table.js';
import { RuleConfigError, type CountRecord, type Statistic } from '../../../src/rules/types.js';
import { rng } from '../../helpers/random.js';
import { car, frame, line, person, ruleConfig, run, thing, zone } from './scenario.js';

// Line "entree" from a=(0.2,0.5) to b=(0.8,0.5): walking down the image crosses a_to_b.
// Zone "parvis": the left half of the image.
const scene = {
  zones: [zone({ id: 'parvis', polygon: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] })],
  lines: [line({ id: 'entree', points: [[0.2, 0.5], [0.8, 0.5]] })],
};
const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const BUCKET_MS = 300_000;

const stat = (extra: Record<string, unknown> = {}) =>
  createCountingStatistic(ruleConfig({ id: 'c1', type: 'counting', lines: ['entree'], zones: ['parvis'], ...extra }), scene);

/** A frame at `tSec` of stream time, whose wall time is T0 + `tSec`. */
const at = (tSec: number, tracks: Parameters<typeof frame>[1], ended: readonly number[] = []) => ({ frame: frame(tSec, tracks, ended), wallMs: T0 + tSec * 1000 });

/** Runs a statistic; returns the counts of closed buckets, then those the final flush gives. */
function count<S>(s: Statistic<S>, frames: readonly { frame: TrackFrame; wallMs: number }[]): { closed: CountRecord[]; flushed: readonly CountRecord[]; state: S } {
  let state = s.init();
  const closed: CountRecord[] = [];
  for (const f of frames) {
    const step = s.evaluate(state, f.frame, { wallMs: f.wallMs, scene: {} });
    state = step.state;
    closed.push(...step.counts);
  }
  return { closed, flushed: s.flush(state), state };
}

/** "kind target cls direction value/peak" per record, sorted. */
const brief = (records: readonly CountRecord[]) =>
  records.map((r) => `${r.kind} ${r.target} ${r.cls} ${r.direction ?? '-'} ${+r.value.toFixed(4)}/${r.peak}`).sort();

const crossings = (records: readonly CountRecord[]) => brief(records.filter((r) => r.kind === 'crossing'));

/** One person walking through foot y positions at x, one frame every 0.2 s from `t0`. */
const walkY = (id: number, x: number, ys: readonly number[], t0 = 0) => ys.map((y, i) => at(t0 + Math.round(i * 2) / 10, [person(id, x, y)]));

describe('counting: crossings', () => {
  it('counts crossings per class and direction', () => {
    const frames = [
      at(0, [person(1, 0.3, 0.4), person(2, 0.4, 0.6), car(3, 0.6, 0.4)]),
      at(0.2, [person(1, 0.3, 0.6), person(2, 0.4, 0.4), car(3, 0.6, 0.6)]),
      at(0.4, [person(4, 0.35, 0.4)]),
      at(0.6, [person(4, 0.35, 0.6)]),
    ];
    expect(crossings(count(stat(), frames).flushed)).toEqual([
      'crossing entree car a_to_b 1/1',
      'crossing entree person a_to_b 2/2',
      'crossing entree person b_to_a 1/1',
    ]);
  });

  it('a foot point jittering on the line counts once (hysteresis)', () => {
    const ys = [0.4, 0.495, 0.503, 0.497, 0.505, 0.498, 0.502, 0.509, 0.496, 0.53, 0.6];
    expect(crossings(count(stat({ hysteresis: 0.01 }), walkY(1, 0.5, ys)).flushed)).toEqual(['crossing entree person a_to_b 1/1']);
    // Without hysteresis, the jitter is counted (why the setting exists).
    expect(count(stat({ hysteresis: 0 }), walkY(1, 0.5, [0.4, 0.495, 0.503, 0.497, 0.505, 0.6])).flushed.find((r) => r.direction === 'a_to_b')?.value).toBe(2);
  });

  it('only crossings between the end points count', () => {
    const frames = [at(0, [person(1, 0.9, 0.4), person(2, 0.1, 0.6), person(3, 0.79, 0.4)]), at(0.2, [person(1, 0.9, 0.6), person(2, 0.1, 0.4), person(3, 0.79, 0.6)])];
    expect(crossings(count(stat(), frames).flushed)).toEqual(['crossing entree person a_to_b 1/1']);
  });

  it('a track that crosses, leaves and comes back across counts each crossing', () => {
    const ys = [0.4, 0.6, 0.6, 0.6, 0.4, 0.4, 0.6];
    expect(crossings(count(stat(), walkY(1, 0.5, ys)).flushed)).toEqual(['crossing entree person a_to_b 2/2', 'crossing entree person b_to_a 1/1']);
  });

  it('a track that ends above the line and comes back below as a new track is not a crossing', () => {
    const frames = [at(0, [person(1, 0.5, 0.4)]), at(0.2, [person(1, 0.5, 0.45)], [1]), at(0.4, [person(2, 0.5, 0.6)]), at(0.6, [person(2, 0.5, 0.7)])];
    expect(crossings(count(stat(), frames).flushed)).toEqual([]);
  });

  it('a track briefly absent keeps its side (within the grace) and its crossing counts', () => {
    const frames = [at(0, [person(1, 0.5, 0.4)]), at(0.2, []), at(1.0, [person(1, 0.5, 0.6)])];
    expect(crossings(count(stat(), frames).flushed)).toEqual(['crossing entree person a_to_b 1/1']);
  });

  it('two people walking in one box are one track: one crossing (a tracker limit, not the rule)', () => {
    const frames = [at(0, [thing(1, 'person', 0.5, 0.4)]), at(0.2, [thing(1, 'person', 0.5, 0.6)])];
    expect(count(stat({ anchor: 'center' }), frames).flushed.find((r) => r.kind === 'crossing')?.value).toBe(1);
  });

  it('counts only the configured classes; `any` counts every class under its own name', () => {
    const frames = [at(0, [person(1, 0.3, 0.4), thing(2, 'object', 0.6, 0.4)]), at(0.2, [person(1, 0.3, 0.6), thing(2, 'object', 0.6, 0.6)])];
    expect(crossings(count(stat({ classes: ['person'] }), frames).flushed)).toEqual(['crossing entree person a_to_b 1/1']);
    expect(crossings(count(stat({ classes: ['any'] }), frames).flushed)).toEqual(['crossing entree object a_to_b 1/1', 'crossing entree person a_to_b 1/1']);
  });

  it('counts exactly what line_crossing signals, on random walks', () => {
    const random = rng(20260302);
    let total = 0;
    for (let trial = 0; trial < 40; trial++) {
      const frames: TrackFrame[] = [];
      const pos = new Map<number, [number, number]>();
      let nextId = 1;
      for (let i = 0; i < 150; i++) {
        if (pos.size < 6 && random() < 0.2) pos.set(nextId++, [random(), 0.3 + random() * 0.4]);
        const ended: number[] = [];
        for (const [id, p] of pos) {
          p[0] = Math.min(1, Math.max(0, p[0] + (random() - 0.5) * 0.08));
          p[1] = Math.min(1, Math.max(0, p[1] + (random() - 0.5) * 0.06));
          if (random() < 0.01) ended.push(id);
        }
        const tracks = [...pos].filter(() => random() > 0.05).map(([id, [x, y]]) => (id % 3 === 0 ? car(id, x, y) : person(id, x, y)));
        frames.push(frame(i * 0.2, tracks, ended));
        for (const id of ended) pos.delete(id);
      }
      const hysteresis = [0, 0.01, 0.03][trial % 3] as number;
      const signals = run(createLineCrossingRule(ruleConfig({ id: 'lc', type: 'line_crossing', line: 'entree', classes: ['any'], hysteresis }), scene), frames);
      const expected = new Map<string, number>();
      for (const s of signals) {
        const key = `${s.kind === 'instant' ? s.cls : ''} ${String(s.kind === 'instant' ? s.details['direction'] : '')}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      const counted = count(stat({ classes: ['any'], hysteresis, zones: [] }), frames.map((f) => ({ frame: f, wallMs: T0 + f.tSec * 1000 })));
      const got = new Map(counted.flushed.map((r) => [`${r.cls} ${String(r.direction)}`, r.value]));
      expect(got).toEqual(expected);
      total += signals.length;
    }
    expect(total).toBeGreaterThan(100);
  });
});

describe('counting: occupancy', () => {
  it('reports the mean and the peak number of tracks inside each zone per class over the bucket frames', () => {
    // Frames: 2 people inside, 2 inside + 1 outside, 1 inside, nobody; a car inside in one frame.
    const frames = [
      at(0, [person(1, 0.1, 0.2), person(2, 0.2, 0.2)]),
      at(0.2, [person(1, 0.1, 0.2), person(2, 0.2, 0.2), person(3, 0.9, 0.2), car(9, 0.3, 0.3)]),
      at(0.4, [person(1, 0.1, 0.2)]),
      at(0.6, []),
    ];
    const occupancy = brief(count(stat({ lines: [], classes: ['person', 'car', 'bus'] }), frames).flushed);
    expect(occupancy).toEqual(['occupancy parvis bus - 0/0', 'occupancy parvis car - 0.25/1', 'occupancy parvis person - 1.25/2']);
  });

  it('uses the rule anchor: the foot point for people by default', () => {
    // A person whose foot is at x=0.55 (outside) but whose box reaches x<0.5 is outside.
    const frames = [at(0, [person(1, 0.51, 0.5)])];
    expect(count(stat({ lines: [], classes: ['person'] }), frames).flushed[0]?.peak).toBe(0);
  });

  it('with `any`, reports each class seen inside, zero frames included in its mean', () => {
    const frames = [at(0, []), at(0.2, []), at(0.4, [thing(5, 'object', 0.2, 0.5)]), at(0.6, [])];
    expect(brief(count(stat({ lines: [], classes: ['any'] }), frames).flushed)).toEqual(['occupancy parvis object - 0.25/1']);
  });

  it('a track listed as ended in a frame is not counted in it', () => {
    const frames = [at(0, [person(1, 0.1, 0.2)], [1])];
    expect(count(stat({ lines: [], classes: ['person'] }), frames).flushed[0]?.peak).toBe(0);
  });
});

describe('counting: buckets', () => {
  it('closes a bucket on the first frame past its end, aligned on 5-minute multiples of wall time', () => {
    const s = stat({ zones: [] });
    const start = Date.parse('2026-03-02T10:03:00.000Z');
    const frames = [
      { frame: frame(0, [person(1, 0.3, 0.4)]), wallMs: start },
      { frame: frame(0.2, [person(1, 0.3, 0.6)]), wallMs: start + 200 },
      // 10:04:59.9 is still the 10:00 bucket; 10:05:00.0 opens the next one.
      { frame: frame(119.9, [person(2, 0.3, 0.6)]), wallMs: start + 119_900 },
      { frame: frame(120, [person(2, 0.3, 0.4)]), wallMs: start + 120_000 },
    ];
    let state = s.init();
    const closedAt: number[] = [];
    const closed: CountRecord[] = [];
    frames.forEach((f, i) => {
      const step = s.evaluate(state, f.frame, { wallMs: f.wallMs, scene: {} });
      state = step.state;
      if (step.counts.length > 0) closedAt.push(i);
      closed.push(...step.counts);
    });
    expect(closedAt).toEqual([3]);
    expect(closed).toEqual([
      { ruleId: 'c1', bucketStartMs: Date.parse('2026-03-02T10:00:00.000Z'), bucketS: 300, kind: 'crossing', target: 'entree', cls: 'person', direction: 'a_to_b', value: 1, peak: 1, frames: 3 },
    ]);
    // The crossing confirmed in the first frame of the next bucket belongs to it.
    expect(s.flush(state)).toEqual([
      { ruleId: 'c1', bucketStartMs: Date.parse('2026-03-02T10:05:00.000Z'), bucketS: 300, kind: 'crossing', target: 'entree', cls: 'person', direction: 'b_to_a', value: 1, peak: 1, frames: 1 },
    ]);
  });

  it('a bucket with nothing counted still reports its named zone classes (so its frames are known)', () => {
    const { closed, flushed } = count(stat({ classes: ['person'] }), [at(0, []), { frame: frame(301, []), wallMs: T0 + 301_000 }]);
    expect(closed).toEqual([{ ruleId: 'c1', bucketStartMs: T0, bucketS: 300, kind: 'occupancy', target: 'parvis', cls: 'person', direction: null, value: 0, peak: 0, frames: 1 }]);
    expect(flushed.map((r) => r.bucketStartMs)).toEqual([T0 + BUCKET_MS]);
  });

  it('flushes nothing before the first frame, and flushing leaves the state as it was', () => {
    const s = stat();
    expect(s.flush(s.init())).toEqual([]);
    const { state } = count(s, walkY(1, 0.3, [0.4, 0.6]));
    const before = JSON.stringify([...state.tracks], null, 0) + JSON.stringify(state.bucket, (_k, v: unknown) => (v instanceof Map ? [...v] : v));
    expect(s.flush(state)).toEqual(s.flush(state));
    expect(JSON.stringify([...state.tracks], null, 0) + JSON.stringify(state.bucket, (_k, v: unknown) => (v instanceof Map ? [...v] : v))).toBe(before);
  });

  it('never modifies the state it is given', () => {
    const s = stat();
    const { state } = count(s, walkY(1, 0.3, [0.4, 0.45]));
    const next = frame(0.4, [person(1, 0.3, 0.6), person(2, 0.1, 0.2)]);
    const a = s.evaluate(state, next, { wallMs: T0 + 400, scene: {} });
    const b = s.evaluate(state, next, { wallMs: T0 + 400, scene: {} });
    expect(s.flush(a.state)).toEqual(s.flush(b.state));
    expect(crossings(s.flush(a.state))).toEqual(['crossing entree person a_to_b 1/1']);
    expect(crossings(s.flush(state))).toEqual([]);
  });

  it('records carry counts only: no track id anywhere', () => {
    const { flushed } = count(stat(), walkY(4242, 0.3, [0.4, 0.6]));
    for (const r of flushed) {
      expect(Object.keys(r).sort()).toEqual(['bucketS', 'bucketStartMs', 'cls', 'direction', 'frames', 'kind', 'peak', 'ruleId', 'target', 'value']);
      expect(JSON.stringify(r)).not.toContain('4242');
    }
  });
});

describe('counting: bounded memory', () => {
  const sizeOf = (state: CountingState) => state.tracks.size;

  it('drops a track memory when the track ends, and keeps none when it counts no line', () => {
    const s = stat();
    const { state } = count(s, [at(0, [person(1, 0.3, 0.4), person(2, 0.3, 0.4)]), at(0.2, [person(2, 0.3, 0.4)], [1])]);
    expect([...state.tracks.keys()]).toEqual([2]);
    const zonesOnly = count(stat({ lines: [] }), [at(0, [person(1, 0.1, 0.4)])]);
    expect(sizeOf(zonesOnly.state)).toBe(0);
  });

  it('forgets a track absent longer than the grace, and never holds more than the cap', () => {
    const s = stat();
    const { state } = count(s, [at(0, [person(1, 0.3, 0.4)]), at(5, [])]);
    expect(sizeOf(state)).toBe(0);
    const crowd = Array.from({ length: MAX_TRACKED_PER_RULE + 50 }, (_, i) => person(i + 1, 0.3, 0.4));
    expect(sizeOf(count(s, [at(0, crowd)]).state)).toBe(MAX_TRACKED_PER_RULE);
  });
});

describe('counting: config', () => {
  it('refuses an unknown line or zone, naming the known ones', () => {
    expect(() => stat({ lines: ['sortie'] })).toThrow(RuleConfigError);
    expect(() => stat({ lines: ['sortie'] })).toThrow(/unknown line "sortie" \(known: entree\)/);
    expect(() => stat({ zones: ['quai'] })).toThrow(/unknown zone "quai"/);
  });

  it('names the field and the fix for a rule with nothing to count or a line listed twice', () => {
    const empty = ruleSchema.safeParse({ id: 'c1', type: 'counting' });
    expect(empty.success).toBe(false);
    expect(empty.error?.issues[0]?.path).toEqual(['lines']);
    expect(empty.error?.issues[0]?.message).toMatch(/at least one line or one zone/);
    const twice = ruleSchema.safeParse({ id: 'c1', type: 'counting', lines: ['entree', 'entree'] });
    expect(twice.error?.issues[0]?.path).toEqual(['lines']);
    expect(twice.error?.issues[0]?.message).toMatch(/listed twice/);
  });

  it('has no severity, cooldown or mode: it never raises an event', () => {
    expect(ruleSchema.safeParse({ id: 'c1', type: 'counting', lines: ['entree'], severity: 'high' }).success).toBe(false);
    const rules = createCameraRules({ rules: [ruleConfig({ id: 'c1', type: 'counting', lines: ['entree'] })], ...scene });
    expect(rules.rules).toEqual([]);
    expect(rules.meta).toEqual([]);
    let state = rules.init();
    for (const f of walkY(1, 0.3, [0.4, 0.6])) {
      const step = rules.evaluate(state, f.frame, { wallMs: f.wallMs, scene: {} });
      expect(step.signals).toEqual([]);
      state = step.state;
    }
    expect(crossings(rules.flushCounts(state))).toEqual(['crossing entree person a_to_b 1/1']);
  });

  it('outside its schedule counts nothing', () => {
    // 2026-03-02 is a Monday; 10:00Z is 11:00 in Paris.
    const scheduled = (from: string, to: string) =>
      createCameraRules({ rules: [ruleConfig({ id: 'c1', type: 'counting', lines: ['entree'], schedule: [{ from, to }] })], ...scene });
    const frames = walkY(1, 0.3, [0.4, 0.6]);
    const flushed = (rules: ReturnType<typeof scheduled>) => {
      let state = rules.init();
      for (const f of frames) state = rules.evaluate(state, f.frame, { wallMs: f.wallMs, scene: {} }).state;
      return rules.flushCounts(state);
    };
    expect(flushed(scheduled('22:00', '06:00'))).toEqual([]);
    expect(crossings(flushed(scheduled('08:00', '12:00')))).toEqual(['crossing entree person a_to_b 1/1']);
  });
});
