/**
 * Masked recording (`recording.privacy_masks`): the recorder re-encodes with
 * the camera's privacy masks overlaid; the decoded frames are black inside the
 * polygon and close to the source outside it. Segments are still indexed with
 * their hash, and PETS09's msmpeg4 (which a stream copy refuses) is recorded.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NormPolygon } from '../../src/contracts/geometry.js';
import { probeSource } from '../../src/media/ffprobe.js';
import { rasterizeMasks } from '../../src/privacy/mask.js';
import { startCameraRecorder, type CameraRecorder } from '../../src/recording/camera-recorder.js';
import { sha256File } from '../../src/recording/finalize.js';
import { createSegmentIndex, type SegmentIndex } from '../../src/recording/segment-index.js';
import { openTestStore, type TestStore } from '../unit/store/helpers.js';
import { datasetFile } from '../helpers/datasets.js';

const pets = datasetFile('pets09-s2l1/vtest.avi');
const W = 768;
const H = 576;
/** A triangle over the top left, and a quadrilateral on the right: not axis-aligned. */
const MASKS: NormPolygon[] = [
  [[0, 0], [0.4, 0], [0, 0.5]],
  [[0.7, 0.3], [0.95, 0.35], [0.9, 0.8], [0.75, 0.7]],
];

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const firstFrameGray = (path: string): Buffer => execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1']);

describe.skipIf(pets.missing)('masked recording (real ffmpeg, re-encoded)', () => {
  let t: TestStore;
  let index: SegmentIndex;
  let recorder: CameraRecorder | null = null;
  beforeEach(async () => {
    t = await openTestStore();
    index = createSegmentIndex(t.store.db);
  });
  afterEach(async () => {
    await recorder?.stop();
    recorder = null;
    await t.dispose();
  });

  it('fills the masks in black in every recorded frame and leaves the rest of the picture', async () => {
    const dir = join(t.dir, 'recordings');
    recorder = startCameraRecorder({
      camera: 'gare', source: pets.path, loop: false, segmentS: 1, recordingsDir: dir, index, masks: MASKS,
      clock: Date.now, freeSpace: () => Promise.resolve(1e12), minFreeBytes: 1,
    });
    await until('two segments', async () => (await index.list()).length >= 2);
    await recorder.stop();
    const segments = await index.list();
    const first = segments[0]!;
    const path = join(dir, first.path);
    expect(await sha256File(path)).toBe(first.sha256);
    const info = await probeSource(path);
    expect(info.codec).toBe('h264');
    // Cut on the segment length as a stream copy would be (a keyframe forced every second).
    expect(first.durationS).toBeGreaterThan(0.5);
    expect(first.durationS).toBeLessThan(2.5);

    const recorded = firstFrameGray(path);
    const source = firstFrameGray(pets.path);
    const mask = rasterizeMasks(MASKS, { width: W, height: H });
    // Compare away from the polygon edges (compression blurs them by a few pixels).
    const far = (x: number, y: number): boolean => {
      const v = mask.bits[y * W + x];
      for (const [dx, dy] of [[-4, 0], [4, 0], [0, -4], [0, 4]] as const) {
        const nx = Math.min(W - 1, Math.max(0, x + dx));
        const ny = Math.min(H - 1, Math.max(0, y + dy));
        if (mask.bits[ny * W + nx] !== v) return false;
      }
      return true;
    };
    let inside = 0;
    let nIn = 0;
    let outsideDiff = 0;
    let nOut = 0;
    for (let y = 0; y < H; y += 2) {
      for (let x = 0; x < W; x += 2) {
        if (!far(x, y)) continue;
        const i = y * W + x;
        if (mask.bits[i] === 1) {
          inside += recorded[i]!;
          nIn++;
        } else {
          outsideDiff += Math.abs(recorded[i]! - source[i]!);
          nOut++;
        }
      }
    }
    expect(inside / nIn).toBeLessThan(20);
    expect(outsideDiff / nOut).toBeLessThan(8);
    // The source is not dark where the masks are.
    let sourceInside = 0;
    for (let i = 0; i < W * H; i++) if (mask.bits[i] === 1) sourceInside += source[i]!;
    expect(sourceInside / mask.maskedPixels).toBeGreaterThan(60);
  }, 120_000);
});
