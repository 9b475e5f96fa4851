/**
 * The frame source against real RTSP: local test cameras (src/testcam) with
 * faults injected at run time; each fault must be seen, reported as a state,
 * and recovered from, with no ffmpeg left behind.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../../src/media/errors.js';
import { openFrameSource, type FrameSource, type FrameSourceOptions, type StateChange } from '../../src/media/frame-source.js';
import { startTestCameras, type TestCameras, type TestCamerasOptions } from '../../src/testcam/index.js';
import { makeTempDir, makeTestClip, processExists } from '../helpers/media-fixtures.js';

let cleanupDir: () => Promise<void> = () => Promise.resolve();
let clip = ''; // testsrc 320x240, 10 fps: every picture differs (moving pattern and counter)
const opened: { cameras: TestCameras[]; sources: Watched[] } = { cameras: [], sources: [] };

beforeAll(async () => {
  const tmp = await makeTempDir();
  cleanupDir = tmp.cleanup;
  clip = await makeTestClip(tmp.dir, 'rtsp', { width: 320, height: 240, rate: 10, durationSec: 10, format: 'mp4' });
});
afterEach(async () => {
  await Promise.all(opened.sources.splice(0).map((w) => w.source.stop()));
  await Promise.all(opened.cameras.splice(0).map((c) => c.close()));
});
afterAll(() => cleanupDir());

async function cameras(options: Partial<TestCamerasOptions> = {}): Promise<TestCameras> {
  const cams = await startTestCameras({ file: clip, cameras: 1, fps: 10, width: 320, ...options });
  opened.cameras.push(cams);
  return cams;
}

/**
 * Short timeouts so each fault is seen within seconds; no jitter so backoff
 * delays are exact. The stall timeout covers ffmpeg's stream analysis before
 * the first frame (about 4 s on this stream).
 */
const FAST: Omit<FrameSourceOptions, 'source'> = {
  stallTimeoutMs: 6_000,
  networkTimeoutMs: 2_000,
  backoff: { initialMs: 100, maxMs: 1_600, factor: 2, jitter: 0 },
  frozenAfterMs: 1_500,
  corruptErrorThreshold: 5,
  corruptWindowMs: 2_000,
};

interface Watched {
  readonly source: FrameSource;
  readonly changes: StateChange[];
  readonly pids: Set<number>;
  frames: number;
  error: unknown;
}

/** Reads the source in the background, counting frames and recording states and ffmpeg pids. */
function watch(options: FrameSourceOptions): Watched {
  const changes: StateChange[] = [];
  const source = openFrameSource({ ...options, onState: (c) => changes.push(c) });
  const watched: Watched = { source, changes, pids: new Set(), frames: 0, error: null };
  opened.sources.push(watched);
  void (async () => {
    try {
      for await (const frame of source) {
        expect(frame.data.length).toBe(320 * 240 * 3);
        watched.frames += 1;
        const pid = source.stats().ffmpegPid;
        if (pid !== null) watched.pids.add(pid);
      }
    } catch (err) {
      watched.error = err;
    }
  })();
  return watched;
}

/** Polls `predicate` until true; the timeout is only an upper bound, named in the failure. */
async function until(what: string, predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until `count` more frames arrived than now. */
async function moreFrames(watched: Watched, count: number): Promise<void> {
  const target = watched.frames + count;
  await until(`${count} more frames`, () => watched.frames >= target);
}

const statesFrom = (watched: Watched, index: number): string[] => watched.changes.slice(index).map((c) => c.state);

async function stopAndExpectNoFfmpeg(watched: Watched): Promise<void> {
  await watched.source.stop();
  expect(watched.pids.size).toBeGreaterThan(0);
  for (const pid of watched.pids) expect(processExists(pid)).toBe(false);
}

describe('RTSP test camera and the frame source', () => {
  it('delivers frames over RTSP, and close() reaps the camera encoders', async () => {
    const cams = await cameras({ cameras: 2 });
    expect(cams.urls).toEqual([`rtsp://127.0.0.1:${cams.port}/cam1`, `rtsp://127.0.0.1:${cams.port}/cam2`]);
    const watched = watch({ source: cams.urls[1]!, ...FAST });
    await moreFrames(watched, 20);
    expect(watched.source.stats()).toMatchObject({ state: 'running', decodeErrors: 0, frozenRestarts: 0, corruptRestarts: 0 });
    expect(cams.status()[1]).toMatchObject({ name: 'cam2', clients: 1 });
    await stopAndExpectNoFfmpeg(watched);
    const encoders = cams.status().map((s) => s.encoderPid!);
    await cams.close();
    for (const pid of encoders) expect(processExists(pid)).toBe(false);
  });

  it('drop: the source reconnects and frames resume', async () => {
    const cams = await cameras();
    const watched = watch({ source: cams.urls[0]!, ...FAST });
    await moreFrames(watched, 10);
    const mark = watched.changes.length;
    cams.fault('cam1', 'drop');
    await until('reconnecting after the drop', () => statesFrom(watched, mark).includes('reconnecting'));
    await moreFrames(watched, 10);
    expect(statesFrom(watched, mark)).toEqual(['reconnecting', 'running']);
    expect(watched.pids.size).toBeGreaterThanOrEqual(2);
    await stopAndExpectNoFfmpeg(watched);
  });

  it('down then up: reconnection attempts with growing delays, then frames resume', async () => {
    const cams = await cameras();
    const watched = watch({ source: cams.urls[0]!, ...FAST });
    await moreFrames(watched, 10);
    const mark = watched.changes.length;
    cams.fault('cam1', 'down');
    await until('4 reconnection attempts', () => statesFrom(watched, mark).filter((s) => s === 'reconnecting').length >= 4);
    const delays = watched.changes.slice(mark).filter((c) => c.state === 'reconnecting').map((c) => c.retryInMs!);
    expect(delays.slice(0, 4)).toEqual([100, 200, 400, 800]);
    const refused = watched.changes.slice(mark).filter((c) => c.state === 'reconnecting')[1]!;
    expect(refused.error?.code).toBe('UNREACHABLE'); // 503 while down
    cams.fault('cam1', 'up');
    await moreFrames(watched, 10);
    expect(watched.source.stats().state).toBe('running');
    await stopAndExpectNoFfmpeg(watched);
  });

  it('silent: stalled, ffmpeg restarted, frames resume after resume', async () => {
    const cams = await cameras();
    // A socket timeout shorter than the stall timeout would end ffmpeg first (reconnecting, UNREACHABLE).
    const watched = watch({ source: cams.urls[0]!, ...FAST, networkTimeoutMs: 30_000 });
    await moreFrames(watched, 10);
    const firstPid = watched.source.stats().ffmpegPid;
    const mark = watched.changes.length;
    cams.fault('cam1', 'silent');
    await until('stalled', () => statesFrom(watched, mark).includes('stalled'));
    expect(watched.changes.find((c, i) => i >= mark && c.state === 'stalled')?.error?.code).toBe('STALLED');
    await until('a reconnection after the stall', () => statesFrom(watched, mark).includes('reconnecting'));
    cams.fault('cam1', 'resume');
    await moreFrames(watched, 10);
    expect(watched.source.stats()).toMatchObject({ state: 'running' });
    expect(watched.source.stats().ffmpegPid).not.toBe(firstPid);
    await stopAndExpectNoFfmpeg(watched);
  });

  it('freeze: frozen while identical pictures flow, running again after resume', async () => {
    const cams = await cameras();
    const watched = watch({ source: cams.urls[0]!, ...FAST });
    await moreFrames(watched, 10);
    const mark = watched.changes.length;
    cams.fault('cam1', 'freeze');
    await until('frozen', () => watched.source.stats().state === 'frozen');
    await moreFrames(watched, 5); // frames keep flowing while frozen
    expect(watched.source.stats().state).toBe('frozen');
    cams.fault('cam1', 'resume');
    await until('running after the resume', () => watched.source.stats().state === 'running');
    expect(statesFrom(watched, mark)).toEqual(['frozen', 'running']);
    expect(watched.changes[mark]?.error?.message).toMatch(/frozen/);
    expect(watched.source.stats().frozenRestarts).toBe(0);
    await stopAndExpectNoFfmpeg(watched);
  });

  it('freeze that lasts: ffmpeg is restarted after frozenRestartMs', async () => {
    const cams = await cameras();
    const watched = watch({ source: cams.urls[0]!, ...FAST, frozenRestartMs: 3_000 });
    await moreFrames(watched, 10);
    const firstPid = watched.source.stats().ffmpegPid;
    cams.fault('cam1', 'freeze');
    await until('a frozen restart', () => watched.source.stats().frozenRestarts >= 1);
    await until('frames from a new ffmpeg', () => watched.source.stats().ffmpegPid !== null && watched.source.stats().ffmpegPid !== firstPid);
    await moreFrames(watched, 5);
    await stopAndExpectNoFfmpeg(watched);
  });

  it('corrupt: decoder errors counted, state corrupt, ffmpeg restarted when it lasts, running after resume', async () => {
    const cams = await cameras();
    const watched = watch({ source: cams.urls[0]!, ...FAST, corruptRestartMs: 3_000 });
    await moreFrames(watched, 10);
    cams.fault('cam1', 'corrupt');
    await until('corrupt', () => watched.source.stats().state === 'corrupt');
    expect(watched.source.stats().decodeErrors).toBeGreaterThan(FAST.corruptErrorThreshold!);
    await until('a corrupt restart', () => watched.source.stats().corruptRestarts >= 1);
    cams.fault('cam1', 'resume');
    await until('running after the resume', () => watched.source.stats().state === 'running');
    await moreFrames(watched, 10);
    await stopAndExpectNoFfmpeg(watched);
  });

  it('Basic auth: the right password plays, a wrong one is a clear AUTH_FAILED without the password', async () => {
    const cams = await cameras({ username: 'operator', password: 'S3cret-pw' });
    expect(cams.urls[0]).toBe(`rtsp://operator:S3cret-pw@127.0.0.1:${cams.port}/cam1`);
    const good = watch({ source: cams.urls[0]!, ...FAST });
    await moreFrames(good, 5);
    await stopAndExpectNoFfmpeg(good);

    const wrongUrl = cams.urls[0]!.replace('S3cret-pw', 'wrong-pw');
    const source = openFrameSource({ source: wrongUrl, ...FAST, maxConsecutiveFailures: 0 });
    const err = await source[Symbol.asyncIterator]().next().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe('AUTH_FAILED');
    expect((err as MediaError).message).toMatch(/refused the credentials/);
    expect((err as MediaError).message).not.toContain('wrong-pw');
  });

  it('a SIGKILLed client ffmpeg is replaced and frames resume', async () => {
    const cams = await cameras();
    const watched = watch({ source: cams.urls[0]!, ...FAST });
    await moreFrames(watched, 10);
    const killed = watched.source.stats().ffmpegPid!;
    process.kill(killed, 'SIGKILL');
    await until('a new ffmpeg', () => {
      const pid = watched.source.stats().ffmpegPid;
      return pid !== null && pid !== killed;
    });
    await moreFrames(watched, 10);
    expect(watched.source.stats().state).toBe('running');
    expect(processExists(killed)).toBe(false);
    await stopAndExpectNoFfmpeg(watched);
  });
});
