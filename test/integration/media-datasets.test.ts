/** The frame source on the shared real footage (skipped, saying why, when the datasets are absent). */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimateFrameCount, probeSource } from '../../src/media/ffprobe.js';
import { openFrameSource, type FrameSourceOptions } from '../../src/media/frame-source.js';
import { DATASETS_DIR, datasetPath } from '../helpers/media-fixtures.js';

const VTEST = datasetPath('pets09-s2l1', 'vtest.avi');
const CARS = datasetPath('intel-sample-videos', 'car-detection.mp4');
const present = existsSync(VTEST) && existsSync(CARS);
if (!present) console.warn(`media dataset tests skipped: ${DATASETS_DIR} lacks pets09-s2l1/vtest.avi or intel-sample-videos/car-detection.mp4 (set VIGIE_DATASETS)`);

/** Counts frames without keeping them (vtest at native size is ~1 GB of pixels). */
async function countFrames(options: FrameSourceOptions): Promise<{ count: number; sizes: Set<string>; lastPtsMs: number }> {
  let count = 0;
  let lastPtsMs = -1;
  const sizes = new Set<string>();
  for await (const frame of openFrameSource(options)) {
    expect(frame.seq).toBe(count);
    expect(frame.data.length).toBe(frame.width * frame.height * 3);
    sizes.add(`${frame.width}x${frame.height}`);
    lastPtsMs = frame.ptsMs;
    count += 1;
  }
  return { count, sizes, lastPtsMs };
}

describe.skipIf(!present)('real footage (shared datasets)', () => {
  it('probes vtest.avi and car-detection.mp4', async () => {
    expect(await probeSource(VTEST)).toEqual({ width: 768, height: 576, fps: 10, durationSec: 79.5, frameCount: 795, codec: 'msmpeg4v3' });
    expect(await probeSource(CARS)).toMatchObject({ width: 768, height: 432, fps: 12.5, frameCount: 377, codec: 'h264' });
  });

  it('vtest.avi at native rate and size: 795 frames of 768x576', async () => {
    const { count, sizes, lastPtsMs } = await countFrames({ source: VTEST });
    expect(count).toBe(795);
    expect([...sizes]).toEqual(['768x576']);
    expect(lastPtsMs).toBeCloseTo(79_400, 6);
  });

  it('vtest.avi at 5 fps, 384 wide: 398 frames of 384x288, as estimated', async () => {
    const { count, sizes, lastPtsMs } = await countFrames({ source: VTEST, fps: 5, width: 384 });
    expect(count).toBe(398);
    expect(count).toBe(estimateFrameCount(await probeSource(VTEST), 5));
    expect([...sizes]).toEqual(['384x288']);
    expect(lastPtsMs).toBeCloseTo(397 * 200, 6);
  });

  it('car-detection.mp4 (h264, 12.5 fps): every frame natively, 151 at 5 fps', async () => {
    const info = await probeSource(CARS);
    const native = await countFrames({ source: CARS, width: 384, info });
    expect(native.count).toBe(377);
    expect([...native.sizes]).toEqual(['384x216']);
    expect(native.lastPtsMs).toBeCloseTo(376 * 80, 6);
    const sampled = await countFrames({ source: CARS, fps: 5, width: 384, info });
    expect(sampled.count).toBe(151);
    expect(sampled.count).toBe(estimateFrameCount(info, 5));
  });
});
