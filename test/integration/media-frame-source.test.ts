/** The frame source on synthetic clips made with ffmpeg's testsrc: counts, sizes, timestamps, loop, stop, errors. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbFrame } from '../../src/contracts/frame.js';
import { MediaError } from '../../src/media/errors.js';
import { openFrameSource, type FrameSourceOptions, type FrameSourceState } from '../../src/media/frame-source.js';
import { makeTempDir, makeTestClip, processExists } from '../helpers/media-fixtures.js';

let dir = '';
let cleanup: () => Promise<void> = () => Promise.resolve();
let clip = ''; // 320x240, 25 fps, 2 s = 50 frames
let shortClip = ''; // 160x120, 10 fps, 1 s = 10 frames

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  clip = await makeTestClip(dir, 'clip', { width: 320, height: 240, rate: 25, durationSec: 2, format: 'mp4' });
  shortClip = await makeTestClip(dir, 'short', { width: 160, height: 120, rate: 10, durationSec: 1, format: 'mp4' });
});
afterAll(() => cleanup());

async function readAll(options: FrameSourceOptions): Promise<RgbFrame[]> {
  const frames: RgbFrame[] = [];
  for await (const frame of openFrameSource(options)) frames.push(frame);
  return frames;
}

async function firstError(options: FrameSourceOptions): Promise<unknown> {
  try {
    await readAll(options);
  } catch (err) {
    return err;
  }
  throw new Error('expected the frame source to throw');
}

describe('frame source on a synthetic clip', () => {
  it.each([
    [{}, 50, 320, 240, 40],
    [{ fps: 10, width: 160 }, 20, 160, 120, 100],
    [{ fps: 5 }, 10, 320, 240, 200],
    [{ width: 100 }, 50, 100, 76, 40],
  ])('%o gives %i frames of %ix%i, %i ms apart', async (opts, count, width, height, stepMs) => {
    const states: FrameSourceState[] = [];
    const frames = await readAll({ source: clip, cameraId: 'cam-1', ...opts, onState: (c) => states.push(c.state) });
    expect(frames).toHaveLength(count);
    frames.forEach((frame, i) => {
      expect(frame.seq).toBe(i);
      expect(frame.ptsMs).toBeCloseTo(i * stepMs, 6);
      expect(frame.cameraId).toBe('cam-1');
      expect([frame.width, frame.height]).toEqual([width, height]);
      expect(frame.data.length).toBe(width * height * 3);
    });
    expect(states).toEqual(['running', 'ended']);
  });

  it('frames carry the decoded picture and never share a buffer', async () => {
    const frames = await readAll({ source: shortClip });
    expect(frames).toHaveLength(10);
    // testsrc moves: consecutive pictures differ, and each frame owns its bytes.
    expect(Buffer.compare(Buffer.from(frames[0]!.data), Buffer.from(frames[1]!.data))).not.toBe(0);
    expect(new Set(frames.map((f) => f.data.buffer)).size).toBe(10);
    expect(frames[0]!.data.some((v) => v > 0)).toBe(true);
  });

  it('wallMs comes from the injected clock and stats follow', async () => {
    let t = 1_000;
    const source = openFrameSource({ source: shortClip, now: () => (t += 5) });
    const walls: number[] = [];
    for await (const frame of source) walls.push(frame.wallMs);
    expect(walls).toEqual(Array.from({ length: 10 }, (_, i) => 1_005 + i * 5));
    expect(source.stats()).toMatchObject({ state: 'ended', framesRead: 10, framesDropped: 0, restarts: 0, lastFrameWallMs: 1_050, ffmpegPid: null });
  });

  it('a looping file keeps going past its end, timestamps still rising', async () => {
    const source = openFrameSource({ source: shortClip, loop: true });
    const frames: RgbFrame[] = [];
    for await (const frame of source) {
      frames.push(frame);
      if (frames.length === 35) break;
    }
    expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(frames[34]!.ptsMs).toBeCloseTo(3_400, 6);
    expect(source.stats().state).toBe('ended');
  });

  it('a real-time looping file with an fps filter delivers frames', async () => {
    const source = openFrameSource({ source: shortClip, loop: true, realtime: true, fps: 20 });
    let n = 0;
    for await (const frame of source) {
      expect(frame.ptsMs).toBeCloseTo(frame.seq * 50, 6);
      if (++n === 5) break;
    }
    expect(n).toBe(5);
  });
});

describe('stopping', () => {
  it('break in for-await kills ffmpeg (pid gone, not a zombie)', async () => {
    const source = openFrameSource({ source: clip, loop: true });
    let pid: number | null = null;
    for await (const _frame of source) {
      pid = source.stats().ffmpegPid;
      break;
    }
    expect(pid).not.toBeNull();
    expect(processExists(pid!)).toBe(false);
    expect(source.stats()).toMatchObject({ state: 'ended', ffmpegPid: null });
  });

  it('stop() from outside ends a waiting loop and kills ffmpeg', async () => {
    const source = openFrameSource({ source: clip, loop: true, realtime: true });
    let pid: number | null = null;
    let frames = 0;
    for await (const _frame of source) {
      pid ??= source.stats().ffmpegPid;
      if (++frames === 2) void source.stop(); // the loop must end by itself
    }
    await source.stop();
    expect(frames).toBeGreaterThanOrEqual(2);
    expect(processExists(pid!)).toBe(false);
  });

  it('a paused source (consumer not reading) still stops', async () => {
    const source = openFrameSource({ source: clip, loop: true, maxQueuedFrames: 1 });
    const it = source[Symbol.asyncIterator]();
    await it.next(); // ffmpeg now blocks on a full pipe
    const pid = source.stats().ffmpegPid!;
    await source.stop();
    expect(processExists(pid)).toBe(false);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('an AbortSignal stops the source', async () => {
    const controller = new AbortController();
    const source = openFrameSource({ source: clip, loop: true, signal: controller.signal });
    let frames = 0;
    for await (const _frame of source) {
      if (++frames === 3) controller.abort();
    }
    await source.stop();
    expect(source.stats().state).toBe('ended');
  });

  it('stop() before the first frame starts nothing', async () => {
    const source = openFrameSource({ source: clip });
    await source.stop();
    expect(source.stats()).toMatchObject({ state: 'ended', framesRead: 0, ffmpegPid: null });
    expect(await source[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
  });
});

describe('bad input', () => {
  it('a missing file throws NOT_FOUND with a one-line message', async () => {
    const err = await firstError({ source: join(dir, 'nope.mp4') });
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe('NOT_FOUND');
    expect((err as MediaError).message).toMatch(/^video source not found: .*nope\.mp4 \(no such file\)$/);
  });

  it('a text file throws NOT_VIDEO', async () => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'this is not a video\n'.repeat(50));
    const states: string[] = [];
    const err = await firstError({ source: path, onState: (c) => states.push(c.state) });
    expect((err as MediaError).code).toBe('NOT_VIDEO');
    expect((err as MediaError).message).not.toContain('\n');
    expect(states).toEqual(['failed']);
  });

  it('garbage bytes with a video extension throw NOT_VIDEO', async () => {
    const path = join(dir, 'garbage.mp4');
    await writeFile(path, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)));
    expect(((await firstError({ source: path })) as MediaError).code).toBe('NOT_VIDEO');
  });

  it('an empty file throws NOT_VIDEO and a directory NOT_READABLE', async () => {
    const empty = join(dir, 'empty.mp4');
    await writeFile(empty, '');
    expect(((await firstError({ source: empty })) as MediaError).code).toBe('NOT_VIDEO');
    expect(((await firstError({ source: dir })) as MediaError).code).toBe('NOT_READABLE');
  });

  it('invalid options and unsupported schemes throw on the first next()', async () => {
    expect(((await firstError({ source: clip, fps: -1 })) as MediaError).code).toBe('INVALID_OPTIONS');
    expect(((await firstError({ source: 'ftp://x/y.mp4' })) as MediaError).code).toBe('UNSUPPORTED_SOURCE');
  });

  it('a missing ffmpeg/ffprobe throws FFMPEG_MISSING', async () => {
    expect(((await firstError({ source: clip, ffprobePath: '/nonexistent/ffprobe' })) as MediaError).code).toBe('FFMPEG_MISSING');
    const info = { width: 320, height: 240, fps: 25, durationSec: 2, frameCount: 50, codec: 'mpeg4' };
    expect(((await firstError({ source: clip, info, ffmpegPath: '/nonexistent/ffmpeg' })) as MediaError).code).toBe('FFMPEG_MISSING');
  });
});
