/**
 * The tracker on PETS09-S2L1's public MOT15 detections (det.txt), scored
 * against the MOT15 ground truth: guards the tuned defaults against regressions.
 * The thresholds at the bottom are the measured values minus a small margin.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMotText } from '../../src/eval/mot-io.js';
import { evaluateMot } from '../../src/eval/mot-metrics.js';
import { detectionsByFrame, trackDetectionFrames } from '../../src/eval/track-from-dets.js';
import { datasetsDir } from '../helpers/datasets.js';

const pets = join(datasetsDir(), 'pets09-s2l1');
const present = existsSync(join(pets, 'det.txt')) && existsSync(join(pets, 'gt.txt'));
if (!present) {
  console.warn(`skipping PETS09-S2L1 tracking test: ${pets}/det.txt and gt.txt not found (set VIGIE_DATASETS to the datasets folder)`);
}

describe.skipIf(!present)('ByteTracker on PETS09-S2L1 public detections', () => {
  it('reaches the measured MOTA and IDF1 with the default options', () => {
    const size = { width: 768, height: 576 };
    const gt = parseMotText(readFileSync(join(pets, 'gt.txt'), 'utf8'), 'gt.txt');
    const dets = parseMotText(readFileSync(join(pets, 'det.txt'), 'utf8'), 'det.txt');
    // det.txt scores are raw detector outputs up to ~139 (median 67): /100 puts the median near 0.67.
    const frames = detectionsByFrame(dets, { scoreScale: 100, cls: 'person', size, lastFrame: 795 });
    const res = trackDetectionFrames(frames, size, { fps: 10 });
    const m = evaluateMot(gt, res); // IoU 0.5, conf-0 gt rows dropped (MOT15)
    expect(m.mota).toBeGreaterThanOrEqual(MIN.mota);
    expect(m.idf1).toBeGreaterThanOrEqual(MIN.idf1);
    expect(m.idSwitches).toBeLessThanOrEqual(MIN.maxIdSwitches);
    expect(m.precision).toBeGreaterThanOrEqual(MIN.precision);
    expect(m.recall).toBeGreaterThanOrEqual(MIN.recall);
  });
});

/** Measured with the defaults: MOTA 0.792, IDF1 0.699, 24 IDSW, precision 0.918, recall 0.876; minus a margin. */
const MIN = { mota: 0.78, idf1: 0.68, maxIdSwitches: 30, precision: 0.905, recall: 0.86 };
