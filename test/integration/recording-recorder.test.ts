import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCameraRecorder, type CameraRecorder } from '../../src/recording/camera-recorder.js';
import { sha256File } from '../../src/recording/finalize.js';
import { createSegmentIndex, type SegmentIndex } from '../../src/recording/segment-index.js';
import { openTestStore, type TestStore } from '../unit/store/helpers.js';
import { datasetFile } from '../helpers/datasets.js';
import { probeSource } from '../../src/media/ffprobe.js';

// h264, a keyframe every 4.8 s: segments are cut at keyframes, so a 1 s target gives 4.8 s segments.
const clip = datasetFile('intel-sample-videos/car-detection.mp4');
// msmpeg4v3 in AVI: MPEG-TS cannot carry it.
const pets = datasetFile('pets09-s2l1/vtest.avi');

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every row has its file, with the indexed size and hash; nothing half-written is left. */
async function expectIndexMatchesDisk(index: SegmentIndex, dir: string): Promise<void> {
  for (const s of await index.list()) {
    const path = join(dir, s.path);
    expect(existsSync(path), s.path).toBe(true);
    expect(await sha256File(path)).toBe(s.sha256);
  }
  const incoming = join(dir, 'gare', '.incoming');
  expect(existsSync(incoming) ? readdirSync(incoming) : []).toEqual([]);
}

describe.skipIf(clip.missing)('camera recorder (real ffmpeg, stream copy)', () => {
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

  it('indexes completed segments with hash and size, contiguous, and completes the last one on stop', async () => {
    const dir = join(t.dir, 'recordings');
    recorder = startCameraRecorder({
      camera: 'gare', source: clip.path, loop: true, segmentS: 1, recordingsDir: dir, index,
      clock: Date.now, freeSpace: () => Promise.resolve(1e12), minFreeBytes: 1,
    });
    expect(recorder.status().state).toBe('recording');
    await until('two segments', async () => (await index.list()).length >= 2);
    await recorder.stop();
    expect(recorder.status().state).toBe('stopped');
    const segments = await index.list();
    expect(segments.length).toBeGreaterThanOrEqual(2);
    await expectIndexMatchesDisk(index, dir);
    for (let i = 1; i < segments.length; i += 1) expect(segments[i]?.start).toBe(segments[i - 1]?.end);
    const first = segments[0];
    if (!first) throw new Error('no segment');
    expect(first.durationS).toBeCloseTo(4.8, 1);
    expect(first.path).toMatch(/^gare\/\d{4}-\d{2}-\d{2}\/\d{8}T\d{9}Z\.ts$/);
    // A real, playable MPEG-TS with the indexed duration, copied (same codec).
    const info = await probeSource(join(dir, first.path));
    expect(info.codec).toBe('h264');
    expect(info.durationSec).toBeCloseTo(first.durationS, 0);
  });

  it('stops cleanly when free space falls under the floor, says so, and resumes with a disk_full gap', async () => {
    const dir = join(t.dir, 'recordings');
    let free = 1e12;
    recorder = startCameraRecorder({
      camera: 'gare', source: clip.path, loop: true, segmentS: 1, recordingsDir: dir, index,
      clock: Date.now, freeSpace: () => Promise.resolve(free), minFreeBytes: 100 * 1048576, diskPollMs: 200,
    });
    await until('a first segment', async () => (await index.list()).length >= 1);
    free = 10 * 1048576;
    await until('disk_full state', () => recorder?.status().state === 'disk_full');
    expect(recorder.status().error).toMatch(/10 MiB free.*needs 100 MiB/);
    // Give ffmpeg time to be gone: nothing may be written or indexed while the disk is full.
    await new Promise((r) => setTimeout(r, 1500));
    const whileFull = await index.list();
    await expectIndexMatchesDisk(index, dir);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await index.list()).toHaveLength(whileFull.length);

    free = 1e12;
    await until('recording again', async () => (await index.list()).length > whileFull.length);
    expect(recorder.status().state).toBe('recording');
    const gaps = await index.gaps({ camera: 'gare' });
    expect(gaps.map((g) => g.reason)).toEqual(['disk_full']);
    const [gap] = gaps;
    expect(gap?.start).toBe(whileFull.at(-1)?.end);
    await recorder.stop();
    await expectIndexMatchesDisk(index, dir);
  });
});

describe.skipIf(pets.missing)('camera recorder: a codec MPEG-TS cannot carry', () => {
  it('refuses to record it (never stores unplayable data), naming the codec and the fix', async () => {
    const t = await openTestStore();
    const index = createSegmentIndex(t.store.db);
    const recorder = startCameraRecorder({
      camera: 'demo', source: pets.path, loop: true, segmentS: 10, recordingsDir: join(t.dir, 'recordings'), index,
      clock: Date.now, freeSpace: () => Promise.resolve(1e12), minFreeBytes: 1,
    });
    try {
      await until('the codec check', () => recorder.status().state === 'error');
      expect(recorder.status().error).toMatch(/sends msmpeg4v3 video, which cannot be recorded without re-encoding/);
      expect(await index.list()).toEqual([]);
    } finally {
      await recorder.stop();
      await t.dispose();
    }
  });
});
