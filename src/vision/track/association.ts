/**
 * Association costs between predicted track boxes and detections.
 */
import { OBJECT_CLASSES, type ObjectClass } from '../../contracts/classes.js';
import { iouXYXY } from '../../geometry/box.js';
import { costMatrix, type CostMatrix } from './assignment.js';
import type { BoxKalmanFilter } from './kalman.js';
import type { Track } from './track.js';

/** A detection as the tracker sees it after validation: corners, score, class index. */
export interface DetRecord {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly score: number;
  readonly cls: number;
}

/**
 * Classes that may be associated with each other. A detection can extend a
 * track only when both classes are equal or in the same group: detectors
 * often hesitate between car, truck and bus, or bicycle and motorcycle, for
 * the same object, and those must not break the track. `object` (motion
 * blobs) and every class not listed form groups of their own.
 */
export const DEFAULT_CLASS_GROUPS: readonly (readonly ObjectClass[])[] = [
  ['car', 'truck', 'bus'],
  ['bicycle', 'motorcycle'],
];

/** For each class index, the index of its group's representative. */
export function classGroupTable(groups: readonly (readonly ObjectClass[])[]): Int16Array {
  const table = new Int16Array(OBJECT_CLASSES.length);
  for (let i = 0; i < table.length; i++) table[i] = i;
  const seen = new Set<ObjectClass>();
  for (const group of groups) {
    const head = group[0];
    if (head === undefined) continue;
    const headIndex = OBJECT_CLASSES.indexOf(head);
    for (const cls of group) {
      const i = OBJECT_CLASSES.indexOf(cls);
      if (i < 0) throw new RangeError(`class group: unknown class ${String(cls)}`);
      if (seen.has(cls)) throw new RangeError(`class group: ${cls} is in two groups`);
      seen.add(cls);
      table[i] = headIndex;
    }
  }
  return table;
}

/**
 * Cost of pairing each track (row) with each detection (column): 1 - IoU, or
 * 1 - IoU * score when `fuseScore` (a weak detection must overlap more to win),
 * and +Infinity across incompatible classes.
 */
export function iouCost(
  tracks: readonly Track[],
  dets: readonly DetRecord[],
  fuseScore: boolean,
  groupOf: Int16Array,
): CostMatrix {
  const matrix = costMatrix(tracks.length, dets.length);
  const cols = dets.length;
  for (let r = 0; r < tracks.length; r++) {
    const t = tracks[r];
    if (t === undefined) continue;
    const tg = groupOf[t.cls];
    for (let c = 0; c < cols; c++) {
      const d = dets[c];
      if (d === undefined) continue;
      if (groupOf[d.cls] !== tg) {
        matrix.data[r * cols + c] = Infinity;
        continue;
      }
      const iou = iouXYXY(t.x1, t.y1, t.x2, t.y2, d.x1, d.y1, d.x2, d.y2);
      matrix.data[r * cols + c] = 1 - (fuseScore ? iou * d.score : iou);
    }
  }
  return matrix;
}

/**
 * Cost of pairing lost tracks (rows) with detections (columns): the squared
 * Mahalanobis distance of the detection from the track's Kalman prediction,
 * +Infinity above `gate` or across incompatible classes. Used to recover a
 * track whose prediction no longer overlaps its object after an occlusion.
 */
export function mahalanobisCost(
  tracks: readonly Track[],
  dets: readonly DetRecord[],
  kf: BoxKalmanFilter,
  gate: number,
  groupOf: Int16Array,
): CostMatrix {
  const matrix = costMatrix(tracks.length, dets.length, Infinity);
  const cols = dets.length;
  for (let r = 0; r < tracks.length; r++) {
    const t = tracks[r];
    if (t === undefined) continue;
    for (let c = 0; c < cols; c++) {
      const d = dets[c];
      if (d === undefined || groupOf[d.cls] !== groupOf[t.cls]) continue;
      const d2 = kf.mahalanobis(t.kf, d.x1, d.y1, d.x2, d.y2);
      if (d2 <= gate) matrix.data[r * cols + c] = d2;
    }
  }
  return matrix;
}
