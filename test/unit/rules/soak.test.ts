import { describe, expect, it } from 'vitest';
import type { TrackSnapshot } from '../../../src/contracts/track.js';
import { createIntrusionRule } from '../../../src/rules/intrusion.js';
import { createLineCrossingRule } from '../../../src/rules/line-crossing.js';
import { createWrongWayRule } from '../../../src/rules/wrong-way.js';
import { car, frame, line, person, ruleConfig, zone } from './scenario.js';

// STYLE pitfall 6: per-track state must not grow with the number of tracks ever seen.
const scene = {
  zones: [zone({ id: 'z', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], direction: [0, 1] })],
  lines: [line({ id: 'l', points: [[0, 0.5], [1, 0.5]] })],
};
const TOTAL_IDS = 1_000_000;
const PER_FRAME = 25;

describe('rule state stays bounded over a million short-lived tracks', () => {
  it('intrusion, line crossing and wrong way', () => {
    const intrusion = createIntrusionRule(ruleConfig({ id: 'ri', type: 'intrusion', zone: 'z', min_duration_s: 0, classes: ['any'] }), scene);
    const crossing = createLineCrossingRule(ruleConfig({ id: 'rl', type: 'line_crossing', line: 'l', classes: ['any'] }), scene);
    const wrongWay = createWrongWayRule(ruleConfig({ id: 'rw', type: 'wrong_way', zone: 'z', min_distance: 0.01, classes: ['any'] }), scene);
    let si = intrusion.init();
    let sl = crossing.init();
    let sw = wrongWay.init();
    let maxTracked = 0;
    let signals = 0;

    // Each id lives two frames: seen above the line, then below it (crossing, moving
    // against the lane), then it ends -- explicitly for even ids, by vanishing for odd ones.
    let previous: TrackSnapshot[] = [];
    let previousIds: number[] = [];
    const frames = TOTAL_IDS / PER_FRAME;
    for (let f = 0; f <= frames; f++) {
      const tSec = f * 0.2;
      const born: TrackSnapshot[] = [];
      for (let k = 0; k < PER_FRAME && f < frames; k++) {
        const id = f * PER_FRAME + k + 1;
        born.push(id % 3 === 0 ? car(id, 0.02 + k * 0.038, 0.6) : person(id, 0.02 + k * 0.038, 0.4));
      }
      const second = previous.map((t) => (t.cls === 'car' ? car(t.id, 0.05, 0.3) : person(t.id, 0.05, 0.6)));
      const ended = previousIds.filter((id) => id % 2 === 0);
      const fr = frame(tSec, [...born, ...second], ended, f);
      const a = intrusion.evaluate(si, fr);
      const b = crossing.evaluate(sl, fr);
      const c = wrongWay.evaluate(sw, fr);
      si = a.state;
      sl = b.state;
      sw = c.state;
      signals += a.signals.length + b.signals.length + c.signals.length;
      maxTracked = Math.max(maxTracked, si.tracks.size, sl.tracks.size, sw.tracks.size);
      previousIds = previous.map((t) => t.id);
      previous = born;
    }

    // Live: 50 per frame; vanished tracks linger for the 2 s grace (10 frames x 25).
    expect(maxTracked).toBeLessThan(400);
    expect(signals).toBeGreaterThan(3 * TOTAL_IDS); // the rules did fire: intrusion on and off, crossings
  });
});
