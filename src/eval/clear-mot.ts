/**
 * CLEAR-MOT metrics (Bernardin & Stiefelhagen, 2008) as a streaming accumulator.
 *
 * Per frame:
 *  1. a ground-truth object keeps the result id it was last matched to, if
 *     that result is present and overlaps it with IoU >= threshold (candidate
 *     continuations are taken by decreasing IoU, each result once);
 *  2. the objects and results left are matched by optimal assignment among
 *     pairs with IoU >= threshold, maximising the summed IoU;
 *  3. a match whose result differs from the object's last matched result (at
 *     any earlier frame) is an identity switch;
 *  4. unmatched objects are misses (FN), unmatched results false positives.
 * MOTA = 1 - (FN + FP + IDSW) / number of ground-truth boxes.
 * MOTP = mean IoU of the matched pairs (higher is better; py-motmetrics
 * reports the distance 1 - IoU instead).
 * Fragmentation: each time an object's matched run is interrupted (while the
 * object is annotated) and later resumes.
 * Mostly tracked / lost: objects matched in >= 80% / < 20% of their frames.
 */
import { assignWithLimit, costMatrix } from '../vision/track/assignment.js';
import { IOU_EPS, type PreparedFrame } from './frame-pairs.js';

export interface ClearMotResult {
  readonly numGt: number;
  readonly numRes: number;
  readonly matches: number;
  readonly fp: number;
  readonly fn: number;
  readonly idSwitches: number;
  readonly fragmentations: number;
  readonly mota: number;
  readonly motp: number;
  readonly precision: number;
  readonly recall: number;
  readonly gtTracks: number;
  readonly mostlyTracked: number;
  readonly partiallyTracked: number;
  readonly mostlyLost: number;
}

/** Fraction of its frames an object must be matched in to count as mostly tracked (and 1 - this: mostly lost). */
export const MOSTLY_TRACKED_RATIO = 0.8;
export const MOSTLY_LOST_RATIO = 0.2;

interface GtHistory {
  present: number;
  matched: number;
  /** Matched in the last frame where the object was annotated. */
  matchedLast: boolean;
  /** Number of matched runs so far. */
  runs: number;
}

export interface ClearMotAccumulator {
  update(frame: PreparedFrame): void;
  compute(): ClearMotResult;
}

export function createClearMotAccumulator(iouThreshold: number): ClearMotAccumulator {
  const lastMatch = new Map<number, number>();
  const history = new Map<number, GtHistory>();
  let numGt = 0;
  let numRes = 0;
  let matches = 0;
  let idSwitches = 0;
  let iouSum = 0;

  function update(f: PreparedFrame): void {
    const nG = f.gtIds.length;
    const nR = f.resIds.length;
    numGt += nG;
    numRes += nR;
    const valid = (g: number, r: number): boolean => (f.iou[g * nR + r] ?? 0) >= iouThreshold - IOU_EPS;
    const resIndex = new Map<number, number>();
    f.resIds.forEach((id, i) => resIndex.set(id, i));
    const gtMatch = new Int32Array(nG).fill(-1);
    const resTaken = new Uint8Array(nR);

    // 1. Keep previous correspondences that are still valid.
    const keep: [number, number, number][] = [];
    for (let g = 0; g < nG; g++) {
      const prev = lastMatch.get(f.gtIds[g] ?? 0);
      const r = prev === undefined ? undefined : resIndex.get(prev);
      if (r !== undefined && valid(g, r)) keep.push([g, r, f.iou[g * nR + r] ?? 0]);
    }
    keep.sort((a, b) => b[2] - a[2]);
    for (const [g, r] of keep) {
      if (gtMatch[g] !== -1 || resTaken[r] === 1) continue;
      gtMatch[g] = r;
      resTaken[r] = 1;
    }

    // 2. Optimal assignment of the rest (cost 1 - IoU, invalid pairs forbidden: maximises summed IoU).
    const freeG: number[] = [];
    const freeR: number[] = [];
    for (let g = 0; g < nG; g++) if (gtMatch[g] === -1) freeG.push(g);
    for (let r = 0; r < nR; r++) if (resTaken[r] === 0) freeR.push(r);
    if (freeG.length > 0 && freeR.length > 0) {
      const m = costMatrix(freeG.length, freeR.length);
      for (let i = 0; i < freeG.length; i++) {
        for (let j = 0; j < freeR.length; j++) {
          const g = freeG[i] ?? 0;
          const r = freeR[j] ?? 0;
          m.data[i * freeR.length + j] = valid(g, r) ? 1 - (f.iou[g * nR + r] ?? 0) : Infinity;
        }
      }
      for (const [i, j] of assignWithLimit(m, 1).matches) {
        const g = freeG[i] ?? 0;
        const r = freeR[j] ?? 0;
        gtMatch[g] = r;
        resTaken[r] = 1;
      }
    }

    // 3. Count, detect identity switches, update histories.
    for (let g = 0; g < nG; g++) {
      const gid = f.gtIds[g] ?? 0;
      let h = history.get(gid);
      if (h === undefined) {
        h = { present: 0, matched: 0, matchedLast: false, runs: 0 };
        history.set(gid, h);
      }
      h.present++;
      const r = gtMatch[g] ?? -1;
      if (r < 0) {
        h.matchedLast = false;
        continue;
      }
      const rid = f.resIds[r] ?? 0;
      const prev = lastMatch.get(gid);
      if (prev !== undefined && prev !== rid) idSwitches++;
      lastMatch.set(gid, rid);
      matches++;
      iouSum += f.iou[g * nR + r] ?? 0;
      h.matched++;
      if (!h.matchedLast) h.runs++;
      h.matchedLast = true;
    }
  }

  function compute(): ClearMotResult {
    const fn = numGt - matches;
    const fp = numRes - matches;
    let mostlyTracked = 0;
    let mostlyLost = 0;
    let fragmentations = 0;
    for (const h of history.values()) {
      const ratio = h.present > 0 ? h.matched / h.present : 0;
      if (ratio >= MOSTLY_TRACKED_RATIO) mostlyTracked++;
      else if (ratio < MOSTLY_LOST_RATIO) mostlyLost++;
      fragmentations += Math.max(0, h.runs - 1);
    }
    return {
      numGt, numRes, matches, fp, fn, idSwitches, fragmentations,
      mota: numGt > 0 ? 1 - (fn + fp + idSwitches) / numGt : 0,
      motp: matches > 0 ? iouSum / matches : 0,
      precision: numRes > 0 ? matches / numRes : 0,
      recall: numGt > 0 ? matches / numGt : 0,
      gtTracks: history.size,
      mostlyTracked,
      partiallyTracked: history.size - mostlyTracked - mostlyLost,
      mostlyLost,
    };
  }

  return { update, compute };
}
