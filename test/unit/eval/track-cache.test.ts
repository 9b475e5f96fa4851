import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { detectSchema, emptyConfig } from '../../../src/config/schema.js';
import type { TrackFrame } from '../../../src/contracts/track.js';
import { createTrackRecorder, decodeRecording, encodeRecording, trackCacheKey, type DetectionSettings, type VideoFingerprint } from '../../../src/eval/track-cache.js';
import { fingerprintVideo, readTrackCache, trackCacheFile, writeTrackCache } from '../../../src/eval/track-cache-store.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-track-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const frame = (seq: number): TrackFrame => ({
  seq,
  tSec: seq * 0.2,
  width: 768,
  height: 576,
  tracks: [{ id: 7, box: [10.123456789, 20.5, 40.25, 120.000001], score: 0.61803, cls: 'person', matched: seq % 2 === 0, ageFrames: seq + 3, velocity: [0.3333333333333333, -1.5] }],
  endedTrackIds: seq === 1 ? [4, 5] : [],
});

function recordTwoFrames(key: string) {
  const recorder = createTrackRecorder(key, 'cam', 5);
  recorder.add({ frame: { wallMs: 1_000_500, ptsMs: 0 }, tracks: frame(0), detected: true, detections: [{}, {}] as never[] });
  recorder.add({ frame: { wallMs: 1_000_700, ptsMs: 200 }, tracks: frame(1), detected: false, detections: [] });
  return recorder.finish();
}

const video: VideoFingerprint = { size: 1000, mtimeMs: 5, headSha256: 'ab' };
const settings: DetectionSettings = { detect: detectSchema.parse({}), masks: [], detector: emptyConfig().detector, fps: 5, width: 640 };

describe('tracks cache', () => {
  it('records frames exactly as the rules get them, with the pipeline\'s stream origin', () => {
    const r = recordTwoFrames('k1');
    expect(r.baseWallMs).toBe(1_000_500);
    expect(r.frames.map((f) => f.tracks)).toEqual([frame(0), frame(1)]);
    expect(r.frames.map((f) => [f.wallMs, f.detected, f.detections])).toEqual([
      [1_000_500, true, 2],
      [1_000_700, false, 0],
    ]);
  });

  it('round-trips through text, and refuses another key or a truncated file', () => {
    const r = recordTwoFrames('k1');
    const text = encodeRecording(r);
    expect(decodeRecording(text, 'k1', 'f')).toEqual(r);
    expect(() => decodeRecording(text, 'k2', 'f')).toThrow(/another clip or other settings/);
    expect(() => decodeRecording(text.split('\n').slice(0, 2).join('\n'), 'k1', 'f')).toThrow(/truncated \(1 of 2 frames\)/);
  });

  it('keys on the clip and on every detection setting', () => {
    const base = trackCacheKey(video, settings);
    expect(trackCacheKey(video, { ...settings })).toBe(base);
    expect(trackCacheKey({ ...video, mtimeMs: 6 }, settings)).not.toBe(base);
    expect(trackCacheKey(video, { ...settings, detect: { ...settings.detect, min_score: 0.5 } })).not.toBe(base);
    expect(trackCacheKey(video, { ...settings, masks: [[[0, 0], [1, 0], [1, 1]]] })).not.toBe(base);
    expect(trackCacheKey(video, { ...settings, fps: 10 })).not.toBe(base);
  });

  it('stores gzip files by key, misses cleanly, and names a damaged file', async () => {
    const r = recordTwoFrames('k3');
    expect(await readTrackCache(dir, 'k3')).toBeNull();
    const path = await writeTrackCache(dir, r);
    expect(path).toBe(trackCacheFile(dir, 'k3'));
    expect(await readTrackCache(dir, 'k3')).toEqual(r);
    writeFileSync(trackCacheFile(dir, 'k4'), gzipSync('{"vigie":"tracks-cache"'));
    await expect(readTrackCache(dir, 'k4')).rejects.toThrow(/k4\.tracks\.jsonl\.gz is unreadable .*delete it/);
  });

  it('fingerprints a file by size, mtime and its first MiB', async () => {
    const a = join(dir, 'a.bin');
    writeFileSync(a, Buffer.alloc(2 << 20, 1));
    const before = await fingerprintVideo(a);
    expect(before.size).toBe(2 << 20);
    writeFileSync(a, Buffer.concat([Buffer.from([2]), Buffer.alloc((2 << 20) - 1, 1)]));
    expect((await fingerprintVideo(a)).headSha256).not.toBe(before.headSha256);
  });
});
