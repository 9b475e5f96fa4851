/**
 * One track's mutable record inside a tracker instance, its class vote and
 * its snapshot for the contracts' TrackFrame. Not exported from the tracker's
 * API: callers only ever see `TrackSnapshot`s.
 */
import { OBJECT_CLASSES, type ObjectClass } from '../../contracts/classes.js';
import type { SizeWH } from '../../contracts/geometry.js';
import type { TrackSnapshot } from '../../contracts/track.js';
import { clipXyxy } from '../../geometry/box.js';
import { createKalmanState, kalmanBoxXyxy, type KalmanState } from './kalman.js';

/**
 * tentative: born from a detection, not yet confirmed, never reported;
 * tracked: confirmed and matched at its last update;
 * lost: confirmed, unmatched since `lastMatchedSeq`, kept for re-association.
 */
export type TrackState = 'tentative' | 'tracked' | 'lost';

const CLASS_INDEX = new Map<ObjectClass, number>(OBJECT_CLASSES.map((c, i) => [c, i]));

export function classIndex(cls: ObjectClass): number {
  const i = CLASS_INDEX.get(cls);
  if (i === undefined) throw new RangeError(`unknown class ${String(cls)}`);
  return i;
}

export interface Track {
  /** Internal key, unique per tracker instance (tentative tracks have no public id yet). */
  readonly key: number;
  /** Public id, assigned on confirmation; 0 while tentative. */
  id: number;
  state: TrackState;
  readonly kf: KalmanState;
  score: number;
  /** Class index into OBJECT_CLASSES: the majority of the recent votes. */
  cls: number;
  /** Ring buffer of the classes of the last matched detections. */
  readonly votes: Uint8Array;
  voteCount: number;
  votePos: number;
  /** Consecutive matches while tentative. */
  hits: number;
  readonly birthSeq: number;
  lastMatchedSeq: number;
  /** Predicted box of this frame (corners), refreshed after each predict. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export function createTrack(key: number, cls: number, score: number, seq: number, classHistory: number): Track {
  const track: Track = {
    key, id: 0, state: 'tentative', kf: createKalmanState(), score, cls,
    votes: new Uint8Array(classHistory), voteCount: 0, votePos: 0, hits: 1,
    birthSeq: seq, lastMatchedSeq: seq, x1: 0, y1: 0, x2: 0, y2: 0,
  };
  voteClass(track, cls);
  return track;
}

/** Copies the Kalman mean into the cached corner box used by association. */
export function refreshBox(track: Track): void {
  const m = track.kf.mean;
  const cx = m[0] ?? 0;
  const cy = m[1] ?? 0;
  const w = Math.max(m[2] ?? 0, 1);
  const h = Math.max(m[3] ?? 0, 1);
  track.x1 = cx - w / 2;
  track.y1 = cy - h / 2;
  track.x2 = cx + w / 2;
  track.y2 = cy + h / 2;
}

/**
 * Records the class of a matched detection and sets the track's class to the
 * majority of the last `votes.length` matches; a tie keeps the current class,
 * so a track does not flicker between two classes.
 */
export function voteClass(track: Track, cls: number): void {
  const size = track.votes.length;
  track.votes[track.votePos] = cls;
  track.votePos = (track.votePos + 1) % size;
  track.voteCount = Math.min(track.voteCount + 1, size);
  let best = track.cls;
  let bestCount = countVotes(track, track.cls);
  for (let k = 0; k < track.voteCount; k++) {
    const c = track.votes[k] ?? 0;
    if (c === best) continue;
    const n = countVotes(track, c);
    if (n > bestCount) {
      best = c;
      bestCount = n;
    }
  }
  track.cls = best;
}

function countVotes(track: Track, cls: number): number {
  let n = 0;
  for (let k = 0; k < track.voteCount; k++) if (track.votes[k] === cls) n++;
  return n;
}

/** The track as reported for frame `seq`; its box is clipped to the frame (the filter's own may overhang an edge). */
export function snapshotTrack(track: Track, seq: number, frame: SizeWH): TrackSnapshot {
  const m = track.kf.mean;
  return {
    id: track.id,
    box: clipXyxy(kalmanBoxXyxy(track.kf), frame),
    score: track.score,
    cls: OBJECT_CLASSES[track.cls] ?? 'object',
    matched: track.lastMatchedSeq === seq,
    ageFrames: seq - track.birthSeq,
    velocity: [m[4] ?? 0, m[5] ?? 0],
  };
}
