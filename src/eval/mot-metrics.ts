/**
 * MOT evaluation: CLEAR-MOT, identity (IDF1) and HOTA metrics of a tracker
 * output against ground truth, as one streaming accumulator: `update` once per
 * frame in increasing frame order, `compute` at the end.
 *
 * Conventions (state them when quoting numbers):
 * - A result box matches a ground-truth box when IoU >= 0.5 (`iouThreshold`),
 *   the MOT Challenge's value for CLEAR-MOT and IDF1. HOTA averages over
 *   thresholds 0.05..0.95 and ignores `iouThreshold`.
 * - Ground-truth rows with conf 0 are dropped before scoring (`zeroMarkedGt:
 *   'drop'`, as the official evaluator does for MOT15); see ZeroMarkedGtPolicy.
 */
import { createClearMotAccumulator, type ClearMotResult } from './clear-mot.js';
import { prepareFrame, type ZeroMarkedGtPolicy } from './frame-pairs.js';
import { createHotaAccumulator, type HotaResult } from './hota.js';
import { createIdentityAccumulator, type IdentityResult } from './identity.js';
import type { MotRow } from './mot-io.js';

export type { ZeroMarkedGtPolicy } from './frame-pairs.js';

export interface MotEvalOptions {
  /** IoU at or above which a result box can match a ground-truth box. Default 0.5. */
  readonly iouThreshold?: number;
  /** Ground-truth rows with conf 0. Default 'drop' (MOT15). */
  readonly zeroMarkedGt?: ZeroMarkedGtPolicy;
  /** Compute HOTA (keeps every frame's IoU pairs in memory until `compute`). Default true. */
  readonly hota?: boolean;
}

export const DEFAULT_IOU_THRESHOLD = 0.5;

export interface MotMetrics extends ClearMotResult, IdentityResult {
  readonly frames: number;
  readonly iouThreshold: number;
  readonly zeroMarkedGt: ZeroMarkedGtPolicy;
  readonly resTracks: number;
  /** null when HOTA was not requested. */
  readonly hota: HotaResult | null;
}

export interface MotAccumulator {
  /** Adds one frame; frames must come in strictly increasing order. Inputs are not mutated. */
  update(frame: number, gt: readonly MotRow[], res: readonly MotRow[]): void;
  compute(): MotMetrics;
}

export function createMotAccumulator(options: MotEvalOptions = {}): MotAccumulator {
  const iouThreshold = options.iouThreshold ?? DEFAULT_IOU_THRESHOLD;
  const policy = options.zeroMarkedGt ?? 'drop';
  if (!(iouThreshold > 0 && iouThreshold <= 1)) throw new RangeError(`iouThreshold must be in (0, 1], got ${iouThreshold}`);
  const clear = createClearMotAccumulator(iouThreshold);
  const identity = createIdentityAccumulator(iouThreshold);
  const hota = options.hota === false ? null : createHotaAccumulator();
  const resIds = new Set<number>();
  let frames = 0;
  let lastFrame = -Infinity;

  return {
    update(frame, gt, res) {
      if (!(frame > lastFrame)) throw new RangeError(`frames must increase: got ${frame} after ${lastFrame}`);
      lastFrame = frame;
      frames++;
      const prepared = prepareFrame(frame, gt, res, iouThreshold, policy);
      for (const id of prepared.resIds) resIds.add(id);
      clear.update(prepared);
      identity.update(prepared);
      hota?.update(prepared);
    },
    compute() {
      return {
        frames,
        iouThreshold,
        zeroMarkedGt: policy,
        ...clear.compute(),
        ...identity.compute(),
        resTracks: resIds.size,
        hota: hota === null ? null : hota.compute(),
      };
    },
  };
}

/** Evaluates whole files' rows: every frame present in either, in increasing order. */
export function evaluateMot(gt: readonly MotRow[], res: readonly MotRow[], options: MotEvalOptions = {}): MotMetrics {
  const byFrame = new Map<number, { gt: MotRow[]; res: MotRow[] }>();
  const slot = (frame: number): { gt: MotRow[]; res: MotRow[] } => {
    let s = byFrame.get(frame);
    if (s === undefined) {
      s = { gt: [], res: [] };
      byFrame.set(frame, s);
    }
    return s;
  };
  for (const r of gt) slot(r.frame).gt.push(r);
  for (const r of res) slot(r.frame).res.push(r);
  const acc = createMotAccumulator(options);
  for (const frame of [...byFrame.keys()].sort((a, b) => a - b)) {
    const s = byFrame.get(frame);
    if (s !== undefined) acc.update(frame, s.gt, s.res);
  }
  return acc.compute();
}

/** A fixed-width text table of the headline metrics (for CLIs and benches). */
export function formatMotTable(m: MotMetrics, title = 'result'): string {
  const pct = (v: number): string => (100 * v).toFixed(1);
  const cols: [string, string][] = [
    ['', title],
    ['MOTA', pct(m.mota)],
    ['IDF1', pct(m.idf1)],
    ['HOTA', m.hota === null ? '-' : pct(m.hota.hota)],
    ['MOTP', pct(m.motp)],
    ['Prcn', pct(m.precision)],
    ['Rcll', pct(m.recall)],
    ['IDP', pct(m.idp)],
    ['IDR', pct(m.idr)],
    ['FP', String(m.fp)],
    ['FN', String(m.fn)],
    ['IDSW', String(m.idSwitches)],
    ['Frag', String(m.fragmentations)],
    ['MT', String(m.mostlyTracked)],
    ['PT', String(m.partiallyTracked)],
    ['ML', String(m.mostlyLost)],
    ['GT', String(m.gtTracks)],
    ['IDs', String(m.resTracks)],
  ];
  const widths = cols.map(([h, v]) => Math.max(h.length, v.length));
  const line = (pick: 0 | 1): string => cols.map((c, i) => c[pick].padStart(widths[i] ?? 0)).join('  ');
  return `${line(0)}\n${line(1)}\n`;
}
