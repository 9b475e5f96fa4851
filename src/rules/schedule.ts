import { WEEKDAYS, type ScheduleSlot, type Weekday } from '../config/schema.js';

const MINUTES_PER_DAY = 24 * 60;

/** A moment of the local week: day (0 = Monday) and minute of the day. */
export interface LocalWeekTime {
  readonly day: number;
  readonly minute: number;
}

const dayIndex = (d: Weekday): number => WEEKDAYS.indexOf(d);
const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * True when `at` falls in one of the slots. A slot covers [from, to) on each of
 * its days; when `to` <= `from` it runs past midnight, so "fri 22:00-06:00" also
 * covers Saturday until 06:00.
 */
export function inSchedule(slots: readonly ScheduleSlot[], at: LocalWeekTime): boolean {
  for (const slot of slots) {
    const from = minutesOf(slot.from);
    const to = minutesOf(slot.to);
    for (const d of slot.days) {
      const day = dayIndex(d);
      if (to > from) {
        if (at.day === day && at.minute >= from && at.minute < to) return true;
      } else {
        if (at.day === day && at.minute >= from) return true;
        if (at.day === (day + 1) % 7 && at.minute < to) return true;
      }
    }
  }
  return false;
}

const SHORT_DAYS: Readonly<Record<string, number>> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/**
 * Converts wall time to local week time in `timeZone` (IANA name, DST included).
 * Results are cached per minute: schedules have minute resolution.
 */
export function createLocalClock(timeZone: string): (wallMs: number) => LocalWeekTime {
  const format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  let cachedMinute = Number.NaN;
  let cached: LocalWeekTime = { day: 0, minute: 0 };
  return (wallMs) => {
    const minute = Math.floor(wallMs / 60_000);
    if (minute === cachedMinute) return cached;
    const parts = format.formatToParts(wallMs);
    const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
    cached = { day: SHORT_DAYS[part('weekday')] ?? 0, minute: (Number(part('hour')) * 60 + Number(part('minute'))) % MINUTES_PER_DAY };
    cachedMinute = minute;
    return cached;
  };
}

/**
 * Converts wall time to the local calendar day "YYYY-MM-DD" in `timeZone`
 * (compared as strings against config dates). Cached per minute, as above.
 */
export function createLocalDate(timeZone: string): (wallMs: number) => string {
  const format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  let cachedMinute = Number.NaN;
  let cached = '';
  return (wallMs) => {
    const minute = Math.floor(wallMs / 60_000);
    if (minute === cachedMinute) return cached;
    const parts = format.formatToParts(wallMs);
    const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
    cached = `${part('year')}-${part('month')}-${part('day')}`;
    cachedMinute = minute;
    return cached;
  };
}
