/**
 * Runs the CenterNet detector pool over every PETS09-S2L1 frame, writes the person
 * detections in MOT det format (`frame,-1,left,top,width,height,score,-1,-1,-1`,
 * frames from 1, pixels of the 768x576 source) and prints speed and
 * recall/precision against gt.txt at several score thresholds, as one JSON object.
 *
 *   npx tsx bench/dump-detections.ts [--resize stretch|letterbox] [--workers 2]
 *     [--min-score 0.3] [--out /tmp/pets-centernet-det.txt] [--frames N]
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Detection } from '../src/contracts/detection.js';
import { createDetectorPool } from '../src/vision/detect/pool.js';
import { DEFAULT_RESIZE_MODE, RESIZE_MODES, type ResizeMode } from '../src/vision/detect/preprocess.js';
import {
  decodeFrames,
  findPets,
  matchFrame,
  PETS_FRAME_COUNT,
  PETS_HEIGHT,
  PETS_WIDTH,
  readMotGroundTruth,
  recallPrecision,
} from '../test/helpers/detect-pets.js';

const REPORTED_SCORES = [0.3, 0.4, 0.5] as const;

const { values: args } = parseArgs({
  options: {
    resize: { type: 'string', default: DEFAULT_RESIZE_MODE },
    workers: { type: 'string', default: '2' },
    'min-score': { type: 'string', default: '0.3' },
    out: { type: 'string', default: '/tmp/pets-centernet-det.txt' },
    frames: { type: 'string', default: String(PETS_FRAME_COUNT) },
  },
});

const resize = args.resize as ResizeMode;
if (!RESIZE_MODES.includes(resize)) throw new Error(`--resize must be one of ${RESIZE_MODES.join(', ')}`);
const workers = Number(args.workers);
const minScore = Number(args['min-score']);
const frameLimit = Number(args.frames);
const pets = findPets();
if (!pets.dataset) throw new Error(pets.missing);

const startedAt = performance.now();
const pool = await createDetectorPool({ size: workers, detector: { minScore, classes: ['person'], resize } });
const startupMs = performance.now() - startedAt;

const byFrame = new Map<number, Detection[]>();
const pending: Promise<void>[] = [];
const t0 = performance.now();
try {
  const wanted = new Set(Array.from({ length: Math.min(frameLimit, PETS_FRAME_COUNT) }, (_, i) => i));
  for await (const frame of decodeFrames(pets.dataset.video, PETS_WIDTH, PETS_HEIGHT, wanted)) {
    // detect() waits for room in the pool's queue, which paces the decoder.
    const done = pool.detect(frame, { transfer: true });
    pending.push(done.then((d) => void byFrame.set(frame.index + 1, d)));
    if (frame.index + 1 >= frameLimit) break;
  }
  await Promise.all(pending);
} finally {
  await pool.close();
}
const wallMs = performance.now() - t0;
const stats = pool.stats();

const lines: string[] = [];
for (const frameNo of [...byFrame.keys()].sort((a, b) => a - b)) {
  for (const d of byFrame.get(frameNo)!) {
    const [x1, y1, x2, y2] = d.box;
    lines.push(`${frameNo},-1,${x1.toFixed(2)},${y1.toFixed(2)},${(x2 - x1).toFixed(2)},${(y2 - y1).toFixed(2)},${d.score.toFixed(4)},-1,-1,-1`);
  }
}
await writeFile(args.out, lines.length > 0 ? `${lines.join('\n')}\n` : '');

const gt = readMotGroundTruth(pets.dataset.gt);
const quality = Object.fromEntries(
  REPORTED_SCORES.filter((s) => s >= minScore).map((s) => {
    const counts = [...byFrame].map(([frameNo, dets]) => matchFrame(dets.filter((d) => d.score >= s), gt.get(frameNo) ?? []));
    const r = recallPrecision(counts);
    return [String(s), { recall: +r.recall.toFixed(3), precision: +r.precision.toFixed(3), tp: r.tp, fp: r.fp, fn: r.fn }];
  }),
);

console.log(
  JSON.stringify({
    resize,
    workers,
    frames: byFrame.size,
    detections: lines.length,
    out: args.out,
    startup_ms: Math.round(startupMs),
    wall_s: +(wallMs / 1000).toFixed(1),
    fps: +((byFrame.size * 1000) / wallMs).toFixed(2),
    detect_ms_per_frame_per_worker: +(stats.detectMsTotal / stats.completed).toFixed(1),
    quality_iou_0_5: quality,
  }),
);
