/**
 * Linux /proc readings for the load benchmark: whole-machine CPU time, and the
 * CPU time and memory of this process's children (the cameras' ffmpeg). Parsers
 * are pure; the readers return null where /proc is not there (macOS).
 */
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Clock ticks per second of /proc/<pid>/stat times (USER_HZ). Linux fixes it at
 * 100 on every architecture Node runs on; Node has no sysconf(_SC_CLK_TCK).
 */
export const USER_HZ = 100;

/** Cumulative CPU time of the whole machine, in ticks, from the `cpu` line of /proc/stat. */
export interface MachineCpuTimes {
  /** Ticks spent doing anything but idle and I/O wait. */
  readonly busy: number;
  readonly total: number;
  /** CPUs listed (`cpuN` lines): the host's, also inside a container. */
  readonly cpus: number;
}

export function parseProcStat(text: string): MachineCpuTimes {
  const lines = text.split('\n');
  const total = lines.find((l) => /^cpu\s/.test(l));
  if (!total) throw new Error('/proc/stat has no "cpu" line');
  // user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is
  // already counted in user and nice, so only the first eight fields are summed.
  const fields = total.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 4 || fields.some((v) => !Number.isFinite(v))) throw new Error(`unexpected /proc/stat line: ${total}`);
  const sum = fields.reduce((s, v) => s + v, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: sum - idle, total: sum, cpus: lines.filter((l) => /^cpu\d+\s/.test(l)).length };
}

/** Share of the machine's CPU time that was busy between two readings, in [0, 1]. */
export function machineBusyRatio(before: MachineCpuTimes, after: MachineCpuTimes): number {
  const total = after.total - before.total;
  return total > 0 ? Math.min(1, Math.max(0, (after.busy - before.busy) / total)) : 0;
}

/** The fields of /proc/<pid>/stat the benchmark needs. */
export interface PidStat {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number;
  /** utime + stime of every thread of the process, in ticks (USER_HZ). */
  readonly cpuTicks: number;
}

export function parsePidStat(text: string): PidStat {
  // comm is in parentheses and may itself contain spaces and parentheses: split at the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`unexpected /proc/<pid>/stat: ${text.slice(0, 80)}`);
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (![ppid, utime, stime].every(Number.isFinite)) throw new Error(`unexpected /proc/<pid>/stat: ${text.slice(0, 80)}`);
  return { pid: Number(text.slice(0, open).trim()), comm: text.slice(open + 1, close), ppid, cpuTicks: utime + stime };
}

/** Resident memory from /proc/<pid>/status (`VmRSS:  1234 kB`), in KiB; null when absent (a zombie). */
export function parseVmRssKiB(statusText: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(statusText);
  return match ? Number(match[1]) : null;
}

export function readMachineCpu(): MachineCpuTimes | null {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** One child process at one reading. */
export interface ChildReading extends PidStat {
  readonly rssKiB: number;
}

/**
 * The direct children of `parentPid` (ffmpeg), with their CPU time and RSS; null
 * without /proc. Processes that end while /proc is read are skipped.
 */
export function readChildren(parentPid: number): ChildReading[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  const children: ChildReading[] = [];
  for (const pid of entries) {
    try {
      const stat = parsePidStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      if (stat.ppid !== parentPid) continue;
      children.push({ ...stat, rssKiB: parseVmRssKiB(readFileSync(`/proc/${pid}/status`, 'utf8')) ?? 0 });
    } catch {
      // Gone between the listing and the read, or not ours to read: not a child to count.
    }
  }
  return children;
}
