/**
 * HOTA (Luiten et al., "HOTA: A Higher Order Metric for Evaluating
 * Multi-Object Tracking", IJCV 2021), written from the paper.
 *
 * HOTA needs a global view before it can match frames, so this accumulator
 * keeps each frame's (sparse) IoU pairs and does two passes in `compute`:
 *  1. global alignment A(g, r): how much ids g and r co-occur overall,
 *     = S / (|g| + |r| - S) with S the per-frame IoU-normalised overlap summed
 *     over frames (|g|, |r|: frames where each id is present);
 *  2. per frame, optimal assignment maximising A(g, r) * IoU(g, r); for each
 *     localisation threshold alpha in 0.05, 0.10 .. 0.95 a matched pair with
 *     IoU >= alpha is a true positive.
 * For each alpha: DetA = TP / (TP + FN + FP); AssA = mean over TPs of
 * TPA / (TPA + FNA + FPA) for the TP's id pair; HOTA = sqrt(DetA * AssA);
 * LocA = mean IoU of the TPs. Reported values are means over the alphas.
 */
import { costMatrix, solveAssignment } from '../vision/track/assignment.js';
import type { PreparedFrame } from './frame-pairs.js';

export interface HotaResult {
  readonly hota: number;
  readonly detA: number;
  readonly assA: number;
  readonly locA: number;
}

export interface HotaAccumulator {
  update(frame: PreparedFrame): void;
  compute(): HotaResult;
}

export const HOTA_ALPHAS: readonly number[] = Array.from({ length: 19 }, (_, i) => Number((0.05 * (i + 1)).toFixed(2)));

interface StoredFrame {
  readonly gt: Int32Array;
  readonly res: Int32Array;
  readonly iou: Float64Array;
}

const EPS = 1e-10;

export function createHotaAccumulator(): HotaAccumulator {
  const gtIndex = new Map<number, number>();
  const resIndex = new Map<number, number>();
  const frames: StoredFrame[] = [];

  const indexOf = (map: Map<number, number>, id: number): number => {
    let i = map.get(id);
    if (i === undefined) {
      i = map.size;
      map.set(id, i);
    }
    return i;
  };

  function update(f: PreparedFrame): void {
    frames.push({
      gt: Int32Array.from(f.gtIds, (id) => indexOf(gtIndex, id)),
      res: Int32Array.from(f.resIds, (id) => indexOf(resIndex, id)),
      iou: Float64Array.from(f.iou),
    });
  }

  function compute(): HotaResult {
    const nG = gtIndex.size;
    const nR = resIndex.size;
    const gtCount = new Float64Array(nG);
    const resCount = new Float64Array(nR);
    const potential = new Float64Array(nG * nR);
    // Pass 1: global alignment.
    for (const fr of frames) {
      const g = fr.gt.length;
      const r = fr.res.length;
      for (let i = 0; i < g; i++) gtCount[fr.gt[i] ?? 0]! += 1;
      for (let j = 0; j < r; j++) resCount[fr.res[j] ?? 0]! += 1;
      if (g === 0 || r === 0) continue;
      const rowSum = new Float64Array(g);
      const colSum = new Float64Array(r);
      for (let i = 0; i < g; i++) {
        for (let j = 0; j < r; j++) {
          const s = fr.iou[i * r + j] ?? 0;
          rowSum[i]! += s;
          colSum[j]! += s;
        }
      }
      for (let i = 0; i < g; i++) {
        for (let j = 0; j < r; j++) {
          const s = fr.iou[i * r + j] ?? 0;
          const denom = (rowSum[i] ?? 0) + (colSum[j] ?? 0) - s;
          if (s > 0 && denom > EPS) potential[(fr.gt[i] ?? 0) * nR + (fr.res[j] ?? 0)]! += s / denom;
        }
      }
    }
    const align = new Float64Array(nG * nR);
    for (let a = 0; a < nG; a++) {
      for (let b = 0; b < nR; b++) {
        const p = potential[a * nR + b] ?? 0;
        align[a * nR + b] = p / Math.max(EPS, (gtCount[a] ?? 0) + (resCount[b] ?? 0) - p);
      }
    }

    // Pass 2: per-frame matching, per alpha.
    const nA = HOTA_ALPHAS.length;
    const tp = new Float64Array(nA);
    const fn = new Float64Array(nA);
    const fp = new Float64Array(nA);
    const locSum = new Float64Array(nA);
    const matchCounts = HOTA_ALPHAS.map(() => new Map<number, number>());
    for (const fr of frames) {
      const g = fr.gt.length;
      const r = fr.res.length;
      const matched: [number, number, number][] = [];
      if (g > 0 && r > 0) {
        const m = costMatrix(g, r);
        for (let i = 0; i < g; i++) {
          for (let j = 0; j < r; j++) {
            m.data[i * r + j] = -(align[(fr.gt[i] ?? 0) * nR + (fr.res[j] ?? 0)] ?? 0) * (fr.iou[i * r + j] ?? 0);
          }
        }
        const colOf = solveAssignment(m);
        for (let i = 0; i < g; i++) {
          const j = colOf[i] ?? -1;
          if (j >= 0) matched.push([fr.gt[i] ?? 0, fr.res[j] ?? 0, fr.iou[i * r + j] ?? 0]);
        }
      }
      for (let k = 0; k < nA; k++) {
        const alpha = HOTA_ALPHAS[k] ?? 0;
        let n = 0;
        for (const [a, b, s] of matched) {
          if (s < alpha - EPS) continue;
          n++;
          locSum[k]! += s;
          const key = a * nR + b;
          const counts = matchCounts[k]!;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        tp[k]! += n;
        fn[k]! += g - n;
        fp[k]! += r - n;
      }
    }

    let hota = 0;
    let detA = 0;
    let assA = 0;
    let locA = 0;
    for (let k = 0; k < nA; k++) {
      const t = tp[k] ?? 0;
      const d = t / Math.max(1, t + (fn[k] ?? 0) + (fp[k] ?? 0));
      let assSum = 0;
      for (const [key, c] of matchCounts[k]!) {
        const a = Math.floor(key / nR);
        const b = key - a * nR;
        assSum += (c * c) / Math.max(EPS, (gtCount[a] ?? 0) + (resCount[b] ?? 0) - c);
      }
      const as = assSum / Math.max(1, t);
      hota += Math.sqrt(d * as);
      detA += d;
      assA += as;
      locA += t > 0 ? (locSum[k] ?? 0) / t : 0;
    }
    return { hota: hota / nA, detA: detA / nA, assA: assA / nA, locA: locA / nA };
  }

  return { update, compute };
}
