import { describe, expect, it } from 'vitest';
import { cameraSchema, type CameraConfig, type RuleConfig } from '../../../src/config/schema.js';
import type { TrackFrame } from '../../../src/contracts/track.js';
import { scoreEvents, type Annotation } from '../../../src/eval/event-matching.js';
import { replayRules } from '../../../src/eval/replay.js';
import { parseSweepSpec, ruleWithParam, sweepableFields, sweepRule, SweepError } from '../../../src/eval/sweep.js';
import type { CachedFrame, TrackRecording } from '../../../src/eval/track-cache.js';
import { createCameraRules } from '../../../src/rules/registry.js';

const FPS = 5;
const BASE_WALL_MS = Date.UTC(2026, 10, 28, 14, 0, 0);

/** People standing in the frame: `people(t)` of them at second t, ids 1..n. */
function recording(seconds: number, people: (t: number) => number): TrackRecording {
  const frames: CachedFrame[] = [];
  for (let seq = 0; seq < seconds * FPS; seq++) {
    const tSec = seq / FPS;
    const n = people(tSec);
    const tracks: TrackFrame['tracks'] = Array.from({ length: n }, (_, i) => ({
      id: i + 1,
      box: [10 + i * 8, 40, 16 + i * 8, 60],
      score: 0.8,
      cls: 'person',
      matched: true,
      ageFrames: seq,
      velocity: [0, 0],
    }));
    frames.push({ tracks: { seq, tSec, width: 100, height: 100, tracks, endedTrackIds: [] }, wallMs: BASE_WALL_MS + tSec * 1000, detected: true, detections: n });
  }
  return { key: 'k', camera: 'cam', fps: FPS, baseWallMs: BASE_WALL_MS, frames };
}

const camera = (minPeople: number): CameraConfig =>
  cameraSchema.parse({
    id: 'cam',
    source: 'clip.mp4',
    zones: [{ id: 'square', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }],
    rules: [{ id: 'group', type: 'gathering', zone: 'square', min_people: minPeople, min_duration_s: 5, cooldown_s: 0 }],
  });
const gathering = (camera(3).rules[0] as RuleConfig);

// 5 people from 10 s to 30 s, 3 from 40 s to 50 s, 1 otherwise.
const clip = recording(60, (t) => (t >= 10 && t < 30 ? 5 : t >= 40 && t < 50 ? 3 : 1));
const annotations: Annotation[] = [{ type: 'gathering', start: 15, end: 30 }];

describe('sweepRule', () => {
  const rulesAt = (v: number) => createCameraRules({ ...camera(3), rules: [ruleWithParam(gathering, 'min_people', v)] });
  const points = sweepRule({ recording: clip, type: 'gathering', values: [3, 5, 6], rulesAt, annotations, toleranceS: 2 });

  it('gives one point per value, in order, along the precision/recall trade-off', () => {
    expect(points.map((p) => [p.value, p.events, p.tp, p.fp, p.fn, p.precision, p.recall])).toEqual([
      [3, 2, 1, 1, 0, 0.5, 1],
      [5, 1, 1, 0, 0, 1, 1],
      [6, 0, 0, 0, 1, null, 0],
    ]);
  });

  it('equals, at each value, a single replay of a camera configured at that value', () => {
    for (const p of points) {
      const events = replayRules(clip, createCameraRules(camera(p.value)));
      const single = scoreEvents(annotations, events).perType.find((s) => s.type === 'gathering');
      expect(p).toMatchObject({ events: events.length, tp: single?.tp ?? 0, fp: single?.fp ?? 0, fn: single?.fn ?? 1 });
    }
  });

  it('replays with the recorded wall clock: a schedule outside the clip silences the rule', () => {
    const night = cameraSchema.parse({
      ...camera(3),
      rules: [{ ...gathering, schedule: [{ days: ['mon'], from: '02:00', to: '03:00' }] }],
    });
    expect(replayRules(clip, createCameraRules(night, { timeZone: 'Europe/Paris' }))).toEqual([]);
    expect(replayRules(clip, createCameraRules(camera(3))).length).toBe(2);
  });
});

describe('sweep parameters', () => {
  it('parses lists and inclusive ranges without float noise', () => {
    expect(parseSweepSpec('min_people=3,4,5')).toEqual({ param: 'min_people', values: [3, 4, 5] });
    expect(parseSweepSpec('max_spread=0.1:0.3:0.1').values).toEqual([0.1, 0.2, 0.3]);
    expect(parseSweepSpec('min_duration_s=5:30:10').values).toEqual([5, 15, 25]);
  });

  it('refuses malformed specs, saying how to write them', () => {
    expect(() => parseSweepSpec('min_people')).toThrow(/param=v1,v2,v3 or param=from:to:step/);
    expect(() => parseSweepSpec('min_people=3,x')).toThrow(/"x" is not a number/);
    expect(() => parseSweepSpec('min_people=5:3:1')).toThrow(/from <= to and a step > 0/);
    expect(() => parseSweepSpec('min_people=3:5')).toThrow(/from:to:step/);
    expect(() => parseSweepSpec('min_people=3,3')).toThrow(/repeated/);
    expect(() => parseSweepSpec('min_people=0:1000:1')).toThrow(SweepError);
  });

  it('sweeps numeric fields only, validated by the rule schema', () => {
    expect(sweepableFields(gathering)).toEqual(['cooldown_s', 'min_duration_s', 'min_people']);
    expect(() => ruleWithParam(gathering, 'zone', 3)).toThrow(/no numeric field "zone": sweep one of cooldown_s, min_duration_s, min_people/);
    expect(() => ruleWithParam(gathering, 'min_people', 2.5)).toThrow(/min_people=2.5 is not valid/);
    expect(() => ruleWithParam(gathering, 'min_people', 1)).toThrow(SweepError);
    expect(ruleWithParam(gathering, 'min_duration_s', 12)).toMatchObject({ id: 'group', min_duration_s: 12, min_people: 3 });
  });
});
