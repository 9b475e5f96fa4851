import { describe, expect, it } from 'vitest';
import {
  cameraHealth,
  describeError,
  disabledHealth,
  initialHealth,
  reduceHealth,
  type CameraHealthState,
  type HealthModel,
  type HealthPolicy,
  type HealthSignal,
} from '../../src/pipeline/health.js';

const T0 = Date.UTC(2026, 0, 15, 22, 0, 0);
const POLICY: HealthPolicy = { windowMs: 10_000, minFpsRatio: 0.8, maxDroppedRatio: 0.05, offlineAfterMs: 15_000, firstFrameTimeoutMs: 15_000 };
const FPS = 5;

/** Analysed frames every `1000 / fps` ms over [fromS, toS) seconds after T0. */
function frames(fromS: number, toS: number, fps = FPS, analysed = true): HealthSignal[] {
  const out: HealthSignal[] = [];
  for (let t = fromS * 1000; t < toS * 1000 - 1e-6; t += 1000 / fps) out.push({ kind: 'frame', atMs: T0 + Math.round(t), analysed });
  return out;
}
const at = (s: number): number => T0 + s * 1000;
const tick = (s: number): HealthSignal => ({ kind: 'tick', atMs: at(s) });

function play(signals: readonly HealthSignal[], model: HealthModel = initialHealth('cam', FPS, T0, { policy: POLICY })): HealthModel {
  return signals.reduce(reduceHealth, model);
}

interface Scenario {
  readonly name: string;
  readonly signals: readonly HealthSignal[];
  readonly state: CameraHealthState;
}

const scenarios: Scenario[] = [
  { name: 'no frame yet', signals: [tick(3)], state: 'starting' },
  { name: 'first frames', signals: [...frames(1, 2)], state: 'running' },
  { name: 'frames at the target rate for a whole window', signals: [...frames(1, 20), tick(20)], state: 'running' },
  { name: 'frames at 70 % of the target over a whole window', signals: [...frames(1, 20, 3.5), tick(20)], state: 'degraded' },
  { name: 'frames at 85 % of the target over a whole window', signals: [...frames(1, 20, 4.25), tick(20)], state: 'running' },
  { name: 'a slow start is not judged before a whole window', signals: [...frames(1, 5, 2), tick(5)], state: 'running' },
  {
    name: 'one dropped frame in the window (under 5 %)',
    signals: [...frames(1, 20), { kind: 'dropped', atMs: at(15), count: 1 }, tick(20)],
    state: 'running',
  },
  {
    name: 'many dropped frames in the window',
    signals: [...frames(1, 20), { kind: 'dropped', atMs: at(15), count: 6 }, tick(20)],
    state: 'degraded',
  },
  {
    name: 'drops that slid out of the window',
    signals: [...frames(1, 40), { kind: 'dropped', atMs: at(15), count: 6 }, tick(40)],
    state: 'running',
  },
  {
    name: 'frames coasted because the detector was busy do not count as analysed',
    signals: [...frames(1, 20, FPS, false), tick(20)],
    state: 'degraded',
  },
  {
    name: 'stream reconnecting for a few seconds',
    signals: [...frames(1, 20), { kind: 'source', atMs: at(20), state: 'reconnecting', error: 'refused' }, tick(25)],
    state: 'degraded',
  },
  {
    name: 'stream reconnecting for longer than offlineAfterMs',
    signals: [...frames(1, 20), { kind: 'source', atMs: at(20), state: 'reconnecting', error: 'refused' }, tick(35)],
    state: 'offline',
  },
  {
    name: 'stream back after reconnecting, gap still in the window',
    signals: [...frames(1, 20), { kind: 'source', atMs: at(20), state: 'stalled', error: null }, ...frames(26, 28), tick(28)],
    state: 'degraded',
  },
  {
    name: 'stream back and the gap slid out of the window',
    signals: [...frames(1, 20), { kind: 'source', atMs: at(20), state: 'stalled', error: null }, ...frames(26, 40), tick(40)],
    state: 'running',
  },
  { name: 'no frame since the last one for offlineAfterMs, no source complaint', signals: [...frames(1, 5), tick(21)], state: 'offline' },
  { name: 'camera unreachable at start-up, briefly', signals: [{ kind: 'source', atMs: at(1), state: 'reconnecting', error: 'refused' }, tick(5)], state: 'degraded' },
  { name: 'camera never delivered a frame', signals: [tick(16)], state: 'offline' },
  { name: 'pipeline crashed, waiting for its restart', signals: [...frames(1, 20), { kind: 'crashed', atMs: at(20), error: 'worker crashed' }], state: 'degraded' },
  {
    name: 'pipeline restarted after a crash, no frame yet',
    signals: [...frames(1, 20), { kind: 'crashed', atMs: at(20), error: 'x' }, { kind: 'started', atMs: at(21), reason: 'recovery' }],
    state: 'degraded',
  },
  {
    name: 'restarted for a configuration change: a fresh start',
    signals: [...frames(1, 20), { kind: 'started', atMs: at(20), reason: 'reconfigured' }, tick(21)],
    state: 'starting',
  },
  { name: 'a file without loop ended', signals: [...frames(1, 5), { kind: 'ended', atMs: at(5) }], state: 'offline' },
  { name: 'disabled', signals: [...frames(1, 5), { kind: 'enabled', atMs: at(5), enabled: false }], state: 'disabled' },
];

describe('camera health rules', () => {
  it.each(scenarios)('$name -> $state', ({ signals, state }) => {
    expect(play(signals).state).toBe(state);
  });
});

describe('camera health snapshot', () => {
  it('reports the analysis rate over the window, the last frame time and when the state began', () => {
    const h = cameraHealth(play([...frames(1, 20), tick(20)]));
    expect(h).toMatchObject({ camera: 'cam', state: 'running', targetFps: FPS, framesDropped: 0, restarts: 0, lastError: null });
    // 49 frames in (10 s, 20 s]: the window is half-open.
    expect(h.analysisFps).toBeCloseTo(4.9, 5);
    expect(h.lastFrameAt).toBe(new Date(at(19.8)).toISOString());
    expect(h.since).toBe(new Date(at(1)).toISOString());
  });

  it('counts drops and restarts, and keeps the last error', () => {
    const h = cameraHealth(
      play([
        ...frames(1, 3),
        { kind: 'dropped', atMs: at(2), count: 3 },
        { kind: 'source', atMs: at(3), state: 'reconnecting', error: 'connection refused: rtsp://admin:secret@10.0.0.5/s1' },
        { kind: 'source', atMs: at(4), state: 'reconnecting', error: null },
        { kind: 'crashed', atMs: at(5), error: 'detector worker 0 crashed' },
      ]),
    );
    expect(h.framesDropped).toBe(3);
    expect(h.restarts).toBe(3);
    expect(h.lastError).toBe('detector worker 0 crashed');
  });

  it('keeps the time the state began while it lasts', () => {
    // Offline from 19.8 + 15 s, seen at the next signal (a periodic tick).
    const m = play([...frames(1, 20), tick(30), tick(35)]);
    expect(m.state).toBe('offline');
    expect(cameraHealth(m).since).toBe(new Date(at(35)).toISOString());
    expect(cameraHealth(reduceHealth(m, tick(50))).since).toBe(new Date(at(35)).toISOString());
  });

  it('describes a disabled camera', () => {
    expect(disabledHealth('cam', 5, T0)).toMatchObject({ state: 'disabled', lastFrameAt: null, analysisFps: 0 });
  });

  it('uses the new target rate after a restart for a configuration change', () => {
    const m = play([...frames(1, 20), { kind: 'started', atMs: at(20), reason: 'reconfigured', targetFps: 10 }, ...frames(21, 35, 10), tick(35)]);
    expect(m.targetFps).toBe(10);
    expect(m.state).toBe('running');
  });
});

describe('describeError', () => {
  it('keeps one line, hides credentials and bounds the length', () => {
    expect(describeError(new Error('cannot open rtsp://admin:pw@cam/x\nat foo'))).toBe('cannot open rtsp://***@cam/x');
    expect(describeError('x'.repeat(1000)).length).toBeLessThanOrEqual(300);
  });
});
