import { describe, expect, it } from 'vitest';
import { cameraSchema, type ScheduleSlot } from '../../../src/config/schema.js';
import type { TrackFrame } from '../../../src/contracts/track.js';
import { createLocalClock, inSchedule } from '../../../src/rules/schedule.js';
import { createCameraRules } from '../../../src/rules/registry.js';
import type { RuleSignal } from '../../../src/rules/types.js';

const slot = (days: ScheduleSlot['days'], from: string, to: string): ScheduleSlot => ({ days, from, to });
const MON = 0;
const FRI = 4;
const SAT = 5;

describe('inSchedule', () => {
  it('covers [from, to) on the slot days', () => {
    const workdays = [slot(['mon', 'tue', 'wed', 'thu', 'fri'], '08:00', '18:30')];
    expect(inSchedule(workdays, { day: MON, minute: 8 * 60 })).toBe(true);
    expect(inSchedule(workdays, { day: MON, minute: 18 * 60 + 29 })).toBe(true);
    expect(inSchedule(workdays, { day: MON, minute: 18 * 60 + 30 })).toBe(false);
    expect(inSchedule(workdays, { day: MON, minute: 7 * 60 + 59 })).toBe(false);
    expect(inSchedule(workdays, { day: SAT, minute: 12 * 60 })).toBe(false);
  });

  it('runs a night slot past midnight into the next day', () => {
    const fridayNight = [slot(['fri'], '22:00', '06:00')];
    expect(inSchedule(fridayNight, { day: FRI, minute: 23 * 60 })).toBe(true);
    expect(inSchedule(fridayNight, { day: SAT, minute: 5 * 60 + 59 })).toBe(true);
    expect(inSchedule(fridayNight, { day: SAT, minute: 6 * 60 })).toBe(false);
    expect(inSchedule(fridayNight, { day: FRI, minute: 5 * 60 })).toBe(false);
    // Sunday night wraps to Monday morning.
    expect(inSchedule([slot(['sun'], '22:00', '06:00')], { day: MON, minute: 60 })).toBe(true);
  });
});

describe('createLocalClock', () => {
  it('gives the local weekday and minute in the time zone, daylight saving included', () => {
    const paris = createLocalClock('Europe/Paris');
    // Winter: UTC+1. 2026-01-05 is a Monday.
    expect(paris(Date.UTC(2026, 0, 5, 21, 30))).toEqual({ day: MON, minute: 22 * 60 + 30 });
    // Summer: UTC+2. 2026-07-03 is a Friday; 22:30 UTC is already Saturday 00:30 in Paris.
    expect(paris(Date.UTC(2026, 6, 3, 22, 30))).toEqual({ day: SAT, minute: 30 });
    expect(createLocalClock('UTC')(Date.UTC(2026, 6, 3, 22, 30))).toEqual({ day: FRI, minute: 22 * 60 + 30 });
  });
});

describe('scheduled rules', () => {
  const camera = cameraSchema.parse({
    id: 'cam',
    source: 'x.mp4',
    zones: [{ id: 'parking', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }],
    rules: [{ id: 'night', type: 'intrusion', zone: 'parking', min_duration_s: 0, schedule: [{ days: ['mon'], from: '22:00', to: '06:00' }] }],
  });
  const frame = (tSec: number, ids: number[]): TrackFrame => ({
    tSec,
    seq: Math.round(tSec),
    width: 100,
    height: 100,
    tracks: ids.map((id) => ({ id, box: [40, 40, 50, 60], score: 0.9, cls: 'person', matched: true, ageFrames: 10, velocity: [0, 0] })),
    endedTrackIds: [],
  });
  // Monday 2026-01-05, 21:59:00 Paris = 20:59 UTC.
  const t0 = Date.UTC(2026, 0, 5, 20, 59);
  const run = (minutes: readonly number[]): RuleSignal[][] => {
    const rules = createCameraRules(camera, { timeZone: 'Europe/Paris' });
    let state = rules.init();
    return minutes.map((m) => {
      const step = rules.evaluate(state, frame(m * 60, [7]), { wallMs: t0 + m * 60_000, scene: {} });
      state = step.state;
      return [...step.signals];
    });
  };

  it('raises nothing before the schedule starts, then raises from its first minute', () => {
    const [before, at, after] = run([0, 1, 2]);
    expect(before).toEqual([]);
    expect(at?.map((s) => s.kind)).toEqual(['situation.active']);
    expect(after?.map((s) => s.kind)).toEqual(['situation.active']);
  });

  it('ends open situations when the schedule ends (reason schedule) and stays quiet after', () => {
    // 06:00 on Tuesday is 8 h 01 min after 21:59 on Monday.
    const end = 8 * 60 + 1;
    const [, inside, atEnd, later] = run([0, end - 1, end, end + 1]);
    expect(inside?.map((s) => s.kind)).toEqual(['situation.active']);
    expect(atEnd).toEqual([expect.objectContaining({ kind: 'situation.ended', trackId: 7, reason: 'schedule' })]);
    expect(later).toEqual([]);
  });
});
