/**
 * Time as Vigie reads it: the wall clock (UTC milliseconds since the epoch, the
 * only time ever stored or shown) and a monotonic clock (never jumps, only
 * measures durations). Anything that lays footage on a timeline measures with
 * the second and dates with the first, and the pure helpers here tell when the
 * wall clock jumped between two readings (NTP step, operator, wrong RTC).
 */
import { performance } from 'node:perf_hooks';

export interface Clock {
  /** UTC milliseconds since the epoch; may jump (NTP, an operator, a wrong RTC). */
  wallMs(): number;
  /** Milliseconds on a clock that never jumps nor goes back; its origin means nothing. */
  monoMs(): number;
}

export const systemClock: Clock = { wallMs: () => Date.now(), monoMs: () => performance.now() };

/** A clock from a wall-clock function (the `Clock` of src/store/time.ts) and, by default, the process's monotonic clock. */
export function clockFrom(wall: () => number, mono: () => number = () => performance.now()): Clock {
  return { wallMs: wall, monoMs: mono };
}

/** Both clocks read at (nearly) the same instant. */
export interface ClockReading {
  readonly wallMs: number;
  readonly monoMs: number;
}

export function readClock(clock: Clock): ClockReading {
  return { wallMs: clock.wallMs(), monoMs: clock.monoMs() };
}

export interface ClockJump {
  readonly direction: 'forward' | 'backward';
  /** How far the wall clock moved beyond (or short of) the time that really passed, ms, positive. */
  readonly sizeMs: number;
}

/** Readings taken a few ms apart, scheduling delays, slewing NTP: below this, not a jump. */
export const DEFAULT_JUMP_TOLERANCE_MS = 2000;

/**
 * The wall-clock jump between two readings (pure): the wall delta minus the
 * monotonic delta, when it exceeds the tolerance; null when the wall clock kept time.
 */
export function detectClockJump(before: ClockReading, after: ClockReading, toleranceMs: number = DEFAULT_JUMP_TOLERANCE_MS): ClockJump | null {
  const driftMs = after.wallMs - before.wallMs - (after.monoMs - before.monoMs);
  if (Math.abs(driftMs) <= toleranceMs) return null;
  return { direction: driftMs > 0 ? 'forward' : 'backward', sizeMs: Math.abs(driftMs) };
}

/** `1 h 02 min 03 s`, `4 min 05 s`, `7 s`, `3 d 2 h`: a duration for a log line or an audit entry. */
export function formatDuration(ms: number): string {
  const totalS = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(totalS / 86_400);
  const h = Math.floor((totalS % 86_400) / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${pad(m)} min ${pad(s)} s`;
  if (m > 0) return `${m} min ${pad(s)} s`;
  return `${s} s`;
}

/** `went forward by 1 h 00 min 00 s`. */
export function describeClockJump(jump: ClockJump): string {
  return `went ${jump.direction} by ${formatDuration(jump.sizeMs)}`;
}

/** A clock tests set and move by hand: `advance` moves both clocks, `jumpWall` only the wall clock. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  jumpWall(ms: number): void;
}

export function manualClock(startWallMs: number): ManualClock {
  let wall = startWallMs;
  let mono = 0;
  return {
    wallMs: () => wall,
    monoMs: () => mono,
    advance(ms) {
      wall += ms;
      mono += ms;
    },
    jumpWall(ms) {
      wall += ms;
    },
  };
}
