import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cameraSchema } from '../../../src/config/schema.js';
import { createCameraSupervisor } from '../../../src/pipeline/supervisor.js';
import { createUptimeRecorder } from '../../../src/store/uptime-repository.js';
import { fakeSources, greyFrame } from '../supervisor-fakes.js';

const T0 = Date.parse('2026-03-28T08:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

/** An uptime store in memory: span id -> [camera, from, to]. */
function memoryUptime() {
  const spans = new Map<string, [string, string, string]>();
  return {
    spans,
    open: (camera: string, at: string): Promise<string> => {
      const id = `s${spans.size + 1}`;
      spans.set(id, [camera, at, at]);
      return Promise.resolve(id);
    },
    extend: (id: string, at: string): Promise<void> => {
      const span = spans.get(id);
      if (!span) return Promise.reject(new Error(`no span ${id}`));
      span[2] = at;
      return Promise.resolve();
    },
  };
}

describe('uptime recorder', () => {
  it('opens a span at the first frame, extends it at most every minute, ends it at the last frame', async () => {
    const store = memoryUptime();
    const recorder = createUptimeRecorder(store, { extendMs: 60_000, gapMs: 30_000 });
    for (let s = 0; s <= 150; s += 10) recorder.onFlow('parvis', true, T0 + s * 1000);
    await recorder.flush();
    // Written at 0 s (open), 60 s and 120 s: a crash now would lose only the 30 s since.
    expect([...store.spans.values()]).toEqual([['parvis', iso(T0), iso(T0 + 120_000)]]);
    recorder.onFlow('parvis', false, T0 + 155_000);
    await recorder.flush();
    expect([...store.spans.values()]).toEqual([['parvis', iso(T0), iso(T0 + 150_000)]]); // the last frame, not the stop
  });

  it('starts a new span after frames paused longer than the gap, and keeps cameras apart', async () => {
    const store = memoryUptime();
    const recorder = createUptimeRecorder(store, { extendMs: 60_000, gapMs: 30_000 });
    recorder.onFlow('parvis', true, T0);
    recorder.onFlow('gare', true, T0 + 1000);
    recorder.onFlow('parvis', true, T0 + 20_000);
    recorder.onFlow('parvis', true, T0 + 80_000); // 60 s without a frame: the stream stalled
    recorder.onFlow('parvis', false, T0 + 81_000);
    recorder.onFlow('gare', false, T0 + 2000);
    await recorder.flush();
    expect([...store.spans.values()]).toEqual([
      ['parvis', iso(T0), iso(T0 + 20_000)],
      ['gare', iso(T0 + 1000), iso(T0 + 1000)],
      ['parvis', iso(T0 + 80_000), iso(T0 + 80_000)],
    ]);
  });

  it('reports a failed write and carries on', async () => {
    const errors: unknown[] = [];
    const store = memoryUptime();
    let fail = true;
    const recorder = createUptimeRecorder(
      { open: (camera, at) => (fail ? Promise.reject(new Error('disk full')) : store.open(camera, at)), extend: store.extend },
      { onError: (err) => errors.push(err) },
    );
    recorder.onFlow('parvis', true, T0);
    recorder.onFlow('parvis', true, T0 + 5000);
    recorder.onFlow('parvis', false, T0 + 10_000);
    await recorder.flush();
    fail = false;
    recorder.onFlow('parvis', true, T0 + 20_000);
    await recorder.flush();
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk full', 'disk full']); // the open, then the closing extension of that span
    expect([...store.spans.values()]).toEqual([['parvis', iso(T0 + 20_000), iso(T0 + 20_000)]]);
  });
});

describe('supervisor uptime port', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says frames flow on each analysed frame and that they stopped when the camera stops', async () => {
    const sources = fakeSources();
    const flows: [string, boolean, number][] = [];
    const supervisor = createCameraSupervisor({
      camera: cameraSchema.parse({ id: 'parvis', source: 'rtsp://10.0.0.5/s1', detect: { fps: 10, width: 64, backend: 'motion' } }),
      detector: null,
      now: () => Date.now(),
      openSource: sources.open,
      onEvent: () => undefined,
      onHealth: () => undefined,
      onFlow: (camera, flowing, atMs) => flows.push([camera, flowing, atMs]),
    });
    supervisor.start();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 3; i++) {
      sources.latest().push(greyFrame(i, 10));
      await vi.advanceTimersByTimeAsync(100);
    }
    await supervisor.stop();
    expect(flows.filter(([, flowing]) => flowing)).toHaveLength(3);
    expect(flows.every(([camera]) => camera === 'parvis')).toBe(true);
    expect(flows.at(-1)?.[1]).toBe(false);
  });
});
