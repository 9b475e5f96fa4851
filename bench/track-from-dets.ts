/**
 * Runs the ByteTrack-style tracker on a MOT detection file and scores it
 * against MOT ground truth.
 *
 *   npx tsx bench/track-from-dets.ts --dets det.txt --gt gt.txt [--score-scale 100]
 *       [--min-score 0] [--fps 10] [--width 768 --height 576] [--out tracks.txt]
 *       [--set highScoreThreshold=0.5 --set kalman.velocityStdWeight=0.02 ...] [--repeat 5] [--json]
 *
 * Detection scores are divided by --score-scale and clamped to [0, 1] (the
 * MOT15 public detections score up to ~139: use --score-scale 100). Frame
 * numbers of the det file are MOT frames (from 1); the tracker sees seq =
 * frame - 1. Updates/s times the tracker alone, with the conversion of its
 * output to MOT rows (best of --repeat runs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatMotText, parseMotText, type MotRow } from '../src/eval/mot-io.js';
import { evaluateMot, formatMotTable } from '../src/eval/mot-metrics.js';
import { detectionsByFrame, trackDetectionFrames } from '../src/eval/track-from-dets.js';
import type { ByteTrackerOptions } from '../src/vision/track/byte-tracker.js';
import { DEFAULT_KALMAN_PARAMS } from '../src/vision/track/kalman.js';

const { values } = parseArgs({
  options: {
    dets: { type: 'string' },
    gt: { type: 'string' },
    'score-scale': { type: 'string', default: '1' },
    'min-score': { type: 'string', default: '0' },
    fps: { type: 'string', default: '10' },
    width: { type: 'string', default: '768' },
    height: { type: 'string', default: '576' },
    out: { type: 'string' },
    set: { type: 'string', multiple: true, default: [] },
    repeat: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});

if (values.dets === undefined || values.gt === undefined) {
  process.stderr.write('usage: tsx bench/track-from-dets.ts --dets det.txt --gt gt.txt [--score-scale 100] [--set key=value]...\n');
  process.exit(2);
}

const scale = Number(values['score-scale']);
const minScore = Number(values['min-score']);
const fps = Number(values.fps);
const size = { width: Number(values.width), height: Number(values.height) };
const overrides: Record<string, number | boolean> = {};
const kalman: Record<string, number> = { ...DEFAULT_KALMAN_PARAMS };
for (const kv of values.set) {
  const [k, v] = kv.split('=');
  if (k === undefined || v === undefined) throw new Error(`--set expects key=value, got ${kv}`);
  if (k.startsWith('kalman.')) kalman[k.slice('kalman.'.length)] = Number(v);
  else overrides[k] = v === 'true' ? true : v === 'false' ? false : Number(v);
}
const options = { fps, ...overrides, kalman } as unknown as ByteTrackerOptions;

const detRows = parseMotText(readFileSync(values.dets, 'utf8'), values.dets);
const gtRows = parseMotText(readFileSync(values.gt, 'utf8'), values.gt);
const lastFrame = Math.max(...gtRows.map((r) => r.frame), ...detRows.map((r) => r.frame));
const frames = detectionsByFrame(detRows, { scoreScale: scale, cls: 'person', size, lastFrame })
  .map((dets) => dets.filter((d) => d.score >= minScore));

function run(): { rows: MotRow[]; ms: number } {
  const t0 = performance.now();
  const rows = trackDetectionFrames(frames, size, options);
  return { rows, ms: performance.now() - t0 };
}

let best = Infinity;
let rows: MotRow[] = [];
for (let i = 0; i < Math.max(1, Number(values.repeat)); i++) {
  const r = run();
  best = Math.min(best, r.ms);
  rows = r.rows;
}
if (values.out !== undefined) writeFileSync(values.out, formatMotText(rows));
const metrics = evaluateMot(gtRows, rows);
const updatesPerSec = frames.length / (best / 1000);
if (values.json) {
  process.stdout.write(JSON.stringify({ options, frames: frames.length, updatesPerSec, metrics }) + '\n');
} else {
  process.stdout.write(formatMotTable(metrics, 'bytetrack'));
  process.stdout.write(`${frames.length} frames, ${updatesPerSec.toFixed(0)} updates/s (tracker only, best of ${values.repeat})\n`);
}
