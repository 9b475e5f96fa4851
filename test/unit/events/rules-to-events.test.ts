import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import type { TrackFrame } from '../../../src/contracts/track.js';
import type { VigieEvent } from '../../../src/contracts/event.js';
import { createEventLifecycle } from '../../../src/events/lifecycle.js';
import { createCameraRules } from '../../../src/rules/registry.js';
import { car, frame, person } from '../rules/scenario.js';

// How the pipeline composes the two stages: rules -> signals -> event lifecycle.
function analyse(rules: readonly Record<string, unknown>[], frames: readonly TrackFrame[]): VigieEvent[] {
  const cfg = parseConfig({
    cameras: [
      {
        id: 'parvis-nord',
        source: 'x.mp4',
        zones: [
          { id: 'quai', polygon: [[0.5, 0.4], [1, 0.4], [1, 1], [0.5, 1]] },
          { id: 'voie-1', polygon: [[0.1, 0], [0.9, 0], [0.9, 1], [0.1, 1]], direction: [0, 1] },
        ],
        lines: [{ id: 'entree', points: [[0.2, 0.5], [0.8, 0.5]] }],
        rules,
      },
    ],
  });
  const camera = cfg.cameras[0];
  if (!camera) throw new Error('no camera');
  const ruleSet = createCameraRules(camera);
  let n = 0;
  const events = createEventLifecycle({ camera: camera.id, rules: ruleSet.meta, baseWallMs: Date.UTC(2026, 0, 1), newId: () => `e${++n}` });
  const closed = new Map<string, VigieEvent>();
  events.subscribe((c) => {
    if (c.kind === 'closed') closed.set(c.event.id, c.event);
  });
  let state = ruleSet.init();
  for (const f of frames) {
    const step = ruleSet.evaluate(state, f);
    state = step.state;
    events.ingest(step.signals, f.tSec);
  }
  const last = frames[frames.length - 1];
  events.flush(last ? last.tSec : 0);
  return [...closed.values()];
}

const at = (i: number) => Math.round(i * 2) / 10; // 5 fps

describe('rules to events', () => {
  it('a foot point flickering on the zone edge gives one intrusion event', () => {
    // Inside (y >= 0.4) most of the time, out for single frames.
    const ys = [0.45, 0.45, 0.45, 0.45, 0.45, 0.45, 0.39, 0.41, 0.42, 0.42, 0.42, 0.42, 0.42, 0.39, 0.41, 0.42, 0.42, 0.42, 0.42, 0.42, 0.42];
    const events = analyse(
      [{ id: 'r1', type: 'intrusion', zone: 'quai', min_duration_s: 0.6 }],
      ys.map((y, i) => frame(at(i), [person(1, 0.7, y)])),
    );
    expect(events.map((e) => [e.rule, e.start, e.end, e.track_ids])).toEqual([['r1', 0.6, 4, [1]]]);
  });

  it('two people crossing the line together give two events, a jittery one gives one', () => {
    const frames = [
      frame(0, [person(1, 0.4, 0.4), person(2, 0.45, 0.4), person(3, 0.6, 0.49)]),
      frame(0.2, [person(1, 0.4, 0.6), person(2, 0.45, 0.6), person(3, 0.6, 0.505)]),
      frame(0.4, [person(3, 0.6, 0.495)]),
      frame(0.6, [person(3, 0.6, 0.52)]),
      frame(0.8, [person(3, 0.6, 0.498)]),
    ];
    const events = analyse([{ id: 'r3', type: 'line_crossing', line: 'entree' }], frames);
    expect(events.map((e) => [e.track_ids[0], e.start, e.end, e.details['direction']])).toEqual([
      [1, 0.2, 0.2, 'a_to_b'],
      [2, 0.2, 0.2, 'a_to_b'],
      [3, 0.6, 0.6, 'a_to_b'],
    ]);
  });

  it('wrong way: nothing in the allowed direction, one event per track against it', () => {
    const frames = Array.from({ length: 15 }, (_, i) =>
      frame(at(i), [car(1, 0.3, 0.9 - 0.05 * i), car(2, 0.5, 0.1 + 0.05 * i), car(3, 0.7, 0.95 - 0.04 * i)]),
    );
    frames.push(frame(3, [], [1, 2, 3]));
    const events = analyse([{ id: 'r2', type: 'wrong_way', zone: 'voie-1', severity: 'medium' }], frames);
    expect(events.map((e) => [e.type, e.severity, e.track_ids[0], e.start, e.end, e.classes])).toEqual([
      ['wrong_way', 'medium', 1, 0.6, 2.8, ['car']],
      ['wrong_way', 'medium', 3, 0.6, 2.8, ['car']],
    ]);
    expect(events[0]?.details).toMatchObject({ zone: 'voie-1', angle_deg: 0 });
    expect(events[0]?.start_time).toBe('2026-01-01T00:00:00.600Z');
  });
});
