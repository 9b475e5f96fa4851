/**
 * Test and bench helpers for the detector on PETS09-S2L1: dataset location,
 * frame decoding through ffmpeg, MOT ground truth, and detection recall/precision.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BoxXYXY } from '../../src/contracts/geometry.js';
import { iouXYXY } from '../../src/vision/detect/nms.js';
import { datasetsDir } from './datasets.js';


export const PETS_WIDTH = 768;
export const PETS_HEIGHT = 576;
export const PETS_FRAME_COUNT = 795;

export interface PetsDataset {
  readonly video: string;
  readonly gt: string;
}

/** The PETS09-S2L1 files, or a reason why they are not there (tests skip with it). */
export function findPets(): { dataset: PetsDataset; missing?: undefined } | { dataset?: undefined; missing: string } {
  const dir = path.join(datasetsDir(), 'pets09-s2l1');
  const dataset = { video: path.join(dir, 'vtest.avi'), gt: path.join(dir, 'gt.txt') };
  const absent = [dataset.video, dataset.gt].filter((f) => !existsSync(f));
  if (absent.length > 0) {
    return { missing: `PETS09-S2L1 not found (${absent.join(', ')}); set VIGIE_DATASETS to the shared datasets folder` };
  }
  return { dataset };
}

export interface DecodedFrame {
  /** Index of the decoded frame from 0 (ground-truth frame = index + 1). */
  readonly index: number;
  readonly width: number;
  readonly height: number;
  /** A fresh buffer per frame, owned by the consumer. */
  readonly data: Uint8Array;
}

/**
 * Decodes a video to RGB24 frames with ffmpeg, yielding those whose index is in
 * `wanted` (all when omitted). ffmpeg is killed and reaped when the loop ends early.
 */
export async function* decodeFrames(
  video: string,
  width: number,
  height: number,
  wanted?: ReadonlySet<number>,
): AsyncGenerator<DecodedFrame> {
  const frameBytes = width * height * 3;
  const ffmpeg = spawn('ffmpeg', ['-v', 'error', '-nostdin', '-i', video, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  ffmpeg.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr = (stderr + s).slice(-2000);
  });
  const closed = once(ffmpeg, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  let pending = new Uint8Array(frameBytes);
  let filled = 0;
  let index = 0;
  try {
    for await (const chunk of ffmpeg.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        if (wanted === undefined || wanted.has(index)) pending.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === frameBytes) {
          if (wanted === undefined || wanted.has(index)) {
            yield { index, width, height, data: pending };
            pending = new Uint8Array(frameBytes);
          }
          index++;
          filled = 0;
        }
      }
    }
    const [code] = await closed;
    if (code !== 0) throw new Error(`ffmpeg failed on ${video} (exit ${code}): ${stderr.trim()}`);
  } finally {
    if (ffmpeg.exitCode === null && ffmpeg.signalCode === null) {
      ffmpeg.kill('SIGKILL');
      await closed;
    }
  }
}

export interface GtBox {
  readonly box: BoxXYXY;
  /** false for rows flagged 0 in the ground truth (left out of scoring). */
  readonly considered: boolean;
}

/** Reads a MOT15 gt.txt: boxes by frame (frames from 1). */
export function readMotGroundTruth(file: string): Map<number, GtBox[]> {
  const byFrame = new Map<number, GtBox[]>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const f = line.split(',').map(Number);
    const [frame, , left, top, w, h, flag] = f as [number, number, number, number, number, number, number];
    const list = byFrame.get(frame) ?? [];
    list.push({ box: [left, top, left + w, top + h], considered: flag !== 0 });
    byFrame.set(frame, list);
  }
  return byFrame;
}

export interface ScoredBox {
  readonly box: BoxXYXY;
  readonly score: number;
}

export interface MatchCounts {
  tp: number;
  fp: number;
  fn: number;
}

/**
 * Greedy one-to-one matching of one frame's detections (best score first) to the
 * ground truth at IoU >= `iouThreshold`. A detection matching a flag-0 ground-truth
 * box counts neither way (MOT convention: those boxes are left out of scoring).
 */
export function matchFrame(dets: readonly ScoredBox[], gt: readonly GtBox[], iouThreshold = 0.5): MatchCounts {
  const used = new Array<boolean>(gt.length).fill(false);
  const counts: MatchCounts = { tp: 0, fp: 0, fn: 0 };
  for (const d of [...dets].sort((a, b) => b.score - a.score)) {
    let best = -1;
    let bestIou = iouThreshold;
    gt.forEach((g, i) => {
      if (used[i]) return;
      const iou = iouXYXY(d.box, g.box);
      if (iou >= bestIou) {
        bestIou = iou;
        best = i;
      }
    });
    if (best < 0) counts.fp++;
    else {
      used[best] = true;
      if (gt[best]!.considered) counts.tp++;
    }
  }
  gt.forEach((g, i) => {
    if (!used[i] && g.considered) counts.fn++;
  });
  return counts;
}

/** Recall and precision summed over frames. */
export function recallPrecision(counts: readonly MatchCounts[]): { recall: number; precision: number } & MatchCounts {
  const sum = counts.reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
  return {
    ...sum,
    recall: sum.tp + sum.fn > 0 ? sum.tp / (sum.tp + sum.fn) : 0,
    precision: sum.tp + sum.fp > 0 ? sum.tp / (sum.tp + sum.fp) : 0,
  };
}

/** `count` frame indices (from 0) spread evenly over a clip of `total` frames. */
export function spreadFrameIndices(count: number, total: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * total) / count));
}
