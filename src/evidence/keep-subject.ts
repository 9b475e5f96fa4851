/**
 * "Keep one subject unblurred" (GDPR access requests): the person designated by
 * a point at one instant is followed through the clip with the project's
 * ByteTrack tracker, and their detection is left out of the blur in every
 * frame where the track is matched. Everything else stays blurred: a frame
 * where the track is lost, or where the match is doubtful, blurs everyone.
 */
import type { Detection } from '../contracts/detection.js';
import type { BoxXYXY } from '../contracts/geometry.js';
import { boxIou } from '../geometry/box.js';
import { createByteTracker } from '../vision/track/index.js';
import { EvidenceError } from './errors.js';

/** The subject to keep: a point in normalised frame coordinates at `atS` seconds from the clip's first frame. */
export interface KeepPoint {
  readonly atS: number;
  readonly x: number;
  readonly y: number;
}

export interface KeepPlan {
  readonly trackId: number;
  /** Frame (index from 0) where the subject was designated. */
  readonly frame: number;
  /** Per frame, the index of the kept detection, or -1 (blur everyone). */
  readonly kept: Int32Array;
  /** Frames where the subject is left unblurred. */
  readonly framesKept: number;
}

/** A detection is the track's when their IoU reaches this (the track box is the Kalman-filtered one). */
const MATCH_IOU = 0.5;
/** How far (seconds) around `atS` to look for the subject when it is not tracked at that very frame. */
const SEARCH_S = 1;

const contains = (b: BoxXYXY, x: number, y: number): boolean => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
const area = (b: BoxXYXY): number => (b[2] - b[0]) * (b[3] - b[1]);

/**
 * Tracks `detections` (one array per frame, people only) and picks the track
 * whose box contains the point in the frame nearest `keep.atS` (the smallest
 * such box: the person in front rather than a group box).
 *
 * @throws EvidenceError INVALID when nobody is tracked at that point.
 */
export function planKeptSubject(detections: readonly (readonly Detection[])[], size: { width: number; height: number; fps: number }, keep: KeepPoint): KeepPlan {
  const tracker = createByteTracker({ fps: size.fps });
  const tracks = detections.map((dets, seq) => tracker.update(dets, { seq, tSec: seq / size.fps, width: size.width, height: size.height }).tracks);
  const px = keep.x * size.width;
  const py = keep.y * size.height;
  const target = Math.min(detections.length - 1, Math.max(0, Math.round(keep.atS * size.fps)));
  let chosen: { id: number; frame: number } | null = null;
  // Nearest frames first: target, target+1, target-1, ...
  for (let step = 0; step <= Math.round(SEARCH_S * size.fps) && chosen === null; step++) {
    for (const frame of step === 0 ? [target] : [target + step, target - step]) {
      const here = tracks[frame]?.filter((t) => t.matched && contains(t.box, px, py)) ?? [];
      const best = here.sort((a, b) => area(a.box) - area(b.box))[0];
      if (best) {
        chosen = { id: best.id, frame };
        break;
      }
    }
  }
  if (chosen === null) {
    throw new EvidenceError('INVALID', `keepSubject: no tracked person contains the point (${keep.x.toFixed(3)}, ${keep.y.toFixed(3)}) within ${SEARCH_S} s of the given time; pick a point on the person in the frame at that time`);
  }
  const kept = new Int32Array(detections.length).fill(-1);
  let framesKept = 0;
  for (let f = 0; f < detections.length; f++) {
    const track = tracks[f]!.find((t) => t.id === chosen.id && t.matched);
    if (!track) continue;
    let bestIou = MATCH_IOU;
    detections[f]!.forEach((d, i) => {
      const iou = boxIou(d.box, track.box);
      if (iou >= bestIou) {
        bestIou = iou;
        kept[f] = i;
      }
    });
    if (kept[f]! >= 0) framesKept++;
  }
  return { trackId: chosen.id, frame: chosen.frame, kept, framesKept };
}
