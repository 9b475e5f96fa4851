import { describe, expect, it } from 'vitest';
import { describeClockJump, detectClockJump, formatDuration, manualClock, readClock, systemClock } from '../../src/time/clock.js';
import { retentionClockVerdict } from '../../src/time/retention-clock-guard.js';

const HOUR = 3_600_000;

describe('wall-clock jump detection', () => {
  it('tells a jump from time passing, with its direction and size', () => {
    const clock = manualClock(Date.parse('2026-06-10T10:00:00Z'));
    const before = readClock(clock);
    clock.advance(10 * 60_000);
    expect(detectClockJump(before, readClock(clock))).toBeNull(); // 10 min passed on both clocks

    clock.jumpWall(-HOUR);
    expect(detectClockJump(before, readClock(clock))).toEqual({ direction: 'backward', sizeMs: HOUR });
    clock.jumpWall(2 * HOUR);
    expect(detectClockJump(before, readClock(clock))).toEqual({ direction: 'forward', sizeMs: HOUR });
  });

  it('ignores drift within the tolerance, and the tolerance is respected both ways', () => {
    const before = { wallMs: 1_000_000, monoMs: 50 };
    expect(detectClockJump(before, { wallMs: 1_061_999, monoMs: 60_050 })).toBeNull(); // 1.999 s ahead
    expect(detectClockJump(before, { wallMs: 1_062_001, monoMs: 60_050 })).toMatchObject({ direction: 'forward' });
    expect(detectClockJump(before, { wallMs: 1_057_000, monoMs: 60_050 }, 5000)).toBeNull();
    expect(detectClockJump(before, { wallMs: 1_054_000, monoMs: 60_050 }, 5000)).toEqual({ direction: 'backward', sizeMs: 6000 });
  });

  it('the system clock gives UTC epoch milliseconds and a monotonic clock that does not go back', () => {
    const a = readClock(systemClock);
    const b = readClock(systemClock);
    expect(Math.abs(a.wallMs - Date.now())).toBeLessThan(60_000);
    expect(b.monoMs).toBeGreaterThanOrEqual(a.monoMs);
  });

  it('words a jump for a log line', () => {
    expect(describeClockJump({ direction: 'backward', sizeMs: HOUR })).toBe('went backward by 1 h 00 min 00 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(7_400)).toBe('7 s');
    expect(formatDuration(5 * 365 * 24 * HOUR + 2 * HOUR)).toBe('1825 d 2 h');
  });
});

describe('retention clock verdict', () => {
  const last = { wallMs: Date.parse('2026-06-10T10:00:00Z'), monoMs: 1000 };
  it('lets the first run of a process and a clock that kept time go ahead', () => {
    expect(retentionClockVerdict(null, last).run).toBe(true);
    expect(retentionClockVerdict(last, { wallMs: last.wallMs + HOUR + 30_000, monoMs: last.monoMs + HOUR }).run).toBe(true);
  });

  it('refuses a forward jump beyond the tolerance, saying why and how to go on', () => {
    const verdict = retentionClockVerdict(last, { wallMs: last.wallMs + 3 * HOUR, monoMs: last.monoMs + HOUR });
    expect(verdict.run).toBe(false);
    if (verdict.run) return;
    expect(verdict.jump).toEqual({ direction: 'forward', sizeMs: 2 * HOUR });
    expect(verdict.message).toMatch(/jumped forward by 2 h 00 min 00 s.*nothing was deleted.*POST \/api\/retention\/run.*or restart Vigie/);
  });

  it('lets a clock that went back go ahead: it can only make footage look younger', () => {
    expect(retentionClockVerdict(last, { wallMs: last.wallMs - 5 * HOUR, monoMs: last.monoMs + HOUR }).run).toBe(true);
  });
});
