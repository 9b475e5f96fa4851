/**
 * Local calendar facts of an instant in an IANA time zone, through Intl (the
 * zone database of Node), so days of 23 h and 25 h around DST changes come out
 * right. Days are `YYYY-MM-DD` strings; weekday 0 is Monday.
 */
export interface LocalTime {
  readonly day: string;
  /** 0 = Monday ... 6 = Sunday. */
  readonly weekday: number;
  readonly hour: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local day, weekday and hour of `ms` (epoch milliseconds) in `timeZone`. */
export function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  return { day, weekday: weekdayOf(day), hour: Number(parts.hour) };
}

/** Weekday of a calendar day, 0 = Monday. */
export function weekdayOf(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** The calendar day `n` days after `day`. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The Monday of the ISO week of `day`. */
export function mondayOf(day: string): string {
  return addDays(day, -weekdayOf(day));
}

/** Every local day touched by [fromMs, toMs), in order (the day of `toMs` itself only when the range reaches into it). */
export function localDays(fromMs: number, toMs: number, timeZone: string): string[] {
  if (!(toMs > fromMs)) return [];
  const last = localTime(toMs - 1, timeZone).day;
  const days: string[] = [];
  for (let day = localTime(fromMs, timeZone).day; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Every Monday of the ISO weeks touched by [fromMs, toMs). */
export function localWeeks(fromMs: number, toMs: number, timeZone: string): string[] {
  return [...new Set(localDays(fromMs, toMs, timeZone).map(mondayOf))];
}

/** The instant (epoch ms) of local midnight starting `day` in `timeZone` (the first instant of that day). */
export function startOfLocalDay(day: string, timeZone: string): number {
  // Zones are at most 14 h from UTC: step by hours from 15 h before UTC midnight to the first hour of `day`, then back one and by minutes (zones with :30 offsets).
  let ms = Date.parse(`${day}T00:00:00Z`) - 15 * 3_600_000;
  while (localTime(ms, timeZone).day < day) ms += 3_600_000;
  ms -= 3_600_000;
  while (localTime(ms, timeZone).day < day) ms += 60_000;
  return ms;
}
