import { describe, expect, it } from 'vitest';
import { addDays, localDays, localTime, localWeeks, mondayOf, startOfLocalDay, weekdayOf } from '../../../src/reports/local-time.js';

const PARIS = 'Europe/Paris';
const at = (iso: string): number => Date.parse(iso);

describe('localTime', () => {
  it('gives the local day, weekday (Monday 0) and hour in winter and summer time', () => {
    expect(localTime(at('2026-01-15T23:30:00Z'), PARIS)).toEqual({ day: '2026-01-16', weekday: 4, hour: 0 }); // UTC+1: Friday 00:30
    expect(localTime(at('2026-07-14T21:59:00Z'), PARIS)).toEqual({ day: '2026-07-14', weekday: 1, hour: 23 }); // UTC+2: Tuesday 23:59
    expect(localTime(at('2026-07-14T22:00:00Z'), PARIS)).toEqual({ day: '2026-07-15', weekday: 2, hour: 0 });
  });

  it('follows the spring change (Sunday 29 March 2026: 02:00 becomes 03:00)', () => {
    expect(localTime(at('2026-03-29T00:59:59Z'), PARIS).hour).toBe(1);
    expect(localTime(at('2026-03-29T01:00:00Z'), PARIS).hour).toBe(3); // hour 2 does not exist that day
  });

  it('follows the autumn change (Sunday 25 October 2026: hour 2 happens twice)', () => {
    expect(localTime(at('2026-10-25T00:30:00Z'), PARIS)).toEqual({ day: '2026-10-25', weekday: 6, hour: 2 }); // UTC+2
    expect(localTime(at('2026-10-25T01:30:00Z'), PARIS)).toEqual({ day: '2026-10-25', weekday: 6, hour: 2 }); // UTC+1
  });
});

describe('local days', () => {
  /** Hours of `day` in `zone`: the UTC hours (on the hour) whose local day it is. */
  const hoursOf = (day: string, zone: string): number => {
    let n = 0;
    for (let ms = at(`${day}T00:00:00Z`) - 86_400_000; ms < at(`${day}T00:00:00Z`) + 2 * 86_400_000; ms += 3_600_000) if (localTime(ms, zone).day === day) n += 1;
    return n;
  };

  it('has a 23 h day in spring and a 25 h day in autumn, 24 h otherwise', () => {
    expect(hoursOf('2026-03-29', PARIS)).toBe(23);
    expect(hoursOf('2026-10-25', PARIS)).toBe(25);
    expect(hoursOf('2026-03-28', PARIS)).toBe(24);
    expect(hoursOf('2026-03-29', 'UTC')).toBe(24);
  });

  it('counts the local hours of a DST day once each, hour 2 missing in spring and twice in autumn', () => {
    const hours = (day: string): number[] => {
      const list: number[] = [];
      for (let ms = at(`${day}T00:00:00Z`) - 86_400_000; ms < at(`${day}T00:00:00Z`) + 86_400_000; ms += 3_600_000) {
        const t = localTime(ms, PARIS);
        if (t.day === day) list.push(t.hour);
      }
      return list;
    };
    expect(hours('2026-03-29')).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    expect(hours('2026-10-25')).toEqual([0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
  });

  it('finds local midnight as an instant, on DST days and in a half-hour zone', () => {
    expect(new Date(startOfLocalDay('2026-03-29', PARIS)).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(startOfLocalDay('2026-03-30', PARIS)).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(new Date(startOfLocalDay('2026-10-26', PARIS)).toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(new Date(startOfLocalDay('2026-01-01', 'Asia/Kolkata')).toISOString()).toBe('2025-12-31T18:30:00.000Z');
  });

  it('lists every local day a range touches, the end excluded', () => {
    // Paris midnight 28 March (23:00Z on the 27th) to Paris midnight 31 March (22:00Z on the 30th): 28, 29, 30.
    expect(localDays(at('2026-03-27T23:00:00Z'), at('2026-03-30T22:00:00Z'), PARIS)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    expect(localDays(at('2026-03-27T23:00:00Z'), at('2026-03-27T23:00:00Z'), PARIS)).toEqual([]);
  });

  it('names weeks by their Monday', () => {
    expect(weekdayOf('2026-03-29')).toBe(6);
    expect(mondayOf('2026-03-29')).toBe('2026-03-23');
    expect(mondayOf('2026-03-30')).toBe('2026-03-30');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(localWeeks(at('2026-03-27T23:00:00Z'), at('2026-03-30T22:00:00Z'), PARIS)).toEqual(['2026-03-23', '2026-03-30']);
  });
});
