import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cameraSchema, configSchema, type CameraConfig } from '../../src/config/schema.js';
import type { RgbFrame } from '../../src/contracts/frame.js';
import type { EventChange } from '../../src/events/lifecycle.js';
import type { CameraHealth } from '../../src/pipeline/health.js';
import { createSupervisorSet } from '../../src/pipeline/supervisor-set.js';
import { createCameraSupervisor, type CameraSupervisorOptions } from '../../src/pipeline/supervisor.js';
import { sceneFrame, texture } from './motion-synthetic.js';
import { fakeSources, greyFrame, scriptedPool } from './supervisor-fakes.js';

const FPS = 10;
const T0 = Date.UTC(2026, 0, 15, 22, 0, 0);

function camera(overrides: Record<string, unknown> = {}): CameraConfig {
  return cameraSchema.parse({ id: 'cam', source: 'rtsp://10.0.0.5/s1', detect: { fps: FPS, width: 64, backend: 'motion' }, ...overrides });
}

/** A supervisor on fake sources, with the clock, timers and randomness under the test's control. */
function harness(options: Partial<CameraSupervisorOptions> = {}) {
  const sources = fakeSources();
  const events: EventChange[] = [];
  const healths: CameraHealth[] = [];
  const logs: string[] = [];
  const supervisor = createCameraSupervisor({
    camera: camera(),
    detector: null,
    now: () => Date.now(),
    random: () => 0, // no jitter: delays are the backoff's bases
    restartBackoff: { initialMs: 1000, factor: 2, maxMs: 4000 },
    healthPolicy: { windowMs: 5000, offlineAfterMs: 15_000 },
    maxInFlight: 1,
    openSource: sources.open,
    onEvent: (c) => events.push(c),
    onHealth: (h) => healths.push(h),
    onLog: (line) => logs.push(line),
    ...options,
  });
  return { supervisor, sources, events, healths, logs };
}

/** Lets the supervisor's promises run, `ms` of fake time passing. */
const pass = (ms = 0): Promise<unknown> => vi.advanceTimersByTimeAsync(ms);

/** Feeds `seconds` of frames at `fps` into the latest source, in fake real time. */
async function feed(sources: ReturnType<typeof fakeSources>, seconds: number, frameAt: (seq: number) => RgbFrame, fromSeq = 0, fps = FPS): Promise<number> {
  const n = Math.round(seconds * fps);
  for (let i = 0; i < n; i++) {
    sources.latest().push(frameAt(fromSeq + i));
    await pass(1000 / fps);
  }
  return fromSeq + n;
}
const grey = (seq: number): RgbFrame => greyFrame(seq, FPS);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('camera supervisor', () => {
  it('goes from starting to running when frames flow, at the target rate', async () => {
    const { supervisor, sources, healths } = harness();
    supervisor.start();
    await pass();
    expect(supervisor.health().state).toBe('starting');
    expect(sources.opened).toHaveLength(1);
    expect(sources.latest().options).toMatchObject({ source: 'rtsp://10.0.0.5/s1', cameraId: 'cam', fps: FPS, width: 64, dropWhenFull: true });
    await feed(sources, 6, grey);
    const h = supervisor.health();
    expect(h.state).toBe('running');
    expect(h.analysisFps).toBeGreaterThanOrEqual(0.8 * FPS);
    expect(h.lastFrameAt).not.toBeNull();
    expect(healths.map((x) => x.state)).toContain('running');
    await supervisor.stop();
    expect(sources.latest().stopped).toBe(true);
  });

  it('plays files in real time, looping as configured', async () => {
    const { supervisor, sources } = harness({ camera: camera({ source: '/data/demo.avi', loop: true }) });
    supervisor.start();
    await pass();
    expect(sources.latest().options).toMatchObject({ source: '/data/demo.avi', loop: true, realtime: true, dropWhenFull: true });
    await supervisor.stop();
  });

  it('restarts a crashed pipeline after a capped exponential backoff, never at once', async () => {
    const { supervisor, sources, logs } = harness();
    supervisor.start();
    await pass();
    const delays: number[] = [];
    for (let crash = 0; crash < 5; crash++) {
      const count = sources.opened.length;
      sources.latest().fail(new Error(`decoder died ${crash}`));
      await pass();
      expect(sources.latest().stopped).toBe(true);
      let waited = 0;
      while (sources.opened.length === count) {
        await pass(100);
        waited += 100;
        expect(waited).toBeLessThan(10_000);
      }
      delays.push(waited);
    }
    expect(delays).toEqual([1000, 2000, 4000, 4000, 4000]);
    expect(supervisor.health()).toMatchObject({ restarts: 5, lastError: 'decoder died 4' });
    expect(logs.some((l) => l.includes('restart 1 in 1000 ms'))).toBe(true);
    await supervisor.stop();
  });

  it('shows a crash loop as degraded, then offline, with the error', async () => {
    const { supervisor, sources } = harness();
    supervisor.start();
    await pass();
    await feed(sources, 6, grey);
    sources.latest().fail(new Error('cannot open rtsp://admin:secret@10.0.0.5/s1'));
    await pass();
    expect(supervisor.health()).toMatchObject({ state: 'degraded', lastError: 'cannot open rtsp://***@10.0.0.5/s1' });
    for (let i = 0; i < 20; i++) {
      sources.latest().fail(new Error('still down'));
      await pass(1000);
    }
    expect(supervisor.health().state).toBe('offline');
    await supervisor.stop();
  });

  it('starts the backoff over after a run that lasted', async () => {
    const { supervisor, sources } = harness({ stableAfterMs: 10_000 });
    supervisor.start();
    await pass();
    sources.latest().fail(new Error('a'));
    await pass(1000); // first restart after 1 s
    sources.latest().fail(new Error('b'));
    await pass(2000); // second after 2 s
    expect(sources.opened).toHaveLength(3);
    await feed(sources, 12, grey); // a healthy run longer than stableAfterMs
    sources.latest().fail(new Error('c'));
    await pass(999);
    expect(sources.opened).toHaveLength(3);
    await pass(1);
    expect(sources.opened).toHaveLength(4);
    await supervisor.stop();
  });

  it('follows the stream reconnections of the source in its health', async () => {
    const { supervisor, sources } = harness();
    supervisor.start();
    await pass();
    await feed(sources, 6, grey);
    sources.latest().setState('reconnecting', 'connection refused');
    await pass(2000);
    expect(supervisor.health()).toMatchObject({ state: 'degraded', restarts: 1, lastError: expect.stringContaining('connection refused') as string });
    await pass(15_000);
    expect(supervisor.health().state).toBe('offline');
    // Frames again: the camera recovers without any pipeline restart.
    await feed(sources, 6, grey, 60);
    expect(supervisor.health().state).toBe('running');
    expect(sources.opened).toHaveLength(1);
    await supervisor.stop();
  });

  it('counts the frames the source dropped', async () => {
    const { supervisor, sources } = harness();
    supervisor.start();
    await pass();
    await feed(sources, 2, grey);
    sources.latest().framesDropped = 7;
    await pass(1000);
    expect(supervisor.health()).toMatchObject({ framesDropped: 7, state: 'degraded' });
    await supervisor.stop();
  });

  describe('camera_offline events', () => {
    /** The default health policy (offline after 8 s), a short window. */
    const live = (options: Partial<CameraSupervisorOptions> = {}) => harness({ healthPolicy: { windowMs: 5000 }, ...options });
    const offlineChanges = (events: readonly EventChange[]) => events.filter((c) => c.event.type === 'camera_offline');
    /** Advances 1 s at a time until a camera_offline event opens; returns the ms it took (fails after 30 s). */
    async function untilOffline(events: readonly EventChange[]): Promise<number> {
      for (let waited = 1000; waited <= 30_000; waited += 1000) {
        await pass(1000);
        if (offlineChanges(events).some((c) => c.kind === 'opened')) return waited;
      }
      throw new Error('no camera_offline event within 30 s');
    }

    it('raises one within 10 s of the stream going away, and closes it when frames return', async () => {
      const { supervisor, sources, events } = live();
      supervisor.start();
      await pass();
      await feed(sources, 6, grey);
      const lastFrameAt = supervisor.health().lastFrameAt;
      sources.latest().setState('reconnecting', 'connection refused by rtsp://admin:secret@10.0.0.5/s1');
      expect(await untilOffline(events)).toBeLessThanOrEqual(10_000);
      const [opened] = offlineChanges(events);
      expect(opened?.event).toMatchObject({
        camera: 'cam',
        rule: 'system',
        type: 'camera_offline',
        severity: 'high',
        end: null,
        start_time: lastFrameAt,
        track_ids: [],
        snapshot: null,
        details: { reason: 'unreachable', last_error: expect.stringContaining('rtsp://***@10.0.0.5') as string },
      });
      expect(supervisor.health()).toMatchObject({ state: 'offline', offlineReason: 'unreachable' });
      // Still away: no second event.
      await pass(20_000);
      expect(offlineChanges(events)).toHaveLength(1);
      await feed(sources, 3, grey, 100);
      const closed = offlineChanges(events).at(-1);
      expect(closed?.kind).toBe('closed');
      expect(closed?.event.id).toBe(opened?.event.id);
      expect(closed?.event.details).toMatchObject({ closed_by: 'back_online' });
      // From the last frame to the return: at least the 20 s waited after the event opened.
      expect(closed?.event.details.offline_s).toBeGreaterThanOrEqual(20);
      expect(supervisor.health().offlineReason).toBeNull();
      await supervisor.stop();
      expect(offlineChanges(events)).toHaveLength(2);
    });

    it('raises one for a stream that stays connected but sends nothing (reason no_frames)', async () => {
      const { supervisor, sources, events } = live();
      supervisor.start();
      await pass();
      await feed(sources, 6, grey);
      expect(await untilOffline(events)).toBeLessThanOrEqual(10_000);
      expect(offlineChanges(events)[0]?.event.details.reason).toBe('no_frames');
      await supervisor.stop();
    });

    it('treats a frozen image as offline at once, although frames keep coming', async () => {
      const { supervisor, sources, events } = live();
      supervisor.start();
      await pass();
      let seq = await feed(sources, 6, grey);
      sources.latest().setState('frozen', 'the image has not changed for 20 s');
      for (let i = 0; i < 30; i++) {
        sources.latest().push(grey(seq++), true);
        await pass(100);
      }
      expect(supervisor.health()).toMatchObject({ state: 'offline', offlineReason: 'frozen', lastError: expect.stringContaining('the image has not changed for 20 s') as string });
      expect(offlineChanges(events).map((c) => [c.kind, c.event.details.reason])).toEqual([['opened', 'frozen']]);
      sources.latest().setState('running');
      await feed(sources, 3, grey, seq);
      expect(offlineChanges(events).map((c) => c.kind)).toEqual(['opened', 'closed']);
      await supervisor.stop();
    });

    it('shows corrupt video as degraded, not offline, while frames are analysed', async () => {
      const { supervisor, sources, events } = live();
      supervisor.start();
      await pass();
      let seq = await feed(sources, 6, grey);
      sources.latest().setState('corrupt', '12 decoder errors in 10 s');
      for (let i = 0; i < 100; i++) {
        sources.latest().push(grey(seq++), true);
        await pass(100);
      }
      expect(supervisor.health()).toMatchObject({ state: 'degraded', lastError: expect.stringContaining('12 decoder errors in 10 s') as string });
      expect(offlineChanges(events)).toEqual([]);
      await supervisor.stop();
    });

    it('closes an open one when the supervisor stops (closed_by shutdown)', async () => {
      const { supervisor, sources, events } = live();
      supervisor.start();
      await pass();
      await feed(sources, 2, grey);
      await untilOffline(events);
      await supervisor.stop();
      expect(offlineChanges(events).map((c) => [c.kind, c.event.details.closed_by ?? null])).toEqual([
        ['opened', null],
        ['closed', 'shutdown'],
      ]);
    });
  });

  it('coasts a frame whose detection failed (a detector worker crashed) without reopening the stream', async () => {
    const pool = scriptedPool({ fail: (call) => call === 3 });
    const { supervisor, sources } = harness({ detector: pool, camera: camera({ detect: { fps: FPS, width: 64, backend: 'model', motion_gating: false } }) });
    supervisor.start();
    await pass();
    await feed(sources, 2, grey);
    expect(sources.opened).toHaveLength(1);
    expect(supervisor.dropCounts()).toEqual({ source_queue_full: 0, detector_busy: 0, detector_failed: 1 });
    expect(supervisor.health()).toMatchObject({ framesDropped: 1, restarts: 0 });
    expect(pool.calls).toBeGreaterThan(10);
    await supervisor.stop();
  });

  it('counts the frames the busy detector pool refused', async () => {
    const pool = scriptedPool({ busy: (call) => call % 2 === 1 });
    const { supervisor, sources } = harness({ detector: pool, camera: camera({ detect: { fps: FPS, width: 64, backend: 'model', motion_gating: false } }) });
    supervisor.start();
    await pass();
    await feed(sources, 2, grey);
    expect(supervisor.health().framesDropped).toBe(10);
    await supervisor.stop();
  });

  it('applies new rules to the running pipeline without reopening the source', async () => {
    const W = 160;
    const base = texture(W, 120);
    const walker = (seq: number): RgbFrame => sceneFrame(seq, { width: W, height: 120, squares: [{ x: 10 + 4 * (seq % 35), y: 50, size: 16, grey: 240 }] }, base);
    const withLine = (rules: unknown[]): CameraConfig =>
      camera({ detect: { fps: FPS, width: W, backend: 'model', motion_gating: false }, lines: [{ id: 'mid', points: [[0.5, 0], [0.5, 1]] }], rules });
    const { supervisor, sources, events } = harness({ detector: scriptedPool(), camera: withLine([]) });
    supervisor.start();
    await pass();
    const seq = await feed(sources, 3.5, walker); // one walk across: no rule, no event
    expect(events).toEqual([]);
    supervisor.update(withLine([{ id: 'count', type: 'line_crossing', line: 'mid', classes: ['person'] }]));
    await feed(sources, 3.5, walker, seq); // the next walk crosses the line
    expect(events.filter((e) => e.event.rule === 'count' && e.kind === 'closed')).toHaveLength(1);
    expect(sources.opened).toHaveLength(1);
    expect(sources.latest().stopped).toBe(false);
    expect(supervisor.sourceStats()?.ffmpegPid).toBe(1000);
    await supervisor.stop();
  });

  it('reopens the source at once when the source settings change', async () => {
    const { supervisor, sources } = harness();
    supervisor.start();
    await pass();
    await feed(sources, 6, grey);
    supervisor.update(camera({ detect: { fps: 5, width: 64, backend: 'motion' } }));
    await pass();
    expect(sources.opened).toHaveLength(2);
    expect(sources.opened[0]?.stopped).toBe(true);
    expect(sources.latest().options.fps).toBe(5);
    expect(supervisor.health()).toMatchObject({ state: 'starting', targetFps: 5, restarts: 0 });
    await feed(sources, 6, (s) => greyFrame(s, 5), 0, 5);
    expect(supervisor.health().state).toBe('running');
    await supervisor.stop();
  });

  it('refuses a configuration it cannot run and keeps running the old one', async () => {
    const { supervisor, sources } = harness();
    supervisor.start();
    await pass();
    expect(() => supervisor.update(camera({ detect: { fps: FPS, width: 64, backend: 'model' } }))).toThrow(/needs the detector pool/);
    expect(() => supervisor.update(camera({ id: 'other' }))).toThrow(/cannot change/);
    await feed(sources, 1, grey);
    expect(sources.opened).toHaveLength(1);
    await supervisor.stop();
  });

  it('marks a file without loop offline when it ends, and waits for a change', async () => {
    const { supervisor, sources } = harness({ camera: camera({ source: '/data/clip.mp4' }) });
    supervisor.start();
    await pass();
    await feed(sources, 1, grey);
    sources.latest().end();
    await pass(60_000);
    expect(sources.opened).toHaveLength(1);
    expect(supervisor.health()).toMatchObject({ state: 'offline', lastError: expect.stringContaining('ended') as string });
    supervisor.update(camera({ source: '/data/clip.mp4', loop: true }));
    await pass();
    expect(sources.opened).toHaveLength(2);
    await supervisor.stop();
  });

  it('stop() during a backoff wait stops at once and opens nothing more', async () => {
    const { supervisor, sources } = harness();
    supervisor.start();
    await pass();
    sources.latest().fail(new Error('down'));
    await pass(10);
    await supervisor.stop();
    await pass(60_000);
    expect(sources.opened).toHaveLength(1);
    expect(sources.opened.every((s) => s.stopped)).toBe(true);
  });
});

describe('supervisor set', () => {
  const config = (cameras: unknown[]) => configSchema.parse({ cameras });
  const cam = (id: string, extra: Record<string, unknown> = {}) => ({ id, source: `rtsp://10.0.0.5/${id}`, detect: { fps: FPS, width: 64, backend: 'motion' }, ...extra });

  it('runs one supervisor per enabled camera and follows configuration changes by id', async () => {
    const sources = fakeSources();
    const set = createSupervisorSet(config([cam('a'), cam('b'), cam('c', { enabled: false })]), {
      detector: null,
      now: () => Date.now(),
      openSource: sources.open,
      onEvent: () => undefined,
      onHealth: () => undefined,
    });
    set.start();
    await pass();
    expect(sources.opened.map((s) => s.options.cameraId)).toEqual(['a', 'b']);
    expect(set.health().map((h) => [h.camera, h.state])).toEqual([['a', 'starting'], ['b', 'starting'], ['c', 'disabled']]);

    // b removed, c enabled, a gets a rule (same source), d added.
    const lines = [{ id: 'l', points: [[0, 0.5], [1, 0.5]] }];
    await set.apply(config([cam('a', { lines, rules: [{ id: 'r', type: 'line_crossing', line: 'l' }] }), cam('c'), cam('d')]));
    await pass();
    const byCamera = (id: string) => sources.opened.filter((s) => s.options.cameraId === id);
    expect(byCamera('a')).toHaveLength(1);
    expect(byCamera('a')[0]?.stopped).toBe(false);
    expect(byCamera('b')[0]?.stopped).toBe(true);
    expect(byCamera('c')).toHaveLength(1);
    expect(byCamera('d')).toHaveLength(1);
    expect(set.health().map((h) => h.camera)).toEqual(['a', 'c', 'd']);
    expect(set.get('b')).toBeUndefined();

    // A camera the pipeline cannot run: refused, nothing changes.
    await expect(set.apply(config([cam('a'), cam('e', { detect: { backend: 'model' } })]))).rejects.toThrow(/needs the detector pool/);
    expect(set.health().map((h) => h.camera)).toEqual(['a', 'c', 'd']);

    await set.stop();
    expect(sources.opened.every((s) => s.stopped)).toBe(true);
  });
});
