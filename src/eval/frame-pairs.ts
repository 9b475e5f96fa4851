/**
 * One evaluation frame prepared for the metric accumulators: ground truth and
 * result boxes after the zero-marked-ground-truth policy, and their IoU matrix.
 */
import { iouXYXY } from '../geometry/box.js';
import { assignWithLimit, costMatrix } from '../vision/track/assignment.js';
import type { MotRow } from './mot-io.js';

/**
 * What to do with ground-truth rows whose conf flag is 0.
 * - `drop` (default, the MOT15 convention of the official MOTChallenge
 *   evaluator): they are removed before scoring; a result box on them counts
 *   as a false positive.
 * - `ignore` (the MOT16+ convention for "do not score" regions): they are
 *   removed, and so is any result box that the optimal IoU >= threshold
 *   matching pairs with one of them, so it is neither a hit nor a false positive.
 * - `keep`: they are scored like any other row.
 */
export type ZeroMarkedGtPolicy = 'drop' | 'ignore' | 'keep';

export interface PreparedFrame {
  readonly frame: number;
  readonly gtIds: readonly number[];
  readonly resIds: readonly number[];
  /** gtIds.length x resIds.length IoUs, row-major. */
  readonly iou: Float64Array;
}

/** Numerical slack on the IoU threshold (an IoU of exactly 0.5 matches at 0.5). */
export const IOU_EPS = 1e-9;

export function prepareFrame(
  frame: number,
  gt: readonly MotRow[],
  res: readonly MotRow[],
  iouThreshold: number,
  policy: ZeroMarkedGtPolicy,
): PreparedFrame {
  assertUniqueIds(frame, gt, 'ground truth');
  assertUniqueIds(frame, res, 'result');
  let gtKept = policy === 'keep' ? gt : gt.filter((r) => r.conf !== 0);
  let resKept = res;
  if (policy === 'ignore') {
    const zero = gt.filter((r) => r.conf === 0);
    if (zero.length > 0 && res.length > 0) {
      // Pair results with all gt jointly, so a result that fits a scored person better is kept.
      const all = iouMatrix(gt, res);
      const m = costMatrix(gt.length, res.length);
      for (let k = 0; k < all.length; k++) {
        const v = all[k] ?? 0;
        m.data[k] = v >= iouThreshold - IOU_EPS ? 1 - v : Infinity;
      }
      const drop = new Set<number>();
      for (const [g, r] of assignWithLimit(m, 1).matches) if (gt[g]?.conf === 0) drop.add(r);
      resKept = res.filter((_, i) => !drop.has(i));
    }
    gtKept = gt.filter((r) => r.conf !== 0);
  }
  return {
    frame,
    gtIds: gtKept.map((r) => r.id),
    resIds: resKept.map((r) => r.id),
    iou: iouMatrix(gtKept, resKept),
  };
}

function iouMatrix(gt: readonly MotRow[], res: readonly MotRow[]): Float64Array {
  const out = new Float64Array(gt.length * res.length);
  for (let g = 0; g < gt.length; g++) {
    const a = gt[g];
    if (a === undefined) continue;
    for (let r = 0; r < res.length; r++) {
      const b = res[r];
      if (b === undefined) continue;
      out[g * res.length + r] = iouXYXY(
        a.left, a.top, a.left + a.width, a.top + a.height,
        b.left, b.top, b.left + b.width, b.top + b.height,
      );
    }
  }
  return out;
}

function assertUniqueIds(frame: number, rows: readonly MotRow[], what: string): void {
  const seen = new Set<number>();
  for (const r of rows) {
    if (seen.has(r.id)) throw new RangeError(`${what}: id ${r.id} appears twice in frame ${frame}`);
    seen.add(r.id);
  }
}
