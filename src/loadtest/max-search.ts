/**
 * `vigie bench --max`: the largest number of cameras the box holds. Runs the
 * benchmark with N, N + step, ... cameras until one run does not hold (a camera
 * below 95 % of the target fps, or drops >= 1 %).
 */
import type { LoadBenchReport } from './report.js';

/** A ceiling so that a mistake (a target that is always met) cannot run forever. */
export const MAX_SEARCH_CAMERAS = 200;

export interface MaxSearchResult {
  /** The largest N that held; null when the first one already failed. */
  readonly largestHeld: number | null;
  /** Every run, in order; the last one failed unless the ceiling was reached. */
  readonly trials: readonly LoadBenchReport[];
}

export async function findMaxCameras(options: {
  readonly from: number;
  readonly step: number;
  readonly run: (cameras: number) => Promise<LoadBenchReport>;
  readonly onTrial?: (report: LoadBenchReport) => void;
  readonly ceiling?: number;
}): Promise<MaxSearchResult> {
  const ceiling = options.ceiling ?? MAX_SEARCH_CAMERAS;
  const trials: LoadBenchReport[] = [];
  let largestHeld: number | null = null;
  for (let n = options.from; n <= ceiling; n += options.step) {
    const report = await options.run(n);
    trials.push(report);
    options.onTrial?.(report);
    if (!report.holds) break;
    largestHeld = n;
  }
  return { largestHeld, trials };
}
