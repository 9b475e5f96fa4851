/** startFfmpeg's process handling, with small Node scripts standing in for ffmpeg where a behaviour must be forced. */
import { describe, expect, it } from 'vitest';
import { startFfmpeg } from '../../src/media/ffmpeg-process.js';
import { processExists } from '../helpers/media-fixtures.js';

const node = process.execPath;

describe('startFfmpeg', () => {
  it('keeps the last stderr lines, redacted', async () => {
    const script = 'for (let i = 0; i < 30; i++) console.error(`line ${i} rtsp://admin:pw@cam/s`); process.exit(3)';
    const proc = startFfmpeg({ command: node, args: ['-e', script], stderrTailLines: 5 });
    const exit = await proc.exited;
    expect(exit).toMatchObject({ code: 3, signal: null, spawnError: null, stopped: false });
    expect(exit.stderrTail).toEqual([25, 26, 27, 28, 29].map((i) => `line ${i} rtsp://***@cam/s`));
  });

  it('stop() escalates to SIGKILL when SIGTERM is ignored, and the pid is reaped', async () => {
    const script = 'process.on("SIGTERM", () => {}); console.error("ready"); setInterval(() => {}, 1000)';
    const lines: string[] = [];
    let ready: () => void = () => undefined;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const proc = startFfmpeg({ command: node, args: ['-e', script], killGraceMs: 200, onStderrLine: (l) => { lines.push(l); ready(); } });
    await isReady; // the SIGTERM handler is installed
    const exit = await proc.stop();
    expect(exit).toMatchObject({ code: null, signal: 'SIGKILL', stopped: true });
    expect(processExists(proc.pid!)).toBe(false);
    expect(await proc.stop()).toBe(exit); // idempotent
  });

  it('with a stdin pipe, stop() first asks with q (clean exit, no signal)', async () => {
    const script = 'process.stdin.on("data", (d) => { if (String(d).includes("q")) process.exit(0); })';
    const proc = startFfmpeg({ command: node, args: ['-e', script], stdin: 'pipe' });
    const exit = await proc.stop();
    expect(exit).toMatchObject({ code: 0, signal: null, stopped: true });
  });

  it('real ffmpeg stops on SIGTERM while blocked on a full stdout pipe', async () => {
    const proc = startFfmpeg({ args: ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'lavfi', '-i', 'testsrc=size=640x480', '-f', 'rawvideo', 'pipe:1'] });
    await new Promise<void>((resolve) => proc.stdout.once('data', () => resolve()));
    proc.stdout.pause();
    const exit = await proc.stop();
    expect(exit.stopped).toBe(true);
    expect(exit.signal).not.toBe('SIGKILL');
    expect(processExists(proc.pid!)).toBe(false);
  });

  it('a missing executable resolves exited with the spawn error', async () => {
    const proc = startFfmpeg({ command: '/nonexistent/ffmpeg', args: [] });
    const exit = await proc.exited;
    expect(exit.spawnError?.code).toBe('ENOENT');
    expect(await proc.stop()).toBe(exit);
  });
});
