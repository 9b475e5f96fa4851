/** probeSource on synthetic files and on files that are not videos. */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../../src/media/errors.js';
import { probeSource } from '../../src/media/ffprobe.js';
import { makeTempDir, makeTestClip } from '../helpers/media-fixtures.js';

let dir = '';
let cleanup: () => Promise<void> = () => Promise.resolve();

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

async function probeError(source: string): Promise<MediaError> {
  const err = await probeSource(source).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(MediaError);
  expect((err as MediaError).message).not.toContain('\n');
  return err as MediaError;
}

describe('probeSource', () => {
  it('reads size, rate, duration, frame count and codec of a clip', async () => {
    const clip = await makeTestClip(dir, 'p', { width: 320, height: 240, rate: 25, durationSec: 2, format: 'mp4' });
    expect(await probeSource(clip)).toEqual({ width: 320, height: 240, fps: 25, durationSec: 2, frameCount: 50, codec: 'mpeg4' });
  });

  it('MPEG-TS has no frame count in its header', async () => {
    const clip = await makeTestClip(dir, 'p', { width: 160, height: 120, rate: 10, durationSec: 1, format: 'ts' });
    expect(await probeSource(clip)).toMatchObject({ width: 160, height: 120, fps: 10, frameCount: null, codec: 'mpeg2video' });
  });

  it('missing file -> NOT_FOUND', async () => {
    const err = await probeError(join(dir, 'missing.avi'));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toBe(`video source not found: ${join(dir, 'missing.avi')} (no such file)`);
  });

  it('text, garbage and still images -> NOT_VIDEO', async () => {
    const text = join(dir, 'readme.txt');
    await writeFile(text, 'Vigie\n'.repeat(200));
    const garbage = join(dir, 'garbage.avi');
    await writeFile(garbage, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 31 + 7) % 256)));
    const image = join(dir, 'still.png');
    await promisify(execFile)('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x64', '-frames:v', '1', '-y', image]);
    for (const path of [text, garbage, image]) expect((await probeError(path)).code).toBe('NOT_VIDEO');
  });
});
