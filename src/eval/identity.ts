/**
 * Identity metrics IDF1, IDP, IDR (Ristani et al., 2016) as a streaming accumulator.
 *
 * While frames stream in, count for every (ground-truth id, result id) pair
 * the frames where both are present with IoU >= threshold. At the end, pair
 * whole identities one-to-one so that the summed counts are maximal (optimal
 * bipartite matching): that sum is IDTP. IDFN = gt boxes - IDTP, IDFP = result
 * boxes - IDTP, IDF1 = 2 IDTP / (gt boxes + result boxes).
 */
import { costMatrix, solveAssignment } from '../vision/track/assignment.js';
import { IOU_EPS, type PreparedFrame } from './frame-pairs.js';

/** Pair keys are gtIndex * PAIR_STRIDE + resIndex: up to 16.7 million result identities. */
const PAIR_STRIDE = 2 ** 24;

export interface IdentityResult {
  readonly idtp: number;
  readonly idfp: number;
  readonly idfn: number;
  readonly idf1: number;
  readonly idp: number;
  readonly idr: number;
}

export interface IdentityAccumulator {
  update(frame: PreparedFrame): void;
  compute(): IdentityResult;
}

export function createIdentityAccumulator(iouThreshold: number): IdentityAccumulator {
  const gtIndex = new Map<number, number>();
  const resIndex = new Map<number, number>();
  /** Co-occurrence counts keyed by gtIndex * PAIR_STRIDE + resIndex. */
  const pairs = new Map<number, number>();
  let numGt = 0;
  let numRes = 0;

  function indexOf(map: Map<number, number>, id: number): number {
    let i = map.get(id);
    if (i === undefined) {
      i = map.size;
      if (i >= PAIR_STRIDE) throw new RangeError(`more than ${PAIR_STRIDE} identities`);
      map.set(id, i);
    }
    return i;
  }

  function update(f: PreparedFrame): void {
    const nR = f.resIds.length;
    numGt += f.gtIds.length;
    numRes += nR;
    const resIdx = f.resIds.map((id) => indexOf(resIndex, id));
    for (let g = 0; g < f.gtIds.length; g++) {
      const gi = indexOf(gtIndex, f.gtIds[g] ?? 0);
      for (let r = 0; r < nR; r++) {
        if ((f.iou[g * nR + r] ?? 0) < iouThreshold - IOU_EPS) continue;
        const key = gi * PAIR_STRIDE + (resIdx[r] ?? 0);
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    }
  }

  function compute(): IdentityResult {
    const nG = gtIndex.size;
    const nR = resIndex.size;
    let idtp = 0;
    if (nG > 0 && nR > 0 && pairs.size > 0) {
      const m = costMatrix(nG, nR);
      for (const [key, count] of pairs) {
        const gi = Math.floor(key / PAIR_STRIDE);
        m.data[gi * nR + (key - gi * PAIR_STRIDE)] = -count;
      }
      const colOf = solveAssignment(m);
      for (let g = 0; g < nG; g++) {
        const r = colOf[g] ?? -1;
        if (r >= 0) idtp -= m.data[g * nR + r] ?? 0;
      }
    }
    const idfn = numGt - idtp;
    const idfp = numRes - idtp;
    return {
      idtp, idfp, idfn,
      idf1: numGt + numRes > 0 ? (2 * idtp) / (numGt + numRes) : 0,
      idp: numRes > 0 ? idtp / numRes : 0,
      idr: numGt > 0 ? idtp / numGt : 0,
    };
  }

  return { update, compute };
}
