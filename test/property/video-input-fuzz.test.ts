/**
 * Bad video input through the real paths (probeSource, openFrameSource, `vigie analyze`):
 * truncated clips, garbage, wrong kinds of files, huge declared frame sizes, a
 * directory, a FIFO. Each one is a MediaError with a code, or a CLI error of one
 * line and a non-zero exit, never a crash, and never a partial output file.
 * About twenty-five ffmpeg runs in all (a 2-core machine runs the suite).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../../src/media/errors.js';
import { MAX_FRAME_SIDE, frameSizeProblem } from '../../src/media/frame-limits.js';
import { probeSource } from '../../src/media/ffprobe.js';
import { openFrameSource, type FrameSourceOptions } from '../../src/media/frame-source.js';
import { runVigie } from '../helpers/cli.js';
import { makeTempDir, makeTestClip } from '../helpers/media-fixtures.js';
import { fuzzParams } from './fuzz-settings.js';

let dir = '';
let cleanup: () => Promise<void> = () => Promise.resolve();
let clip = '';
let clipBytes = Buffer.alloc(0);

/** A Y4M stream header declaring any frame size, followed by a few bytes: nothing that size is ever encoded. */
function y4mDeclaring(name: string, width: number, height: number): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F25:1 Ip A1:1 C420jpeg\nFRAME\n`), Buffer.alloc(512)]));
  return path;
}

/** Reads every frame; returns the count, or the error that ended the source. */
async function readAll(options: FrameSourceOptions): Promise<{ frames: number; error: unknown }> {
  const source = openFrameSource(options);
  let frames = 0;
  try {
    for await (const _frame of source) frames += 1;
    return { frames, error: null };
  } catch (error) {
    return { frames, error };
  } finally {
    await source.stop();
  }
}

async function mediaErrorOf(run: () => Promise<unknown>): Promise<MediaError> {
  try {
    await run();
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(MediaError);
    return err as MediaError;
  }
  throw new Error('expected a MediaError');
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  clip = await makeTestClip(dir, 'clip', { width: 96, height: 64, rate: 10, durationSec: 1, format: 'mp4' });
  clipBytes = readFileSync(clip);
});
afterAll(() => cleanup());

describe('frame size limit (pure)', () => {
  it('accepts camera sizes up to 8K, refuses a longer side or more pixels, saying the limit', () => {
    expect(frameSizeProblem({ width: 3840, height: 2160 })).toBeNull();
    expect(frameSizeProblem({ width: 7680, height: 4320 })).toBeNull();
    expect(frameSizeProblem({ width: 64, height: MAX_FRAME_SIDE + 1 })).toMatch(/over the limit of 8192 pixels/);
    expect(frameSizeProblem({ width: 8000, height: 8000 })).toMatch(/over the limit of 33177600/);
  });
});

describe('files that are not usable video, through probeSource and openFrameSource', () => {
  it('an empty file, a directory and a FIFO are refused without running ffmpeg or blocking', async () => {
    const empty = join(dir, 'empty.mp4');
    writeFileSync(empty, '');
    expect((await mediaErrorOf(() => probeSource(empty))).code).toBe('NOT_VIDEO');
    const folder = join(dir, 'folder.mp4');
    mkdirSync(folder);
    expect((await mediaErrorOf(() => probeSource(folder))).code).toBe('NOT_READABLE');
    const fifo = join(dir, 'fifo.mp4');
    execFileSync('mkfifo', [fifo]);
    // Nobody writes to it: opening it for reading would block forever.
    expect((await mediaErrorOf(() => probeSource(fifo))).message).toMatch(/fifo\.mp4/);
  });

  it('garbage bytes, and a valid header followed by garbage, are NOT_VIDEO or DECODE_FAILED', async () => {
    const cases: [Uint8Array, number][] = fc.sample(fc.tuple(fc.uint8Array({ minLength: 64, maxLength: 4096 }), fc.integer({ min: 16, max: 2048 })), { ...fuzzParams(1), numRuns: 1 });
    let i = 0;
    for (const [noise, headerBytes] of cases) {
      const garbage = join(dir, `garbage-${i}.mp4`);
      writeFileSync(garbage, noise);
      const headed = join(dir, `headed-${i}.mp4`);
      writeFileSync(headed, Buffer.concat([clipBytes.subarray(0, headerBytes), noise]));
      i += 1;
      for (const path of [garbage, headed]) {
        const err = await mediaErrorOf(() => probeSource(path));
        expect(['NOT_VIDEO', 'DECODE_FAILED'], `${path}: ${err.message}`).toContain(err.code);
      }
    }
  });

  it('a clip cut at random byte offsets gives its whole frames then ends, or a MediaError; never a crash', async () => {
    const offsets: number[] = fc.sample(fc.integer({ min: 1, max: clipBytes.length - 1 }), { ...fuzzParams(3), numRuns: 3 });
    for (const [i, offset] of offsets.entries()) {
      const cut = join(dir, `cut-${i}.mp4`);
      writeFileSync(cut, clipBytes.subarray(0, offset));
      const { frames, error } = await readAll({ source: cut, width: 64 });
      if (error !== null) expect(error, `cut at ${offset}: ${(error as Error).message}`).toBeInstanceOf(MediaError);
      expect(frames, `cut at ${offset}`).toBeLessThanOrEqual(10);
    }
  });

  it('an audio-only file and a still image are NOT_VIDEO, naming why', async () => {
    const audio = join(dir, 'audio.m4a');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.5', '-y', audio]);
    const image = join(dir, 'image.png');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'lavfi', '-i', 'testsrc=size=32x32', '-frames:v', '1', '-y', image]);
    const audioError = await mediaErrorOf(() => probeSource(audio));
    expect(audioError.code).toBe('NOT_VIDEO');
    expect(audioError.message).toMatch(/no video stream/);
    expect((await mediaErrorOf(() => probeSource(image))).message).toMatch(/a still image/);
  });

  it('an MJPEG AVI, another codec ffmpeg reads, is decoded', async () => {
    const mjpeg = join(dir, 'mjpeg.avi');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', clip, '-c:v', 'mjpeg', '-q:v', '5', '-y', mjpeg]);
    expect(await readAll({ source: mjpeg })).toEqual({ frames: 10, error: null });
  });
});

describe('huge declared frame sizes are refused before any frame buffer is allocated', () => {
  it('12000x12000 and 64x100000: FRAME_TOO_LARGE from the probe, saying the limit', async () => {
    for (const [w, h, limit] of [[12000, 12000, /over the limit of 8192 pixels/], [64, 100_000, /over the limit of 8192 pixels/]] as const) {
      const path = y4mDeclaring(`huge-${w}x${h}.y4m`, w, h);
      const err = await mediaErrorOf(() => probeSource(path));
      expect(err.code).toBe('FRAME_TOO_LARGE');
      expect(err.message).toMatch(limit);
      expect(err.message).toMatch(new RegExp(`${w}x${h}`));
    }
  });

  it('16384x16384, past what ffmpeg itself allocates: FRAME_TOO_LARGE too', async () => {
    const err = await mediaErrorOf(() => probeSource(y4mDeclaring('ffmpeg-limit.y4m', 16384, 16384)));
    expect(err.code).toBe('FRAME_TOO_LARGE');
    expect(err.message).toMatch(/16384x16384/);
  });

  it('a size given by the caller, or stretched by the analysis width, is refused by the frame source', async () => {
    const { error } = await readAll({ source: clip, info: { width: 20_000, height: 20_000, fps: 10, durationSec: 1, frameCount: 10, codec: 'mpeg4' } });
    expect((error as MediaError).code).toBe('FRAME_TOO_LARGE');
    // 64x8000 is fine as it is; 640 wide keeps the aspect ratio: 640x80000.
    const tall = y4mDeclaring('tall.y4m', 64, 8000);
    const stretched = await readAll({ source: tall, width: 640 });
    expect((stretched.error as MediaError).code).toBe('FRAME_TOO_LARGE');
    expect((stretched.error as MediaError).message).toMatch(/analysed frames 640x80000/);
  });
});

describe('vigie analyze on bad input', () => {
  const config = (): string => {
    const path = join(dir, 'motion.yaml');
    writeFileSync(path, 'cameras:\n  - id: cam\n    source: x.mp4\n    detect: { backend: motion, fps: 5, width: 64 }\n');
    return path;
  };

  let refusals = 0;
  /** One line on stderr, a non-zero exit, no stack trace, and nothing left at --out (nor a temporary file beside it). */
  async function expectCleanRefusal(input: string, pattern: RegExp): Promise<void> {
    refusals += 1;
    const outDir = join(dir, `out-${refusals}`);
    mkdirSync(outDir);
    const out = join(outDir, 'events.jsonl');
    const r = await runVigie(['analyze', input, '--config', config(), '--out', out]);
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(readdirSync(outDir)).toEqual([]);
  }

  it('a truncated clip header, a huge declared size and a directory: one line, non-zero exit, no output file', async () => {
    const header = join(dir, 'header-only.mp4');
    writeFileSync(header, clipBytes.subarray(0, 40));
    await expectCleanRefusal(header, /^vigie: .*(not a video|decoding failed)/i);
    await expectCleanRefusal(y4mDeclaring('cli-huge.y4m', 12000, 12000), /^vigie: video frames too large: .*over the limit of 8192 pixels/);
    await expectCleanRefusal(dir, /^vigie: video source not readable: .*is a directory/);
  });

  it('an output folder that does not exist is one line too, after the analysis, with no file left', async () => {
    const missing = join(dir, 'no-such-folder', 'events.jsonl');
    const r = await runVigie(['analyze', clip, '--config', config(), '--out', missing]);
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/vigie: cannot write --out .*events\.jsonl: ENOENT/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
  });
});
