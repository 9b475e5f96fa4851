/**
 * `counting` zone occupancy on PETS09-S2L1, against occupancy derived from the
 * MOT15 ground truth (gt.txt), not by hand. The tracks come from the sequence's
 * public detections (det.txt) through Vigie's ByteTracker with its tuned
 * defaults (the path of track-pets.test.ts), so the test is cheap on CPU; the
 * counting statistic sees exactly the TrackFrames the pipeline would give it.
 *
 * Wall time runs at one second per frame (795 s: three 5-minute buckets of
 * 300, 300 and 195 frames). Occupancy is a per-frame mean, so the time scale
 * changes nothing but how many buckets the sequence fills.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ruleSchema, type CountingRuleConfig } from '../../src/config/schema.js';
import type { NormPoint } from '../../src/contracts/geometry.js';
import { detectionsByFrame } from '../../src/eval/track-from-dets.js';
import { parseMotText, type MotRow } from '../../src/eval/mot-io.js';
import { pointInPolygon } from '../../src/geometry/polygon.js';
import { createCountingStatistic } from '../../src/rules/counting.js';
import type { CountRecord } from '../../src/rules/types.js';
import { createByteTracker } from '../../src/vision/track/index.js';
import { datasetsDir } from '../helpers/datasets.js';

const pets = join(datasetsDir(), 'pets09-s2l1');
const missing = existsSync(join(pets, 'det.txt')) && existsSync(join(pets, 'gt.txt')) ? null : `${pets}/det.txt and gt.txt not found (set VIGIE_DATASETS)`;
if (missing) console.warn(`skipping PETS09 counting test: ${missing}`);

const SIZE = { width: 768, height: 576 };
const FRAMES = 795;
const FPS = 10; // the tracker's tuned setting for this sequence (track-pets.test.ts)
const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const BUCKET_MS = 300_000;

// Two halves of the view, split at x = 0.45 (normalised; people are tested by their foot point).
const ZONES: Record<string, [number, number][]> = {
  gauche: [[0, 0], [0.45, 0], [0.45, 1], [0, 1]],
  droite: [[0.45, 0], [1, 0], [1, 1], [0.45, 1]],
};

const rule = ruleSchema.parse({ id: 'frequentation', type: 'counting', zones: ['gauche', 'droite'], classes: ['person'] }) as CountingRuleConfig;

interface Occupancy {
  readonly mean: number;
  readonly peak: number;
}

/** Ground-truth occupancy per zone and bucket: people whose foot point (box bottom centre) is in the zone. */
function groundTruth(rows: readonly MotRow[]): Map<string, Occupancy> {
  const perFrame = new Map<string, number>(); // `${zone} ${frame}` -> people inside
  for (const r of rows.filter((x) => x.conf !== 0 && x.frame <= FRAMES)) {
    const foot: NormPoint = [(r.left + r.width / 2) / SIZE.width, (r.top + r.height) / SIZE.height];
    for (const [zone, polygon] of Object.entries(ZONES)) {
      if (pointInPolygon(foot, polygon)) perFrame.set(`${zone} ${r.frame}`, (perFrame.get(`${zone} ${r.frame}`) ?? 0) + 1);
    }
  }
  const out = new Map<string, { sum: number; peak: number; frames: number }>();
  for (let frame = 1; frame <= FRAMES; frame++) {
    const bucket = new Date(T0 + Math.floor(((frame - 1) * 1000) / BUCKET_MS) * BUCKET_MS).toISOString();
    for (const zone of Object.keys(ZONES)) {
      const n = perFrame.get(`${zone} ${frame}`) ?? 0;
      const key = `${zone} ${bucket}`;
      const prev = out.get(key) ?? { sum: 0, peak: 0, frames: 0 };
      out.set(key, { sum: prev.sum + n, peak: Math.max(prev.peak, n), frames: prev.frames + 1 });
    }
  }
  return new Map([...out].map(([k, v]) => [k, { mean: v.sum / v.frames, peak: v.peak }]));
}

/** The counting statistic over the tracker's output, one frame per wall-clock second. */
function counted(dets: readonly MotRow[]): CountRecord[] {
  const frames = detectionsByFrame(dets, { scoreScale: 100, cls: 'person', size: SIZE, lastFrame: FRAMES });
  const tracker = createByteTracker({ fps: FPS });
  const scene = { zones: Object.entries(ZONES).map(([id, polygon]) => ({ id, polygon })), lines: [] };
  const statistic = createCountingStatistic(rule, scene);
  let state = statistic.init();
  const records: CountRecord[] = [];
  frames.forEach((detections, seq) => {
    const tracks = tracker.update(detections, { seq, tSec: seq / FPS, ...SIZE });
    const step = statistic.evaluate(state, tracks, { wallMs: T0 + seq * 1000, scene: {} });
    state = step.state;
    records.push(...step.counts);
  });
  return [...records, ...statistic.flush(state)];
}

describe.skipIf(missing)('counting occupancy on PETS09-S2L1 vs the ground truth', () => {
  let truth = new Map<string, Occupancy>();
  let records: CountRecord[] = [];

  beforeAll(() => {
    truth = groundTruth(parseMotText(readFileSync(join(pets, 'gt.txt'), 'utf8'), 'gt.txt'));
    records = counted(parseMotText(readFileSync(join(pets, 'det.txt'), 'utf8'), 'det.txt'));
  });

  it('fills three 5-minute buckets of 300, 300 and 195 frames, one record per zone each', () => {
    const starts = [...new Set(records.map((r) => r.bucketStartMs))];
    expect(starts).toEqual([T0, T0 + BUCKET_MS, T0 + 2 * BUCKET_MS]);
    expect(records.map((r) => `${r.target} ${r.frames}`)).toEqual(['gauche 300', 'droite 300', 'gauche 300', 'droite 300', 'gauche 195', 'droite 195']);
  });

  it('gives each bucket the ground truth mean and peak, within the stated tolerance', () => {
    const rows = records.map((r) => {
      const gt = truth.get(`${r.target} ${new Date(r.bucketStartMs).toISOString()}`) as Occupancy;
      return { zone: r.target, bucket: new Date(r.bucketStartMs).toISOString().slice(11, 16), mean: +r.value.toFixed(3), gtMean: +gt.mean.toFixed(3), peak: r.peak, gtPeak: gt.peak };
    });
    for (const row of rows) {
      expect(Math.abs(row.mean - row.gtMean), JSON.stringify(row)).toBeLessThanOrEqual(TOLERANCE.mean * Math.max(1, row.gtMean));
      expect(Math.abs(row.peak - row.gtPeak), JSON.stringify(row)).toBeLessThanOrEqual(TOLERANCE.peak);
    }
  });
});

/**
 * Mean within 10 % of the ground truth (0.1 person below one person), peak
 * within one person. Measured (counted / ground truth, buckets 1-3):
 * gauche 1.10/1.08 1.33/1.41 2.77/2.76, peaks 4/4 4/4 4/4;
 * droite 4.46/4.58 3.04/3.30 3.86/4.12, peaks 7/8 6/6 5/5.
 * The counts run slightly low: detections missed (det.txt recall ~0.88) and
 * the frames a new track needs to be confirmed.
 */
const TOLERANCE = { mean: 0.1, peak: 1 };
