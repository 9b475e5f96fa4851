import { describe, expect, it } from 'vitest';
import type { ObjectClass } from '../../src/contracts/classes.js';
import type { Detection } from '../../src/contracts/detection.js';
import type { BoxXYXY } from '../../src/contracts/geometry.js';
import type { TrackFrame } from '../../src/contracts/track.js';
import { createByteTracker, resolveByteTrackerOptions, type ByteTracker } from '../../src/vision/track/byte-tracker.js';

const SIZE = { width: 1000, height: 1000 };
const frameInfo = (seq: number) => ({ seq, tSec: seq / 10, ...SIZE });

/** A 20x50 person-like box with its top-left corner at (x, y). */
function det(x: number, y: number, score = 0.9, cls: ObjectClass = 'person'): Detection {
  return { box: [x, y, x + 20, y + 50], score, cls };
}

/** Feeds one list of detections per frame, from seq 0; returns every output. */
function run(tracker: ByteTracker, frames: readonly (readonly Detection[])[], firstSeq = 0): TrackFrame[] {
  return frames.map((dets, i) => tracker.update(dets, frameInfo(firstSeq + i)));
}

const ids = (f: TrackFrame | undefined): number[] => (f?.tracks ?? []).map((t) => t.id);

describe('ByteTracker', () => {
  it('keeps one id for an object moving steadily, with ids from 1 and the Kalman velocity', () => {
    const tracker = createByteTracker({ fps: 10 });
    const out = run(tracker, Array.from({ length: 20 }, (_, f) => [det(100 + 4 * f, 200)]));
    for (const f of out) expect(ids(f)).toEqual([1]);
    const last = out.at(-1)?.tracks[0];
    expect(last?.velocity[0]).toBeCloseTo(4, 0);
    expect(last?.velocity[1]).toBeCloseTo(0, 0);
    expect(last?.ageFrames).toBe(19);
    expect(last?.matched).toBe(true);
    expect(last?.cls).toBe('person');
  });

  it('numbers ids per instance: two trackers do not share a counter', () => {
    const a = createByteTracker({ fps: 10 });
    const b = createByteTracker({ fps: 10 });
    expect(ids(run(a, [[det(0, 0), det(500, 500)]])[0])).toEqual([1, 2]);
    expect(ids(run(b, [[det(0, 0)]])[0])).toEqual([1]);
  });

  it('confirms a track born after the first frame only at its second consecutive match', () => {
    const tracker = createByteTracker({ fps: 10 });
    const out = run(tracker, [[det(0, 0)], [det(0, 0), det(500, 500)], [det(0, 0), det(502, 500)]]);
    expect(ids(out[1])).toEqual([1]); // the newcomer is tentative
    expect(ids(out[2])).toEqual([1, 2]);
  });

  it('drops a tentative track that misses its confirming frame without spending an id', () => {
    const tracker = createByteTracker({ fps: 10 });
    const out = run(tracker, [[det(0, 0)], [det(0, 0), det(500, 500)], [det(0, 0)], [det(0, 0), det(700, 700)], [det(0, 0), det(700, 700)]]);
    expect(ids(out[4])).toEqual([1, 2]);
    expect(out.flatMap((f) => f.endedTrackIds)).toEqual([]);
  });

  it('never starts a track from a low-score detection, but extends one with it (second association)', () => {
    const tracker = createByteTracker({ fps: 10 });
    const out = run(tracker, [
      [det(0, 0, 0.9), det(500, 500, 0.3)],
      [det(2, 0, 0.3), det(500, 500, 0.3)],
      [det(4, 0, 0.3), det(500, 500, 0.3)],
    ]);
    expect(out.map(ids)).toEqual([[1], [1], [1]]);
    expect(out[2]?.tracks[0]?.matched).toBe(true);
    expect(out[2]?.tracks[0]?.score).toBe(0.3);
  });

  it('re-associates a track after a short occlusion and ends it after maxLostFrames', () => {
    const tracker = createByteTracker({ fps: 10, trackBufferSec: 0.5 }); // 5 frames
    expect(resolveByteTrackerOptions({ fps: 10, trackBufferSec: 0.5 }).maxLostFrames).toBe(5);
    const walk = (f: number): Detection[] => [det(100 + 3 * f, 100)];
    const frames: Detection[][] = [];
    for (let f = 0; f < 10; f++) frames.push(walk(f));
    for (let f = 10; f < 13; f++) frames.push([]); // occluded 3 frames
    for (let f = 13; f < 16; f++) frames.push(walk(f));
    for (let f = 16; f < 24; f++) frames.push([]); // gone
    const out = run(tracker, frames);
    expect(ids(out[11])).toEqual([]); // lost tracks are not reported by default
    expect(ids(out[13])).toEqual([1]); // same id after the occlusion
    // Last match at seq 15: lost for more than 5 frames at seq 21.
    expect(out[20]?.endedTrackIds).toEqual([]);
    expect(out[21]?.endedTrackIds).toEqual([1]);
    expect(tracker.stats()).toEqual({ tentative: 0, tracked: 0, lost: 0, maxLostFrames: 5 });
  });

  it('recovers a lost track whose prediction no longer overlaps it, within the Mahalanobis gate', () => {
    // Walks right 10 px/frame, is hidden 3 frames during which it stops: the prediction
    // overshoots to x=230 while it reappears at x=200 (IoU 0 with the prediction).
    const frames: Detection[][] = [];
    for (let f = 0; f < 10; f++) frames.push([det(100 + 10 * f, 100)]);
    frames.push([], [], []);
    frames.push([det(200, 100)], [det(200, 100)], [det(200, 100)]);
    const withRecovery = run(createByteTracker({ fps: 10, recoveryGate: 1000 }), frames);
    const without = run(createByteTracker({ fps: 10, recoveryGate: 0 }), frames);
    expect(ids(withRecovery.at(-1))).toEqual([1]);
    expect(ids(without.at(-1))).toEqual([2]);
  });

  it('reports lost tracks for reportLostFrames frames, unmatched, on their prediction', () => {
    const tracker = createByteTracker({ fps: 10, reportLostFrames: 2 });
    const out = run(tracker, [[det(0, 0)], [det(5, 0)], [det(10, 0)], [], [], []]);
    expect(out.map(ids)).toEqual([[1], [1], [1], [1], [1], []]);
    expect(out[3]?.tracks[0]?.matched).toBe(false);
    expect(out[4]?.tracks[0]?.box[0]).toBeGreaterThan(10);
  });

  it('coast() predicts without marking tracks lost', () => {
    const tracker = createByteTracker({ fps: 10, trackBufferSec: 0.2 }); // 2 frames
    run(tracker, [[det(0, 0)], [det(4, 0)], [det(8, 0)]]);
    const coasted = [3, 4, 5, 6].map((seq) => tracker.coast(frameInfo(seq)));
    for (const f of coasted) {
      expect(ids(f)).toEqual([1]);
      expect(f.tracks[0]?.matched).toBe(false);
    }
    expect(coasted[3]?.tracks[0]?.box[0]).toBeGreaterThan(8);
    // The detector runs again and finds it where the prediction went.
    expect(ids(tracker.update([det(28, 0)], frameInfo(7)))).toEqual([1]);
  });

  it('gives a track the majority class of its recent matches and matches within class groups only', () => {
    const tracker = createByteTracker({ fps: 10 });
    const out = run(tracker, [
      [det(0, 0, 0.9, 'car')],
      [det(0, 0, 0.9, 'truck')],
      [det(0, 0, 0.9, 'truck')],
      [det(0, 0, 0.9, 'truck')],
    ]);
    expect(out.map(ids)).toEqual([[1], [1], [1], [1]]);
    expect(out[1]?.tracks[0]?.cls).toBe('car'); // tie 1-1 keeps the current class
    expect(out[2]?.tracks[0]?.cls).toBe('truck'); // 2 trucks to 1 car
    // A person on the same spot is another object: not associated with the truck's track.
    const later = tracker.update([det(0, 0, 0.9, 'person')], frameInfo(4));
    expect(ids(later)).toEqual([]);
    expect(ids(tracker.update([det(0, 0, 0.9, 'person')], frameInfo(5)))).toEqual([2]);
  });

  it('does not mutate its inputs', () => {
    const tracker = createByteTracker({ fps: 10 });
    const dets = Object.freeze([Object.freeze(det(0, 0))]);
    const snapshot = JSON.stringify(dets);
    tracker.update(dets, frameInfo(0));
    tracker.update(dets, frameInfo(1));
    expect(JSON.stringify(dets)).toBe(snapshot);
  });

  it('rejects frames that go backwards and invalid options', () => {
    const tracker = createByteTracker({ fps: 10 });
    tracker.update([], frameInfo(5));
    expect(() => tracker.update([], frameInfo(5))).toThrow(/increase/);
    expect(() => createByteTracker({ fps: 0 })).toThrow(/fps/);
    expect(() => createByteTracker({ fps: 10, lowScoreThreshold: 0.8, highScoreThreshold: 0.5 })).toThrow(/lowScoreThreshold/);
  });

  it('keeps its state bounded over 100k short-lived tracks', () => {
    const tracker = createByteTracker({ fps: 10, trackBufferSec: 0.3 });
    let maxLive = 0;
    let lastId = 0;
    let ended = 0;
    // Every 2 frames a new object appears at a fresh place, lives 2 frames, and vanishes.
    for (let seq = 0; seq < 200_000; seq++) {
      const k = Math.floor(seq / 2);
      const x = (k * 37) % 900;
      const y = (k * 53) % 900;
      const out = tracker.update([det(x, y)], frameInfo(seq));
      ended += out.endedTrackIds.length;
      for (const t of out.tracks) lastId = Math.max(lastId, t.id);
      const s = tracker.stats();
      maxLive = Math.max(maxLive, s.tentative + s.tracked + s.lost);
    }
    expect(lastId).toBe(100_000);
    expect(ended).toBeGreaterThan(99_990);
    expect(maxLive).toBeLessThanOrEqual(5);
  });
});

describe('ByteTracker with observed rectangles (region crops)', () => {
  const A = (): Detection => det(100, 100); // box [100,100,120,150], still
  /** B walks right 5 px a frame from (600, 600). */
  const B = (seq: number): Detection => det(600 + 5 * Math.max(0, seq - 3), 600);
  const RIGHT_BOTTOM: BoxXYXY[] = [[500, 500, 1000, 1000]];
  const LEFT_TOP: BoxXYXY[] = [[0, 0, 500, 500]];

  /** A tracker with tracks 1 (A) and 2 (B) confirmed on full frames 0..2; lost tracks end after 3 frames. */
  function twoTracks(): ByteTracker {
    const tracker = createByteTracker({ fps: 10, trackBufferSec: 0.3 });
    const out = [0, 1, 2].map((seq) => tracker.update([A(), B(seq)], frameInfo(seq)));
    expect(ids(out[2])).toEqual([1, 2]);
    expect(resolveByteTrackerOptions({ fps: 10, trackBufferSec: 0.3 }).maxLostFrames).toBe(3);
    return tracker;
  }

  it('leaves a track outside every observed rectangle alone: not matched, not lost, not ended', () => {
    const tracker = twoTracks();
    // Frames 3..10 (more than maxLostFrames): the detector only looks at the bottom-right quarter.
    for (let seq = 3; seq <= 10; seq++) {
      const out = tracker.update([B(seq)], frameInfo(seq), RIGHT_BOTTOM);
      expect(ids(out)).toEqual([1, 2]);
      expect(out.endedTrackIds).toEqual([]);
      const [a, b] = out.tracks;
      expect(a?.matched).toBe(false);
      expect(b?.matched).toBe(true);
      // A stays where it was (it has no velocity); B follows its detections (the Kalman filter lags a little).
      expect(a?.box[0]).toBeCloseTo(100, 6);
      expect(a?.box[1]).toBeCloseTo(100, 6);
      expect(Math.abs((b?.box[0] ?? 0) - B(seq).box[0])).toBeLessThan(3);
      expect(tracker.stats()).toEqual({ tentative: 0, tracked: 2, lost: 0, maxLostFrames: 3 });
    }
    // A full-frame update sees A again: same id, matched.
    const full = tracker.update([A(), B(11)], frameInfo(11));
    expect(ids(full)).toEqual([1, 2]);
    expect(full.tracks.map((t) => t.matched)).toEqual([true, true]);
    expect(full.endedTrackIds).toEqual([]);
    expect(tracker.stats()).toMatchObject({ tentative: 0, tracked: 2, lost: 0 });
  });

  it('still loses, then ends, a track inside an observed rectangle that the detector did not find', () => {
    const tracker = twoTracks();
    const out = [3, 4, 5, 6].map((seq) => tracker.update([], frameInfo(seq), LEFT_TOP));
    // A (inside the rectangle) is lost at once and not reported; B (outside) is kept as tracked, unmatched.
    expect(out.map(ids)).toEqual([[2], [2], [2], [2]]);
    expect(out[0]?.tracks[0]?.matched).toBe(false);
    // Last matched at seq 2, lost for more than 3 frames at seq 6.
    expect(out.map((f) => f.endedTrackIds)).toEqual([[], [], [], [1]]);
    expect(tracker.stats()).toMatchObject({ tracked: 1, lost: 0 });
  });

  it('counts a track as observed when at least half of its predicted box is inside a rectangle', () => {
    // A's box spans x 100..120: a rectangle up to x 112 holds 60% of it, up to x 108 only 40%.
    const mostly = twoTracks();
    mostly.update([B(3)], frameInfo(3), [[0, 0, 112, 1000], ...RIGHT_BOTTOM]);
    expect(mostly.stats()).toMatchObject({ tracked: 1, lost: 1 });
    const barely = twoTracks();
    const out = barely.update([B(3)], frameInfo(3), [[0, 0, 108, 1000], ...RIGHT_BOTTOM]);
    expect(barely.stats()).toMatchObject({ tracked: 2, lost: 0 });
    expect(ids(out)).toEqual([1, 2]);
  });

  it('behaves as on the full frame when the observed rectangles cover the whole frame', () => {
    const tracker = twoTracks();
    const out = tracker.update([B(3)], frameInfo(3), [[0, 0, SIZE.width, SIZE.height]]);
    expect(ids(out)).toEqual([2]);
    expect(tracker.stats()).toMatchObject({ tracked: 1, lost: 1 });
  });
});
