/**
 * Network behaviour against a local HTTP server serving an MPEG-TS clip:
 * reconnect after a dropped connection, watchdog restart of a silent stream,
 * and the MediaError codes of unreachable or refusing servers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbFrame } from '../../src/contracts/frame.js';
import { MediaError } from '../../src/media/errors.js';
import { probeSource } from '../../src/media/ffprobe.js';
import { openFrameSource, type FrameSourceOptions, type StateChange } from '../../src/media/frame-source.js';
import { closedPort, makeTempDir, makeTestClip, processExists, startStreamServer, type StreamServer } from '../helpers/media-fixtures.js';

let cleanup: () => Promise<void> = () => Promise.resolve();
let clip = ''; // 160x120, 10 fps, 10 s = 100 frames, MPEG-TS
const servers: StreamServer[] = [];
const fastRetry = { backoff: { initialMs: 50, maxMs: 200 } } as const;

beforeAll(async () => {
  const tmp = await makeTempDir();
  cleanup = tmp.cleanup;
  clip = await makeTestClip(tmp.dir, 'net', { width: 160, height: 120, rate: 10, durationSec: 10, format: 'ts' });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await cleanup();
});

async function serve(behaviour: Parameters<typeof startStreamServer>[1]): Promise<StreamServer> {
  const server = await startStreamServer(clip, behaviour);
  servers.push(server);
  return server;
}

/** Reads `count` frames, then breaks (which must stop ffmpeg); returns the frames, the state log and the pids seen. */
async function take(options: FrameSourceOptions, count: number): Promise<{ frames: RgbFrame[]; changes: StateChange[]; pids: Set<number> }> {
  const changes: StateChange[] = [];
  const source = openFrameSource({ ...options, onState: (c) => changes.push(c) });
  const frames: RgbFrame[] = [];
  const pids = new Set<number>();
  for await (const frame of source) {
    frames.push(frame);
    const pid = source.stats().ffmpegPid;
    if (pid !== null) pids.add(pid);
    if (frames.length === count) break;
  }
  return { frames, changes, pids };
}

function expectRisingTimeline(frames: readonly RgbFrame[]): void {
  frames.forEach((frame, i) => {
    expect(frame.seq).toBe(i);
    if (i > 0) expect(frame.ptsMs).toBeGreaterThan(frames[i - 1]!.ptsMs);
  });
}

describe('HTTP stream', () => {
  it('reconnects after the server drops the connection, and frames resume', async () => {
    // Each connection carries about half the clip (~50 frames): 120 frames need at least two reconnections.
    const server = await serve({ kind: 'drop', afterFraction: 0.5 });
    const { frames, changes, pids } = await take({ source: server.url, dropWhenFull: false, ...fastRetry }, 120);
    expect(frames).toHaveLength(120);
    expect(frames.every((f) => f.width === 160 && f.height === 120 && f.data.length === 160 * 120 * 3)).toBe(true);
    expectRisingTimeline(frames);
    const states = changes.map((c) => c.state);
    expect(states[0]).toBe('running');
    expect(states.slice(1, 3)).toEqual(['reconnecting', 'running']);
    expect(changes.find((c) => c.state === 'reconnecting')?.retryInMs).toBeLessThanOrEqual(50);
    expect(pids.size).toBeGreaterThanOrEqual(3);
    for (const pid of pids) expect(processExists(pid)).toBe(false);
  });

  it('restarts ffmpeg when the stream stays connected but goes silent (watchdog)', async () => {
    const server = await serve({ kind: 'stall', afterFraction: 0.6 });
    const { frames, changes, pids } = await take({ source: server.url, stallTimeoutMs: 2_000, dropWhenFull: false, ...fastRetry }, 70);
    expect(frames).toHaveLength(70);
    expectRisingTimeline(frames);
    const states = changes.map((c) => c.state);
    const stalledAt = states.indexOf('stalled');
    expect(stalledAt).toBeGreaterThanOrEqual(0);
    expect(states.slice(stalledAt, stalledAt + 3)).toEqual(['stalled', 'reconnecting', 'running']);
    expect(changes[stalledAt]?.error?.code).toBe('STALLED');
    expect(pids.size).toBeGreaterThanOrEqual(2);
    for (const pid of pids) expect(processExists(pid)).toBe(false);
  });

  it('stop() during a stall leaves no ffmpeg behind', async () => {
    const server = await serve({ kind: 'stall', afterFraction: 0.6 });
    const source = openFrameSource({ source: server.url, dropWhenFull: true });
    let pid: number | null = null;
    for await (const _frame of source) {
      pid = source.stats().ffmpegPid;
      break;
    }
    expect(processExists(pid!)).toBe(false);
  });

  it('a live source waits for a server that is down, and gives up after maxConsecutiveFailures', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/live.ts`;
    const changes: StateChange[] = [];
    const source = openFrameSource({ source: url, maxConsecutiveFailures: 2, onState: (c) => changes.push(c), ...fastRetry });
    const err = await source[Symbol.asyncIterator]().next().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe('UNREACHABLE');
    expect(changes.map((c) => c.state)).toEqual(['reconnecting', 'reconnecting', 'failed']);
    expect(source.stats()).toMatchObject({ state: 'failed', restarts: 2 });
  });

  it('stop() while waiting to reconnect ends the iteration', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/live.ts`;
    const source = openFrameSource({ source: url, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    const pending = source[Symbol.asyncIterator]().next();
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (source.stats().state === 'reconnecting') {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    await source.stop();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(source.stats().state).toBe('ended');
  });
});

describe('probeSource on network sources', () => {
  it('reads the stream facts over HTTP', async () => {
    const server = await serve({ kind: 'drop', afterFraction: 1 });
    const info = await probeSource(server.url);
    expect(info).toMatchObject({ width: 160, height: 120, fps: 10, codec: 'mpeg2video' });
  });

  it.each([
    [404, 'NOT_FOUND'],
    [401, 'AUTH_FAILED'],
    [503, 'UNREACHABLE'],
  ])('HTTP %i -> %s', async (status, code) => {
    const server = await serve({ kind: 'status', status });
    await expect(probeSource(server.url)).rejects.toMatchObject({ code });
  });

  it('refused HTTP and RTSP connections -> UNREACHABLE, credentials hidden', async () => {
    const port = await closedPort();
    for (const url of [`http://bob:hunter2@127.0.0.1:${port}/x.ts`, `rtsp://bob:hunter2@127.0.0.1:${port}/stream1`]) {
      const err = await probeSource(url).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(MediaError);
      expect((err as MediaError).code).toBe('UNREACHABLE');
      expect((err as MediaError).message).not.toContain('hunter2');
      expect((err as MediaError).message).not.toContain('\n');
    }
  });

  it('a server that accepts but never answers -> UNREACHABLE after the probe timeout', async () => {
    const server = await serve({ kind: 'stall', afterFraction: 0 });
    await expect(probeSource(server.url, { timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'UNREACHABLE' });
  });
});
