/**
 * Motion regions on PETS09-S2L1 (vtest.avi, 768x576, 10 fps, 795 frames),
 * analysed at 640 px, scored against the MOT15 ground truth (gt.txt: frame n
 * is decoded frame n-1; boxes in 768x576 pixels).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BoxXYXY } from '../../src/contracts/geometry.js';
import { createMotionDetector } from '../../src/vision/motion/index.js';
import { datasetFile } from '../helpers/datasets.js';
import { analysisSize, decodeFrames } from './motion-frames.js';

const video = datasetFile('pets09-s2l1/vtest.avi');
const gtFile = datasetFile('pets09-s2l1/gt.txt');
const missing = video.missing ?? gtFile.missing;

/** Frames at the start during which the background is still being learnt. */
const WARMUP_FRAMES = 20;
/** A person "moves" when the foot point travels this far (768-px frame) over 10 frames. */
const MOVING_MIN_PX = 8;

interface GtBox {
  readonly frame: number;
  readonly id: number;
  readonly box: BoxXYXY;
}

function readGt(path: string, scale: number): GtBox[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [frame, id, left, top, w, h] = line.split(',').map(Number) as [number, number, number, number, number, number];
      return { frame, id, box: [left * scale, top * scale, (left + w) * scale, (top + h) * scale] as const };
    });
}

/** Fraction of `box` covered by the best single region. */
function coverage(box: BoxXYXY, regions: readonly BoxXYXY[]): number {
  const area = (box[2] - box[0]) * (box[3] - box[1]);
  let best = 0;
  for (const r of regions) {
    const w = Math.min(r[2], box[2]) - Math.max(r[0], box[0]);
    const h = Math.min(r[3], box[3]) - Math.max(r[1], box[1]);
    if (w > 0 && h > 0) best = Math.max(best, (w * h) / area);
  }
  return best;
}

describe.skipIf(missing)('motion regions on PETS09-S2L1', () => {
  const regionsByFrame: BoxXYXY[][] = [];
  let gt: GtBox[] = [];
  let size = { width: 0, height: 0 };

  beforeAll(async () => {
    size = await analysisSize(video.path, 640);
    gt = readGt(gtFile.path, 640 / 768);
    const motion = createMotionDetector();
    for await (const frame of decodeFrames(video.path, 640, size)) {
      regionsByFrame.push(motion.update(frame).regions.map((r) => r.box));
    }
  });

  it('covers most ground-truth people who walk with a motion region', () => {
    expect(regionsByFrame.length).toBe(795);
    const byKey = new Map(gt.map((g) => [`${g.frame}:${g.id}`, g]));
    const foot = (b: BoxXYXY): [number, number] => [(b[0] + b[2]) / 2, b[3]];
    let moving = 0;
    let covered = 0;
    for (const g of gt) {
      if (g.frame <= WARMUP_FRAMES) continue;
      const before = byKey.get(`${g.frame - 5}:${g.id}`);
      const after = byKey.get(`${g.frame + 5}:${g.id}`);
      if (!before || !after) continue;
      const [ax, ay] = foot(before.box);
      const [bx, by] = foot(after.box);
      if (Math.hypot(bx - ax, by - ay) < MOVING_MIN_PX * (640 / 768)) continue;
      moving++;
      if (coverage(g.box, regionsByFrame[g.frame - 1] ?? []) >= 0.5) covered++;
    }
    expect(moving).toBeGreaterThan(3000);
    expect(covered / moving).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps regions person-sized: no region covers a large part of the frame', () => {
    const frameArea = size.width * size.height;
    for (const regions of regionsByFrame.slice(WARMUP_FRAMES)) {
      for (const r of regions) expect((r[2] - r[0]) * (r[3] - r[1])).toBeLessThan(0.15 * frameArea);
    }
  });
});
