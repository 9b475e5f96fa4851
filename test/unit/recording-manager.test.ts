import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { configSchema, type VigieConfig } from '../../src/config/schema.js';
import type { RecorderRun, RecorderRunExit, RecorderRunOptions } from '../../src/media/recorder.js';
import { createRecorderManager, minFreeBytesOf, type RecorderManager } from '../../src/recording/recorder-manager.js';
import type { SegmentIndex } from '../../src/recording/segment-index.js';

/** Recorder runs that only record what they were asked to do: the ffmpeg side is covered by the integration tests. */
function fakeRuns() {
  const runs: { options: RecorderRunOptions; stopped: boolean; fail: (stderr: string) => void }[] = [];
  const start = (options: RecorderRunOptions): RecorderRun => {
    let resolve!: (exit: RecorderRunExit) => void;
    const done = new Promise<RecorderRunExit>((r) => (resolve = r));
    const exit = (stopped: boolean, stderr: string): RecorderRunExit => ({ code: stopped ? 0 : 1, signal: null, spawnError: null, stopped, stderrTail: stderr ? [stderr] : [], segments: 0 });
    const entry = { options, stopped: false, fail: (stderr: string) => resolve(exit(false, stderr)) };
    runs.push(entry);
    return {
      pid: 1,
      done,
      stop() {
        entry.stopped = true;
        resolve(exit(true, ''));
        return done;
      },
    };
  };
  return { runs, start };
}

const emptyIndex: SegmentIndex = {
  add: () => Promise.resolve(),
  list: () => Promise.resolve([]),
  get: () => Promise.resolve(null),
  remove: () => Promise.resolve(0),
  addGap: () => Promise.resolve(),
  gaps: () => Promise.resolve([]),
  usage: () => Promise.resolve(new Map()),
};

const config = (cameras: object[]): VigieConfig => configSchema.parse({ cameras });
const cam = (id: string, recording: object, extra: object = {}) => ({ id, source: `/v/${id}.mp4`, recording, ...extra });

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('recorder manager', () => {
  let manager: RecorderManager | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'vigie-rec-mgr-'));
  afterEach(async () => {
    await manager?.stop();
    manager = null;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records only enabled cameras with recording on, and follows configuration changes', async () => {
    const fake = fakeRuns();
    manager = createRecorderManager({ recordingsDir: dir, index: emptyIndex, clock: Date.now, freeSpace: () => Promise.resolve(1e12), startRun: fake.start, probeCodec: () => Promise.resolve('h264') });
    await manager.start(config([cam('a', { enabled: true, segment_s: 10 }), cam('b', { enabled: false }), cam('c', { enabled: true }, { enabled: false })]));
    await until(() => fake.runs.length === 1);
    expect(fake.runs[0]?.options).toMatchObject({ source: '/v/a.mp4', segmentS: 10, loop: false });
    expect(manager.status().map((s) => [s.camera, s.state])).toEqual([['a', 'recording']]);

    // Unchanged settings: nothing restarts. A new segment length: the recorder restarts with it.
    await manager.apply(config([cam('a', { enabled: true, segment_s: 10 }), cam('b', { enabled: false })]));
    expect(fake.runs).toHaveLength(1);
    await manager.apply(config([cam('a', { enabled: true, segment_s: 30 }), cam('b', { enabled: true })]));
    await until(() => fake.runs.length === 3);
    expect(fake.runs[0]?.stopped).toBe(true);
    expect(fake.runs.slice(1).map((r) => [r.options.source, r.options.segmentS]).sort()).toEqual([['/v/a.mp4', 30], ['/v/b.mp4', 60]]);

    // Recording switched off: stopped and shown as such; camera removed: gone from the status.
    await manager.apply(config([cam('a', { enabled: false }), cam('b', { enabled: true })]));
    expect(manager.status().map((s) => [s.camera, s.state])).toEqual([['a', 'stopped'], ['b', 'recording']]);
    await manager.apply(config([cam('b', { enabled: true })]));
    expect(manager.status().map((s) => s.camera)).toEqual(['b']);
  });

  it('restarts a recorder whose ffmpeg died, with backoff, showing the error meanwhile', async () => {
    const fake = fakeRuns();
    manager = createRecorderManager({
      recordingsDir: dir, index: emptyIndex, clock: Date.now, freeSpace: () => Promise.resolve(1e12), startRun: fake.start, probeCodec: () => Promise.resolve('h264'),
      backoff: { initialMs: 200, maxMs: 200, factor: 1, jitter: 0 },
    });
    await manager.start(config([cam('a', { enabled: true })]));
    await until(() => fake.runs.length === 1);
    fake.runs[0]?.fail('rtsp://cam/x: Connection refused');
    await until(() => manager?.status()[0]?.state === 'error');
    expect(manager.status()[0]?.error).toMatch(/video source unreachable.*Connection refused\); retrying in 0.2 s/);
    await until(() => fake.runs.length === 2);
    expect(manager.status()[0]?.state).toBe('recording');
  });

  it('refuses a source whose codec MPEG-TS cannot carry, naming it and the fix', async () => {
    const fake = fakeRuns();
    manager = createRecorderManager({ recordingsDir: dir, index: emptyIndex, clock: Date.now, freeSpace: () => Promise.resolve(1e12), startRun: fake.start, probeCodec: () => Promise.resolve('msmpeg4v3') });
    await manager.start(config([cam('a', { enabled: true })]));
    await until(() => manager?.status()[0]?.state === 'error');
    expect(manager.status()[0]?.error).toMatch(/sends msmpeg4v3 video, which cannot be recorded without re-encoding.*set the camera to H\.264 or H\.265/);
    expect(fake.runs).toHaveLength(0);
  });

  it('does not start while the disk is under the floor, and says so', async () => {
    const fake = fakeRuns();
    manager = createRecorderManager({ recordingsDir: dir, index: emptyIndex, clock: Date.now, freeSpace: () => Promise.resolve(0), startRun: fake.start, probeCodec: () => Promise.resolve('h264'), diskPollMs: 20 });
    await manager.start(config([cam('a', { enabled: true })]));
    await until(() => manager?.status()[0]?.state === 'disk_full');
    expect(fake.runs).toHaveLength(0);
    expect(minFreeBytesOf(configSchema.parse({}))).toBe(512 * 1048576);
  });
});
