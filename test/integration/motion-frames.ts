/**
 * Test helper for the motion tests: decoding
 * a video into RgbFrames with a plain ffmpeg child process (killed and reaped
 * however the caller stops iterating).
 */
import { spawn } from 'node:child_process';
import type { RgbFrame } from '../../src/contracts/frame.js';

/**
 * Decodes `path` to RGB24 frames scaled to `width` px wide (height keeps the
 * aspect ratio, rounded to even), every frame of the source, in order.
 */
export async function* decodeFrames(path: string, width: number, frameSize: { width: number; height: number }): AsyncGenerator<RgbFrame> {
  const { height } = frameSize;
  if (frameSize.width !== width) throw new RangeError('frameSize.width must equal width');
  const ff = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-i', path, '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((res) => ff.once('close', (code) => res(code)));
  let stderr = '';
  ff.stderr.setEncoding('utf8');
  ff.stderr.on('data', (s: string) => {
    stderr += s;
  });
  const frameBytes = width * height * 3;
  let pending: Buffer = Buffer.alloc(0);
  let seq = 0;
  let finished = false;
  try {
    for await (const chunk of ff.stdout) {
      pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
      while (pending.length >= frameBytes) {
        const data = new Uint8Array(frameBytes);
        data.set(pending.subarray(0, frameBytes));
        pending = pending.subarray(frameBytes);
        yield { cameraId: 'test', seq, ptsMs: 0, wallMs: 0, width, height, data };
        seq++;
      }
    }
    finished = true;
  } finally {
    // Reached also when the caller stops early (break, throw): kill and reap ffmpeg.
    if (!finished && ff.exitCode === null) ff.kill('SIGKILL');
    await exited;
  }
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg exited with ${code}: ${stderr.trim()}`);
}

/** Probes a video's size with ffprobe and returns the analysis size for `width` (even height). */
export async function analysisSize(path: string, width: number): Promise<{ width: number; height: number }> {
  const probe = spawn('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  probe.stdout.setEncoding('utf8');
  probe.stdout.on('data', (s: string) => {
    out += s;
  });
  const code = await new Promise<number | null>((res) => probe.once('close', res));
  const [w, h] = out.trim().split(',').map(Number);
  if (code !== 0 || !w || !h) throw new Error(`ffprobe could not read the size of ${path}`);
  return { width, height: Math.round((width * h) / w / 2) * 2 };
}
