import { describe, expect, it } from 'vitest';
import { FrameWatchdog, isDecodeErrorLine, pictureSampleHash } from '../../../src/media/frame-watchdog.js';

const options = { frozenAfterMs: 1_000, frozenRestartMs: 3_000, corruptErrorThreshold: 3, corruptWindowMs: 1_000, corruptRestartMs: 2_000 };

/** Feeds one frame every 100 ms from `fromMs` to `toMs` (inclusive) with the hash given per time; returns the last verdict. */
function feed(watchdog: FrameWatchdog, fromMs: number, toMs: number, hashAt: (ms: number) => number) {
  let verdict = watchdog.evaluate(fromMs);
  for (let ms = fromMs; ms <= toMs; ms += 100) {
    watchdog.onFrame(hashAt(ms), ms);
    verdict = watchdog.evaluate(ms);
  }
  return verdict;
}

describe('FrameWatchdog: frozen pictures', () => {
  it('changing pictures are ok', () => {
    const watchdog = new FrameWatchdog(options);
    expect(feed(watchdog, 0, 10_000, (ms) => ms)).toEqual({ condition: 'ok', restart: null });
  });

  it('identical pictures: frozen after frozenAfterMs, restart after frozenRestartMs', () => {
    const watchdog = new FrameWatchdog(options);
    expect(feed(watchdog, 0, 900, () => 42).condition).toBe('ok');
    expect(feed(watchdog, 1_000, 2_900, () => 42)).toEqual({ condition: 'frozen', restart: null });
    expect(feed(watchdog, 3_000, 3_000, () => 42)).toEqual({ condition: 'frozen', restart: 'frozen' });
  });

  it('one different picture ends frozen at once', () => {
    const watchdog = new FrameWatchdog(options);
    expect(feed(watchdog, 0, 2_000, () => 7).condition).toBe('frozen');
    watchdog.onFrame(8, 2_100);
    expect(watchdog.evaluate(2_100)).toEqual({ condition: 'ok', restart: null });
  });

  it('after reset() a frozen picture needs frozenAfterMs again (no restart loop)', () => {
    const watchdog = new FrameWatchdog(options);
    expect(feed(watchdog, 0, 3_000, () => 7).restart).toBe('frozen');
    watchdog.reset();
    expect(feed(watchdog, 3_100, 4_000, () => 7).condition).toBe('ok');
    expect(feed(watchdog, 4_100, 4_100, () => 7).condition).toBe('frozen');
  });
});

describe('FrameWatchdog: corrupt streams', () => {
  it('errors up to the threshold within the window are tolerated', () => {
    const watchdog = new FrameWatchdog(options);
    for (const ms of [0, 100, 200]) watchdog.onDecodeError(ms);
    expect(watchdog.evaluate(200).condition).toBe('ok');
    // Spread out: never more than 3 in any 1 s window.
    for (const ms of [1_300, 1_700, 2_600, 3_000, 3_900]) watchdog.onDecodeError(ms);
    expect(watchdog.evaluate(3_900).condition).toBe('ok');
  });

  it('more than the threshold within the window -> corrupt; a whole clean window -> ok', () => {
    const watchdog = new FrameWatchdog(options);
    for (const ms of [0, 100, 200, 300]) watchdog.onDecodeError(ms);
    expect(watchdog.evaluate(300)).toEqual({ condition: 'corrupt', restart: null });
    // Fewer errors, but not a clean window yet: still corrupt.
    watchdog.onDecodeError(900);
    expect(watchdog.evaluate(1_500).condition).toBe('corrupt');
    expect(watchdog.evaluate(1_900).condition).toBe('ok');
  });

  it('corrupt for corruptRestartMs -> restart', () => {
    const watchdog = new FrameWatchdog(options);
    // An error every 50 ms: the 4th (at 150 ms) makes it corrupt, so the restart is due at 2150 ms.
    let restartAtMs: number | null = null;
    for (let ms = 0; ms <= 3_000 && restartAtMs === null; ms += 50) {
      watchdog.onDecodeError(ms);
      const verdict = watchdog.evaluate(ms);
      expect(verdict.condition).toBe(ms < 150 ? 'ok' : 'corrupt');
      if (verdict.restart === 'corrupt') restartAtMs = ms;
    }
    expect(restartAtMs).toBe(2_150);
    watchdog.reset();
    expect(watchdog.evaluate(2_200)).toEqual({ condition: 'ok', restart: null });
  });

  it('corrupt wins over frozen', () => {
    const watchdog = new FrameWatchdog(options);
    feed(watchdog, 0, 1_500, () => 1);
    for (const ms of [1_500, 1_510, 1_520, 1_530]) watchdog.onDecodeError(ms);
    expect(watchdog.evaluate(1_530).condition).toBe('corrupt');
  });

  it('rejects unusable options, naming the option', () => {
    expect(() => new FrameWatchdog({ frozenAfterMs: 0 })).toThrow(/frozenAfterMs must be > 0/);
    expect(() => new FrameWatchdog({ corruptErrorThreshold: 1.5 })).toThrow(/corruptErrorThreshold/);
  });
});

describe('pictureSampleHash', () => {
  it('is equal for identical pictures and differs when a sampled byte changes', () => {
    const a = new Uint8Array(320 * 240 * 3).map((_, i) => (i * 31) & 0xff);
    const b = Uint8Array.from(a);
    expect(pictureSampleHash(a)).toBe(pictureSampleHash(b));
    b[0] = b[0]! ^ 1;
    expect(pictureSampleHash(b)).not.toBe(pictureSampleHash(a));
  });

  it('sees noise spread over the picture (sensor noise)', () => {
    const a = new Uint8Array(320 * 240 * 3).fill(128);
    const b = Uint8Array.from(a);
    for (let i = 0; i < b.length; i += 997) b[i] = 129; // sparse noise, not aligned with the sampling
    expect(pictureSampleHash(b)).not.toBe(pictureSampleHash(a));
  });
});

describe('isDecodeErrorLine', () => {
  it.each([
    '[h264 @ 0x55] error while decoding MB 8 2',
    '[h264 @ 0x55] concealing 120 DC, 120 AC, 120 MV errors in P frame',
    '[h264 @ 0x55] corrupted macroblock 12 5 (total_coeff=-1)',
    '[h264 @ 0x55] Invalid NAL unit size (1234 > 56).',
    '[h264 @ 0x55] missing picture in access unit with size 1200',
    '[h264 @ 0x55] cbp too large (165) at 18 4',
    '[h264 @ 0x55] out of range intra chroma pred mode',
  ])('counts %s', (line) => expect(isDecodeErrorLine(line)).toBe(true));

  it.each([
    '[rtsp @ 0x55] method DESCRIBE failed: 401 Unauthorized',
    'rtsp://127.0.0.1:8554/cam1: Connection refused',
    '[tcp @ 0x55] Connection to tcp://127.0.0.1:8554 failed: Connection refused',
  ])('ignores %s', (line) => expect(isDecodeErrorLine(line)).toBe(false));
});
