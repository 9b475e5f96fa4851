/**
 * The blurred video of PETS09 with one subject kept (access requests) and a
 * privacy mask: pixel differences against the original frames show the kept
 * person untouched, the others blurred, and the mask filled in black.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoxXYXY, NormPolygon } from '../../src/contracts/geometry.js';
import type { Detection } from '../../src/contracts/detection.js';
import { anonymizeVideo, type AnonymizeResult } from '../../src/evidence/anonymize.js';
import { openEngineDetector } from '../../src/evidence/detector.js';
import type { AnonymizeDetector } from '../../src/evidence/export.js';
import { boxIou } from '../../src/geometry/box.js';
import { datasetFile } from '../helpers/datasets.js';

const clip = datasetFile('pets09-s2l1/vtest.avi');
const dir = mkdtempSync(join(tmpdir(), 'vigie-keep-'));
const W = 768;
const H = 576;
const FPS = 10;
const DURATION_S = 4;
const AT_S = 2;
const FRAME = AT_S * FPS;
/** Top-left corner of the frame: no one walks there in the first seconds, so it tests the fill, not the blur. */
const MASK: NormPolygon = [[0, 0], [0.2, 0], [0, 0.2]];

/** Decoded RGB24 frames of a video (all of them). */
function framesOf(path: string): Buffer[] {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-t', String(DURATION_S), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 30 });
  const size = W * H * 3;
  const out: Buffer[] = [];
  for (let o = 0; o + size <= raw.length; o += size) out.push(raw.subarray(o, o + size));
  return out;
}

/** Mean absolute difference of two frames over a box shrunk by 20% (away from blur and compression edges). */
function diffIn(a: Buffer, b: Buffer, box: BoxXYXY): number {
  const dx = (box[2] - box[0]) * 0.2;
  const dy = (box[3] - box[1]) * 0.2;
  const x0 = Math.max(0, Math.round(box[0] + dx));
  const x1 = Math.min(W, Math.round(box[2] - dx));
  const y0 = Math.max(0, Math.round(box[1] + dy));
  const y1 = Math.min(H, Math.round(box[3] - dy));
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let i = (y * W + x0) * 3; i < (y * W + x1) * 3; i++) {
      sum += Math.abs(a[i]! - b[i]!);
      n++;
    }
  }
  return sum / Math.max(1, n);
}

describe.skipIf(clip.missing)('blurred video with one subject kept and a privacy mask (PETS09)', () => {
  let detector: AnonymizeDetector;
  let original: Buffer[];
  let subject: Detection;
  let others: Detection[];
  let kept: { result: AnonymizeResult; frames: Buffer[] };
  let plain: { result: AnonymizeResult; frames: Buffer[] };
  const source = join(dir, 'source.ts');

  beforeAll(async () => {
    execFileSync('ffmpeg', ['-v', 'error', '-t', '6', '-i', clip.path, '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-f', 'mpegts', source]);
    original = framesOf(source);
    detector = await openEngineDetector(null, 1);
    const people = (await detector.detect({ data: Buffer.from(original[FRAME]!), width: W, height: H })).filter((d) => d.cls === 'person' && d.score >= 0.5);
    // The largest person, and those clearly apart from them.
    subject = [...people].sort((a, b) => (b.box[2] - b.box[0]) * (b.box[3] - b.box[1]) - (a.box[2] - a.box[0]) * (a.box[3] - a.box[1]))[0]!;
    others = people.filter((d) => d !== subject && boxIou(d.box, subject.box) === 0);
    const render = async (name: string, keep: boolean): Promise<{ result: AnonymizeResult; frames: Buffer[] }> => {
      const out = join(dir, name);
      const keepPoint = { atS: AT_S, x: (subject.box[0] + subject.box[2]) / 2 / W, y: (subject.box[1] + subject.box[3]) / 2 / H };
      const result = await anonymizeVideo({ segments: [source], offsetS: 0, durationS: DURATION_S, out, detector, inFlight: detector.inFlight, masks: [MASK], keep: keep ? keepPoint : null });
      return { result, frames: framesOf(out) };
    };
    kept = await render('kept.mp4', true);
    plain = await render('plain.mp4', false);
  }, 300_000);
  afterAll(async () => {
    await detector?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a subject and other people to compare with', () => {
    expect(subject).toBeDefined();
    expect(others.length).toBeGreaterThanOrEqual(2);
    expect(kept.frames.length).toBe(DURATION_S * FPS);
  });

  it('leaves the kept person unblurred along the track, and says so', () => {
    expect(kept.result.kept).toMatchObject({ frame: FRAME });
    // Tracked through most of the clip (confirmation takes a couple of frames).
    expect(kept.result.kept!.framesKept).toBeGreaterThan(DURATION_S * FPS * 0.6);
    const keptDiff = diffIn(kept.frames[FRAME]!, original[FRAME]!, subject.box);
    const blurredDiff = diffIn(plain.frames[FRAME]!, original[FRAME]!, subject.box);
    // Only compression differs where kept; blurring the same person changes far more.
    expect(keptDiff).toBeLessThan(8);
    expect(blurredDiff).toBeGreaterThan(keptDiff * 2);
    expect(plain.result.kept).toBeNull();
  });

  it('blurs everyone else as the plain blurred video does', () => {
    for (const other of others) {
      const otherKept = diffIn(kept.frames[FRAME]!, original[FRAME]!, other.box);
      const otherPlain = diffIn(plain.frames[FRAME]!, original[FRAME]!, other.box);
      const keptDiff = diffIn(kept.frames[FRAME]!, original[FRAME]!, subject.box);
      expect(otherKept).toBeGreaterThan(keptDiff * 1.5);
      expect(Math.abs(otherKept - otherPlain)).toBeLessThan(Math.max(2, otherPlain * 0.25));
    }
  });

  it('fills the privacy mask in black in every frame, in both videos', () => {
    // Inside the triangle, away from its edges: (0.02, 0.02)..(0.08, 0.08) of the frame.
    const inner: BoxXYXY = [0.02 * W, 0.02 * H, 0.08 * W, 0.08 * H];
    const black = Buffer.alloc(W * H * 3);
    for (const video of [kept, plain]) {
      expect(video.result.maskedPixels).toBeGreaterThan(0.015 * W * H);
      for (const frame of [video.frames[0]!, video.frames[FRAME]!, video.frames[video.frames.length - 1]!]) {
        expect(diffIn(frame, black, inner)).toBeLessThan(6);
      }
      // The original is not black there.
      expect(diffIn(original[FRAME]!, black, inner)).toBeGreaterThan(30);
    }
  });
});
